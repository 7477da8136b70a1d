/**
 * Property test: seeded random sequences of get / put / remove / abort / dial outcomes / deaths /
 * time advances / close, with the pool's invariants checked after every step.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AbortError, ClientClosedError, ConnectionError, PoolTimeoutError } from '../../src/errors.js';
import { type FakeConn, advance, flush, makePool } from './pool-fakes.js';
import { prng } from './resp-writer.js';

const SEEDS = 30;
const STEPS = 500;

let served = 0;

async function run(seed: number): Promise<void> {
  const random = prng(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];

  const poolSize = int(1, 5);
  const minIdleConns = int(0, Math.min(2, poolSize));
  const maxActiveConns = random() < 0.3 ? int(1, poolSize + 1) : 0;
  const h = makePool({
    poolSize,
    minIdleConns,
    maxIdleConns: random() < 0.4 ? int(Math.max(1, minIdleConns), poolSize) : 0,
    maxActiveConns,
    poolFIFO: random() < 0.5,
    poolTimeout: int(50, 400),
    connMaxIdleTime: random() < 0.5 ? int(200, 2000) : 0,
    connMaxLifetime: random() < 0.3 ? int(300, 3000) : 0,
    dialTimeout: 150,
    dialerRetries: int(1, 2),
    dialerRetryTimeout: 20,
  });
  const { pool, dialer, clock } = h;
  dialer.mode = 'manual';
  const held = new Set<FakeConn>();
  const pending = new Map<number, AbortController | undefined>();
  let nextGet = 0;
  // Most runs close part-way (then gets fail and held connections come back to a closed pool).
  const closeAt = random() < 0.6 ? int(Math.floor(STEPS * 0.6), STEPS - 1) : STEPS;
  let closing: Promise<void> | undefined;
  let closeResolved = false;
  const where = (step: number, what: string): string => `seed ${seed}, step ${step} (${what})`;

  const get = (step: number): void => {
    const id = nextGet++;
    const controller = random() < 0.4 ? new AbortController() : undefined;
    pending.set(id, controller);
    pool.get(controller === undefined ? undefined : { signal: controller.signal }).then(
      (conn) => {
        pending.delete(id);
        assert.ok(!held.has(conn), where(step, 'a connection handed to two holders'));
        assert.equal(conn.closeCount, 0, where(step, 'a closed connection handed out'));
        held.add(conn);
        served++;
      },
      (error: unknown) => {
        pending.delete(id);
        const expected =
          error instanceof PoolTimeoutError ||
          error instanceof AbortError ||
          error instanceof ClientClosedError ||
          error instanceof ConnectionError;
        assert.ok(expected, where(step, `unexpected error ${String(error)}`));
      },
    );
  };

  const check = (step: number, what: string): void => {
    const s = pool.stats();
    const at = where(step, what);
    for (const [key, value] of Object.entries(s)) assert.ok(value >= 0, `${at}: ${key} < 0`);
    assert.ok(s.turnsInUse <= poolSize, `${at}: turns ${s.turnsInUse} > poolSize`);
    assert.equal(s.inUse, held.size, `${at}: inUse ≠ connections held by callers`);
    assert.equal(s.totalConns, s.idleConns + s.inUse, `${at}: total ≠ idle + in use`);
    assert.ok(s.totalConns + s.dialing <= poolSize, `${at}: connections + dials > poolSize`);
    // Every turn is in use, dialing, or held by a get waiting for a permit; a failed get holds none.
    assert.ok(s.turnsInUse >= s.inUse + s.dialing, `${at}: turns < in use + dialing`);
    assert.ok(s.turnsInUse <= s.inUse + s.dialing + (s.pendingRequests - s.waiters), `${at}: a turn leaked`);
    assert.equal(s.pendingRequests, pending.size, `${at}: pendingRequests ≠ gets in flight`);
    if (maxActiveConns > 0) assert.ok(s.totalConns + s.dialing <= maxActiveConns, `${at}: over maxActiveConns`);
    const open = dialer.created.filter((c) => c.closeCount === 0).length;
    assert.equal(open, s.totalConns, `${at}: open connections ≠ totalConns`);
    assert.ok(
      dialer.created.every((c) => c.closeCount <= 1),
      `${at}: a connection closed twice`,
    );
    assert.equal(h.closed.length, dialer.created.length - open, `${at}: onClose not called once per close`);
    if (pool.closed) assert.deepEqual([s.idleConns, s.waiters], [0, 0], `${at}: idle or waiters after close`);
  };

  for (let step = 0; step < STEPS; step++) {
    const roll = random();
    let what: string;
    if (roll < 0.25) {
      what = 'get';
      get(step);
    } else if (roll < 0.4) {
      what = 'put';
      const conn = pick([...held]);
      if (conn !== undefined) {
        held.delete(conn);
        if (random() < 0.1) conn.usable = false; // returned with unread bytes
        pool.put(conn);
      }
    } else if (roll < 0.47) {
      what = 'remove';
      const conn = pick([...held]);
      if (conn !== undefined) {
        held.delete(conn);
        pool.remove(conn);
      }
    } else if (roll < 0.55) {
      what = 'abort';
      pick([...pending.values()])?.abort(new Error('gave up'));
    } else if (roll < 0.72) {
      what = 'dial outcome';
      const dial = pick(dialer.pending);
      if (random() < 0.8) dial?.succeed();
      else dial?.fail();
    } else if (roll < 0.77) {
      what = 'dialer mode';
      dialer.mode = pick(['auto', 'auto', 'manual', 'manual', 'fail'] as const)!;
    } else if (roll < 0.82) {
      what = 'a connection dies';
      const conn = pick(dialer.created.filter((c) => c.closeCount === 0));
      if (conn !== undefined) {
        conn.usable = false;
        if (random() < 0.5) pool.evict(conn);
      }
    } else {
      what = 'time passes';
      await advance(clock, int(0, 400));
    }
    if (step === closeAt) {
      what += ', close';
      closing = pool.close().then(() => {
        closeResolved = true;
      });
    }
    await flush();
    check(step, what);
  }

  // Wind down: close, give everything back, let dials settle; nothing may be left.
  closing ??= pool.close().then(() => {
    closeResolved = true;
  });
  for (const conn of held) pool.put(conn);
  held.clear();
  await flush();
  await advance(clock, 1000);
  check(STEPS, 'after close');
  assert.ok(closeResolved, where(STEPS, 'close() did not resolve'));
  assert.equal(pool.stats().totalConns, 0);
  assert.equal(pending.size, 0, where(STEPS, 'a get never settled'));
  assert.ok(
    dialer.created.every((c) => c.closeCount === 1),
    where(STEPS, 'a connection left open'),
  );
  if (process.env.POOL_PROPERTY_DEBUG) console.log(seed, JSON.stringify(pool.stats()), dialer.calls);
  await h.teardown();
}

test(`pool invariants hold over ${SEEDS} seeded random runs of ${STEPS} steps`, async () => {
  for (let seed = 1; seed <= SEEDS; seed++) await run(seed);
  assert.ok(served > SEEDS * 20, `the runs exercised the pool (${served} gets served)`);
});
