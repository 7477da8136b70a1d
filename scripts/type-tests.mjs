#!/usr/bin/env node
// Compile-only type tests (test/types) against the built declarations, with the oldest TypeScript we support
// (5.0, installed as the `typescript-5.0` alias) and the latest 5.x, all at once. Needs dist/ (npm run build).
// The compilers are named by path: `npx tsc` may resolve to either package, as both ship a `tsc` bin.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
if (!existsSync(new URL('../dist/index.d.ts', import.meta.url))) {
  console.error('type tests: dist/index.d.ts is missing; run `npm run build` first.');
  process.exit(1);
}
// node10 resolution has no self-reference by package name: give it the package as a dependency would be
// installed (a git-ignored link test/types/node_modules/respool to this checkout).
const link = new URL('../test/types/node_modules/respool', import.meta.url);
if (!existsSync(link)) {
  mkdirSync(new URL('.', link), { recursive: true });
  symlinkSync('../../..', link, 'dir');
}

const compilers = ['typescript-5.0', 'typescript'].map((name) => ({
  name,
  version: require(`${name}/package.json`).version,
  tsc: require.resolve(`${name}/lib/tsc.js`),
}));

// An application's strict ESM settings with both compilers; a CommonJS project on the old node10 resolution
// (subpaths through typesVersions) with the oldest.
const runs = [
  ...compilers.map((compiler) => ({ ...compiler, project: 'test/types/tsconfig.json' })),
  { ...compilers[0], project: 'test/types/tsconfig.node10.json' },
];

function check({ version, tsc, project }) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', project], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ version, project, ok: code === 0, output }));
  });
}

const results = await Promise.all(runs.map(check));
for (const r of results) {
  console.log(`type tests (${r.project}) with TypeScript ${r.version}: ${r.ok ? 'ok' : 'FAILED'}`);
  if (!r.ok) console.log(r.output);
}
process.exit(results.every((r) => r.ok) ? 0 : 1);
