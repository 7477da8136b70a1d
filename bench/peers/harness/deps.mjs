// The peers are dependencies of bench/package.json only (not of the library), so a
// fresh clone has no bench/node_modules: install them from bench/package-lock.json
// the first time the bench runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_DIR } from './paths.mjs';

function missingPackages() {
  const pkg = JSON.parse(readFileSync(path.join(BENCH_DIR, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  return names.filter((name) => !existsSync(path.join(BENCH_DIR, 'node_modules', name, 'package.json')));
}

/** Runs `npm ci` in bench/ (quietly) when any bench dependency is missing. Throws on failure. */
export function ensureBenchDeps(log) {
  const missing = missingPackages();
  if (missing.length === 0) return;
  log(`# installing bench dependencies (missing: ${missing.join(', ')}) with npm ci in bench/ ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: BENCH_DIR,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`npm ci in ${BENCH_DIR} failed (exit ${result.status}): ${result.stderr || result.error}`);
  }
  const still = missingPackages();
  if (still.length) throw new Error(`bench dependencies still missing after npm ci: ${still.join(', ')}`);
}
