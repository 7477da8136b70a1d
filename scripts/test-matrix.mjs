#!/usr/bin/env node
// The server matrix: runs the integration and fault suites once per server, with that server's
// redis-server/redis-cli/redis-sentinel first on PATH, and prints a summary. Exit 1 if any run fails.
//
//   npm run test:matrix                         # Redis 7.4.1 and Valkey 8.0.1 (what CI runs)
//   npm run test:matrix -- redis-6.2.16         # any server build.sh knows
//
// Servers come from ../shared/servers/build.sh (beside the repository; RESPOOL_SERVERS overrides the
// folder), which builds each one once into a cache and prints the folder holding its binaries.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_SERVERS = ['redis-7.4.1', 'valkey-8.0.1'];
const SUITES = ['test/integration', 'test/fault'];

const serversDir = path.resolve(ROOT, process.env.RESPOOL_SERVERS ?? '../shared/servers');
const buildScript = path.join(serversDir, 'build.sh');
if (!existsSync(buildScript)) {
  console.error(`test:matrix: no ${buildScript}; set RESPOOL_SERVERS to the folder holding build.sh`);
  process.exit(2);
}
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));

const results = [];
for (const name of names.length ? names : DEFAULT_SERVERS) {
  const build = spawnSync('bash', [buildScript, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = build.stdout.trim().split('\n').pop() ?? '';
  if (build.status !== 0 || !existsSync(path.join(bin, 'redis-server'))) {
    console.error(`test:matrix: building ${name} failed`);
    results.push({ name, version: '(not built)', ok: false, counts: {}, seconds: 0 });
    continue;
  }
  const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
  const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8', env }).stdout.trim();
  const rule = '='.repeat(100);
  console.log(`\n${rule}\n== ${name}: ${SUITES.join(' ')}\n== ${version}\n${rule}`);
  const started = Date.now();
  const { code, counts } = await runSuites(env);
  const seconds = (Date.now() - started) / 1000;
  results.push({ name, version, ok: code === 0, counts, seconds });
  console.log(`== ${name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds.toFixed(0)} s`);
}

console.log('\nserver matrix (integration + fault suites):');
for (const r of results) {
  const c = r.counts;
  const tally = `tests ${c.tests ?? '?'}, pass ${c.pass ?? '?'}, fail ${c.fail ?? '?'}, skipped ${c.skipped ?? '?'}`;
  console.log(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(14)} ${tally}, ${r.seconds.toFixed(0)} s`);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);

/** Runs the suites, echoing their output, and reads the runner's closing tally (TAP `# pass 3` or spec `ℹ pass 3`). */
function runSuites(env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/run-tests.mjs'), ...SUITES, ...passThrough], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const counts = {};
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^(?:#|ℹ) (tests|pass|fail|skipped|cancelled) (\d+)\s*$/.exec(line);
        if (m) counts[m[1]] = Number(m[2]);
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, counts }));
  });
}
