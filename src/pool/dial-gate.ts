/**
 * DialGate: every dial of a pool goes through here. It applies `dialTimeout` per attempt and
 * `dialerRetries`/`dialerRetryTimeout` between attempts, counts consecutive failed dials, and trips
 * once the count reaches `poolSize`: the pool then fails fast with the last error instead of dialing,
 * while one background probe dials about once a second. Any successful dial (the probe's included)
 * resets the count and closes the gate again.
 *
 *   open ──poolSize consecutive failures──▶ failing (probe every 1 s, unref'ed; a get that finds the probe
 *    ▲                                         │          overdue — a busy event loop held its timer back — runs it)
 *    └────────── any dial succeeds ◀───────────┘        close(): aborts attempts, pauses and the probe
 */
import { ConnectionError, TimeoutError } from '../errors.js';
import type { Clock, TimerHandle } from '../internal/clock.js';
import type { ConnLimiter } from './limiter.js';
import type { Poolable, PoolRemoveReason, ResolvedPoolOptions } from './types.js';

export const PROBE_INTERVAL_MS = 1000;

export interface DialGateHost<C extends Poolable> {
  readonly dialer: (signal: AbortSignal) => Promise<C>;
  readonly clock: Clock;
  readonly options: Readonly<ResolvedPoolOptions>;
  readonly limiter: ConnLimiter | undefined;
  readonly isRetryable: (error: unknown) => boolean;
  /** Closes a connection that never joined the pool (probe, late arrival); it holds no permit. */
  closeStray(conn: C, reason: PoolRemoveReason): void;
  /** The gate closed again after failing: the pool may dial its min-idle connections. */
  onRecovered(): void;
  closedError(): Error;
}

export class DialGate<C extends Poolable> {
  private consecutiveErrors = 0;
  private lastError: unknown = undefined;
  private probeTimer: TimerHandle | undefined = undefined;
  private probing = false;
  /** clock.now() when the gate tripped or the last probe started. */
  private lastProbeAt = 0;
  private closed = false;
  /** Whatever must stop at close: attempts in flight and retry pauses. */
  private readonly cancellers = new Set<(reason: Error) => void>();

  constructor(private readonly host: DialGateHost<C>) {}

  get errors(): number {
    return this.consecutiveErrors;
  }

  /** True while gets must fail fast with `lastDialError` instead of dialing. */
  get failing(): boolean {
    return this.consecutiveErrors >= this.host.options.poolSize;
  }

  get lastDialError(): unknown {
    return this.lastError;
  }

  /** One dial: up to `dialerRetries` attempts. Rejects with the dialer's last error (or ClientClosedError). */
  async dial(): Promise<C> {
    const { dialerRetries, dialerRetryTimeout } = this.host.options;
    let lastError: unknown;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw this.host.closedError();
      try {
        const conn = await this.attempt();
        this.recordSuccess();
        return conn;
      } catch (error) {
        if (this.closed) throw error;
        lastError = error;
      }
      if (attempt >= dialerRetries || !this.host.isRetryable(lastError)) break;
      await this.pause(dialerRetryTimeout);
      // Another dial tripped the gate meanwhile: from now on only the probe dials.
      if (this.failing) throw this.lastError;
    }
    this.recordFailure(lastError);
    throw lastError;
  }

  /** While failing: runs the probe now if it is overdue (its timer was held back by a busy event loop). */
  probeIfDue(): void {
    if (!this.failing || this.probing || this.closed) return;
    if (this.host.clock.now() - this.lastProbeAt < PROBE_INTERVAL_MS) return;
    if (this.probeTimer !== undefined) this.host.clock.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.probe();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.probeTimer !== undefined) this.host.clock.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    const reason = this.host.closedError();
    for (const cancel of [...this.cancellers]) cancel(reason);
  }

  /** One attempt bounded by `dialTimeout` and by close; a connection arriving after either is closed. */
  private attempt(): Promise<C> {
    const { clock, options } = this.host;
    return new Promise<C>((resolve, reject) => {
      const controller = new AbortController();
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clock.clearTimeout(timer);
        this.cancellers.delete(cancel);
        return true;
      };
      const cancel = (reason: Error): void => {
        if (!settle()) return;
        controller.abort(reason);
        reject(reason);
      };
      const timer = clock.setTimeout(() => {
        if (!settle()) return;
        const cause = new TimeoutError(`Dial timed out after ${options.dialTimeout} ms (dialTimeout).`);
        controller.abort(cause);
        reject(
          new ConnectionError(
            `${options.name}: dial timed out after ${options.dialTimeout} ms (dialTimeout): the server did not ` +
              'accept the connection or complete the handshake in time. Check that it is up and not overloaded.',
            {
              cause,
              duringDial: true,
            },
          ),
        );
      }, options.dialTimeout);
      this.cancellers.add(cancel);
      let pending: Promise<C>;
      try {
        pending = Promise.resolve(this.host.dialer(controller.signal));
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (conn) => {
          if (settle()) resolve(conn);
          else this.host.closeStray(conn, this.closed ? 'closed' : 'late-dial');
        },
        (error: unknown) => {
          if (settle()) reject(error);
        },
      );
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = this.host.clock.setTimeout(() => {
        this.cancellers.delete(cancel);
        resolve();
      }, ms);
      const cancel = (reason: Error): void => {
        this.host.clock.clearTimeout(timer);
        this.cancellers.delete(cancel);
        reject(reason);
      };
      this.cancellers.add(cancel);
    });
  }

  private recordFailure(error: unknown): void {
    this.lastError = error;
    this.consecutiveErrors++;
    if (this.failing && this.probeTimer === undefined && !this.probing && !this.closed) {
      this.lastProbeAt = this.host.clock.now();
      this.scheduleProbe();
    }
  }

  private recordSuccess(): void {
    if (this.consecutiveErrors === 0) return;
    const wasFailing = this.failing;
    this.consecutiveErrors = 0;
    if (this.probeTimer !== undefined) this.host.clock.clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    if (wasFailing) this.host.onRecovered();
  }

  private scheduleProbe(): void {
    this.probeTimer = this.host.clock.setTimeout(() => this.probe(), PROBE_INTERVAL_MS, true);
  }

  private probe(): void {
    this.probeTimer = undefined;
    if (this.closed || !this.failing) return;
    const limiter = this.host.limiter;
    // The probe's socket counts against a shared cap too; when no permit is free, try again later.
    if (limiter !== undefined && !limiter.tryAcquire()) {
      this.scheduleProbe();
      return;
    }
    this.probing = true;
    this.lastProbeAt = this.host.clock.now();
    this.attempt().then(
      (conn) => {
        this.probing = false;
        this.host.closeStray(conn, 'probe');
        limiter?.release();
        this.recordSuccess();
      },
      (error: unknown) => {
        this.probing = false;
        limiter?.release();
        if (this.closed) return;
        this.lastError = error;
        if (this.failing) this.scheduleProbe();
      },
    );
  }
}
