/** Number formatting and text layout shared by the CLI commands (the same units as the benchmark's report). */
import type { LatencyHistogram } from './measure.js';

/** 1234567 -> 1.23M, 164000 -> 164k, 9000 -> 9.0k, 43 -> 43 */
export function fmtOps(x: number): string {
  if (!Number.isFinite(x)) return '–';
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(0)}k`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

/** Microseconds, switching to ms from 1 ms and to s from 10 s. */
export function fmtUs(us: number): string {
  if (!Number.isFinite(us)) return '–';
  if (us >= 10_000_000) return `${(us / 1e6).toFixed(1)}s`;
  if (us >= 10_000) return `${(us / 1000).toFixed(0)}ms`;
  if (us >= 1000) return `${(us / 1000).toFixed(1)}ms`;
  return `${us.toFixed(0)}µs`;
}

export function fmtMs(ms: number): string {
  return fmtUs(ms * 1000);
}

/** 1523456 -> 1,523,456 */
export function fmtInt(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–';
}

export function fmtBytes(b: number): string {
  if (!Number.isFinite(b)) return '–';
  if (Math.abs(b) >= 1024 * 1024) return `${(b / 1048576).toFixed(1)} MB`;
  if (Math.abs(b) >= 1024) return `${(b / 1024).toFixed(1)} KB`;
  return `${b.toFixed(0)} B`;
}

/** Seconds of a duration option, for messages: 1500 -> '1.5 s', 1800000 -> '30 min'. */
export function fmtDuration(ms: number): string {
  if (ms === 0) return '0 (off)';
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(1))} s`;
  return `${ms} ms`;
}

/** Rows of label/value pairs, labels padded to one column. */
export function keyValueTable(rows: readonly (readonly [string, string])[], indent = '  '): string {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join('\n');
}

/** A table with a header row; the first column left-aligned, the others right-aligned. */
export function columns(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent +
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** An ASCII bar chart of a latency histogram: one row per power-of-two range, bars scaled to the fullest. */
export function histogramChart(hist: LatencyHistogram, barWidth = 40): string {
  const ranges = hist.ranges();
  if (ranges.length === 0) return '  (no samples)';
  const peak = Math.max(...ranges.map((r) => r.count));
  const labels = ranges.map((r) => `${fmtUs(r.fromUs)} – ${fmtUs(r.toUs)}`);
  const labelWidth = Math.max(...labels.map((l) => l.length));
  return ranges
    .map((r, i) => {
      const share = (r.count / hist.count) * 100;
      const cells = peak === 0 ? 0 : (r.count / peak) * barWidth;
      // A range with any sample shows at least a sliver, so rare slow ranges stay visible.
      const bar = r.count > 0 ? '█'.repeat(Math.max(1, Math.round(cells))) : '';
      return `  ${labels[i]!.padStart(labelWidth)} │${bar.padEnd(barWidth)} ${share.toFixed(1).padStart(5)}%  ${fmtInt(r.count)}`;
    })
    .join('\n');
}

/** Writes a live status line: refreshed in place on a terminal, one plain line per call otherwise. */
export class StatusLine {
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  get isTTY(): boolean {
    return this.stream.isTTY === true;
  }

  update(text: string): void {
    if (this.isTTY) {
      const columnsAvailable = this.stream.columns > 0 ? this.stream.columns - 1 : text.length;
      this.stream.write(`\r\x1b[2K${text.slice(0, columnsAvailable)}`);
      this.shown = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  /** Ends the in-place line so what follows starts on a fresh line. */
  done(): void {
    if (this.shown) this.stream.write('\n');
    this.shown = false;
  }
}
