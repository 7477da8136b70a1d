/**
 * Keeps the layers honest: every import under src/ must follow an edge listed here.
 * resp, pool, errors and internal know nothing above them; connection knows resp; commands is pure data;
 * client composes; cluster builds on client; cli and the integrations sit on top.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** layer → layers it may import (itself always allowed). */
const ALLOWED: Record<string, string[]> = {
  errors: [],
  internal: ['errors'],
  resp: ['errors', 'internal'],
  pool: ['errors', 'internal'],
  connection: ['errors', 'internal', 'resp'],
  commands: ['errors', 'resp'],
  options: ['errors', 'resp', 'pool'],
  cache: ['errors', 'internal', 'resp', 'commands'],
  client: ['errors', 'internal', 'resp', 'pool', 'connection', 'commands', 'options', 'cache'],
  cluster: ['errors', 'internal', 'resp', 'pool', 'commands', 'options', 'client'],
  compat: ['errors', 'resp', 'commands', 'options', 'client'],
  otel: ['errors', 'client', 'commands', 'pool', 'index'],
  prometheus: ['errors', 'client', 'pool', 'cache', 'index'],
  cli: ['errors', 'internal', 'client', 'commands', 'options', 'pool', 'resp', 'index'],
  index: ['*'],
};

function layerOf(file: string): string {
  const rel = path.relative(SRC, file);
  const first = rel.split(path.sep)[0]!;
  if (first.endsWith('.ts')) {
    const base = first.replace(/\.ts$/, '');
    return base.startsWith('options') ? 'options' : base;
  }
  return first;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) yield* sourceFiles(full);
    else if (full.endsWith('.ts')) yield full;
  }
}

test('imports under src/ follow the layer rules', () => {
  const violations: string[] = [];
  let edges = 0;
  for (const file of sourceFiles(SRC)) {
    const from = layerOf(file);
    const allowed = ALLOWED[from];
    assert.ok(allowed !== undefined, `no layer rule for ${path.relative(SRC, file)}`);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/gm)) {
      const target = path.resolve(path.dirname(file), match[1]!.replace(/\.js$/, '.ts'));
      const to = layerOf(target);
      edges++;
      if (to !== from && !allowed.includes(to) && !allowed.includes('*')) {
        violations.push(`${path.relative(SRC, file)} (${from}) imports ${match[1]} (${to})`);
      }
    }
  }
  assert.ok(edges > 50, 'the scan found the imports');
  assert.deepEqual(violations, []);
});
