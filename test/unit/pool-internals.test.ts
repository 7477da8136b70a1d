/** The pool's helpers (intrusive list, manual clock) and the pool on the real clock: timers unref'ed, none left. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PoolTimeoutError } from '../../src/errors.js';
import { ManualClock } from '../../src/internal/clock.js';
import { LinkedList, type ListNode } from '../../src/internal/linked-list.js';
import { ConnPool } from '../../src/pool/conn-pool.js';
import { FakeDialer } from './pool-fakes.js';

interface Node extends ListNode<Node> {
  id: number;
}
const node = (id: number): Node => ({ id, prev: undefined, next: undefined });
const ids = (list: LinkedList<Node>): number[] => [...list].map((n) => n.id);

describe('LinkedList', () => {
  test('push, shift (FIFO), pop (LIFO) and removal from the middle', () => {
    const list = new LinkedList<Node>();
    const nodes = [1, 2, 3, 4, 5].map(node);
    for (const n of nodes) list.push(n);
    assert.deepEqual(ids(list), [1, 2, 3, 4, 5]);
    list.remove(nodes[2]!);
    assert.deepEqual(ids(list), [1, 2, 4, 5]);
    assert.equal(list.shift()?.id, 1);
    assert.equal(list.pop()?.id, 5);
    list.remove(nodes[1]!);
    list.remove(nodes[3]!);
    assert.equal(list.length, 0);
    assert.equal(list.first, undefined);
    assert.equal(list.shift(), undefined);
    assert.equal(list.pop(), undefined);
    list.push(nodes[0]!);
    assert.deepEqual(ids(list), [1]);
    assert.deepEqual(
      list.drain().map((n) => n.id),
      [1],
    );
  });

  test('iteration survives removing the current node', () => {
    const list = new LinkedList<Node>();
    for (const n of [1, 2, 3, 4].map(node)) list.push(n);
    for (const n of list) if (n.id % 2 === 0) list.remove(n);
    assert.deepEqual(ids(list), [1, 3]);
  });
});

describe('ManualClock', () => {
  test('fires timers in due order, including ones set by callbacks; clearTimeout cancels', () => {
    const clock = new ManualClock(100);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimeout(() => fired.push(`c@${clock.now()}`), 5);
    }, 10);
    const cancelled = clock.setTimeout(() => fired.push('x'), 15);
    clock.clearTimeout(cancelled);
    assert.equal(clock.pendingTimers, 2);
    clock.advance(30);
    assert.deepEqual(fired, ['a@110', 'c@115', 'b@120']);
    assert.equal(clock.now(), 130);
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('ConnPool on the real clock', () => {
  const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  test('background timers (sweep, probe) are unref’ed; close leaves no timer behind', async () => {
    const before = timers();
    const dialer = new FakeDialer();
    dialer.mode = 'fail';
    const pool = new ConnPool({ dialer: dialer.dial, poolSize: 1, dialerRetries: 1, connMaxIdleTime: 1000 });
    await assert.rejects(pool.get()); // trips the gate: the probe is scheduled
    assert.equal(timers(), before, 'sweep and probe do not keep the process alive');
    await pool.close();
    assert.equal(timers(), before);
  });

  test('a real wait times out, and its timer is cleared when served', async () => {
    const before = timers();
    const pool = new ConnPool({ dialer: new FakeDialer().dial, poolSize: 1, poolTimeout: 30, connMaxIdleTime: 0 });
    const conn = await pool.get();
    await assert.rejects(pool.get(), PoolTimeoutError);
    const waiter = pool.get();
    assert.equal(timers(), before + 1, 'a caller’s wait keeps the process alive');
    pool.put(conn);
    pool.put(await waiter);
    assert.equal(timers(), before);
    await pool.close();
  });
});
