/**
 * The measuring code of `respool load` and `respool advise`, the same method as the benchmark in
 * bench/peers (closed-loop callers: await one operation, record its latency, repeat; a failing
 * operation is counted and yields a turn of the event loop so it never spins), with a latency
 * histogram of our own so the CLI needs no histogram package at run time.
 *
 *   created ──start()──▶ running ──stop()──▶ stopped (callers drained; results final)
 */
import { performance } from 'node:perf_hooks';

/** Sub-buckets per power of two: bucket width is 1/64 of its range (≈1.6 %), like 2 significant digits of HDR. */
const SUB_BUCKETS = 64;
const MAX_EXPONENT = 40; // 2^40 µs ≈ 12.7 days: nothing a latency histogram needs beyond

/** A log-linear histogram of latencies in microseconds: constant memory, mergeable, ≈1.6 % precision. */
export class LatencyHistogram {
  private readonly counts = new Float64Array((MAX_EXPONENT + 1) * SUB_BUCKETS);
  count = 0;
  sum = 0;
  min = Infinity;
  max = 0;

  record(us: number): void {
    const value = us < 1 ? 1 : us;
    this.counts[bucketIndex(value)]!++;
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** The latency at percentile p (0–100): the upper edge of the bucket holding it, clamped to the exact min/max. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketUpperEdge(i)));
    }
    return this.max;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = 0;
  }

  /** Counts per power-of-two range of µs, from the minimum's range to the maximum's (empty ranges between kept). */
  ranges(): { fromUs: number; toUs: number; count: number }[] {
    if (this.count === 0) return [];
    const first = exponentOf(this.min);
    const last = exponentOf(this.max);
    const out: { fromUs: number; toUs: number; count: number }[] = [];
    for (let e = first; e <= last; e++) {
      let count = 0;
      for (let s = 0; s < SUB_BUCKETS; s++) count += this.counts[e * SUB_BUCKETS + s]!;
      out.push({ fromUs: e === 0 ? 0 : 2 ** e, toUs: 2 ** (e + 1), count });
    }
    return out;
  }

  /** Percentiles and extremes, rounded to 0.1 µs (finer digits are noise). */
  summary(): LatencySummary {
    const r = (us: number) => Math.round(us * 10) / 10;
    return {
      count: this.count,
      minUs: this.count === 0 ? NaN : r(this.min),
      p50Us: r(this.percentile(50)),
      p90Us: r(this.percentile(90)),
      p99Us: r(this.percentile(99)),
      p999Us: r(this.percentile(99.9)),
      maxUs: this.count === 0 ? NaN : r(this.max),
      meanUs: r(this.mean),
    };
  }
}

export interface LatencySummary {
  count: number;
  minUs: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  meanUs: number;
}

function exponentOf(value: number): number {
  return Math.min(MAX_EXPONENT, Math.floor(Math.log2(value)));
}

function bucketIndex(value: number): number {
  const e = exponentOf(value);
  const sub = Math.min(SUB_BUCKETS - 1, Math.floor((value / 2 ** e - 1) * SUB_BUCKETS));
  return e * SUB_BUCKETS + sub;
}

function bucketUpperEdge(index: number): number {
  const e = Math.floor(index / SUB_BUCKETS);
  const sub = index % SUB_BUCKETS;
  return 2 ** e * (1 + (sub + 1) / SUB_BUCKETS);
}

/** One operation of a caller; resolves to how many commands it carried (a pipeline of P counts P). */
export type Operation = (callerIndex: number) => Promise<number>;

export interface CallerGroup {
  name: string;
  callers: number;
  op: Operation;
}

/** What one group did: cumulative, plus the latencies since the last `takeInterval`. */
export class GroupMeter {
  readonly total = new LatencyHistogram();
  readonly interval = new LatencyHistogram();
  calls = 0;
  commands = 0;
  errors = 0;
  /** Error messages by count, capped at a few distinct ones. */
  readonly errorSamples = new Map<string, number>();
  constructor(readonly group: CallerGroup) {}

  recordError(err: unknown): void {
    this.errors++;
    const message = err instanceof Error ? err.message : String(err);
    const known = this.errorSamples.get(message);
    if (known !== undefined) this.errorSamples.set(message, known + 1);
    else if (this.errorSamples.size < 5) this.errorSamples.set(message, 1);
  }
}

/** Runs caller groups in closed loops until stopped. Group 0 is the one whose numbers are headlined. */
export class LoadDriver {
  readonly meters: GroupMeter[];
  private stopping = false;
  private tasks: Promise<void>[] = [];
  private startedAt = 0;
  private stoppedAt = 0;

  constructor(groups: CallerGroup[]) {
    this.meters = groups.map((g) => new GroupMeter(g));
  }

  start(): void {
    this.startedAt = performance.now();
    for (const meter of this.meters) {
      for (let i = 0; i < meter.group.callers; i++) this.tasks.push(this.caller(meter, i));
    }
  }

  /** Seconds since start (frozen at stop). */
  get elapsedS(): number {
    const end = this.stoppedAt === 0 ? performance.now() : this.stoppedAt;
    return this.startedAt === 0 ? 0 : (end - this.startedAt) / 1000;
  }

  get stopped(): boolean {
    return this.stopping;
  }

  /** Ends the loops: no caller starts a new operation; waits for the ones in flight (up to `graceMs`). */
  async stop(graceMs = 2000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stoppedAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled(this.tasks), grace]);
    clearTimeout(timer);
  }

  private async caller(meter: GroupMeter, index: number): Promise<void> {
    const op = meter.group.op;
    while (!this.stopping) {
      const t0 = performance.now();
      let commands: number;
      try {
        commands = await op(index);
      } catch (err) {
        if (this.stopping) return;
        meter.recordError(err);
        await new Promise((resolve) => setImmediate(resolve)); // never spin on a failing operation
        continue;
      }
      if (this.stopping) return; // an operation that ended after the window does not count
      const us = (performance.now() - t0) * 1000;
      meter.total.record(us);
      meter.interval.record(us);
      meter.calls++;
      meter.commands += commands;
    }
  }
}

/** Sequential round trips of `op` (e.g. PING), `count` recorded after a short warm-up: the unloaded latency. */
export async function measureRoundTrips(op: () => Promise<unknown>, count: number): Promise<LatencySummary> {
  const hist = new LatencyHistogram();
  // Warm-up round trips (not recorded): the first calls pay for the dial and for compiling the send path.
  for (let i = 0; i < 10; i++) await op();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await op();
    hist.record((performance.now() - t0) * 1000);
  }
  return hist.summary();
}

/** Samples a number every `everyMs` while running and keeps its time-weighted mean and its peak. */
export class GaugeSampler {
  private sum = 0;
  private samples = 0;
  peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly read: () => number) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    const value = this.read();
    this.sum += value;
    this.samples++;
    if (value > this.peak) this.peak = value;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get mean(): number {
    return this.samples === 0 ? 0 : this.sum / this.samples;
  }
}
