// Number formatting and tiny statistics shared by the report and the console output.

export function median(xs) {
  const a = xs.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!a.length) return NaN;
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** 1234567 -> 1.23M, 164000 -> 164k, 9000 -> 9.0k, 43 -> 43 */
export function fmtOps(x) {
  if (!Number.isFinite(x)) return '–';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(0)}k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

/** Microseconds, switching to ms above 1 ms. */
export function fmtUs(us) {
  if (!Number.isFinite(us)) return '–';
  if (us >= 10_000) return `${(us / 1000).toFixed(0)}ms`;
  if (us >= 1000) return `${(us / 1000).toFixed(1)}ms`;
  return `${us.toFixed(0)}µs`;
}

export function fmtNum(x, digits = 1) {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}

/** Two decimals for ratios near 1, significant digits for tiny ones (W5: 0.0012). */
export function fmtRatio(r) {
  if (r === Infinity) return '∞'; // the best peer did 0 (e.g. W5 in a short window)
  if (!Number.isFinite(r)) return '–';
  if (r === 0 || r >= 0.095) return `${r.toFixed(2)}x`;
  return `${r.toPrecision(2)}x`;
}

/** Generic number for tables of unknown meaning (codec/pool results). */
export function fmtAny(x) {
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) || Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return String(Number(x.toPrecision(3)));
}

export function fmtBytes(b) {
  if (!Number.isFinite(b)) return '–';
  if (Math.abs(b) >= 1024 * 1024) return `${(b / 1048576).toFixed(1)} MB`;
  if (Math.abs(b) >= 1024) return `${(b / 1024).toFixed(1)} KB`;
  return `${b.toFixed(0)} B`;
}

/** Markdown table from a header row and body rows. */
export function mdTable(header, rows, align) {
  const a = align ?? header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [`| ${header.join(' | ')} |`, `|${a.join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
