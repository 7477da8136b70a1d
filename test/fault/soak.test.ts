/**
 * Soak and leak: hundreds of thousands of commands through churn (the pool grows under load and shrinks
 * by idle expiry, connections are killed, calls are aborted or time out), then nothing is left behind:
 * the heap is back near where it started, no socket, timer or listener remains, and Node printed no
 * MaxListenersExceededWarning.
 *
 * CI runs RESPOOL_SOAK_COMMANDS (default 500 000) in well under a minute; `npm run soak` runs millions
 * and also checks that the heap does not creep from round to round.
 */
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  AbortError,
  ConnectionError,
  createClient,
  PoolTimeoutError,
  RedisError,
  TimeoutError,
  type CallOptions,
  type RedisClient,
} from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { prng } from '../unit/resp-writer.js';

const TOTAL = Number(process.env['RESPOOL_SOAK_COMMANDS'] ?? 500_000);
/** Heap is sampled after GC once per round; the long soak checks there is no upward creep. */
const ROUND = Math.min(TOTAL, Number(process.env['RESPOOL_SOAK_ROUND'] ?? 250_000));
const HEAP_SLACK_MB = 8;
const NAME = 'soak';
const EXPECTED = [AbortError, TimeoutError, ConnectionError, PoolTimeoutError];

let server: RedisServer;
const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

before(async () => {
  server = await RedisServer.start();
  process.on('warning', onWarning);
});
after(async () => {
  process.off('warning', onWarning);
  await server.stop();
});

const gc = (globalThis as { gc?: () => void }).gc;

