/**
 * A server that is slow, refuses, or vanishes: callers get prompt, typed errors, and the client never
 * turns trouble into a storm of new connections. The server's own counters (or the proxy's accept
 * count) measure every connection attempt; the figures are printed and bounded. Phases end on events
 * (the dial gate tripped, traffic resumed), and the assertions count calls, errors and connections:
 * elapsed times are printed, never asserted, so that a loaded machine cannot fail them.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  ConnectionError,
  createClient,
  RedisError,
  ReplyError,
  TimeoutError,
  type ClientOptions,
  type Hook,
  type RedisClient,
} from '../../src/index.js';
import { PROBE_INTERVAL_MS } from '../../src/pool/index.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { freePort, RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

const POOL_SIZE = 4;
const DIALER_RETRIES = 5;
const WORKERS = 8;

let server: RedisServer;
let proxy: FaultProxy;
const clients: RedisClient[] = [];

before(async () => {
  server = await RedisServer.start();
  proxy = await FaultProxy.start(server);
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await proxy.close();
  await server.stop();
});

function open(options: ClientOptions): RedisClient {
  const client = createClient({
    poolSize: POOL_SIZE,
    dialerRetries: DIALER_RETRIES,
    dialerRetryTimeout: 100,
    ...options,
  });
  clients.push(client);
  return client;
}

const infoCalls = new Map<RedisServer, number>();

/** Connections a server accepted or turned away since it started, not counting these INFO calls' own. */
async function connectionsSeen(target: RedisServer, password?: string): Promise<number> {
  const calls = (infoCalls.get(target) ?? 0) + 1;
  infoCalls.set(target, calls);
  const stats = await target.info('stats', password === undefined ? {} : { password });
  return Number(stats['total_connections_received']) + Number(stats['rejected_connections']) - calls;
}

interface Load {
  calls: number;
  ok: number;
  errors: unknown[];
  /** How long each failed call took, ms (printed, not asserted). */
  failedIn: number[];
  /** How long the load ran, ms. */
  ranFor: number;
}

/**
 * WORKERS loops of `call`, for `ms` or until `done()` holds (then failing the test if that takes more than
 * 20 s); a failed call pauses 5 ms so that a fast-failing pool is not a busy loop.
 */
