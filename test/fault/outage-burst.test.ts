/**
 * Issue 15, point 2: a burst of commands issued while the server is down does not become a retry storm.
 * While the dial gate is failing, retries wait for it (bounded by poolTimeout) instead of spending their
 * attempts at once; when the server is back they go out together. Asserted: counts (almost nothing fails
 * after the server is ready; every call settles; the pool's books balance). Printed: the figures the issue
 * quotes (failures after ready, first success after ready, longest event-loop stall, peak RSS).
 */
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { createClient, type RedisClient } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
let client: RedisClient;
before(async () => {
  server = await RedisServer.start();
  client = createClient({ url: server.url, poolSize: 20 });
});
after(async () => {
  await client.close();
  await server.stop();
});

const BURSTS = Number(process.env.OUTAGE_BURSTS ?? 20);
const PER_BURST = Number(process.env.OUTAGE_PER_BURST ?? 1000);
const BURST_EVERY_MS = 75;

test(`${BURSTS * PER_BURST} SETs issued during an outage: almost none fail after the server is back`, async () => {
  assert.equal(await client.ping(), 'PONG');
  await server.kill();
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  let peakRss = process.memoryUsage().rss;
  const outcomes: { ok: boolean; at: number }[] = [];
  const calls: Promise<void>[] = [];
  const started = performance.now();
  for (let burst = 0; burst < BURSTS; burst++) {
    for (let i = 0; i < PER_BURST; i++) {
      const n = burst * PER_BURST + i;
      calls.push(
        client.set(`outage:${n % 100}`, String(n)).then(
          () => void outcomes.push({ ok: true, at: performance.now() }),
          () => void outcomes.push({ ok: false, at: performance.now() }),
        ),
      );
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await new Promise((resolve) => setTimeout(resolve, BURST_EVERY_MS));
  }
  await server.restart();
  const readyAt = performance.now();
  await Promise.all(calls);
  stalls.disable();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const total = BURSTS * PER_BURST;
  const failedAfterReady = outcomes.filter((o) => !o.ok && o.at > readyAt).length;
  const succeeded = outcomes.filter((o) => o.ok);
  const firstSuccess = Math.min(...succeeded.map((o) => o.at));
  console.log(
    `outage burst: ${total} SETs over ${(readyAt - started).toFixed(0)} ms down; ` +
      `${succeeded.length} succeeded, ${total - succeeded.length} failed, ${failedAfterReady} of them after ready; ` +
      `first success ${(firstSuccess - readyAt).toFixed(0)} ms after ready; ` +
      `longest event-loop stall ${(stalls.max / 1e6).toFixed(0)} ms; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`,
  );
  assert.equal(outcomes.length, total, 'every call settled');
  assert.ok(failedAfterReady <= total / 100, `${failedAfterReady} failed after the server was ready (at most 1%)`);
  assert.ok(succeeded.length > 0);
  const stats = client.poolStats();
  assert.equal(stats.inUse, 0);
  assert.equal(stats.turnsInUse, 0);
  assert.ok(stats.totalConns <= 20);
});
