#!/usr/bin/env node
// Runs every test file under test/ (or the folders/files given) with node's test runner and tsx.
// Node 20's runner does not expand globs, so the file list is built here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = [];
function walk(p) {
  if (statSync(p).isDirectory()) {
    // node_modules: test/types links the package there, back to this checkout.
    for (const entry of readdirSync(p).sort()) if (entry !== 'node_modules') walk(path.join(p, entry));
  } else if (/\.test\.ts$/.test(p)) files.push(p);
}
for (const root of roots.length ? roots : ['test']) walk(root);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--expose-gc',
    '--test',
    '--test-concurrency=2',
    '--test-timeout=120000',
    ...passThrough,
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
