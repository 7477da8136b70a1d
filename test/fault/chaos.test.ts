/**
 * Chaos: many callers each write their own key and read it back while the network and the server
 * misbehave (aborts, per-call timeouts, CLIENT KILL, proxy resets, blackholes, latency spikes).
 * Every decision is drawn from a seeded PRNG; the run is bounded to a few seconds.
 *
 * Invariants: every reply a caller receives is its own (a value it wrote, its own ECHO token, OK for
 * a SET); every failure is a typed RedisError of an expected class; once the faults stop the pool
 * heals by itself, its stats add up, and the server sees exactly the connections the pool counts.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  AbortError,
  ClientClosedError,
  ConnectionError,
  createClient,
  PoolTimeoutError,
  RedisError,
  TimeoutError,
  type CallOptions,
  type RedisClient,
} from '../../src/index.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { waitFor } from '../helpers/wait.js';
import { RedisServer } from '../helpers/redis-server.js';
import { prng } from '../unit/resp-writer.js';

const SEED = Number(process.env['CHAOS_SEED'] ?? 0x5eed_c4a0);
const CALLERS = 32;
const CHAOS_MS = 3000;
const EXPECTED_FAILURES = new Set([AbortError, TimeoutError, ConnectionError, PoolTimeoutError, ClientClosedError]);

let server: RedisServer;
let proxy: FaultProxy;

before(async () => {
  server = await RedisServer.start();
  proxy = await FaultProxy.start(server);
});
after(async () => {
  await proxy.close();
  await server.stop();
});

/** Gauges that must hold whenever the pool is observed, busy or not. */
function assertStatsConsistent(client: RedisClient): void {
  const s = client.poolStats();
  for (const [name, value] of Object.entries(s)) {
    if (typeof value === 'number') assert.ok(value >= 0 && Number.isFinite(value), `${name} = ${value}`);
  }
  assert.equal(s.totalConns, s.idleConns + s.inUse, `totalConns = idle + inUse: ${JSON.stringify(s)}`);
  assert.ok(s.turnsInUse <= client.options.poolSize, `turnsInUse ${s.turnsInUse} <= poolSize`);
  assert.ok(s.inUse + s.dialing <= s.turnsInUse, `inUse + dialing <= turnsInUse: ${JSON.stringify(s)}`);
}

function isQuiet(client: RedisClient): boolean {
  const s = client.poolStats();
  return s.inUse === 0 && s.turnsInUse === 0 && s.waiters === 0 && s.pendingRequests === 0 && s.dialing === 0;
}

/** Server-side connections carrying this client name. */
async function serverConns(name: string): Promise<number> {
  return (await server.clients()).filter((c) => c['name'] === name).length;
}

interface Tally {
  ok: number;
  failures: Map<string, number>;
  unexpected: unknown[];
}

function record(tally: Tally, err: unknown): void {
  if (err instanceof assert.AssertionError) throw err;
  const expected = err instanceof RedisError && [...EXPECTED_FAILURES].some((cls) => err instanceof cls);
  if (!expected) tally.unexpected.push(err);
  const name = err instanceof Error ? err.name : typeof err;
  tally.failures.set(name, (tally.failures.get(name) ?? 0) + 1);
}

/** Per-call options: sometimes an AbortSignal that fires soon, sometimes a short timeout, often neither. */
function randomCallOptions(random: () => number, timers: Set<NodeJS.Timeout>): CallOptions {
  const options: CallOptions = {};
  const r = random();
  if (r < 0.12) {
    const controller = new AbortController();
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        controller.abort(new Error('chaos abort'));
      },
      Math.floor(random() * 20),
    );
    timers.add(timer);
    options.signal = controller.signal;
  } else if (r < 0.16) {
    const controller = new AbortController();
    controller.abort(new Error('aborted before the call'));
    options.signal = controller.signal;
  } else if (r < 0.3) {
    options.timeout = 1 + Math.floor(random() * 60);
  }
  return options;
}

/**
 * One caller: SET its key to a new value, GET it back, ECHO a token, sometimes in a pipeline.
 * A GET may see any value of this caller's from the last acknowledged one on, or the value of a SET
 * that failed: a SET abandoned while written (timeout, abort) may still reach the server later — a
 * blackhole holds its bytes, then lets them through — and run after later SETs sent on other pooled
 * connections. Nothing else: never another caller's value, never a superseded acknowledged one.
 */
