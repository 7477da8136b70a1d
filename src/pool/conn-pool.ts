/**
 * ConnPool: go-redis's pool in Node terms, generic over anything `Poolable`.
 *
 * A get takes one of `poolSize` turns and keeps it until the connection is put back or removed.
 *
 *   get ─▶ turn free? ──no──▶ waiting-turn (FIFO; poolTimeout, signal, close end it)
 *            │yes                  │ a turn is handed over
 *            ▼                     ▼
 *          pop idle (LIFO/FIFO, each popped one checked; stale ones closed) ──found──▶ in-use
 *            │none
 *            ▼
 *          dial gate failing? ──yes──▶ reject with the last dial error, give the turn back
 *            │no
 *            ▼
 *          [waiting-dial, while maxConcurrentDials dials are in flight; a connection given back serves it]
 *            ▼
 *          [waiting-permit, if a limiter is full] ─▶ dialing ──ok──▶ in-use (or, if the caller left,
 *                                                       │           the next waiter / the idle list)
 *                                                       └─fail─▶ give the turn back, reject
 *
 *   connection: dialing ─▶ in-use ⇄ idle ─▶ closed        put: in-use ─▶ idle | closed, turn released
 *                                                         remove: in-use ─▶ closed, turn released
 * A released turn passes straight to the first waiter, so waiters are served strictly in arrival order.
 */
import { AbortError, ClientClosedError, InvalidArgumentError, PoolTimeoutError } from '../errors.js';
import { offAbort, onAbort } from '../internal/abort-fanout.js';
import { realClock, type Clock, type TimerHandle } from '../internal/clock.js';
import { LinkedList, type ListNode } from '../internal/linked-list.js';
import { ConnRegistry, sweepIntervalFor, type ConnEntry } from './conn-registry.js';
import { DialGate } from './dial-gate.js';
import { ConnLimiter, type PermitRequest } from './limiter.js';
import { resolvePoolOptions } from './options.js';
import type { Poolable, PoolOptions, PoolStats, PoolRemoveReason, ResolvedPoolOptions } from './types.js';

/** One get that could not be served at once. */
interface GetRequest<C> extends ListNode<GetRequest<C>> {
  state: 'waiting-turn' | 'waiting-dial' | 'waiting-permit' | 'dialing' | 'done';
  readonly startedAt: number;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (conn: C) => void;
  readonly reject: (error: unknown) => void;
  timer: TimerHandle | undefined;
  permit: PermitRequest | undefined;
  onAbort: (() => void) | undefined;
}

export class ConnPool<C extends Poolable> {
  readonly options: Readonly<ResolvedPoolOptions>;
  private readonly clock: Clock;
  private readonly limiter: ConnLimiter | undefined;
  private readonly gate: DialGate<C>;
  private readonly unregisterReclaimer: (() => void) | undefined;

  private readonly conns: ConnRegistry<C>;
  private readonly turnWaiters = new LinkedList<GetRequest<C>>();
  /** Gets that hold a turn and wait for a limiter permit to dial. */
  private readonly permitWaiters = new LinkedList<GetRequest<C>>();
  /** Gets that hold a turn and wait for one of the maxConcurrentDials dial slots. */
  private readonly dialWaiters = new LinkedList<GetRequest<C>>();
  private turnsInUse = 0;
  private inUseCount = 0;
  private dialingCount = 0;
  /** Dials started by the min-idle refill (included in dialingCount). */
  private refillDialing = 0;
  private sweepTimer: TimerHandle | undefined = undefined;
  private isClosed = false;
  private drained: { promise: Promise<void>; resolve: () => void } | undefined = undefined;

  private hits = 0;
  private misses = 0;
  private timeouts = 0;
  private waitCount = 0;
  private waitDurationMs = 0;
  private pendingCount = 0;

