/** ConnLimiter alone, and pools that share one (maxActiveConns across pools). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AbortError, InvalidArgumentError, PoolTimeoutError } from '../../src/errors.js';
import { ManualClock } from '../../src/internal/clock.js';
import { ConnLimiter } from '../../src/pool/limiter.js';
import { FakeDialer, advance, flush, makePool, state } from './pool-fakes.js';

describe('ConnLimiter', () => {
  test('counts permits, queues FIFO, hands a released permit to the first waiter', async () => {
    const clock = new ManualClock();
    const limiter = new ConnLimiter(1, clock);
    assert.equal(limiter.tryAcquire(), true);
    assert.equal(limiter.tryAcquire(), false);
    const order: string[] = [];
    const a = limiter.acquire({ timeoutMs: 1000 }).then(() => order.push('a'));
    const b = limiter.acquire({ timeoutMs: 1000 }).then(() => order.push('b'));
    assert.equal(limiter.waiting, 2);
    limiter.release();
    await a;
    assert.equal(limiter.active, 1, 'handed over, never dipped');
    assert.equal(limiter.tryAcquire(), false, 'a waiter is ahead');
    limiter.release();
    await b;
    limiter.release();
    assert.equal(limiter.active, 0);
    assert.deepEqual(order, ['a', 'b']);
    assert.equal(clock.pendingTimers, 0);
  });

  test('acquire times out with PoolTimeoutError and aborts with AbortError', async () => {
    const clock = new ManualClock();
    const limiter = new ConnLimiter(1, clock);
    limiter.tryAcquire();
    const timedOut = limiter.acquire({ timeoutMs: 100 });
    const outcome = assert.rejects(timedOut, PoolTimeoutError);
    clock.advance(100);
    await outcome;
    const controller = new AbortController();
    const aborted = limiter.acquire({ timeoutMs: 100, signal: controller.signal });
    controller.abort('stop');
    await assert.rejects(aborted, (e: unknown) => e instanceof AbortError && e.cause === 'stop');
    assert.equal(limiter.waiting, 0);
    assert.equal(clock.pendingTimers, 0);
    limiter.release();
    assert.equal(limiter.active, 0);
  });

  test('0 = unlimited; invalid max is rejected', () => {
    const limiter = new ConnLimiter(0);
    for (let i = 0; i < 100; i++) assert.equal(limiter.tryAcquire(), true);
    assert.equal(limiter.active, 100);
    assert.throws(() => new ConnLimiter(-1), InvalidArgumentError);
    assert.throws(() => new ConnLimiter(1.5), InvalidArgumentError);
  });
});

describe('ConnPool with a limiter', () => {
  test('maxActiveConns: a get that must dial waits for a permit, bounded by poolTimeout', async () => {
    const h = makePool({ poolSize: 4, maxActiveConns: 1, poolTimeout: 1000 });
    const a = await h.pool.get();
    const second = h.pool.get();
    const outcome = assert.rejects(second, PoolTimeoutError);
    await advance(h.clock, 999);
    assert.equal(await state(second), 'pending');
    assert.equal(h.pool.stats().turnsInUse, 2, 'the permit waiter holds a turn');
    await advance(h.clock, 1);
    await outcome;
    const s = h.pool.stats();
    assert.deepEqual([s.timeouts, s.turnsInUse, s.pendingRequests], [1, 1, 0]);
    assert.equal(h.dialer.calls, 1);
    h.pool.put(a);
    await h.teardown();
  });

  test('a connection put back serves the get waiting for a permit (no dial)', async () => {
    const h = makePool({ maxActiveConns: 1 });
    const a = await h.pool.get();
    const second = h.pool.get();
    await flush();
    h.pool.put(a);
    assert.equal(await second, a);
    assert.equal(h.dialer.calls, 1);
    assert.equal(h.pool.stats().hits, 1);
    h.pool.put(a);
    await h.teardown();
  });

  test('a removed connection frees its permit: the waiting get dials', async () => {
    const h = makePool({ maxActiveConns: 1 });
    const a = await h.pool.get();
    const second = h.pool.get();
    await flush();
    h.pool.remove(a);
    const b = await second;
    assert.notEqual(b, a);
    assert.equal(h.dialer.calls, 2);
    h.pool.put(b);
    await h.teardown();
  });

  test('abort while waiting for a permit frees the turn', async () => {
    const h = makePool({ maxActiveConns: 1 });
    const a = await h.pool.get();
    const controller = new AbortController();
    const second = h.pool.get({ signal: controller.signal });
    await flush();
    controller.abort();
    await assert.rejects(second, AbortError);
    assert.equal(h.pool.stats().turnsInUse, 1);
    h.pool.put(a);
    await h.teardown();
  });

  test('a shared limiter caps two pools together; closing one pool’s connection lets the other dial', async () => {
    const clock = new ManualClock();
    const limiter = new ConnLimiter(2, clock);
    const one = makePool({ limiter });
    const two = makePool({ limiter }, new FakeDialer());
    const a = await one.pool.get();
    const b = await two.pool.get();
    assert.equal(limiter.active, 2);
    const c = two.pool.get();
    await flush();
    assert.equal(await state(c), 'pending');
    one.pool.remove(a);
    const conn = await c;
    assert.equal(limiter.active, 2);
    two.pool.put(conn);
    two.pool.put(b);
    await one.teardown();
    await two.teardown();
    assert.equal(limiter.active, 0, 'every permit returned after close');
  });

  test('a pool waiting for a permit makes another pool close its oldest idle connection', async () => {
    const clock = new ManualClock();
    const limiter = new ConnLimiter(2, clock);
    const one = makePool({ limiter });
    const two = makePool({ limiter }, new FakeDialer());
    const a1 = await one.pool.get();
    const a2 = await one.pool.get();
    one.pool.put(a1); // returned first: the oldest idle
    one.pool.put(a2);
    assert.equal(limiter.active, 2);
    // Every permit is held by an idle connection of pool one: pool two's dial must not wait for poolTimeout.
    const pending = two.pool.get();
    assert.equal(await state(pending), 'fulfilled', 'served without any time passing');
    const b = await pending;
    assert.equal(one.pool.idleLen(), 1);
    assert.deepEqual(
      one.closed.map((c) => [c.conn, c.reason]),
      [[a1, 'reclaimed']],
    );
    assert.equal(limiter.active, 2);
    assert.equal(two.pool.stats().waiters, 0);
    two.pool.put(b);
    await one.teardown();
    await two.teardown();
    assert.equal(limiter.active, 0);
  });

  test('min-idle refill does not wait for permits', async () => {
    const clock = new ManualClock();
    const limiter = new ConnLimiter(1, clock);
    limiter.tryAcquire();
    const h = makePool({ limiter, minIdleConns: 2 });
    await flush();
    assert.equal(h.dialer.calls, 0);
    limiter.release();
    await h.teardown();
  });
});
