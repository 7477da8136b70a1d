/**
 * Ties connections to one ConnPool: dials and greets them, and hands them out as leases (lease.ts).
 * A connection is held by exactly one owner at a time:
 *
 *   idle (owner: this binding) ──lease──▶ held (owner: its Lease) ──lease ends──▶ idle | removed
 *   closed while idle → evicted at once; closed while held → its lease ends and the pool removes it.
 */
import type { Connection, ConnectionOwner } from '../connection/connection.js';
import { PoolTimeoutError } from '../errors.js';
import { ConnPool, type ConnLimiter } from '../pool/index.js';
import { describeAddress, type ResolvedClientOptions } from '../options.js';
import type { ConnectionTracker } from '../cache/index.js';
import type { DialHook, HookRegistry } from './hooks.js';
import { Lease, type LeaseHost, type LeaseKind } from './lease.js';
import { openConnection } from './open-connection.js';
import { isRetryableDialError } from './policy.js';

const STALE_REASONS: Record<string, 'idle' | 'lifetime' | 'health-check'> = {
  idle: 'idle',
  lifetime: 'lifetime',
  unusable: 'health-check',
};

export class PoolBinding implements LeaseHost, ConnectionOwner {
  readonly pool: ConnPool<Connection>;
  readonly readTimeout: number;
  private readonly options: ResolvedClientOptions;
  private readonly address: string;
  /** Leases not yet ended: close() ends their blocking commands, destroy() their connections. */
  private readonly active = new Set<Lease>();

  constructor(
    options: ResolvedClientOptions,
    private readonly name: string,
    poolSize: number,
    limiter: ConnLimiter | undefined,
    private readonly hooks: HookRegistry,
    /** The client-side cache's tracking (main pool, tracking mode): enabled in front of a connection's batches. */
    private readonly tracker?: ConnectionTracker,
  ) {
    this.options = options;
    this.readTimeout = options.readTimeout;
    this.address = describeAddress(options);
    const o = options;
    this.pool = new ConnPool<Connection>({
      name: `${name} of ${this.address}`,
      dialer: (signal) => this.dial(signal),
      onClose: (conn, reason) => this.closed(conn, String(reason)),
      poolFIFO: o.poolFIFO,
      poolSize,
      poolTimeout: o.poolTimeout,
      minIdleConns: name === 'main pool' ? o.minIdleConns : 0,
      maxIdleConns: name === 'main pool' ? o.maxIdleConns : Math.min(o.maxIdleConns, poolSize),
      maxActiveConns: 0,
      connMaxIdleTime: o.connMaxIdleTime,
      connMaxLifetime: o.connMaxLifetime,
      connMaxLifetimeJitter: o.connMaxLifetimeJitter,
      dialTimeout: o.dialTimeout,
      dialerRetries: o.dialerRetries,
      dialerRetryTimeout: o.dialerRetryTimeout,
      maxConcurrentDials: o.maxConcurrentDials,
      isRetryableDialError,
      ...(limiter !== undefined ? { limiter } : {}),
    });
  }

  /** A lease on a connection, waiting for a turn (bounded by poolTimeout and `signal`). */
  async lease(kind: LeaseKind, signal?: AbortSignal): Promise<Lease> {
    return this.leaseOn(await this.get(signal), kind);
  }

  /** The synchronous fast path of lease(): a lease on an idle connection now, or undefined. */
  tryLease(kind: LeaseKind): Lease | undefined {
    const conn = this.pool.tryGet();
    return conn === undefined ? undefined : this.leaseOn(conn, kind);
  }

  private leaseOn(conn: Connection, kind: LeaseKind): Lease {
    const lease = new Lease(conn, this, kind);
    this.active.add(lease);
    if (kind === 'batch') this.tracker?.prepare(conn);
    return lease;
  }

  /** LeaseHost: the connection answered everything and carries no state. */
  returnLease(lease: Lease): void {
    this.active.delete(lease);
    const conn = lease.conn;
    conn.owner = this;
    conn.unref(); // idle: an idle pool must not keep a finished script alive
    this.pool.put(conn);
  }

  /** LeaseHost: the connection leaves the pool (the pool closes it). */
  removeLease(lease: Lease, reason: string): void {
    this.active.delete(lease);
    this.pool.remove(lease.conn, reason);
  }

  /** Ends every blocking command in flight (BLPOP 0 would hold close() forever): its caller gets `error`. */
  endBlocking(error: Error): void {
    for (const lease of [...this.active]) if (lease.conn.awaitingBlocking) lease.conn.destroy(error);
  }

  /** Closes every held connection now: whatever they await fails with `error`. */
  destroyHeld(error: Error): void {
    for (const lease of [...this.active]) lease.conn.destroy(error);
  }

  /** ConnectionOwner while idle: nothing is awaited, so a drain cannot happen. */
  connectionDrained(): void {}

  /** ConnectionOwner while idle: a connection that closes in the idle list leaves at once. */
  connectionClosed(conn: Connection): void {
    this.pool.evict(conn);
  }

  private async get(signal: AbortSignal | undefined): Promise<Connection> {
    if (signal?.aborted !== true) {
      const idle = this.pool.tryGet();
      if (idle !== undefined) return idle;
    }
    for (;;) {
      let conn: Connection;
      const started = this.hooks.has('wait') ? performance.now() : -1;
      try {
        conn = await this.pool.get(signal !== undefined ? { signal } : undefined);
        if (started >= 0) this.hooks.emit('wait', { ms: performance.now() - started, pool: this.name });
      } catch (err) {
        if (err instanceof PoolTimeoutError) this.hooks.emit('poolTimeout', { error: err, pool: this.name });
        throw err;
      }
      if (!conn.closed) return conn;
      // It closed between the checkout and now (e.g. stray bytes found after the reply that freed it, in the
      // same chunk): its evictIdle saw it in use and left it, so remove it here or its turn would leak.
      this.pool.remove(conn, 'unusable');
    }
  }

  private readonly openDirect: DialHook = (info) => openConnection(this.options, info.signal);

  private async dial(signal: AbortSignal): Promise<Connection> {
    let conn: Connection;
    try {
      // Dial hooks must return what `next` gave them.
      conn = (await this.hooks.wrapDial(this.openDirect)({
        address: this.address,
        pool: this.name,
        signal,
      })) as Connection;
    } catch (err) {
      this.hooks.emit('dialError', { error: err as Error, address: this.address, pool: this.name });
      throw err;
    }
    conn.owner = this;
    conn.unref(); // idle until a lease takes it (a lease refs it in the same tick)
    this.hooks.emit('connect', { id: conn.id, serverId: conn.serverId, address: this.address, pool: this.name });
    return conn;
  }

  private closed(conn: Connection, reason: string): void {
    this.tracker?.closed(conn); // first: its cached entries lose their invalidations with it
    const stale = STALE_REASONS[reason];
    if (stale !== undefined) this.hooks.emit('stale', { id: conn.id, reason: stale, pool: this.name });
    this.hooks.emit('close', { id: conn.id, reason, pool: this.name });
    this.options.onClose?.({ id: conn.id, reason });
  }
}
