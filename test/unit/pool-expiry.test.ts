/** ConnPool expiry and sizing: idle time, lifetime with jitter, the background sweep, min-idle refill. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sweepIntervalFor } from '../../src/pool/conn-registry.js';
import { FakeConn, advance, flush, makePool } from './pool-fakes.js';

describe('ConnPool expiry', () => {
  test('an idle connection unused for connMaxIdleTime is closed at pop (stale) and get dials', async () => {
    const h = makePool({ connMaxIdleTime: 10_000 });
    const a = await h.pool.get();
    h.pool.put(a);
    h.clock.advance(10_000); // no flush: the sweep (every 5 s) did not get to run
    const b = await h.pool.get();
    assert.notEqual(b, a);
    assert.equal(a.closeCount, 1);
    assert.deepEqual(
      h.closed.map((c) => c.reason),
      ['idle'],
    );
    assert.equal(h.pool.stats().staleConns, 1);
    h.pool.put(b);
    await h.teardown();
  });

  test('idle time counts from the last put, not from creation', async () => {
    const h = makePool({ connMaxIdleTime: 10_000 });
    const a = await h.pool.get();
    await advance(h.clock, 9_000);
    h.pool.put(a);
    await advance(h.clock, 9_000);
    assert.equal(await h.pool.get(), a);
    h.pool.put(a);
    await h.teardown();
  });

  test('the sweep closes expired idle connections without any get', async () => {
    const h = makePool({ connMaxIdleTime: 1000 });
    assert.equal(sweepIntervalFor(h.pool.options), 500);
    const conns = [await h.pool.get(), await h.pool.get()];
    h.pool.put(conns[0]!);
    await advance(h.clock, 600);
    h.pool.put(conns[1]!);
    // Sweeps run every 500 ms from the start: at 500 ms, 1000 ms (first idle 1000 ms → closed), 1500 ms
    // (second idle 900 ms → kept), 2000 ms (second idle 1400 ms → closed).
    await advance(h.clock, 500);
    assert.deepEqual(
      conns.map((c) => c.closeCount),
      [1, 0],
    );
    await advance(h.clock, 500);
    assert.deepEqual(
      conns.map((c) => c.closeCount),
      [1, 0],
    );
    await advance(h.clock, 500);
    assert.deepEqual(
      conns.map((c) => c.closeCount),
      [1, 1],
    );
    assert.equal(h.pool.len(), 0);
    assert.equal(h.pool.stats().staleConns, 2);
    assert.deepEqual(
      h.closed.map((c) => c.reason),
      ['idle', 'idle'],
    );
    await h.teardown();
  });

  test('the sweep also drops idle connections that are no longer usable', async () => {
    const h = makePool({ connMaxIdleTime: 60_000 });
    const a = await h.pool.get();
    h.pool.put(a);
    a.usable = false;
    await advance(h.clock, 30_000);
    assert.equal(a.closeCount, 1);
    assert.deepEqual(
      h.closed.map((c) => c.reason),
      ['unusable'],
    );
    await h.teardown();
  });

  test('connMaxLifetime: a connection this old is closed when next seen idle, even if just returned', async () => {
    const h = makePool({ connMaxLifetime: 5000, connMaxIdleTime: 0 });
    const a = await h.pool.get();
    await advance(h.clock, 5000);
    h.pool.put(a); // put does not check age; the next pop or sweep does
    assert.equal(a.closeCount, 0);
    const b = await h.pool.get();
    assert.notEqual(b, a);
    assert.deepEqual(
      h.closed.map((c) => c.reason),
      ['lifetime'],
    );
    h.pool.put(b);
    await h.teardown();
  });

  test('lifetime jitter spreads expiry across ±jitter', async () => {
    const n = 40;
    const h = makePool({ poolSize: n, connMaxLifetime: 10_000, connMaxLifetimeJitter: 4_000, connMaxIdleTime: 0 });
    const start = h.clock.now();
    const conns: FakeConn[] = [];
    for (let i = 0; i < n; i++) conns.push(await h.pool.get());
    for (const c of conns) h.pool.put(c);
    const closedAt = new Map<FakeConn, number>();
    for (let t = 0; t < 16_000; t += 250) {
      await advance(h.clock, 250);
      for (const { conn } of h.closed) if (!closedAt.has(conn)) closedAt.set(conn, h.clock.now() - start);
    }
    assert.equal(closedAt.size, n, 'all expired by lifetime + jitter + one sweep interval');
    const times = [...closedAt.values()];
    // The sweep runs every 5 s, so closings happen at 5 s, 10 s and 15 s: with ±4 s jitter around 10 s,
    // each connection lands on one of those three sweeps; without jitter all would close at 10 s.
    const buckets = new Set(times);
    assert.ok(buckets.size >= 2, `expiry spread over sweeps, got ${[...buckets].join(',')}`);
    assert.ok(Math.min(...times) >= 5_000 && Math.max(...times) <= 15_000);
    await h.teardown();
  });

  test('without jitter every connection expires together', async () => {
    const h = makePool({ poolSize: 10, connMaxLifetime: 1_000, connMaxIdleTime: 0 });
    const conns: FakeConn[] = [];
    for (let i = 0; i < 10; i++) conns.push(await h.pool.get());
    for (const c of conns) h.pool.put(c);
    await advance(h.clock, 999);
    assert.equal(h.closed.length, 0);
    await advance(h.clock, 1);
    assert.equal(h.closed.length, 10);
    await h.teardown();
  });

  test('sweep interval: min(idle time, lifetime)/2, between 100 ms and 60 s; none when both are off', () => {
    assert.equal(sweepIntervalFor({ connMaxIdleTime: 1_800_000, connMaxLifetime: 0 }), 60_000);
    assert.equal(sweepIntervalFor({ connMaxIdleTime: 0, connMaxLifetime: 30_000 }), 15_000);
    assert.equal(sweepIntervalFor({ connMaxIdleTime: 20_000, connMaxLifetime: 8_000 }), 4_000);
    assert.equal(sweepIntervalFor({ connMaxIdleTime: 10, connMaxLifetime: 0 }), 100);
    assert.equal(sweepIntervalFor({ connMaxIdleTime: 0, connMaxLifetime: 0 }), undefined);
  });
});

describe('ConnPool min idle', () => {
  test('minIdleConns are dialed in the background at start', async () => {
    const h = makePool({ minIdleConns: 2 });
    assert.equal(h.dialer.calls, 0, 'not inside the constructor');
    await flush();
    assert.equal(h.dialer.calls, 2);
    assert.equal(h.pool.idleLen(), 2);
    const s = h.pool.stats();
    assert.deepEqual([s.hits, s.misses, s.turnsInUse], [0, 0, 0], 'refill dials are not gets');
    await h.teardown();
  });

  test('refill after pops and after removes, holding a turn while dialing', async () => {
    const h = makePool({ poolSize: 3, minIdleConns: 1 });
    h.dialer.mode = 'manual';
    await flush();
    assert.equal(h.pool.stats().turnsInUse, 1, 'the refill dial holds a turn');
    const first = h.dialer.succeedNext();
    await flush();
    assert.equal(h.pool.idleLen(), 1);
    const a = await h.pool.get(); // pop → refill
    assert.equal(a, first);
    assert.equal(h.dialer.pending.length, 1);
    h.dialer.succeedNext();
    await flush();
    assert.equal(h.pool.idleLen(), 1);
    const b = await h.pool.get(); // pop → refill; now 2 in use + 1 dialing = poolSize
    assert.equal(h.dialer.pending.length, 1);
    h.dialer.succeedNext();
    await flush();
    assert.deepEqual([h.pool.len(), h.pool.idleLen()], [3, 1]);
    h.pool.remove(a); // remove → refill? idle is already 1: nothing to do
    await flush();
    assert.equal(h.dialer.pending.length, 0);
    const c = await h.pool.get(); // pops the idle one → refill dials
    assert.equal(h.dialer.pending.length, 1);
    h.dialer.succeedNext();
    await flush();
    h.pool.remove(c);
    h.pool.remove(b);
    assert.deepEqual([h.pool.len(), h.pool.idleLen()], [1, 1]);
    await h.teardown();
  });

  test('a failed refill dial gives its turn back; the next remove tries again', async () => {
    const h = makePool({ poolSize: 4, minIdleConns: 2, connMaxIdleTime: 0 });
    h.dialer.mode = 'fail';
    await flush();
    assert.equal(h.dialer.calls, 2);
    assert.deepEqual([h.pool.stats().turnsInUse, h.pool.stats().dialing, h.pool.stats().dialErrors], [0, 0, 2]);
    h.dialer.mode = 'auto';
    const a = await h.pool.get(); // idle was empty: nothing popped, so no refill yet
    assert.equal(h.dialer.calls, 3);
    h.pool.remove(a);
    await flush();
    assert.equal(h.pool.idleLen(), 2);
    assert.equal(h.dialer.calls, 5);
    await h.teardown();
  });

  test('refill never lets connections + dials exceed poolSize', async () => {
    const h = makePool({ poolSize: 2, minIdleConns: 2 });
    await flush();
    const a = await h.pool.get();
    await flush();
    const b = await h.pool.get();
    await flush();
    assert.equal(h.pool.len(), 2);
    assert.equal(h.dialer.calls, 2);
    h.pool.put(a);
    h.pool.put(b);
    await h.teardown();
  });

  test('refill after an expired connection is dropped by the sweep', async () => {
    const h = makePool({ minIdleConns: 1, connMaxIdleTime: 1000 });
    await flush();
    const first = h.dialer.created[0]!;
    await advance(h.clock, 1000);
    assert.equal(first.closeCount, 1);
    assert.equal(h.pool.idleLen(), 1);
    assert.equal(h.dialer.calls, 2);
    await h.teardown();
  });

  test('refill stops while dials fail fast and resumes after the probe connects', async () => {
    const h = makePool({ poolSize: 2, minIdleConns: 1 });
    h.dialer.mode = 'fail';
    await flush(); // the refill dial fails: 1
    await assert.rejects(h.pool.get()); // 2: the gate trips
    assert.equal(h.dialer.calls, 2);
    await assert.rejects(h.pool.get()); // fails fast; no refill dial either
    assert.equal(h.dialer.calls, 2);
    h.dialer.mode = 'auto';
    await advance(h.clock, 1000);
    await flush();
    assert.equal(h.pool.idleLen(), 1, 'refilled after the probe');
    await h.teardown();
  });
});
