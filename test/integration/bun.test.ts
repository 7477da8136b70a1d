/**
 * respool under Bun (the `bun` dev dependency ships the binary): the README's quick start and a smoke test of
 * commands, pipeline, transaction, binary values, a blocking command, pub/sub and close, against the built
 * package. Skipped, saying why, where the bun package has no binary for this platform.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, runChild } from '../helpers/packed.js';
import { RedisServer } from '../helpers/redis-server.js';

const BUN = path.join(ROOT, 'node_modules', '.bin', 'bun');
const skip = existsSync(BUN)
  ? false
  : 'the bun binary is not installed (npm ci installs it where bun supports the platform)';

let server: RedisServer;
before(async () => {
  if (skip !== false) return;
  assert.ok(
    existsSync(path.join(ROOT, 'dist/index.js')),
    'dist/ is missing: run `npm run build` first (npm test does)',
  );
  server = await RedisServer.start();
});
after(() => server?.stop());

test('the smoke test passes under Bun', { skip }, async () => {
  const run = await runChild(BUN, ['test/bun/smoke.mjs'], {
    cwd: ROOT,
    env: { REDIS_PORT: String(server.port) },
  });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split('\n'), [
    'runtime bun',
    'get v',
    'incr 1,2,3',
    'pipeline v 4 WRONGTYPE',
    'multi OK true',
    'buffer true',
    'blpop job',
    'pubsub hello',
    'require true',
    'closed true',
  ]);
});

test("the README's quick start runs under Bun", { skip }, async () => {
  const run = await runChild(BUN, ['examples/quickstart.mjs'], { cwd: ROOT, env: { REDIS_URL: server.url } });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^PING -> PONG\nGET {2}-> world\nINCR -> \d+\n/);
});

test('under Bun too, a script that forgets close() exits by itself', { skip }, async () => {
  const source = `
    import { createClient } from 'respool';
    const client = createClient({ port: Number(process.env.REDIS_PORT) });
    await client.set('bun:exit', 'v');
    console.log(await client.get('bun:exit'));
  `;
  const run = await runChild(BUN, ['-e', source], { cwd: ROOT, env: { REDIS_PORT: String(server.port) } });
  assert.equal(run.signal, null, 'the script did not exit by itself (killed after 30 s)');
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'v');
});