  constructor(options: PoolOptions<C>) {
    this.options = Object.freeze(resolvePoolOptions(options));
    this.clock = options.clock ?? realClock;
    const { maxActiveConns } = this.options;
    this.limiter = options.limiter ?? (maxActiveConns > 0 ? new ConnLimiter(maxActiveConns, this.clock) : undefined);
    this.conns = new ConnRegistry<C>(this.options, options.onClose, this.limiter);
    // A shared limiter may ask this pool to close its oldest idle connection for someone waiting for a permit.
    this.unregisterReclaimer = this.limiter?.addReclaimer(() => this.conns.closeOldestIdle('reclaimed'));
    this.gate = new DialGate<C>({
      dialer: options.dialer,
      clock: this.clock,
      options: this.options,
      limiter: this.limiter,
      isRetryable: options.isRetryableDialError ?? alwaysRetry,
      closeStray: (conn, reason) => this.conns.closeConn(conn, reason),
      onRecovered: () => this.refill(),
      closedError: () => this.closedError(),
    });
    this.scheduleSweep();
    if (this.options.minIdleConns > 0) queueMicrotask(() => this.refill());
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** True while gets fail fast with `lastDialError` (the dial gate tripped; a background probe redials). */
  get dialFailing(): boolean {
    return this.gate.failing;
  }

  /** The error of the last failed dial (what gets fail with while `dialFailing`). */
  get lastDialError(): unknown {
    return this.gate.lastDialError;
  }

  /** While dialFailing: runs the background probe now if its timer is overdue. */
  probeIfDue(): void {
    this.gate.probeIfDue();
  }

  /** Connections handed out and not yet put back or removed (cheaper than stats() on hot paths). */
  get inUse(): number {
    return this.inUseCount;
  }

  /** Takes a turn and a connection: an idle one if any passes its checks, else a new one. */
  get(options?: { signal?: AbortSignal }): Promise<C> {
    if (this.isClosed) return Promise.reject(this.closedError());
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    // Waiters exist only while every turn is taken, so a free turn means nobody is ahead of us.
    if (this.turnsInUse < this.options.poolSize) {
      this.turnsInUse++;
      const entry = this.popIdle();
      if (entry !== undefined) {
        this.hits++;
        return Promise.resolve(this.checkout(entry));
      }
      return this.startRequest(signal, true);
    }
    return this.startRequest(signal, false);
  }

  /**
   * The synchronous fast path of `get`: an idle connection that passes its checks, with a turn, or
   * undefined (nothing taken) when `get` would have to wait or dial.
   */
  tryGet(): C | undefined {
    if (this.isClosed || this.turnsInUse >= this.options.poolSize) return undefined;
    this.turnsInUse++;
    const entry = this.popIdle();
    if (entry === undefined) {
      this.releaseTurn();
      return undefined;
    }
    this.hits++;
    return this.checkout(entry);
  }

  /** Gives a connection back: to the next waiter or the idle list, or closed (pool closed, unusable, max idle). */
  put(conn: C): void {
    const entry = this.conns.find(conn);
    if (entry?.state !== 'in-use') throw this.notCheckedOut('put');
    this.release(entry);
  }

  /** Closes a connection its holder found broken, gives its turn back and tops up the idle connections. */
  remove(conn: C, reason: PoolRemoveReason = 'error'): void {
    const entry = this.conns.find(conn);
    if (entry === undefined || entry.state === 'closed') throw this.notCheckedOut('remove');
    const heldTurn = entry.state === 'in-use';
    this.conns.close(entry, reason);
    if (heldTurn) {
      this.inUseCount--;
      this.releaseTurn();
    }
    this.refill();
    this.checkDrained();
  }

  /** The connection died on its own. Idle: closed and dropped at once (counted stale). In use or unknown: ignored. */
  evict(conn: C): void {
    const entry = this.conns.find(conn);
    if (entry?.state !== 'idle') return;
    this.conns.close(entry, 'unusable', true);
    this.refill();
  }

  /**
   * Idempotent. Rejects every pending get with ClientClosedError at once, closes idle connections and stops
   * timers, dials and the probe. Resolves once every connection is closed: those in use when returned.
   */
  close(): Promise<void> {
    if (this.drained !== undefined) return this.drained.promise;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.drained = { promise, resolve };
    this.isClosed = true;
    this.unregisterReclaimer?.();
    if (this.sweepTimer !== undefined) this.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    // Aborting the dials rejects their gets with ClientClosedError (a microtask later).
    this.gate.close();
    const error = this.closedError();
    for (let r = this.turnWaiters.shift(); r !== undefined; r = this.turnWaiters.shift()) this.fail(r, error);
    for (let r = this.permitWaiters.shift(); r !== undefined; r = this.permitWaiters.shift()) {
      if (r.permit !== undefined) this.limiter?.cancel(r.permit);
      this.fail(r, error);
      this.turnsInUse--;
    }
    for (let r = this.dialWaiters.shift(); r !== undefined; r = this.dialWaiters.shift()) {
      this.fail(r, error);
      this.turnsInUse--;
    }
    this.conns.closeAllIdle('closed');
    this.checkDrained();
    return promise;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  stats(): PoolStats {
    return {
      hits: this.hits,
      misses: this.misses,
      timeouts: this.timeouts,
      waitCount: this.waitCount,
      waitDurationMs: this.waitDurationMs,
      totalConns: this.conns.size,
      idleConns: this.conns.idleLength,
      staleConns: this.conns.staleCount,
      pendingRequests: this.pendingCount,
      inUse: this.inUseCount,
      waiters: this.turnWaiters.length,
      dialing: this.dialingCount,
      dialErrors: this.gate.errors,
      turnsInUse: this.turnsInUse,
    };
  }

  /** All connections: idle + in use. */
  len(): number {
    return this.conns.size;
  }

  idleLen(): number {
    return this.conns.idleLength;
  }

  private startRequest(signal: AbortSignal | undefined, holdsTurn: boolean): Promise<C> {
    return new Promise<C>((resolve, reject) => {
      const request: GetRequest<C> = {
        state: 'waiting-turn',
        startedAt: this.clock.now(),
        signal,
        resolve,
        reject,
        timer: undefined,
        permit: undefined,
        onAbort: undefined,
        prev: undefined,
        next: undefined,
      };
      this.pendingCount++;
      if (signal !== undefined) {
        request.onAbort = () => this.abort(request);
        onAbort(signal, request.onAbort);
      }
      if (holdsTurn) {
        if (!this.dialFor(request)) this.releaseTurn();
      } else {
        this.turnWaiters.push(request);
        request.timer = this.clock.setTimeout(() => this.timeOut(request), this.options.poolTimeout);
      }
    });
  }

  /** The request holds a turn and found no idle connection. Returns false if it gave up (the turn is free). */
  private dialFor(request: GetRequest<C>): boolean {
    if (this.gate.failing) {
      // A busy event loop may have held the probe's timer back: a get may run the probe that is due.
      this.gate.probeIfDue();
      this.fail(request, this.gate.lastDialError);
      return false;
    }
    if (this.dialSlotsFull()) {
      request.state = 'waiting-dial';
      this.dialWaiters.push(request);
      const remaining = request.startedAt + this.options.poolTimeout - this.clock.now();
      request.timer = this.clock.setTimeout(() => this.timeOut(request), Math.max(0, remaining));
      return true;
    }
    if (this.limiter !== undefined && !this.limiter.tryAcquire()) {
      request.state = 'waiting-permit';
      this.permitWaiters.push(request);
      request.permit = this.limiter.request(() => {
        this.permitWaiters.remove(request);
        this.clearTimer(request);
        this.startDial(request);
      });
      const remaining = request.startedAt + this.options.poolTimeout - this.clock.now();
      request.timer = this.clock.setTimeout(() => this.timeOut(request), Math.max(0, remaining));
      return true;
    }
    this.startDial(request);
    return true;
  }

  /** Dials holding a turn and a permit. `request` is undefined for a min-idle refill. */
  private startDial(request: GetRequest<C> | undefined): void {
    this.dialingCount++;
    if (request === undefined) this.refillDialing++;
    else {
      request.state = 'dialing';
      this.misses++;
    }
    this.gate.dial().then(
      (conn) => this.onDialed(conn, request),
      (error: unknown) => this.onDialFailed(error, request),
    );
  }

  private dialSlotsFull(): boolean {
    const max = this.options.maxConcurrentDials;
    return max > 0 && this.dialingCount >= max;
  }

  /** A dial ended: the first get waiting for a dial slot dials now. */
  private dialNext(): void {
    while (this.dialWaiters.length > 0 && !this.dialSlotsFull() && !this.isClosed) {
      const waiter = this.dialWaiters.shift()!;
      this.clearTimer(waiter);
      if (!this.dialFor(waiter)) this.releaseTurn();
    }
  }

  private onDialed(conn: C, request: GetRequest<C> | undefined): void {
    this.dialingCount--;
    if (request === undefined) this.refillDialing--;
    this.dialNext();
    if (this.isClosed) {
      this.conns.closeConn(conn, 'closed');
      this.limiter?.release();
      this.turnsInUse--;
      this.checkDrained();
      return;
    }
    const entry = this.conns.add(conn, this.clock.now());
    this.inUseCount++;
    if (request?.state === 'dialing') {
      this.settle(request);
      request.resolve(conn);
      return;
    }
    // A refill, or a dial whose caller gave up: the connection serves the next waiter or waits idle.
    this.release(entry);
  }

  private onDialFailed(error: unknown, request: GetRequest<C> | undefined): void {
    this.dialingCount--;
    if (request === undefined) this.refillDialing--;
    this.dialNext();
    this.limiter?.release();
    if (request?.state === 'dialing') this.fail(request, error);
    this.releaseTurn();
    this.checkDrained();
  }

  /** The connection's holder is done with it (put, or a dial nobody waits for). Its turn is released. */
  private release(entry: ConnEntry<C>): void {
    this.inUseCount--;
    if (this.isClosed || !entry.conn.usable) {
      const closed = this.isClosed;
      this.conns.close(entry, closed ? 'closed' : 'unusable', !closed);
      this.releaseTurn();
      if (closed) this.checkDrained();
      else this.refill();
      return;
    }
    const permitWaiter = this.permitWaiters.shift() ?? this.dialWaiters.shift();
    const { maxIdleConns } = this.options;
    if (permitWaiter !== undefined) {
      // It holds a turn and waits for a socket permit or a dial slot only to dial: this connection saves it the dial.
      if (permitWaiter.permit !== undefined) this.limiter?.cancel(permitWaiter.permit);
      this.hits++;
      this.settle(permitWaiter);
      permitWaiter.resolve(this.checkout(entry));
    } else if (maxIdleConns > 0 && this.conns.idleLength >= maxIdleConns && this.turnWaiters.length === 0) {
      this.conns.close(entry, 'max-idle');
    } else {
      this.conns.pushIdle(entry, this.clock.now());
    }
    this.releaseTurn();
  }

  /** Frees one turn: it passes straight to the first waiter, else goes back to the pool. */
  private releaseTurn(): void {
    for (let waiter = this.turnWaiters.shift(); waiter !== undefined; waiter = this.turnWaiters.shift()) {
      this.clearTimer(waiter);
      this.waitCount++;
      this.waitDurationMs += this.clock.now() - waiter.startedAt;
      const entry = this.popIdle();
      if (entry !== undefined) {
        this.hits++;
        this.settle(waiter);
        waiter.resolve(this.checkout(entry));
        return;
      }
      if (this.dialFor(waiter)) return;
    }
    this.turnsInUse--;
  }

  /** An idle connection that passes its checks (stale ones are closed on the way); then top up min idle. */
  private popIdle(): ConnEntry<C> | undefined {
    if (this.conns.idleLength === 0) return undefined;
    const entry = this.conns.popUsable(this.clock.now());
    this.refill();
    return entry;
  }

  private checkout(entry: ConnEntry<C>): C {
    entry.state = 'in-use';
    this.inUseCount++;
    return entry.conn;
  }

  /** Dials in the background, each holding a turn, while idle < minIdleConns and turns and room are free. */
  private refill(): void {
    const { minIdleConns, poolSize } = this.options;
    while (
      this.conns.idleLength + this.refillDialing < minIdleConns &&
      this.conns.size + this.dialingCount < poolSize &&
      this.turnsInUse < poolSize &&
      !this.isClosed &&
      !this.gate.failing &&
      !this.dialSlotsFull()
    ) {
      if (this.limiter !== undefined && !this.limiter.tryAcquire()) return;
      this.turnsInUse++;
      this.startDial(undefined);
    }
  }

  private scheduleSweep(): void {
    const interval = sweepIntervalFor(this.options);
    if (interval === undefined || this.isClosed) return;
    this.sweepTimer = this.clock.setTimeout(() => this.sweep(), interval, true);
  }

  private sweep(): void {
    this.sweepTimer = undefined;
    this.conns.closeStale(this.clock.now());
    this.refill();
    this.scheduleSweep();
  }

  private timeOut(request: GetRequest<C>): void {
    request.timer = undefined;
    const heldTurn = request.state === 'waiting-permit' || request.state === 'waiting-dial';
    if (request.state === 'waiting-turn') this.turnWaiters.remove(request);
    else if (request.state === 'waiting-dial') this.dialWaiters.remove(request);
    else if (heldTurn) {
      this.permitWaiters.remove(request);
      if (request.permit !== undefined) this.limiter?.cancel(request.permit);
    } else return;
    this.timeouts++;
    const { poolSize, poolTimeout } = this.options;
    this.fail(
      request,
      new PoolTimeoutError({
        poolSize,
        inUse: this.inUseCount,
        idle: this.conns.idleLength,
        waiters: this.turnWaiters.length,
        timeoutMs: poolTimeout,
      }),
    );
    if (heldTurn) this.releaseTurn();
  }

  private abort(request: GetRequest<C>): void {
    const state = request.state;
    if (state === 'waiting-turn') this.turnWaiters.remove(request);
    else if (state === 'waiting-dial') this.dialWaiters.remove(request);
    else if (state === 'waiting-permit') {
      this.permitWaiters.remove(request);
      if (request.permit !== undefined) this.limiter?.cancel(request.permit);
    } else if (state !== 'dialing') return; // 'dialing': the dial goes on; its connection will serve someone else.
    this.fail(request, new AbortError(request.signal?.reason));
    if (state === 'waiting-permit' || state === 'waiting-dial') this.releaseTurn();
  }

  private fail(request: GetRequest<C>, error: unknown): void {
    this.settle(request);
    request.reject(error);
  }

  private settle(request: GetRequest<C>): void {
    request.state = 'done';
    this.clearTimer(request);
    if (request.onAbort !== undefined && request.signal !== undefined) offAbort(request.signal, request.onAbort);
    this.pendingCount--;
  }

  private clearTimer(request: GetRequest<C>): void {
    if (request.timer === undefined) return;
    this.clock.clearTimeout(request.timer);
    request.timer = undefined;
  }

  private checkDrained(): void {
    if (this.isClosed && this.conns.size === 0 && this.dialingCount === 0) this.drained?.resolve();
  }

  private closedError(): ClientClosedError {
    return new ClientClosedError(`The ${this.options.name} is closed; a closed pool cannot be reopened.`);
  }

  private notCheckedOut(method: string): InvalidArgumentError {
    return new InvalidArgumentError(`${this.options.name}: ${method}() of a connection that is not checked out of it.`);
  }
}

function alwaysRetry(): boolean {
  return true;
}
