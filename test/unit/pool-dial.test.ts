/** ConnPool dialing: hand-off of dials whose caller left, timeouts, retries, fail-fast and the probe. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AbortError, ClientClosedError, ConnectionError, TimeoutError } from '../../src/errors.js';
import { advance, flush, makePool, state } from './pool-fakes.js';

describe('ConnPool dial hand-off', () => {
  test('abort while dialing rejects at once; the late connection lands idle and is counted once', async () => {
    const h = makePool();
    h.dialer.mode = 'manual';
    const controller = new AbortController();
    const get = h.pool.get({ signal: controller.signal });
    await flush();
    assert.equal(h.dialer.pending.length, 1);
    controller.abort('bye');
    await assert.rejects(get, AbortError);
    assert.equal(h.dialer.signals[0]!.aborted, false, 'the dial is not aborted with its caller');
    assert.equal(h.pool.stats().turnsInUse, 1, 'the dial still holds its turn');
    const conn = h.dialer.succeedNext();
    await flush();
    const s = h.pool.stats();
    assert.deepEqual([s.totalConns, s.idleConns, s.inUse, s.misses, s.turnsInUse], [1, 1, 0, 1, 0]);
    h.dialer.mode = 'auto';
    assert.equal(await h.pool.get(), conn);
    assert.equal(h.dialer.calls, 1);
    h.pool.put(conn);
    await h.teardown();
  });

  test('a dial whose caller left goes to the next waiter', async () => {
    const h = makePool({ poolSize: 1 });
    h.dialer.mode = 'manual';
    const controller = new AbortController();
    const first = h.pool.get({ signal: controller.signal });
    const second = h.pool.get();
    await flush();
    controller.abort();
    await assert.rejects(first, AbortError);
    assert.equal(await state(second), 'pending');
    const conn = h.dialer.succeedNext();
    assert.equal(await second, conn);
    assert.equal(h.dialer.calls, 1, 'never wasted, never dialed twice');
    assert.equal(h.pool.len(), 1);
    h.pool.put(conn);
    await h.teardown();
  });

  test('a failed dial gives the turn back and rejects with the dialer’s error', async () => {
    const h = makePool({ poolSize: 2 });
    h.dialer.mode = 'fail';
    await assert.rejects(
      h.pool.get(),
      (error: unknown) => error instanceof ConnectionError && /refused/.test(error.message),
    );
    const s = h.pool.stats();
    assert.deepEqual([s.turnsInUse, s.dialing, s.dialErrors, s.pendingRequests], [0, 0, 1, 0]);
    h.dialer.mode = 'auto';
    h.pool.put(await h.pool.get());
    assert.equal(h.pool.stats().dialErrors, 0, 'a successful dial resets the count');
    await h.teardown();
  });

  test('dialTimeout aborts the attempt’s signal; the get rejects with ConnectionError caused by a TimeoutError', async () => {
    const h = makePool({ dialTimeout: 300 });
    h.dialer.mode = 'manual';
    h.dialer.honourSignal = false;
    const get = h.pool.get();
    const outcome = assert.rejects(get, (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.ok(error.cause instanceof TimeoutError);
      return true;
    });
    await advance(h.clock, 299);
    assert.equal(h.dialer.signals[0]!.aborted, false);
    await advance(h.clock, 1);
    await outcome;
    assert.equal(h.dialer.signals[0]!.aborted, true);
    // The dialer ignored the signal and connects anyway: the stray connection is closed, not leaked.
    const late = h.dialer.succeedNext();
    await flush();
    assert.equal(late.closeCount, 1);
    assert.deepEqual(
      h.closed.map((c) => c.reason),
      ['late-dial'],
    );
    assert.equal(h.pool.len(), 0);
    await h.teardown();
  });

  test('isRetryableDialError false stops the attempts of that dial at once', async () => {
    const h = makePool({
      dialerRetries: 5,
      dialerRetryTimeout: 100,
      isRetryableDialError: (error) => !/refused \(dial 1\)/.test(String(error)),
    });
    h.dialer.mode = 'fail';
    await assert.rejects(h.pool.get(), /dial 1/);
    assert.equal(h.dialer.calls, 1, 'no second attempt for an error no retry can fix');
    const retried = h.pool.get();
    const outcome = assert.rejects(retried, /dial 6/);
    await advance(h.clock, 400);
    await outcome;
    assert.equal(h.dialer.calls, 6, 'other errors still get dialerRetries attempts');
    await h.teardown();
  });

  test('dialerRetries attempts, dialerRetryTimeout apart; one failed dial counts once', async () => {
    const h = makePool({ dialerRetries: 3, dialerRetryTimeout: 100 });
    h.dialer.mode = 'manual';
    const get = h.pool.get();
    await flush();
    h.dialer.pending[0]!.fail();
    await advance(h.clock, 99);
    assert.equal(h.dialer.calls, 1);
    await advance(h.clock, 1);
    assert.equal(h.dialer.calls, 2);
    h.dialer.pending[0]!.fail();
    await advance(h.clock, 100);
    assert.equal(h.dialer.calls, 3);
    const conn = h.dialer.succeedNext();
    assert.equal(await get, conn);
    assert.equal(h.pool.stats().dialErrors, 0);

    h.dialer.mode = 'fail';
    const failing = h.pool.get();
    const outcome = assert.rejects(failing, /dial 6/);
    await advance(h.clock, 200);
    await outcome;
    assert.equal(h.dialer.calls, 6);
    assert.equal(h.pool.stats().dialErrors, 1);
    h.pool.put(conn);
    await h.teardown();
  });

  test('close aborts dials in progress: their gets reject with ClientClosedError and the dialer’s signal fires', async () => {
    const h = makePool();
    h.dialer.mode = 'manual';
    h.dialer.honourSignal = false;
    const get = h.pool.get();
    await flush();
    const closing = h.pool.close();
    await assert.rejects(get, ClientClosedError);
    assert.ok(h.dialer.signals[0]!.aborted);
    await closing;
    const late = h.dialer.succeedNext();
    await flush();
    assert.equal(late.closeCount, 1);
    await h.teardown();
  });
});

describe('ConnPool dial errors: fail fast and the probe', () => {
  test('after poolSize failed dials, gets fail at once with the last error; only the probe dials, once a second', async () => {
    const h = makePool({ poolSize: 3 });
    h.dialer.mode = 'fail';
    for (let i = 1; i <= 3; i++) await assert.rejects(h.pool.get(), new RegExp(`dial ${i}\\)`));
    assert.equal(h.pool.stats().dialErrors, 3);
    const rejections = await Promise.allSettled([h.pool.get(), h.pool.get()]);
    for (const r of rejections) {
      assert.equal(r.status, 'rejected');
      assert.match(String(r.status === 'rejected' && r.reason), /dial 3\)/, 'the last dial error');
    }
    assert.equal(h.dialer.calls, 3, 'no dial while failing fast');
    await advance(h.clock, 999);
    assert.equal(h.dialer.calls, 3);
    await advance(h.clock, 1);
    assert.equal(h.dialer.calls, 4, 'the probe');
    await advance(h.clock, 1000);
    assert.equal(h.dialer.calls, 5);
    await assert.rejects(h.pool.get(), /dial 5\)/, 'the probe’s error becomes the last error');

    // The server comes back: within about a second the probe connects, closes its connection and resets the count.
    h.dialer.mode = 'auto';
    await advance(h.clock, 1000);
    assert.equal(h.dialer.calls, 6);
    assert.deepEqual(
      h.closed.map((c) => c.reason),
      ['probe'],
    );
    assert.equal(h.pool.stats().dialErrors, 0);
    const conn = await h.pool.get();
    assert.equal(h.dialer.calls, 7);
    await advance(h.clock, 5000);
    assert.equal(h.dialer.calls, 7, 'the probe stopped');
    h.pool.put(conn);
    await h.teardown();
  });

  test('idle connections still serve gets while dials fail fast', async () => {
    const h = makePool({ poolSize: 2 });
    const conn = await h.pool.get();
    h.pool.put(conn);
    h.dialer.mode = 'fail';
    const held = await h.pool.get();
    await assert.rejects(h.pool.get());
    await assert.rejects(h.pool.get());
    assert.equal(h.pool.stats().dialErrors, 2);
    h.pool.put(held);
    assert.equal(await h.pool.get(), conn);
    h.pool.put(conn);
    await h.teardown();
  });

  test('any successful dial resets the count and stops the probe', async () => {
    const h = makePool({ poolSize: 2 });
    h.dialer.mode = 'manual';
    const slow = h.pool.get(); // a dial that started before the failures
    await flush();
    h.dialer.mode = 'fail';
    await assert.rejects(h.pool.get());
    h.dialer.pending[0]!.fail(); // the second consecutive failure trips the gate (poolSize 2)
    await assert.rejects(slow);
    assert.equal(h.pool.stats().dialErrors, 2);
    await advance(h.clock, 1000);
    assert.equal(h.dialer.calls, 3, 'probe ran once');
    h.dialer.mode = 'auto';
    await advance(h.clock, 1000);
    assert.equal(h.pool.stats().dialErrors, 0);
    const calls = h.dialer.calls;
    await advance(h.clock, 3000);
    assert.equal(h.dialer.calls, calls);
    await h.teardown();
  });

  test('a dial that succeeds while failing fast (started before) resets the count at once', async () => {
    const h = makePool({ poolSize: 2 });
    h.dialer.mode = 'manual';
    const early = h.pool.get();
    await flush();
    h.dialer.mode = 'fail';
    await assert.rejects(h.pool.get());
    await assert.rejects(h.pool.get());
    assert.equal(h.pool.stats().dialErrors, 2);
    const conn = h.dialer.succeedNext();
    assert.equal(await early, conn);
    assert.equal(h.pool.stats().dialErrors, 0);
    await advance(h.clock, 2000);
    assert.equal(h.dialer.calls, 3, 'no probe after the reset');
    h.pool.put(conn);
    await h.teardown();
  });

  test('retries stop once the gate trips: no more attempts except the probe', async () => {
    const h = makePool({ poolSize: 1, dialerRetries: 5, dialerRetryTimeout: 100 });
    h.dialer.mode = 'fail';
    const get = h.pool.get();
    const outcome = assert.rejects(get);
    await advance(h.clock, 400);
    await outcome;
    assert.equal(h.dialer.calls, 5);
    assert.equal(h.pool.stats().dialErrors, 1);
    await assert.rejects(h.pool.get());
    assert.equal(h.dialer.calls, 5);
    await h.teardown();
  });

  test('close stops the probe', async () => {
    const h = makePool({ poolSize: 1 });
    h.dialer.mode = 'fail';
    await assert.rejects(h.pool.get());
    assert.equal(h.clock.pendingTimers, 2, 'the sweep and the probe');
    await h.pool.close();
    assert.equal(h.clock.pendingTimers, 0);
    await advance(h.clock, 5000);
    assert.equal(h.dialer.calls, 1);
    await h.teardown();
  });
});

describe('ConnPool maxConcurrentDials and the overdue probe (issue 15)', () => {
  test('at most maxConcurrentDials dials run at once; a connection given back serves a get waiting to dial', async () => {
    const h = makePool({ poolSize: 6, maxConcurrentDials: 2 });
    h.dialer.mode = 'manual';
    const gets = Array.from({ length: 5 }, () => h.pool.get());
    await flush();
    assert.equal(h.dialer.pending.length, 2, 'two dials in flight');
    assert.equal(h.pool.stats().dialing, 2);
    assert.equal(h.pool.stats().turnsInUse, 5, 'the others hold their turn while they wait to dial');
    const first = h.dialer.succeedNext();
    await flush();
    assert.equal(await gets[0], first);
    assert.equal(h.dialer.pending.length, 2, 'the next waiting get dials as a slot frees');
    h.pool.put(first); // gets[2] took the freed dial slot; gets[3] and gets[4] still wait for one
    assert.equal(await gets[3], first, 'the connection given back serves the oldest get waiting to dial');
    h.dialer.succeedNext();
    h.dialer.succeedNext();
    await flush();
    assert.equal(h.dialer.pending.length, 1, 'the last get dials');
    h.dialer.succeedNext();
    const conns = await Promise.all(gets);
    assert.equal(h.dialer.calls, 4, 'four dials served five gets');
    for (const c of new Set(conns)) h.pool.put(c);
    await h.teardown();
  });

  test('a get waiting for a dial slot times out with PoolTimeoutError and gives its turn back', async () => {
    const h = makePool({ poolSize: 3, maxConcurrentDials: 1, poolTimeout: 100 });
    h.dialer.mode = 'manual';
    const dialing = h.pool.get();
    const waiting = assert.rejects(h.pool.get(), /Timed out/);
    await flush();
    await advance(h.clock, 100);
    await waiting;
    assert.equal(h.pool.stats().turnsInUse, 1);
    h.dialer.succeedNext();
    h.pool.put(await dialing);
    await h.teardown();
  });

  test('a get that finds the probe overdue (its timer held back) runs it at once', async () => {
    const h = makePool({ poolSize: 2 });
    h.dialer.mode = 'fail';
    await assert.rejects(h.pool.get());
    await assert.rejects(h.pool.get());
    assert.equal(h.dialer.calls, 2);
    // The event loop was busy: time passed, the probe's timer did not fire.
    h.clock.skip(1500);
    h.dialer.mode = 'auto';
    await assert.rejects(h.pool.get(), 'this get still fails fast');
    await flush();
    assert.equal(h.dialer.calls, 3, 'but it ran the overdue probe');
    assert.equal(h.pool.dialFailing, false, 'which reopened the gate');
    const conn = await h.pool.get();
    h.pool.put(conn);
    await h.teardown();
  });
});