async function load(
  until: number | { done: () => boolean; what: string },
  call: () => Promise<unknown>,
): Promise<Load> {
  const result: Load = { calls: 0, ok: 0, errors: [], failedIn: [], ranFor: 0 };
  const started = performance.now();
  const giveUpAt = Date.now() + (typeof until === 'number' ? until : 20_000);
  const more = () => (typeof until === 'number' ? Date.now() < giveUpAt : !until.done() && Date.now() < giveUpAt);
  const worker = async () => {
    while (more()) {
      result.calls++;
      const callStarted = performance.now();
      try {
        await call();
        result.ok++;
      } catch (err) {
        result.errors.push(err);
        result.failedIn.push(performance.now() - callStarted);
        await sleep(5);
      }
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  if (typeof until !== 'number' && !until.done()) assert.fail(`still waiting after 20 s of load for: ${until.what}`);
  result.ranFor = Math.round(performance.now() - started);
  return result;
}

/** Waits (at most `ms`) until `check` holds; returns how long that took, for the printed figures. */
async function timeUntil(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<number> {
  const started = performance.now();
  await waitFor(what, check, ms);
  return Math.round(performance.now() - started);
}

/** Errors that are the same object were handed out by the tripped dial gate (its last dial error) without a dial. */
function ownFailures(errors: unknown[]): number {
  return new Set(errors).size;
}

const succeeds = (p: Promise<unknown>) =>
  p.then(
    () => true,
    () => false,
  );

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0);
}

describe('slow server (proxy latency 200 ms)', () => {
  test('readTimeout 50: prompt TimeoutErrors and a bounded number of new connections', async () => {
    const client = open({ host: proxy.host, port: proxy.port, readTimeout: 50, clientName: 'slow-read' });
    assert.equal(await client.ping(), 'PONG');
    const before = await connectionsSeen(server);
    proxy.latencyMs = 200;
    const result = await load(2000, () => client.get('slow:key'));
    const opened = (await connectionsSeen(server)) - before;
    proxy.latencyMs = 0;
    const recoveredIn = await timeUntil(
      'a call to succeed once the server is fast again',
      () => succeeds(client.get('slow:key')),
      15_000,
    );
    const figures = {
      calls: result.calls,
      ok: result.ok,
      ownFailures: ownFailures(result.errors),
      newConnections: opened,
      p50FailMs: percentile(result.failedIn, 0.5),
      maxFailMs: percentile(result.failedIn, 1),
      recoveredInMs: recoveredIn,
    };
    console.log('slow server, readTimeout 50:', JSON.stringify(figures));

    // The read timer (50 ms) is due before the proxy's 200 ms forwarding timers: no call waits for its reply.
    assert.equal(result.ok, 0, 'every call gave up before its reply arrived');
    for (const err of result.errors) assert.ok(err instanceof TimeoutError, `got ${String(err)}`);
    // A timed-out connection is replaced, but each replacement's handshake times out too: after poolSize
    // failed dials the pool stops dialing and one probe a second tests the server. Measured: 24 new
    // connections in 2 s over ~1 800 calls (poolSize 4 × 5 attempts, plus probes), where replacing every
    // timed-out connection would have opened one per call.
    assert.ok(opened <= 2 * POOL_SIZE * DIALER_RETRIES + 3, `opened ${opened} connections`);
    // Most calls fail at once, with the tripped gate's error, rather than after a dial or a wait of their own.
    assert.ok(
      figures.ownFailures * 2 < result.errors.length,
      `${figures.ownFailures} of ${result.errors.length} calls failed on their own account`,
    );
  });

  test('a per-call timeout of 50 (readTimeout 1000): prompt TimeoutErrors, connections kept', async () => {
    const client = open({ host: proxy.host, port: proxy.port, readTimeout: 1000, clientName: 'slow-call' });
    assert.equal(await client.ping(), 'PONG');
    const before = await connectionsSeen(server);
    proxy.latencyMs = 200;
    const view = client.with({ timeout: 50 });
    const result = await load(2000, () => view.get('slow:key'));
    const opened = (await connectionsSeen(server)) - before;
    proxy.latencyMs = 0;
    const figures = {
      calls: result.calls,
      newConnections: opened,
      p50FailMs: percentile(result.failedIn, 0.5),
      maxFailMs: percentile(result.failedIn, 1),
    };
    console.log('slow server, per-call timeout 50:', JSON.stringify(figures));

    // readTimeout (1000) would let the 400 ms round trip through: that no call succeeded shows that every
    // call gave up at its own 50 ms timeout, which is due before the proxy's 200 ms forwarding timers.
    assert.equal(result.ok, 0, 'every call gave up before its reply arrived');
    assert.ok(result.errors.length > 0);
    for (const err of result.errors) assert.ok(err instanceof TimeoutError, `got ${String(err)}`);
    // Late replies are read and dropped on the same connections: at most one new connection per turn.
    assert.ok(opened <= POOL_SIZE, `opened ${opened} connections`);
    assert.equal(client.poolStats().staleConns, 0);
    assert.equal(await client.get('slow:key'), null);
  });
});

describe('damaged links', () => {
  test('a throttled link (512 KB/s): a 256 KB reply arrives whole, small replies keep their order', async () => {
    const client = open({ host: proxy.host, port: proxy.port, readTimeout: 3000, clientName: 'throttled' });
    const big = 'x'.repeat(256 * 1024);
    assert.equal(await client.set('throttle:big', big), 'OK');
    proxy.bytesPerSecond = 512 * 1024;
    try {
      const started = performance.now();
      const [got, a, b] = await Promise.all([
        client.get('throttle:big'),
        client.echo('after-1'),
        client.echo('after-2'),
      ]);
      const ms = Math.round(performance.now() - started);
      console.log('throttled 256 KB reply:', JSON.stringify({ ms }));
      assert.equal(got, big);
      assert.deepEqual([a, b], ['after-1', 'after-2']);
      // A lower bound (256 KB at 512 KB/s takes 500 ms): a loaded machine can only make it longer.
      assert.ok(ms >= 300, `the throttle held the reply back (${ms} ms)`);
    } finally {
      proxy.bytesPerSecond = 0;
    }
  });

  test('a reply cut off mid-way: ConnectionError, never a partial value, and not sent again', async () => {
    const client = open({ host: proxy.host, port: proxy.port, maxRetries: 2, maxRetryBackoff: 20 });
    const big = 'y'.repeat(200 * 1024);
    assert.equal(await client.set('cut:big', big), 'OK');
    await client.close();
    const acceptedBefore = proxy.accepted;
    proxy.cutAfter(100 * 1024, 'down'); // new connections die 100 KB into what the server sends
    const fresh = open({ host: proxy.host, port: proxy.port, maxRetries: 2, maxRetryBackoff: 20 });
    try {
      const err = await fresh.get('cut:big').catch((e: unknown) => e);
      assert.ok(err instanceof ConnectionError, `got ${String(err)}`);
      // Part of the reply arrived: the command ran, and the cut most likely repeats (an output-buffer limit).
      assert.equal(err.replyCutOff, true);
      assert.equal(proxy.accepted - acceptedBefore, 1, 'the read ran once');
      // Cut on the way up, inside a write: it reaches the server incomplete and is not sent again.
      proxy.cutAfter(undefined, 'down');
      proxy.cutAfter(200, 'up');
      const counter = open({ host: proxy.host, port: proxy.port, maxRetries: 2 });
      const write = await counter.set('cut:written', 'z'.repeat(1000)).catch((e: unknown) => e);
      assert.ok(write instanceof ConnectionError, `got ${String(write)}`);
    } finally {
      proxy.cutAfter(undefined, 'up');
    }
    assert.equal(await fresh.get('cut:big'), big);
    assert.equal(await fresh.get('cut:written'), null, 'the cut write never ran');
  });
});

interface RefusalCase {
  what: string;
  options: () => Promise<ClientOptions>;
  /** Connection attempts the server side saw so far. */
  attempts: () => Promise<number>;
  expect: (err: unknown) => boolean;
  hook?: Hook;
}

describe('refusing servers: one clear typed error per call, no retry storm', () => {
  test('wrong password, missing db, maxclients, closed or reset after accept, refused, never answering', async () => {
    const guarded = await RedisServer.start({ args: ['--requirepass', 'secret'] });
    const tiny = await RedisServer.start({ args: ['--maxclients', '1'] });
    const closing = await FaultProxy.start(server);
    const silent = await FaultProxy.start(server);
    // The full server refuses INFO too: count its connection attempts at a proxy in front of it.
    const tinyFront = await FaultProxy.start(tiny);
    const resetting = await FaultProxy.start(server);
    closing.mode = 'close';
    silent.mode = 'silent';
    resetting.mode = 'reset';
    const hog = await holdOneConnection(tiny);
    const refusedPort = await freePort();
    let refusedDials = 0;
    let missingDbDials = 0;
    const cases: RefusalCase[] = [
      {
        what: 'wrong password',
        options: async () => ({ host: guarded.host, port: guarded.port, password: 'wrong' }),
        attempts: () => connectionsSeen(guarded, 'secret'),
        expect: (e) => e instanceof ReplyError && e.code === 'WRONGPASS',
      },
      {
        what: 'missing db',
        options: async () => ({ host: server.host, port: server.port, db: 99, clientName: 'missing-db' }),
        // The shared server also answers other tests' probes: count this client's attempts with a dial hook.
        attempts: async () => missingDbDials,
        hook: {
          dial: (next) => (info) => {
            missingDbDials++;
            return next(info);
          },
        },
        expect: (e) => e instanceof ReplyError && /DB index is out of range/.test(e.message),
      },
      {
        what: 'maxclients reached',
        options: async () => ({ host: tinyFront.host, port: tinyFront.port }),
        attempts: async () => tinyFront.accepted,
        expect: (e) => e instanceof ReplyError && /max number of clients reached/.test(e.message),
      },
      {
        what: 'closed right after accept',
        options: async () => ({ host: closing.host, port: closing.port }),
        attempts: async () => closing.accepted,
        expect: (e) => e instanceof ConnectionError,
      },
      {
        what: 'reset right after accept',
        options: async () => ({ host: resetting.host, port: resetting.port }),
        attempts: async () => resetting.accepted,
        expect: (e) => e instanceof ConnectionError && /ECONNRESET|closed/.test(e.message),
      },
      {
        what: 'connection refused',
        options: async () => ({
          dialer: (signal) => {
            refusedDials++;
            return connectTo(refusedPort, signal);
          },
        }),
        attempts: async () => refusedDials,
        expect: (e) => e instanceof ConnectionError && /ECONNREFUSED/.test(e.message),
      },
      {
        what: 'accepts, never answers (dialTimeout 150)',
        options: async () => ({ host: silent.host, port: silent.port, dialTimeout: 150 }),
        attempts: async () => silent.accepted,
        expect: (e) => e instanceof ConnectionError && /dial timed out/.test(e.message),
      },
    ];
    try {
      const figures = await Promise.all(
        cases.map(async (c) => {
          const client = open(await c.options());
          if (c.hook !== undefined) client.addHook(c.hook);
          const start = await c.attempts();
          // The burst lasts until the dial gate has tripped: poolSize dials in a row failed.
          const tripped = () => client.poolStats().dialErrors >= POOL_SIZE;
          const burst = await load({ done: tripped, what: `${c.what}: the dial gate to trip` }, () => client.ping());
          const afterBurst = await c.attempts();
          const steady = await load(2000, () => client.ping());
          const afterSteady = await c.attempts();
          return { c, burst, steady, inBurst: afterBurst - start, inSteady: afterSteady - afterBurst };
        }),
      );
      const report: Record<string, unknown> = {};
      for (const { c, burst, steady, inBurst, inSteady } of figures) {
        report[c.what] = {
          calls: burst.calls + steady.calls,
          attemptsUntilTripped: inBurst,
          trippedAfterMs: burst.ranFor,
          attemptsPerSecondAfter: +(inSteady / (steady.ranFor / 1000)).toFixed(1),
        };
        const errors = [...burst.errors, ...steady.errors];
        assert.equal(burst.ok + steady.ok, 0, c.what);
        assert.ok(errors.length > 0, c.what);
        for (const err of errors) {
          assert.ok(err instanceof RedisError && c.expect(err), `${c.what}: got ${String(err)}`);
          assert.ok(!/undefined|\[object/.test(err.message), `${c.what}: a clear message: ${err.message}`);
        }
        // Measured (poolSize 4, dialerRetries 5, 8 callers): 8 attempts until the gate tripped where no retry
        // can help (wrong password, missing db: one attempt per dial), 26–27 for the others (5 attempts per
        // dial), then 1 a second, the probe's.
        // Before the gate trips: at most about poolSize dials, each of at most dialerRetries attempts.
        assert.ok(inBurst <= 2 * POOL_SIZE * DIALER_RETRIES, `${c.what}: ${inBurst} attempts until the gate tripped`);
        // Then only the probe dials, once a second (a late timer only makes that fewer), however many calls
        // fail meanwhile; the dials in flight when the gate tripped may still land in this window.
        assert.ok(
          inSteady <= Math.ceil(steady.ranFor / PROBE_INTERVAL_MS) + 2,
          `${c.what}: ${inSteady} attempts in ${steady.ranFor} ms once the gate tripped (${steady.calls} calls)`,
        );
      }
      console.log('refusals:', JSON.stringify(report));
    } finally {
      hog.destroy();
      await Promise.all([
        guarded.stop(),
        tiny.stop(),
        closing.close(),
        silent.close(),
        resetting.close(),
        tinyFront.close(),
      ]);
    }
  });
});

describe('server SIGKILL and restart under traffic', () => {
  test('in-flight commands fail with ConnectionError; the probe reopens the pool after the restart', async () => {
    const client = open({
      host: server.host,
      port: server.port,
      clientName: 'restart-chaos',
      readTimeout: 1000,
      dialerRetries: 1,
      maxRetries: 2,
      maxRetryBackoff: 50,
    });
    const idempotent = client.with({ idempotent: true });
    let stop = false;
    let successes = 0;
    const errors: unknown[] = [];
    const worker = async (w: number) => {
      const key = `restart:${w}`;
      for (let i = 0; !stop; i++) {
        try {
          assert.equal(await idempotent.set(key, `${w}:${i}`), 'OK');
          const got = await client.get(key);
          // After the restart the (unpersisted) key may be gone, never someone else's.
          assert.ok(got === null || got === `${w}:${i}`, `worker ${w} read ${String(got)}`);
          successes++;
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          errors.push(err);
          await sleep(5);
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    try {
      await waitFor('200 round trips before the kill', () => successes >= 200, 20_000);
      await server.kill();
      const trippedIn = await timeUntil(
        'every dial to fail while the server is down: the dial gate trips',
        () => client.poolStats().dialErrors >= POOL_SIZE,
        20_000,
      );
      await server.restart();
      const atRestart = successes;
      const recoveredIn = await timeUntil('traffic to resume after the restart', () => successes > atRestart, 20_000);
      // Let traffic run on the reopened pool for a while before looking at it.
      const atRecovery = successes;
      await waitFor('100 more round trips after the recovery', () => successes >= atRecovery + 100, 20_000);
      console.log(
        'restart:',
        JSON.stringify({ trippedInMs: trippedIn, recoveredInMs: recoveredIn, errors: errors.length }),
      );
    } finally {
      stop = true;
      await Promise.all(workers);
    }

    assert.ok(errors.length > 0, 'the kill failed some calls');
    for (const err of errors) assert.ok(err instanceof ConnectionError, `got ${String(err)}`);
    const s = client.poolStats();
    assert.equal(s.dialErrors, 0);
    assert.equal(s.totalConns, s.idleConns + s.inUse);
  });
});

/** Fills a maxclients-1 server: one raw connection that got its PONG. */
function holdOneConnection(target: RedisServer): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: target.host, port: target.port });
    socket.once('error', reject);
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.once('data', () => resolve(socket));
  });
}

function connectTo(port: number, signal: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, signal });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}
