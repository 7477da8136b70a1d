/** ConnPool core rules: turns, FIFO waiters, idle pop order and checks, put, remove, evict, stats, close. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AbortError, ClientClosedError, InvalidArgumentError, PoolTimeoutError } from '../../src/errors.js';
import { FakeConn, advance, flush, makePool, state } from './pool-fakes.js';

describe('ConnPool turns and waiters', () => {
  test('an idle connection is reused: one dial, then hits', async () => {
    const h = makePool();
    const a = await h.pool.get();
    h.pool.put(a);
    const b = await h.pool.get();
    assert.equal(b, a);
    assert.equal(h.dialer.calls, 1);
    const s = h.pool.stats();
    assert.deepEqual([s.hits, s.misses, s.totalConns, s.idleConns, s.inUse], [1, 1, 1, 0, 1]);
    h.pool.put(b);
    await h.teardown();
  });

  test('waiters are served strictly in arrival order', async () => {
    const h = makePool({ poolSize: 1 });
    const first = await h.pool.get();
    const order: number[] = [];
    const waits = [0, 1, 2, 3, 4].map((i) =>
      h.pool.get().then((conn) => {
        order.push(i);
        return conn;
      }),
    );
    await flush();
    assert.equal(h.pool.stats().waiters, 5);
    let conn = first;
    for (let i = 0; i < 5; i++) {
      h.pool.put(conn);
      conn = await waits[i]!;
      assert.equal(conn, first, 'the returned connection goes to the first waiter');
    }
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    const s = h.pool.stats();
    assert.equal(s.waitCount, 5);
    assert.equal(h.dialer.calls, 1);
    h.pool.put(conn);
    await h.teardown();
  });

  test('a new get does not jump the queue when a turn is being handed over', async () => {
    const h = makePool({ poolSize: 1 });
    const a = await h.pool.get();
    const waiter = h.pool.get();
    await flush();
    h.pool.put(a);
    const late = h.pool.get(); // issued after the put, in the same tick
    assert.equal(await waiter, a);
    assert.equal(await state(late), 'pending');
    h.pool.put(a);
    assert.equal(await late, a);
    h.pool.put(a);
    await h.teardown();
  });

  test('poolTimeout ends a wait with PoolTimeoutError carrying the pool state', async () => {
    const h = makePool({ poolSize: 2, poolTimeout: 500 });
    const held = [await h.pool.get(), await h.pool.get()];
    const waiting = h.pool.get();
    const outcome = assert.rejects(waiting, (error: unknown) => {
      assert.ok(error instanceof PoolTimeoutError);
      assert.equal(error.code, 'ERR_POOL_TIMEOUT');
      assert.deepEqual([error.poolSize, error.inUse, error.idle, error.waiters, error.timeoutMs], [2, 2, 0, 0, 500]);
      assert.match(error.message, /500 ms/);
      return true;
    });
    await advance(h.clock, 499);
    assert.equal(await state(waiting), 'pending');
    await advance(h.clock, 1);
    await outcome;
    const s = h.pool.stats();
    assert.equal(s.timeouts, 1);
    assert.equal(s.waiters, 0);
    assert.equal(s.waitCount, 0, 'a wait that timed out is not counted as served');
    assert.equal(s.pendingRequests, 0);
    for (const c of held) h.pool.put(c);
    await h.teardown();
  });

  test('abort while waiting rejects at once with AbortError (cause = reason) and frees the slot in the queue', async () => {
    const h = makePool({ poolSize: 1 });
    const a = await h.pool.get();
    const controller = new AbortController();
    const aborted = h.pool.get({ signal: controller.signal });
    const next = h.pool.get();
    await flush();
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await assert.rejects(aborted, (error: unknown) => {
      assert.ok(error instanceof AbortError);
      assert.equal(error.name, 'AbortError');
      assert.equal(error.code, 'ABORT_ERR');
      assert.equal(error.cause, reason);
      return true;
    });
    assert.equal(h.pool.stats().waiters, 1);
    h.pool.put(a);
    assert.equal(await next, a);
    h.pool.put(a);
    assert.equal(h.pool.stats().turnsInUse, 0);
    await h.teardown();
  });

  test('an already aborted signal fails before taking a turn', async () => {
    const h = makePool();
    await assert.rejects(h.pool.get({ signal: AbortSignal.abort('no') }), AbortError);
    assert.equal(h.dialer.calls, 0);
    assert.equal(h.pool.stats().turnsInUse, 0);
    await h.teardown();
  });
});

describe('ConnPool idle list', () => {
  async function fill(h: ReturnType<typeof makePool>, n: number): Promise<FakeConn[]> {
    const conns: FakeConn[] = [];
    for (let i = 0; i < n; i++) conns.push(await h.pool.get());
    for (const c of conns) h.pool.put(c);
    return conns;
  }

  test('LIFO by default: the most recently returned connection first', async () => {
    const h = makePool();
    const [a, b, c] = await fill(h, 3);
    assert.equal(await h.pool.get(), c);
    assert.equal(await h.pool.get(), b);
    assert.equal(await h.pool.get(), a);
    for (const conn of [a, b, c]) h.pool.put(conn!);
    await h.teardown();
  });

  test('FIFO with poolFIFO: the least recently returned connection first', async () => {
    const h = makePool({ poolFIFO: true });
    const [a, b, c] = await fill(h, 3);
    assert.equal(await h.pool.get(), a);
    assert.equal(await h.pool.get(), b);
    assert.equal(await h.pool.get(), c);
    for (const conn of [a, b, c]) h.pool.put(conn!);
    await h.teardown();
  });

  test('every popped connection is checked, as many as needed: unusable ones are closed and counted stale', async () => {
    const h = makePool({ poolSize: 8 });
    const conns = await fill(h, 6);
    for (const c of conns.slice(1)) c.usable = false; // five dead ones on top, one good at the bottom
    assert.equal(await h.pool.get(), conns[0]);
    assert.equal(h.pool.stats().staleConns, 5);
    assert.equal(h.closed.filter((c) => c.reason === 'unusable').length, 5);
    assert.equal(h.dialer.calls, 6, 'no dial needed');
    h.pool.put(conns[0]!);
    await h.teardown();
  });

  test('when every idle connection is dead, get dials', async () => {
    const h = makePool();
    const conns = await fill(h, 2);
    for (const c of conns) c.usable = false;
    const fresh = await h.pool.get();
    assert.ok(!conns.includes(fresh));
    assert.equal(h.pool.stats().misses, 3);
    h.pool.put(fresh);
    await h.teardown();
  });
});

describe('ConnPool put, remove, evict', () => {
  test('put of an unusable connection closes it (stale) and frees the turn', async () => {
    const h = makePool({ poolSize: 1 });
    const a = await h.pool.get();
    const waiter = h.pool.get();
    a.usable = false;
    h.pool.put(a);
    const b = await waiter;
    assert.notEqual(b, a);
    assert.equal(a.closeCount, 1);
    assert.deepEqual(
      h.closed.map((c) => c.reason),
      ['unusable'],
    );
    assert.equal(h.pool.stats().staleConns, 1);
    h.pool.put(b);
    await h.teardown();
  });

  test('maxIdleConns: a connection returned while that many are idle is closed', async () => {
    const h = makePool({ maxIdleConns: 2 });
    const conns = [await h.pool.get(), await h.pool.get(), await h.pool.get()];
    for (const c of conns) h.pool.put(c);
    assert.equal(h.pool.idleLen(), 2);
    assert.equal(h.pool.len(), 2);
    assert.deepEqual(
      h.closed.map((c) => [c.conn, c.reason]),
      [[conns[2], 'max-idle']],
    );
    assert.equal(h.pool.stats().staleConns, 0, 'max-idle closing is not staleness');
    await h.teardown();
  });

  test('maxIdleConns does not close a connection a waiter is about to take', async () => {
    const h = makePool({ poolSize: 2, maxIdleConns: 1 });
    const a = await h.pool.get();
    const b = await h.pool.get();
    h.pool.put(a); // idle: [a]
    const c = await h.pool.get(); // takes a
    const waiter = h.pool.get();
    await flush();
    h.pool.put(b);
    assert.equal(await waiter, b);
    assert.equal(h.closed.length, 0);
    h.pool.put(c);
    h.pool.put(b);
    await h.teardown();
  });

  test('remove closes with the reason, frees the turn and the next waiter dials', async () => {
    const h = makePool({ poolSize: 1 });
    const a = await h.pool.get();
    const waiter = h.pool.get();
    await flush();
    h.pool.remove(a, 'io');
    const b = await waiter;
    assert.notEqual(b, a);
    assert.deepEqual(
      h.closed.map((c) => c.reason),
      ['io'],
    );
    assert.equal(h.pool.stats().staleConns, 0);
    h.pool.remove(b);
    assert.deepEqual(
      h.closed.map((c) => c.reason),
      ['io', 'error'],
    );
    assert.equal(h.pool.len(), 0);
    await h.teardown();
  });

  test('put and remove of a connection that is not checked out throw InvalidArgumentError', async () => {
    const h = makePool();
    const a = await h.pool.get();
    h.pool.put(a);
    assert.throws(() => h.pool.put(a), InvalidArgumentError, 'double put');
    assert.throws(() => h.pool.put(new FakeConn()), InvalidArgumentError);
    assert.throws(() => h.pool.remove(new FakeConn()), InvalidArgumentError);
    await h.teardown();
  });

  test('evict: an idle connection that died leaves at once; in use or unknown is ignored', async () => {
    const h = makePool();
    const a = await h.pool.get();
    const b = await h.pool.get();
    h.pool.put(a);
    a.usable = false;
    h.pool.evict(a);
    assert.equal(h.pool.idleLen(), 0);
    assert.equal(a.closeCount, 1);
    assert.equal(h.pool.stats().staleConns, 1);
    h.pool.evict(b);
    h.pool.evict(new FakeConn());
    assert.equal(b.closeCount, 0);
    assert.equal(h.pool.len(), 1);
    h.pool.put(b);
    await h.teardown();
  });

  test('a throwing onClose or close() does not corrupt the pool', async () => {
    const h = makePool({
      maxIdleConns: 1,
      onClose: () => {
        throw new Error('hook failed');
      },
    });
    const a = await h.pool.get();
    const b = await h.pool.get();
    b.close = () => {
      throw new Error('close failed');
    };
    h.pool.put(a);
    h.pool.put(b);
    assert.equal(h.pool.len(), 1);
    assert.equal(h.pool.stats().turnsInUse, 0);
    await h.teardown();
  });
});

describe('ConnPool close', () => {
  test('close rejects waiters at once, closes idle connections, and new calls fail', async () => {
    const h = makePool({ poolSize: 1 });
    const a = await h.pool.get();
    h.pool.put(a);
    const b = await h.pool.get();
    const waiter = h.pool.get();
    await flush();
    const closing = h.pool.close();
    assert.equal(h.pool.closed, true);
    await assert.rejects(
      waiter,
      (error: unknown) => error instanceof ClientClosedError && error.code === 'ERR_CLIENT_CLOSED',
    );
    await assert.rejects(h.pool.get(), ClientClosedError);
    assert.equal(await state(closing), 'pending', 'a connection is still in use');
    h.pool.put(b);
    await closing;
    assert.equal(b.closeCount, 1);
    assert.deepEqual(
      h.closed.map((c) => c.reason),
      ['closed'],
    );
    assert.equal(h.pool.stats().totalConns, 0);
    await h.teardown();
  });

  test('close closes idle connections at once, is idempotent, and leaves no timer', async () => {
    const h = makePool({ connMaxIdleTime: 10_000 });
    const conns = [await h.pool.get(), await h.pool.get()];
    for (const c of conns) h.pool.put(c);
    assert.equal(h.clock.pendingTimers, 1, 'the sweep');
    const first = h.pool.close();
    const second = h.pool.close();
    await first;
    await second;
    assert.deepEqual(
      conns.map((c) => c.closeCount),
      [1, 1],
    );
    assert.equal(h.clock.pendingTimers, 0);
    assert.equal(h.pool.len(), 0);
    await h.teardown();
  });

  test('a connection in use is removed after close: closed once, with the remover’s reason', async () => {
    const h = makePool();
    const a = await h.pool.get();
    const closing = h.pool.close();
    h.pool.remove(a, 'error');
    await closing;
    assert.equal(a.closeCount, 1);
    await h.teardown();
  });

  test('await using closes the pool', async () => {
    const h = makePool();
    {
      await using pool = h.pool;
      h.pool.put(await pool.get());
    }
    assert.equal(h.pool.closed, true);
    await h.teardown();
  });
});

describe('ConnPool stats', () => {
  test('waitCount and waitDurationMs count gets that waited and then got a turn', async () => {
    const h = makePool({ poolSize: 1 });
    const a = await h.pool.get();
    const waiter = h.pool.get();
    await advance(h.clock, 250);
    assert.equal(h.pool.stats().pendingRequests, 1);
    h.pool.put(a);
    await waiter;
    const s = h.pool.stats();
    assert.equal(s.waitCount, 1);
    assert.equal(s.waitDurationMs, 250);
    assert.equal(s.pendingRequests, 0);
    h.pool.put(a);
    await h.teardown();
  });
});
