#!/usr/bin/env node
// The long soak, for humans rather than CI: `npm run soak` (10 million commands, a few minutes) or
// `npm run soak -- 2000000`. It runs test/fault/soak.test.ts with a larger budget; besides the end-of-run
// checks it samples the heap after GC every 500 000 commands and fails if it creeps upward.
import { spawnSync } from 'node:child_process';

const commands = process.argv[2] ?? '10000000';
if (!/^\d+$/.test(commands)) {
  console.error(`usage: npm run soak [-- <commands>]   (got ${JSON.stringify(commands)})`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['scripts/run-tests.mjs', 'test/fault/soak.test.ts', '--test-timeout=0'], {
  stdio: 'inherit',
  env: { ...process.env, RESPOOL_SOAK_COMMANDS: commands, RESPOOL_SOAK_ROUND: '500000' },
});
process.exit(result.status ?? 1);