async function collectedHeapMb(): Promise<number> {
  assert.ok(gc !== undefined, 'tests run with --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Active handles and requests by type (sockets, timers, child processes…). */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

interface Progress {
  sent: number;
  ok: number;
  failed: Map<string, number>;
  unexpected: unknown[];
}

function fail(progress: Progress, err: unknown): void {
  if (err instanceof assert.AssertionError) throw err;
  if (!(err instanceof RedisError) || !EXPECTED.some((cls) => err instanceof cls)) progress.unexpected.push(err);
  const name = err instanceof Error ? err.name : typeof err;
  progress.failed.set(name, (progress.failed.get(name) ?? 0) + 1);
}

/**
 * One worker: bursts of 16 commands on its own key, each checked (a GET sees this worker's value, an
 * ECHO its own token). About one call in eight carries the phase's shared signal, a random abort, or a
 * short timeout.
 */
async function worker(
  client: RedisClient,
  id: number,
  progress: Progress,
  until: () => boolean,
  shared: AbortSignal,
): Promise<void> {
  const random = prng(0x50a4 + id);
  const key = `soak:${id}`;
  const controllers: AbortController[] = [];
  const options = (): CallOptions | undefined => {
    const r = random();
    if (r < 0.05) return { signal: shared };
    if (r < 0.08) {
      const controller = new AbortController();
      controllers.push(controller);
      return { signal: controller.signal };
    }
    if (r < 0.1) return { timeout: 1 + Math.floor(random() * 10) };
    return undefined;
  };
  let version = 0;
  while (!until()) {
    const calls: Promise<void>[] = [];
    version++;
    const value = `${id}:${version}`;
    const view = (o: CallOptions | undefined) => (o === undefined ? client : client.with(o));
    calls.push(
      view(options())
        .set(key, value)
        .then((r) => assert.equal(r, 'OK')),
    );
    for (let i = 0; i < 14; i++) {
      if (i % 2 === 0) {
        calls.push(
          view(options())
            .get(key)
            .then((got) => assert.ok(got === null || got.startsWith(`${id}:`), `worker ${id} read ${got}`)),
        );
      } else {
        const token = `${id}.${version}.${i}`;
        calls.push(
          view(options())
            .echo(token)
            .then((got) => assert.equal(got, token)),
        );
      }
    }
    calls.push(
      view(options())
        .incr(`${key}:n`)
        .then((n) => assert.ok(typeof n === 'number' && n > 0)),
    );
    // A pinned connection per burst: batching lets 48 workers share one or two sockets, pins make the pool grow.
    calls.push(
      client.withConn(async (conn) => {
        const token = `${id}.${version}.pinned`;
        assert.equal(await conn.echo(token), token);
      }),
    );
    progress.sent += calls.length;
    // Random aborts land while the burst is queued or written.
    if (controllers.length > 0) setImmediate((cs: AbortController[]) => cs.forEach((c) => c.abort()), [...controllers]);
    controllers.length = 0;
    for (const settled of await Promise.allSettled(calls)) {
      if (settled.status === 'fulfilled') progress.ok++;
      else fail(progress, settled.reason);
    }
  }
}

/** Kills one of the client's connections every `everyMs`, server side. */
async function killer(stop: () => boolean, everyMs: number): Promise<number> {
  const random = prng(0xdead);
  let kills = 0;
  while (!stop()) {
    await sleep(everyMs);
    const victims = (await server.clients()).filter((c) => c['name'] === NAME);
    const victim = victims[Math.floor(random() * victims.length)];
    if (victim === undefined) continue;
    await server.rawCommand(['CLIENT', 'KILL', 'ID', victim['id']!]).catch(() => {});
    kills++;
  }
  return kills;
}

describe('soak', () => {
  test(`${TOTAL} commands through growth, idle shrink, kills, aborts and timeouts leave nothing behind`, async () => {
    const heapAtStart = await collectedHeapMb();
    const resourcesAtStart = resources();
    const started = performance.now();
    const client = createClient({
      host: server.host,
      port: server.port,
      clientName: NAME,
      poolSize: 12,
      minIdleConns: 1,
      maxIdleConns: 6,
      connMaxIdleTime: 150,
      connMaxLifetime: 2000,
      connMaxLifetimeJitter: 500,
      readTimeout: 1000,
      maxRetries: 2,
      maxRetryBackoff: 20,
    });
    const progress: Progress = { sent: 0, ok: 0, failed: new Map(), unexpected: [] };
    const heapByRound: number[] = [];
    const sharedSignals: AbortSignal[] = [];
    let peakConns = 0;
    let lowConns = Infinity;
    let killsDone = 0;
    let stopKilling = false;
    const killing = killer(() => stopKilling, 150).then((n) => (killsDone = n));
    try {
      for (let round = 0; progress.sent < TOTAL; round++) {
        const roundEnd = Math.min(TOTAL, progress.sent + ROUND);
        // Busy phases (48 workers, each pinning a connection per burst: the pool grows to poolSize), then quiet ones
        // (1 worker: idle expiry shrinks it).
        while (progress.sent < roundEnd) {
          const busyUntil = Math.min(roundEnd, progress.sent + 50_000);
          const shared = new AbortController();
          sharedSignals.push(shared.signal);
          await Promise.all(
            Array.from({ length: 48 }, (_, w) =>
              worker(client, w, progress, () => progress.sent >= busyUntil, shared.signal),
            ),
          );
          peakConns = Math.max(peakConns, client.poolStats().totalConns);
          const quietUntil = performance.now() + 300;
          await worker(client, 99, progress, () => performance.now() > quietUntil, shared.signal);
          lowConns = Math.min(lowConns, client.poolStats().totalConns);
          // The phase's request-scoped signal ends aborted, as a finished request's would.
          shared.abort();
        }
        if (TOTAL > ROUND) heapByRound.push(Math.round(await collectedHeapMb()));
      }
      stopKilling = true;
      await killing;
      assert.deepEqual(progress.unexpected, [], 'only typed, expected errors');
      assert.ok(progress.ok > TOTAL * 0.8, `${progress.ok} of ${progress.sent} succeeded`);
      await waitFor('the pool settled', () => client.poolStats().turnsInUse === 0);
      const s = client.poolStats();
      assert.equal(s.totalConns, s.idleConns + s.inUse);
      assert.equal(s.pendingRequests, 0);
    } finally {
      stopKilling = true;
      await killing;
      await client.close();
    }
    const seconds = (performance.now() - started) / 1000;
    await waitFor(
      'the server saw every connection go',
      async () => !(await server.clients()).some((c) => c['name'] === NAME),
    );

    const heapAtEnd = await collectedHeapMb();
    const leftover: string[] = [];
    for (const [name, count] of resources()) {
      const extra = count - (resourcesAtStart.get(name) ?? 0);
      if (extra > 0) leftover.push(`${name} ×${extra}`);
    }
    const figures = {
      commands: progress.sent,
      seconds: +seconds.toFixed(1),
      perSecond: Math.round(progress.sent / seconds),
      failures: Object.fromEntries(progress.failed),
      kills: killsDone,
      peakConns,
      lowConns,
      staleConns: client.poolStats().staleConns,
      heapStartMb: +heapAtStart.toFixed(1),
      heapEndMb: +heapAtEnd.toFixed(1),
      heapByRound,
    };
    console.log('soak:', JSON.stringify(figures));

    assert.ok(killsDone >= 3, `connections were killed (${killsDone})`);
    assert.ok(peakConns > lowConns, `the pool grew (${peakConns}) and shrank (${lowConns})`);
    assert.ok(heapAtEnd - heapAtStart < HEAP_SLACK_MB, `heap ${heapAtStart.toFixed(1)} → ${heapAtEnd.toFixed(1)} MB`);
    if (heapByRound.length >= 4) {
      const firstHalf = Math.max(...heapByRound.slice(0, heapByRound.length >> 1));
      const last = heapByRound[heapByRound.length - 1]!;
      assert.ok(last - firstHalf < HEAP_SLACK_MB, `the heap crept from round to round: ${heapByRound.join(' → ')} MB`);
    }
    assert.deepEqual(leftover, [], 'no socket, timer or request left');
    for (const signal of sharedSignals) assert.equal(getEventListeners(signal, 'abort').length, 0);
    const maxListeners = warnings.filter((w) => w.name === 'MaxListenersExceededWarning');
    assert.deepEqual(maxListeners.map(String), [], 'no MaxListenersExceededWarning');
  });

  test('one request-scoped signal shared by 200 concurrent calls: one listener at most, none after', async () => {
    const client = createClient({ host: server.host, port: server.port, poolSize: 4, poolTimeout: 5000 });
    try {
      const controller = new AbortController();
      const view = client.with({ signal: controller.signal });
      const calls = Array.from({ length: 200 }, (_, i) => view.echo(String(i)));
      // withConn waits for turns with the same signal: the pool listens through the same fan-out.
      const pinned = Array.from({ length: 20 }, () => client.withConn((c) => c.ping(), { signal: controller.signal }));
      assert.ok(getEventListeners(controller.signal, 'abort').length <= 1);
      assert.deepEqual(
        await Promise.all(calls),
        Array.from({ length: 200 }, (_, i) => String(i)),
      );
      assert.deepEqual(await Promise.all(pinned), Array(20).fill('PONG'));
      assert.equal(getEventListeners(controller.signal, 'abort').length, 0);

      // Aborting it still reaches every waiting call.
      const aborted = Array.from({ length: 50 }, () => view.echo('x').catch((e: unknown) => e));
      controller.abort();
      for (const err of await Promise.all(aborted)) assert.ok(err instanceof AbortError, `got ${String(err)}`);
      assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
    } finally {
      await client.close();
    }
    assert.deepEqual(
      warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map(String),
      [],
      'no MaxListenersExceededWarning',
    );
  });
});
