/**
 * ConnLimiter: a counting semaphore of socket permits, shared by several pools (and the client's
 * pub/sub sockets) to enforce `maxActiveConns`. One permit per live socket: taken before a dial,
 * given back when that socket closes. Waiters are served strictly first-in first-out; a permit that
 * is released while someone waits passes straight to the first waiter (the count never dips).
 *
 *   request:  queued ──release()──▶ granted (onGranted runs)
 *                └─────cancel()───▶ cancelled
 */
import { AbortError, InvalidArgumentError, PoolTimeoutError } from '../errors.js';
import { offAbort, onAbort as addAbortCallback } from '../internal/abort-fanout.js';
import { realClock, type Clock } from '../internal/clock.js';
import { LinkedList, type ListNode } from '../internal/linked-list.js';

/** A queued wait for a permit, as returned by `request()`. */
export interface PermitRequest extends ListNode<PermitRequest> {
  readonly onGranted: () => void;
  queued: boolean;
}

export class ConnLimiter {
  /** The cap; 0 = unlimited (permits are still counted). */
  readonly max: number;
  private readonly clock: Clock;
  private activeCount = 0;
  private readonly queue = new LinkedList<PermitRequest>();
  /** Pools that can close one of their idle connections to free a permit for someone waiting. */
  private readonly reclaimers = new Set<() => boolean>();
  private reclaimScheduled = false;

  constructor(max: number, clock: Clock = realClock) {
    if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 0) {
      throw new InvalidArgumentError(`maxActiveConns must be an integer ≥ 0 (0 = no limit); got ${String(max)}.`);
    }
    this.max = max;
    this.clock = clock;
  }

  /** Permits held now. */
  get active(): number {
    return this.activeCount;
  }

  /** Requests queued for a permit. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Takes a permit if one is free and nobody is queued ahead. */
  tryAcquire(): boolean {
    if (this.max !== 0 && (this.activeCount >= this.max || this.queue.length > 0)) return false;
    this.activeCount++;
    return true;
  }

  /**
   * Queues for a permit; `onGranted` runs synchronously inside the `release()` that frees it, and then
   * the caller holds the permit. Call after `tryAcquire()` failed. Cancel with `cancel()`.
   */
  request(onGranted: () => void): PermitRequest {
    const ticket: PermitRequest = { onGranted, queued: true, prev: undefined, next: undefined };
    this.queue.push(ticket);
    this.scheduleReclaim();
    return ticket;
  }

  /**
   * Registers a way to free a permit held by an idle socket (a pool closing its oldest idle connection);
   * returns the function that unregisters it. Without this, idle connections of one pool could keep
   * another pool (or pub/sub) waiting for a permit until its timeout.
   */
  addReclaimer(reclaim: () => boolean): () => void {
    this.reclaimers.add(reclaim);
    return () => this.reclaimers.delete(reclaim);
  }

  /** After the current call returns (no re-entry into the requester), close idle sockets while requests wait. */
  private scheduleReclaim(): void {
    if (this.reclaimScheduled || this.reclaimers.size === 0) return;
    this.reclaimScheduled = true;
    queueMicrotask(() => {
      this.reclaimScheduled = false;
      while (this.queue.length > 0) {
        let freed = false;
        // Each close releases a permit, which goes straight to the first waiter.
        for (const reclaim of this.reclaimers) if ((freed = reclaim())) break;
        if (!freed) return;
      }
    });
  }

  /** Leaves the queue; false if the request was already granted (the caller then holds a permit). */
  cancel(ticket: PermitRequest): boolean {
    if (!ticket.queued) return false;
    ticket.queued = false;
    this.queue.remove(ticket);
    return true;
  }

  /** Gives a permit back; the first queued request gets it. */
  release(): void {
    const next = this.queue.shift();
    if (next !== undefined) {
      next.queued = false;
      next.onGranted();
      return;
    }
    if (this.activeCount > 0) this.activeCount--;
  }

  /**
   * Waits for a permit for at most `timeoutMs` (PoolTimeoutError) or until `signal` fires (AbortError).
   * For sockets outside any pool (pub/sub); release it with `release()` when the socket closes.
   */
  acquire(options: { signal?: AbortSignal; timeoutMs: number }): Promise<void> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const finish = (): void => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        if (signal !== undefined) offAbort(signal, onAbort);
      };
      const ticket = this.request(() => {
        finish();
        resolve();
      });
      const onAbort = (): void => {
        if (!this.cancel(ticket)) return;
        finish();
        reject(new AbortError(signal?.reason));
      };
      const timer =
        Number.isFinite(timeoutMs) && timeoutMs >= 0
          ? this.clock.setTimeout(() => {
              if (!this.cancel(ticket)) return;
              finish();
              reject(
                new PoolTimeoutError({
                  poolSize: this.max,
                  inUse: this.activeCount,
                  idle: 0,
                  waiters: this.queue.length,
                  timeoutMs,
                }),
              );
            }, timeoutMs)
          : undefined;
      if (signal !== undefined) addAbortCallback(signal, onAbort);
    });
  }
}
