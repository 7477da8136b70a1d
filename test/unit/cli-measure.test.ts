import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recommend } from '../../src/cli/advise.js';
import { checkOptions, checkServer } from '../../src/cli/checks.js';
import { histogramChart } from '../../src/cli/format.js';
import { LatencyHistogram } from '../../src/cli/measure.js';
import { resolveClientOptions } from '../../src/options.js';

/** A deterministic pseudo-random stream (xorshift), so failures reproduce. */
function* randoms(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    yield (x >>> 0) / 2 ** 32;
  }
}

test('histogram percentiles stay within 2 % of the exact ones over a wide range', () => {
  const hist = new LatencyHistogram();
  const values: number[] = [];
  const rnd = randoms(42);
  for (let i = 0; i < 20_000; i++) {
    // Log-uniform from 10 µs to 100 ms, like real latencies with a long tail.
    const v = 10 * 10 ** (4 * rnd.next().value!);
    values.push(v);
    hist.record(v);
  }
  values.sort((a, b) => a - b);
  for (const p of [1, 50, 90, 99, 99.9]) {
    const exact = values[Math.ceil((p / 100) * values.length) - 1]!;
    const got = hist.percentile(p);
    assert.ok(Math.abs(got - exact) / exact < 0.02, `p${p}: ${got} vs ${exact}`);
  }
  assert.equal(hist.count, 20_000);
  assert.equal(hist.min, values[0]);
  assert.equal(hist.max, values[values.length - 1]);
  assert.equal(hist.percentile(100), hist.max);
  const total = hist.ranges().reduce((a, r) => a + r.count, 0);
  assert.equal(total, 20_000);
});

test('histogram: empty, merge and reset', () => {
  const a = new LatencyHistogram();
  assert.ok(Number.isNaN(a.percentile(50)));
  assert.deepEqual(a.ranges(), []);
  assert.equal(histogramChart(a), '  (no samples)');
  a.record(100);
  const b = new LatencyHistogram();
  b.record(1000);
  b.record(0.2); // below 1 µs counts as 1 µs
  a.merge(b);
  assert.equal(a.count, 3);
  assert.equal(a.min, 1);
  assert.equal(a.max, 1000);
  assert.ok(Math.abs(a.percentile(50) - 100) / 100 < 0.02);
  const chart = histogramChart(a, 10);
  assert.match(chart, /│█+ +33\.3% {2}1$/m);
  a.reset();
  assert.equal(a.count, 0);
});

test("recommend: Little's law sizes the pool from the target rate and the round-trip time", () => {
  const r = recommend({
    targetOps: 50_000,
    rttP50Us: 200,
    rttP99Us: 800,
    measuredOps: 200_000,
    measuredCallers: 64,
    meanBusyConns: 4,
    loadP99Us: 2000,
    serverIdleTimeoutS: 300,
  });
  assert.equal(r.inFlight, 10); // 50 000/s × 0.2 ms
  assert.equal(r.poolSize, 20);
  assert.equal(r.minIdleConns, 10);
  assert.equal(r.readTimeout, 1000); // 20 × 2 ms = 40 ms, floored at 1 s
  assert.equal(r.poolTimeout, 2000);
  assert.equal(r.connMaxIdleTime, 240_000);
  assert.equal(r.saturated, false);
  assert.ok(Math.abs(r.inFlightBatched - 1) < 1e-9); // 4 conns / 200k ops/s = 20 µs per command
  assert.equal(r.reasoning.length, 3);

  const tiny = recommend({ ...baseInputs(), targetOps: 100, serverIdleTimeoutS: 0 });
  assert.equal(tiny.poolSize, 4);
  assert.equal(tiny.minIdleConns, 1);
  assert.equal(tiny.connMaxIdleTime, null);
  const slow = recommend({ ...baseInputs(), loadP99Us: 120_000 });
  assert.equal(slow.readTimeout, 2400);
  assert.equal(recommend({ ...baseInputs(), targetOps: 190_000 }).saturated, true);
});

function baseInputs() {
  return {
    targetOps: 1000,
    rttP50Us: 100,
    rttP99Us: 300,
    measuredOps: 200_000,
    measuredCallers: 64,
    meanBusyConns: 2,
    loadP99Us: 1000,
    serverIdleTimeoutS: null,
  };
}

test('doctor checks: each rule fires on its case only', () => {
  const codes = (o: Parameters<typeof resolveClientOptions>[0]) =>
    checkOptions(resolveClientOptions(o)).map((f) => f.code);
  assert.deepEqual(codes({}), []);
  assert.deepEqual(codes({ poolTimeout: 100 }), ['pool-timeout-below-read-timeout']);
  assert.deepEqual(codes({ readTimeout: 0 }), ['no-read-timeout']);
  assert.deepEqual(codes({ connMaxLifetime: 5000 }), ['short-lifetime']);
  assert.deepEqual(codes({ blockingPoolSize: 0 }), ['no-blocking-pool']);
  assert.deepEqual(codes({ poolSize: 10, maxActiveConns: 5 }), ['max-active-below-pool-size']);

  const o = resolveClientOptions({ poolSize: 50, connMaxIdleTime: 60_000 });
  const server = (idleTimeoutS: number, maxClients: number, connectedClients: number) =>
    checkServer(o, { idleTimeoutS, maxClients, connectedClients }).map((f) => f.code);
  assert.deepEqual(server(0, 10_000, 1), []);
  assert.deepEqual(server(120, 10_000, 1), []);
  assert.deepEqual(server(60, 10_000, 1), ['server-closes-idle-first']);
  assert.deepEqual(server(0, 40, 1), ['maxclients-headroom']);
  assert.deepEqual(server(0, 1000, 1), ['maxclients-blocking-headroom']);
});