async function caller(client: RedisClient, id: number, stop: () => boolean, tally: Tally): Promise<void> {
  const random = prng(SEED + id);
  const timers = new Set<NodeJS.Timeout>();
  const key = `${client.options.clientName ?? 'chaos'}:${id}`;
  let acked = 0;
  let seq = 0;
  /** SETs that failed: they may or may not have run, and may run late. */
  const uncertain = new Set<number>();
  const checkValue = (got: unknown): void => {
    if (got === null) {
      assert.equal(acked, 0, `caller ${id}: its key vanished after SET ${acked} was acknowledged`);
      return;
    }
    const match = typeof got === 'string' ? /^(\d+):(\d+)$/.exec(got) : null;
    assert.ok(match !== null && Number(match[1]) === id, `caller ${id} read ${JSON.stringify(got)}`);
    const n = Number(match[2]);
    assert.ok(
      n <= seq && (n >= acked || uncertain.has(n)),
      `caller ${id} read value ${n}, acknowledged ${acked}, latest ${seq}, not a failed SET`,
    );
  };
  while (!stop()) {
    seq++;
    const value = `${id}:${seq}`;
    try {
      assert.equal(await client.with(randomCallOptions(random, timers)).set(key, value), 'OK');
      acked = seq;
      tally.ok++;
    } catch (err) {
      uncertain.add(seq);
      record(tally, err);
    }
    try {
      checkValue(await client.with(randomCallOptions(random, timers)).get(key));
      tally.ok++;
    } catch (err) {
      record(tally, err);
    }
    const token = `echo:${id}:${seq}`;
    try {
      if (random() < 0.15) {
        const replies = await client.pipeline().echo(token).get(key).echo(`${token}:2`).exec();
        assert.equal(replies[0], token);
        checkValue(replies[1]);
        assert.equal(replies[2], `${token}:2`);
      } else {
        assert.equal(await client.with(randomCallOptions(random, timers)).echo(token), token);
      }
      tally.ok++;
    } catch (err) {
      record(tally, err);
    }
  }
  for (const timer of timers) clearTimeout(timer);
}

/** Injects one fault every 40–140 ms until stopped. Returns what it did. */
async function faults(random: () => number, name: string, stop: () => boolean): Promise<Map<string, number>> {
  const done = new Map<string, number>();
  const count = (what: string) => done.set(what, (done.get(what) ?? 0) + 1);
  while (!stop()) {
    await sleep(40 + Math.floor(random() * 100));
    const r = random();
    if (r < 0.3) {
      const victims = (await server.clients()).filter((c) => c['name'] === name);
      const victim = victims[Math.floor(random() * victims.length)];
      if (victim !== undefined) {
        await server.rawCommand(['CLIENT', 'KILL', 'ID', victim['id']!]).catch(() => {});
        count('client kill');
      }
    } else if (r < 0.55) {
      if (proxy.resetOne(random())) count('proxy reset');
    } else if (r < 0.7) {
      proxy.blackhole(random() < 0.5 ? 'both' : 'down');
      await sleep(50 + Math.floor(random() * 250));
      proxy.blackhole('none');
      count('blackhole');
    } else if (r < 0.8) {
      proxy.latencyMs = 20 + Math.floor(random() * 100);
      await sleep(100 + Math.floor(random() * 200));
      proxy.latencyMs = 0;
      count('latency spike');
    } else if (r < 0.85) {
      proxy.resetAll();
      count('proxy reset all');
    } else if (r < 0.92) {
      // New connections are closed at once, or accepted and never answered, for a moment.
      proxy.mode = random() < 0.5 ? 'close' : 'silent';
      await sleep(100 + Math.floor(random() * 200));
      count(`new connections ${proxy.mode === 'close' ? 'closed' : 'silent'}`);
      proxy.mode = 'forward';
    }
  }
  proxy.heal();
  return done;
}

function chaosClient(name: string): RedisClient {
  return createClient({
    host: proxy.host,
    port: proxy.port,
    clientName: name,
    poolSize: 8,
    readTimeout: 200,
    poolTimeout: 1500,
    maxRetries: 2,
    minRetryBackoff: 5,
    maxRetryBackoff: 50,
    dialTimeout: 1000,
    dialerRetries: 2,
    dialerRetryTimeout: 20,
  });
}

