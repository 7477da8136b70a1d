/**
 * Fakes for the pool tests: a poolable that records its closing, a dialer the test drives by hand,
 * and helpers to advance a ManualClock while letting promise callbacks run.
 */
import { ConnectionError } from '../../src/errors.js';
import { ManualClock } from '../../src/internal/clock.js';
import { ConnPool } from '../../src/pool/conn-pool.js';
import type { PoolOptions, PoolRemoveReason } from '../../src/pool/types.js';

export class FakeConn {
  static nextId = 1;
  readonly id = FakeConn.nextId++;
  usable = true;
  closeCount = 0;

  close(): void {
    this.closeCount++;
    this.usable = false;
  }
}

interface PendingDial {
  readonly signal: AbortSignal;
  succeed(): FakeConn;
  fail(error?: unknown): void;
}

/**
 * mode 'auto': every dial succeeds at once; 'fail': every dial rejects with a ConnectionError;
 * 'manual': dials wait in `pending` until the test settles them. Manual dials honour the signal
 * (reject with its reason) unless `honourSignal` is false.
 */
export class FakeDialer {
  mode: 'auto' | 'fail' | 'manual' = 'auto';
  honourSignal = true;
  calls = 0;
  readonly pending: PendingDial[] = [];
  readonly created: FakeConn[] = [];
  readonly signals: AbortSignal[] = [];

  readonly dial = (signal: AbortSignal): Promise<FakeConn> => {
    this.calls++;
    this.signals.push(signal);
    if (this.mode === 'auto') return Promise.resolve(this.make());
    if (this.mode === 'fail') return Promise.reject(new ConnectionError(`refused (dial ${this.calls})`));
    return new Promise<FakeConn>((resolve, reject) => {
      const entry: PendingDial = {
        signal,
        succeed: () => {
          this.drop(entry);
          const conn = this.make();
          resolve(conn);
          return conn;
        },
        fail: (error = new ConnectionError('refused (manual)')) => {
          this.drop(entry);
          reject(error);
        },
      };
      this.pending.push(entry);
      if (this.honourSignal) {
        signal.addEventListener('abort', () => entry.fail(signal.reason), { once: true });
      }
    });
  };

  /** Settles the oldest pending dial with a connection. */
  succeedNext(): FakeConn {
    const next = this.pending[0];
    if (next === undefined) throw new Error('no pending dial');
    return next.succeed();
  }

  private make(): FakeConn {
    const conn = new FakeConn();
    this.created.push(conn);
    return conn;
  }

  private drop(entry: PendingDial): void {
    const index = this.pending.indexOf(entry);
    if (index !== -1) this.pending.splice(index, 1);
  }
}

/** Lets every queued promise callback run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Advances the clock by `ms`, timer by timer, letting promise callbacks run after each one. */
export async function advance(clock: ManualClock, ms: number): Promise<void> {
  const target = clock.now() + ms;
  await flush();
  for (let due = clock.nextDue(); due !== undefined && due <= target; due = clock.nextDue()) {
    clock.advance(due - clock.now());
    await flush();
  }
  clock.advance(target - clock.now());
  await flush();
}

export interface Harness {
  clock: ManualClock;
  dialer: FakeDialer;
  pool: ConnPool<FakeConn>;
  closed: { conn: FakeConn; reason: PoolRemoveReason }[];
  /** Closes the pool, returns every connection still held, and checks that nothing is left behind. */
  teardown(): Promise<void>;
}

/** A pool on a ManualClock and a FakeDialer; small defaults so tests read clearly. */
export function makePool(
  options: Omit<Partial<PoolOptions<FakeConn>>, 'dialer' | 'clock'> = {},
  dialer = new FakeDialer(),
): Harness {
  const clock = new ManualClock(1000);
  const closed: Harness['closed'] = [];
  const pool = new ConnPool<FakeConn>({
    poolSize: 4,
    dialerRetries: 1,
    ...options,
    dialer: dialer.dial,
    clock,
    onClose: (conn, reason) => {
      closed.push({ conn, reason });
      options.onClose?.(conn, reason);
    },
  });
  return {
    clock,
    dialer,
    pool,
    closed,
    async teardown() {
      const done = pool.close();
      for (const conn of dialer.created) if (conn.closeCount === 0 && pool.len() > 0) tryPut(pool, conn);
      await flush();
      await done;
      if (clock.pendingTimers !== 0) throw new Error(`${clock.pendingTimers} timer(s) left after close`);
      if (pool.len() !== 0) throw new Error('connections left after close');
    },
  };
}

function tryPut(pool: ConnPool<FakeConn>, conn: FakeConn): void {
  try {
    pool.put(conn);
  } catch {
    // not checked out
  }
}

/** Resolves to 'pending' if the promise has not settled after a flush. */
export async function state<T>(promise: Promise<T>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  let result: 'pending' | 'fulfilled' | 'rejected' = 'pending';
  promise.then(
    () => (result = 'fulfilled'),
    () => (result = 'rejected'),
  );
  await flush();
  return result;
}
