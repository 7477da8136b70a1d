/** The public types of the pool: what it pools, how it is configured, what it reports. */
import type { Clock } from '../internal/clock.js';
import type { ConnLimiter } from './limiter.js';

/** Anything the pool can hold: it only needs to know whether the thing still works, and how to close it. */
export interface Poolable {
  /** False once the connection can no longer serve (socket ended/errored, unsolicited bytes). Checked on every idle pop and on put. */
  readonly usable: boolean;
  /** Close the underlying resource. Called exactly once per connection by the pool. */
  close(): void;
}

/**
 * Why the pool closed a connection (passed to `onClose`). The pool's own reasons:
 * `error` (removed by its holder, the default of `remove`), `idle` (idle longer than `connMaxIdleTime`),
 * `lifetime` (older than `connMaxLifetime` ± jitter), `unusable` (`usable` was false, or `evict`),
 * `max-idle` (returned while `maxIdleConns` were idle), `closed` (the pool closed),
 * `probe` (the dial-error probe's test connection), `late-dial` (a dial that arrived after its timeout).
 * Callers of `remove` may pass any other string.
 */
export type PoolRemoveReason =
  | 'error'
  | 'idle'
  | 'lifetime'
  | 'unusable'
  | 'max-idle'
  | 'closed'
  | 'probe'
  | 'late-dial'
  | (string & Record<never, never>);

export interface PoolOptions<C extends Poolable> {
  /** Opens one connection. The signal fires on `dialTimeout` or when the pool closes. */
  dialer: (signal: AbortSignal) => Promise<C>;
  /** Called with each connection the pool closes, for any reason, right after its `close()`. */
  onClose?: (conn: C, reason: PoolRemoveReason) => void;
  /** false (default): reuse the most recently returned connection (LIFO); true: the least recently returned. */
  poolFIFO?: boolean;
  /** Turns: connections handed out at once plus dials in progress. Default 10 × os.availableParallelism(). */
  poolSize?: number;
  /** Longest a `get` waits for a turn (and for a `limiter` permit), in ms. Default 6000. */
  poolTimeout?: number;
  /** Idle connections kept ready, dialed in the background. 0..poolSize, default 0. */
  minIdleConns?: number;
  /** A connection returned while this many are idle is closed. 0 = no limit (default); else ≥ minIdleConns. */
  maxIdleConns?: number;
  /** Cap on this pool's live connections, as a private limiter (ignored when `limiter` is given). 0 = none. */
  maxActiveConns?: number;
  /** Close an idle connection unused this long (ms). Default 1 800 000; 0 = off. */
  connMaxIdleTime?: number;
  /** Close a connection this old (ms) when next seen idle. Default 0 = off. */
  connMaxLifetime?: number;
  /** Each connection's lifetime is shifted by a random amount in ±jitter (ms). Default 0; ≤ connMaxLifetime. */
  connMaxLifetimeJitter?: number;
  /** Per dial attempt (ms). Default 5000. */
  dialTimeout?: number;
  /** Attempts per dial. Default 5. */
  dialerRetries?: number;
  /** Pause between dial attempts (ms). Default 100. */
  dialerRetryTimeout?: number;
  /**
   * Dials in flight at once; gets beyond it wait for a dial slot (holding their turn, bounded by poolTimeout)
   * or for a connection given back meanwhile. Stops a reconnect after an outage from opening `poolSize` sockets
   * at once. Default 4 × os.availableParallelism(); 0 = no limit.
   */
  maxConcurrentDials?: number;
  /**
   * Whether a failed dial attempt is worth another attempt. Default: always. The client answers false for
   * errors no retry can fix (a wrong password, a missing database), so they fail once instead of `dialerRetries` times.
   */
  isRetryableDialError?: (error: unknown) => boolean;
  /**
   * Shared cap on sockets across several pools (main + blocking pool + pub/sub of one client). When given,
   * every live connection of this pool holds one permit of it; waiting for a permit is bounded by
   * poolTimeout and the signal like a turn.
   */
  limiter?: ConnLimiter;
  /** Test seam for time (now() in ms + timers). Default: the real clock. */
  clock?: Clock;
  /** Label used in error messages, e.g. 'main pool' / 'blocking pool'. Default 'pool'. */
  name?: string;
}

/** Every numeric and boolean option with its default filled in. */
export interface ResolvedPoolOptions {
  name: string;
  poolFIFO: boolean;
  poolSize: number;
  poolTimeout: number;
  minIdleConns: number;
  maxIdleConns: number;
  maxActiveConns: number;
  connMaxIdleTime: number;
  connMaxLifetime: number;
  connMaxLifetimeJitter: number;
  dialTimeout: number;
  dialerRetries: number;
  dialerRetryTimeout: number;
  maxConcurrentDials: number;
}

/** Counters since creation and gauges sampled at the call. The first nine names and meanings are fixed by SPEC.md. */
export interface PoolStats {
  /** Gets served by an idle connection. */
  hits: number;
  /** Gets that dialed a new connection. */
  misses: number;
  /** Gets that ended in PoolTimeoutError. */
  timeouts: number;
  /** Gets that had to wait and then got a turn. */
  waitCount: number;
  /** Total time those gets waited, in ms. */
  waitDurationMs: number;
  /** All pool connections: idle + in use (dials in progress not included). */
  totalConns: number;
  idleConns: number;
  /** Connections closed by the expiry or health checks (idle time, lifetime, not usable, evicted). */
  staleConns: number;
  /** Gets in progress (waiting for a turn or a permit, or dialing). */
  pendingRequests: number;
  /** Connections handed out and not yet returned. */
  inUse: number;
  /** Gets queued for a turn. */
  waiters: number;
  /** Dials in progress (for gets, for min-idle refill; the probe not included). */
  dialing: number;
  /** Consecutive failed dials; at poolSize, gets that would dial fail fast until the probe connects. */
  dialErrors: number;
  /** Turns taken: in use + dialing + waiting for a limiter permit. Never above poolSize. */
  turnsInUse: number;
}