describe('chaos', () => {
  test(`${CALLERS} callers, own keys, aborts, timeouts, kills, resets and blackholes (seed ${SEED})`, async () => {
    const name = 'chaos';
    const client = chaosClient(name);
    try {
      const tally: Tally = { ok: 0, failures: new Map(), unexpected: [] };
      let stopped = false;
      const stop = () => stopped;
      const started = Date.now();
      const callers = Array.from({ length: CALLERS }, (_, i) => caller(client, i + 1, stop, tally));
      const injected = faults(prng(SEED), name, stop);
      const monitor = (async () => {
        while (!stopped) {
          assertStatsConsistent(client);
          await sleep(10);
        }
      })();
      await sleep(CHAOS_MS);
      stopped = true;
      const done = await Promise.race([
        Promise.all([...callers, injected, monitor]).then(() => 'done'),
        sleep(10_000, 'hung', { ref: false }),
      ]);
      assert.equal(done, 'done', 'every caller’s last command settled');
      const summary = { ms: Date.now() - started, ok: tally.ok, failures: Object.fromEntries(tally.failures) };
      const faultsDone = Object.fromEntries(await injected);
      console.log('chaos:', JSON.stringify({ ...summary, faults: faultsDone }));
      assert.deepEqual(tally.unexpected, [], 'only typed, expected errors');
      assert.ok(tally.ok > 500, `enough traffic got through (${tally.ok})`);
      assert.ok((faultsDone['client kill'] ?? 0) + (faultsDone['proxy reset'] ?? 0) >= 5, 'faults were injected');

      // Healing needs no user action: the pool settles, and the server sees just the pool's connections.
      await waitFor('the pool settled', () => isQuiet(client));
      assertStatsConsistent(client);
      await waitFor(
        'server-side connections match the pool',
        async () => (await serverConns(name)) === client.poolStats().totalConns,
      );
      const healthy = await Promise.all(
        Array.from({ length: CALLERS }, async (_, i) => {
          const key = `chaos:healthy:${i}`;
          await client.set(key, String(i));
          return client.get(key);
        }),
      );
      assert.deepEqual(
        healthy,
        Array.from({ length: CALLERS }, (_, i) => String(i)),
      );
      await waitFor('the pool settled again', () => isQuiet(client));
      assertStatsConsistent(client);
      const s = client.poolStats();
      // The count of consecutive failed dials resets at the next successful dial; when the pool needs no new
      // dial after the chaos, a last failure may still count. What matters: the gate is not failing fast.
      assert.ok(s.dialErrors < client.options.poolSize, `dial gate closed (${s.dialErrors} recent failures)`);
      assert.ok(s.totalConns >= 1 && s.totalConns <= client.options.poolSize);
    } finally {
      await client.close();
    }
    assert.equal(client.poolStats().totalConns, 0);
    await waitFor('the server saw every connection go', async () => (await serverConns(name)) === 0);
  });

  test(`close() in the middle of chaos: every call settles, close resolves, nothing is left (seed ${SEED})`, async () => {
    const name = 'chaos-close';
    const client = chaosClient(name);
    const tally: Tally = { ok: 0, failures: new Map(), unexpected: [] };
    let stopped = false;
    const stop = () => stopped || client.closed;
    const callers = Array.from({ length: CALLERS }, (_, i) => caller(client, i + 1, stop, tally));
    const injected = faults(prng(SEED + 1), name, () => stopped);
    await sleep(1000);
    const closeStarted = performance.now();
    const closed = await Promise.race([client.close().then(() => 'closed'), sleep(5000, 'hung', { ref: false })]);
    const closeMs = Math.round(performance.now() - closeStarted);
    stopped = true;
    assert.equal(closed, 'closed', 'close() resolved');
    const settled = await Promise.race([
      Promise.all([...callers, injected]).then(() => 'done'),
      sleep(5000, 'hung', { ref: false }),
    ]);
    assert.equal(settled, 'done', 'every call settled');
    console.log(
      'chaos close:',
      JSON.stringify({ closeMs, ok: tally.ok, failures: Object.fromEntries(tally.failures) }),
    );
    assert.deepEqual(tally.unexpected, [], 'only typed, expected errors');
    const s = client.poolStats();
    assert.equal(s.totalConns, 0);
    assert.equal(s.turnsInUse, 0);
    assert.equal(s.pendingRequests, 0);
    assert.equal(s.blocking?.totalConns ?? 0, 0);
    await assert.rejects(client.get('chaos:1'), ClientClosedError);
    await waitFor('the server saw every connection go', async () => (await serverConns(name)) === 0);
  });
});
