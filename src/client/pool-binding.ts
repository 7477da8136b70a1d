/**
 * Ties connections to one ConnPool: dials and greets them, and gives them back or removes them
 * depending on how their holder left them. A connection is in one of three hands:
 *
 *   idle (in the pool) ──get──▶ batch (returns itself when its last reply is read)
 *                      ──get──▶ pinned (withConn/multi/blocking: the holder releases it)
 *   closed while idle → evicted at once; closed while held → removed from the pool.
 */
import type { Connection } from '../connection/connection.js';
import { PoolTimeoutError, ReplyError } from '../errors.js';
import { ConnPool, type ConnLimiter } from '../pool/index.js';
import { describeAddress, type ResolvedClientOptions } from '../options.js';
import type { ConnectionTracker } from '../cache/index.js';
import type { DialHook, HookRegistry } from './hooks.js';
import { openConnection } from './open-connection.js';
import { isRetryableReply } from './policy.js';

/** A server's refusal during the handshake (wrong password, missing db) will not change on a second attempt. */
function isRetryableDialError(error: unknown): boolean {
  return !(error instanceof ReplyError) || isRetryableReply(error);
}

const STALE_REASONS: Record<string, 'idle' | 'lifetime' | 'health-check'> = {
  idle: 'idle',
  lifetime: 'lifetime',
  unusable: 'health-check',
};

export class PoolBinding {
  readonly pool: ConnPool<Connection>;
  private readonly options: ResolvedClientOptions;
  private readonly address: string;

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
    this.address = describeAddress(options);
    const o = options;
    this.pool = new ConnPool<Connection>({
      name,
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
      isRetryableDialError,
      ...(limiter !== undefined ? { limiter } : {}),
    });
  }

  /** A connection for one batch: it returns itself to the pool when its last reply is read. */
  async getForBatch(signal?: AbortSignal): Promise<Connection> {
    const conn = await this.get(signal);
    conn.onDrain = this.returnAfterDrain;
    conn.onClosed = this.removeHeld;
    this.tracker?.prepare(conn);
    return conn;
  }

  /** The synchronous fast path of getForBatch: an idle connection now, or undefined. */
  tryGetForBatch(): Connection | undefined {
    const conn = this.pool.tryGet();
    if (conn !== undefined) {
      conn.onDrain = this.returnAfterDrain;
      conn.onClosed = this.removeHeld;
      this.tracker?.prepare(conn);
    }
    return conn;
  }

  /** A connection for one holder (withConn, transaction, blocking command): it goes back only through `release`. */
  async getPinned(signal?: AbortSignal): Promise<Connection> {
    const conn = await this.get(signal);
    conn.onDrain = undefined;
    conn.onClosed = this.removeHeld;
    return conn;
  }

  /** Gives a pinned connection back (after its last reply), or removes it when it is no longer usable. */
  release(conn: Connection): void {
    if (conn.closed) return; // removeHeld already ran
    if (conn.inFlight > 0) {
      conn.onDrain = this.returnAfterDrain;
      return;
    }
    this.putBack(conn);
  }

  /** Removes a held connection (broken, or in a state another holder must not inherit). */
  discard(conn: Connection, reason: string): void {
    conn.onClosed = undefined;
    conn.onDrain = undefined;
    this.pool.remove(conn, reason); // the pool closes it
  }

  private putBack(conn: Connection): void {
    conn.onDrain = undefined;
    conn.onClosed = this.evictIdle;
    this.pool.put(conn);
  }

  private readonly returnAfterDrain = (conn: Connection): void => {
    this.putBack(conn);
  };

  private readonly removeHeld = (conn: Connection): void => {
    conn.onClosed = undefined;
    conn.onDrain = undefined;
    this.pool.remove(conn, 'error');
  };

  private readonly evictIdle = (conn: Connection): void => {
    this.pool.evict(conn);
  };

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
    conn.onClosed = this.evictIdle;
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
