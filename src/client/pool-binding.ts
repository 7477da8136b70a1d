/**
 * Ties connections to one ConnPool: dials and greets them, and gives them back or removes them
 * depending on how their holder left them. A connection is in one of three hands:
 *
 *   idle (in the pool) ──get──▶ batch (returns itself when its last reply is read)
 *                      ──get──▶ pinned (withConn/multi/blocking: the holder releases it)
 *   closed while idle → evicted at once; closed while held → removed from the pool.
 */
import type { Connection } from '../connection/connection.js';
import { ConnPool, type ConnLimiter } from '../pool/index.js';
import type { ResolvedClientOptions } from '../options.js';
import { openConnection } from './open-connection.js';

export class PoolBinding {
  readonly pool: ConnPool<Connection>;
  private readonly options: ResolvedClientOptions;

  constructor(options: ResolvedClientOptions, name: string, poolSize: number, limiter: ConnLimiter | undefined) {
    this.options = options;
    const o = options;
    this.pool = new ConnPool<Connection>({
      name,
      dialer: (signal) => this.dial(signal),
      onClose: (conn, reason) => o.onClose?.({ id: conn.id, reason: String(reason) }),
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
      ...(limiter !== undefined ? { limiter } : {}),
    });
  }

  /** A connection for one batch: it returns itself to the pool when its last reply is read. */
  async getForBatch(signal?: AbortSignal): Promise<Connection> {
    const conn = await this.pool.get(signal !== undefined ? { signal } : undefined);
    conn.onDrain = this.returnAfterDrain;
    conn.onClosed = this.removeHeld;
    return conn;
  }

  /** A connection for one holder (withConn, transaction, blocking command): it goes back only through `release`. */
  async getPinned(signal?: AbortSignal): Promise<Connection> {
    const conn = await this.pool.get(signal !== undefined ? { signal } : undefined);
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

  private async dial(signal: AbortSignal): Promise<Connection> {
    const conn = await openConnection(this.options, signal);
    conn.onClosed = this.evictIdle;
    return conn;
  }
}
