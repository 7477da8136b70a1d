/**
 * ConnRegistry: what a pool knows about its live connections, kept beside them (a Map keyed by the
 * connection), so `C` itself is never touched. It owns the idle list, the expiry checks and the one
 * place where a connection is closed (close, onClose, limiter permit back).
 *
 *   add() ─▶ in-use ──pushIdle()──▶ idle ──popUsable()──▶ in-use
 *               │                     │ (stale: idle time, lifetime, unusable → closed)
 *               └────── close() ──────┴──────────────▶ closed (forgotten)
 */
import { LinkedList, type ListNode } from '../internal/linked-list.js';
import type { ConnLimiter } from './limiter.js';
import type { Poolable, PoolRemoveReason, ResolvedPoolOptions } from './types.js';

/** The sweep runs at least this far apart, however short the idle time or lifetime. */
export const MIN_SWEEP_INTERVAL_MS = 100;
/** …and at most this far apart. */
export const MAX_SWEEP_INTERVAL_MS = 60_000;

/** How often the background sweep looks for expired idle connections; undefined when neither expiry is on. */
export function sweepIntervalFor(
  options: Pick<ResolvedPoolOptions, 'connMaxIdleTime' | 'connMaxLifetime'>,
): number | undefined {
  const spans = [options.connMaxIdleTime, options.connMaxLifetime].filter((span) => span > 0);
  if (spans.length === 0) return undefined;
  return Math.min(Math.max(Math.min(...spans) / 2, MIN_SWEEP_INTERVAL_MS), MAX_SWEEP_INTERVAL_MS);
}

export interface ConnEntry<C> extends ListNode<ConnEntry<C>> {
  readonly conn: C;
  state: 'idle' | 'in-use' | 'closed';
  /** When it was last returned (or created): the start of its idle time. */
  usedAt: number;
  /** Creation + connMaxLifetime ± jitter; Infinity when lifetime is off. */
  readonly expiresAt: number;
}

export class ConnRegistry<C extends Poolable> {
  private readonly entries = new Map<C, ConnEntry<C>>();
  private readonly idle = new LinkedList<ConnEntry<C>>();
  /** Connections closed by the expiry or health checks. */
  staleCount = 0;

  constructor(
    private readonly options: Readonly<ResolvedPoolOptions>,
    private readonly onClose: ((conn: C, reason: PoolRemoveReason) => void) | undefined,
    private readonly limiter: ConnLimiter | undefined,
  ) {}

  /** Idle + in use. */
  get size(): number {
    return this.entries.size;
  }

  get idleLength(): number {
    return this.idle.length;
  }

  find(conn: C): ConnEntry<C> | undefined {
    return this.entries.get(conn);
  }

  /** Registers a newly dialed connection as in use. */
  add(conn: C, now: number): ConnEntry<C> {
    const { connMaxLifetime: lifetime, connMaxLifetimeJitter: jitter } = this.options;
    const expiresAt = lifetime > 0 ? now + lifetime + (Math.random() * 2 - 1) * jitter : Infinity;
    const entry: ConnEntry<C> = { conn, state: 'in-use', usedAt: now, expiresAt, prev: undefined, next: undefined };
    this.entries.set(conn, entry);
    return entry;
  }

  pushIdle(entry: ConnEntry<C>, now: number): void {
    entry.state = 'idle';
    entry.usedAt = now;
    this.idle.push(entry);
  }

  /** Pops idle connections (LIFO, or FIFO with poolFIFO) until one passes its checks; stale ones are closed. */
  popUsable(now: number): ConnEntry<C> | undefined {
    let entry: ConnEntry<C> | undefined;
    while ((entry = this.options.poolFIFO ? this.idle.shift() : this.idle.pop()) !== undefined) {
      entry.state = 'in-use';
      const reason = this.staleReason(entry, now);
      if (reason === undefined) return entry;
      this.close(entry, reason, true);
    }
    return undefined;
  }

  /** The sweep: closes idle connections past their idle time or lifetime, or no longer usable. */
  closeStale(now: number): void {
    for (const entry of this.idle) {
      const reason = this.staleReason(entry, now);
      if (reason !== undefined) this.close(entry, reason, true);
    }
  }

  /** Closes the idle connection returned longest ago; false when none is idle. */
  closeOldestIdle(reason: PoolRemoveReason): boolean {
    const entry = this.idle.first;
    if (entry === undefined) return false;
    this.close(entry, reason);
    return true;
  }

  closeAllIdle(reason: PoolRemoveReason): void {
    for (let entry = this.idle.first; entry !== undefined; entry = this.idle.first) this.close(entry, reason);
  }

  /** Closes a registered connection and forgets it; its limiter permit goes back. */
  close(entry: ConnEntry<C>, reason: PoolRemoveReason, stale = false): void {
    if (entry.state === 'idle') this.idle.remove(entry);
    entry.state = 'closed';
    this.entries.delete(entry.conn);
    if (stale) this.staleCount++;
    this.closeConn(entry.conn, reason);
    this.limiter?.release();
  }

  /** Closes a connection and reports it. Errors thrown by close() or onClose must not corrupt the pool. */
  closeConn(conn: C, reason: PoolRemoveReason): void {
    try {
      conn.close();
    } catch {
      // The connection is gone either way.
    }
    try {
      this.onClose?.(conn, reason);
    } catch {
      // A faulty hook must not break the pool.
    }
  }

  private staleReason(entry: ConnEntry<C>, now: number): PoolRemoveReason | undefined {
    if (now >= entry.expiresAt) return 'lifetime';
    const maxIdle = this.options.connMaxIdleTime;
    if (maxIdle > 0 && now - entry.usedAt >= maxIdle) return 'idle';
    if (!entry.conn.usable) return 'unusable';
    return undefined;
  }
}
