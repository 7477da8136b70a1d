// The in-process micro-benches other helpers own: bench/codec.mjs exports
// runCodecBench({ quick }) and bench/pool.mjs runPoolBench({ quick }), each
// returning a plain object of numbers (possibly nested one level). This file
// loads them when present and renders whatever they return as tables, so the
// harness does not need to know their fields.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR } from './harness/paths.mjs';
import { fmtAny, mdTable } from './format.mjs';

export const LOCAL_BENCHES = [
  { id: 'codec', title: 'Codec (RESP decoder vs redis-parser)', file: 'codec.mjs', fn: 'runCodecBench' },
  { id: 'pool', title: 'Pool micro-bench', file: 'pool.mjs', fn: 'runPoolBench' },
];

/** Resolves { id, title, ok, skipped?, result?, error?, seconds }. Never throws. */
export async function runLocalBench(bench, quick) {
  const file = path.join(BENCH_DIR, bench.file);
  if (!existsSync(file))
    return { id: bench.id, title: bench.title, ok: false, skipped: `bench/${bench.file} not present` };
  const t0 = Date.now();
  try {
    const mod = await import(pathToFileURL(file).href);
    if (typeof mod[bench.fn] !== 'function') throw new Error(`bench/${bench.file} does not export ${bench.fn}()`);
    const result = await mod[bench.fn]({ quick });
    return { id: bench.id, title: bench.title, ok: true, result, seconds: (Date.now() - t0) / 1000 };
  } catch (e) {
    return {
      id: bench.id,
      title: bench.title,
      ok: false,
      error: String(e?.stack ?? e),
      seconds: (Date.now() - t0) / 1000,
    };
  }
}

const isPlainObject = (x) => x !== null && typeof x === 'object' && !Array.isArray(x);

/**
 * Markdown for a plain result object: top-level scalars as a metric/value table;
 * top-level entries that are objects (cases) as one table with a row per case and
 * a column per field, nested fields flattened to dotted names (respool.mbPerSec).
 */
export function renderPlainObject(obj) {
  if (!isPlainObject(obj)) return '```\n' + JSON.stringify(obj, null, 1) + '\n```';
  const scalars = [];
  const cases = [];
  for (const [key, value] of Object.entries(obj)) {
    if (isPlainObject(value)) cases.push([key, Object.fromEntries(flatten(value, ''))]);
    else scalars.push([key, value]);
  }
  const parts = [];
  if (cases.length) {
    const columns = [...new Set(cases.flatMap(([, v]) => Object.keys(v)))];
    const rows = cases.map(([k, v]) => [k, ...columns.map((c) => (c in v ? fmtValue(v[c]) : '–'))]);
    parts.push(mdTable(['', ...columns], rows));
  }
  if (scalars.length)
    parts.push(
      mdTable(
        ['metric', 'value'],
        scalars.map(([k, v]) => [k, fmtValue(v)]),
      ),
    );
  return parts.join('\n\n');
}

function fmtValue(v) {
  return Array.isArray(v) ? v.map(fmtAny).join(', ') : fmtAny(v);
}

function flatten(obj, prefix) {
  const out = [];
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v)) out.push(...flatten(v, name));
    else out.push([name, v]);
  }
  return out;
}

export function renderLocalBench(r) {
  if (r.skipped) return `_skipped: ${r.skipped}_`;
  if (!r.ok) return `**FAILED**: \`${r.error.split('\n')[0]}\``;
  return renderPlainObject(r.result);
}
