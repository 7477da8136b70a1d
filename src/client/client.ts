/**
 * The client users call. Composes the pools, connections and commands.
 *
 * Send path (the dispatcher): queue → batch → lease → write → replies. Every command issued in one tick
 * joins one batch; at the end of the tick the batch takes a lease on one connection of the main pool, is
 * written with one socket write, and the lease ends when the batch's last reply is read. Meanwhile the
 * next tick's batch leases another connection, up to `poolSize`. Blocking commands lease connections of
 * a pool of their own, so blockers never hold the connections that ordinary commands need. After a
 * failure, policy.ts's decision table says whether a command goes again; those that do go together, in
 * their original order, after one backoff per batch.
 *
 *   open ──close()──▶ closing (queued and retrying commands rejected; blocking commands ended; pools
 *                     drain as their leases end) ──▶ closed
 *   destroy(): as close(), and every connection closes now; everything still pending rejects
 */
import { ClientCache, type CacheStats } from '../cache/index.js';
import { CommandFlags, type Command } from '../commands/command.js';
import { rawCommand } from '../commands/raw.js';
import { describeRaw } from '../commands/registry.js';
import type { Connection } from '../connection/connection.js';
import { ClientClosedError, InvalidArgumentError, RedisError } from '../errors.js';
import { ConnLimiter, type PoolStats } from '../pool/index.js';
import { describeAddress, resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from '../options.js';
import { inspectClient, redactOptions } from '../options-secrets.js';
import { inspect, type InspectOptions } from 'node:util';
import type { RedisArg } from '../resp/types.js';
import { CommandView, DispatchingCommands, type CommandDispatcher, type RawCallOptions } from './async-commands.js';
import { HookRegistry, type Hook, type PoolEventListener, type PoolEventName } from './hooks.js';
import { openConnection } from './open-connection.js';
import type { Implements } from '../internal/implements.js';
import type { Lease } from './lease.js';
import { BatchWait, PendingCommand, type CallOptions, type Resender } from './pending.js';
import { Pipeline, Transaction } from './pipeline.js';
import { PinnedConnection } from './pinned.js';
import { retryBackoff } from './policy.js';
import { PoolBinding } from './pool-binding.js';
import { Subscriber, type MessageListener, type SubscribeOptions, type Subscription } from './pubsub.js';
import type { AnyListener, AnySubscription } from './subscription.js';
import { ScriptRunner, type ScriptDefinition } from './script.js';

export interface ClientPoolStats extends PoolStats {
  /** The pool that serves blocking commands (BLPOP, XREAD BLOCK, …); absent when blockingPoolSize is 0. */
  blocking?: PoolStats;
}

export class RedisClient extends DispatchingCommands {
  readonly options: Readonly<ResolvedClientOptions>;
  /** @internal */
  readonly maxRetries: number;
  /** @internal */
  protected readonly core: RedisClient = this;
  /** @internal */
  protected readonly callOptions = undefined;
  private readonly main: PoolBinding;
  private readonly blocking: PoolBinding | undefined;
  private readonly limiter: ConnLimiter | undefined;
  private readonly subscriber: Subscriber;
  /** The client-side cache (the `cache` option): stats, getOrLoad, peek, clear. Undefined when off. */
  readonly cache: ClientCache | undefined;
  /** @internal */
  readonly hooks: HookRegistry;
  private queued: PendingCommand[] = [];
  /** Commands waiting out a retry backoff, in the order they were first sent; one timer for all of them. */
  private retrying: PendingCommand[] = [];
  private retryTimer: NodeJS.Timeout | undefined;
  private isClosed = false;
  private closing: Promise<void> | undefined;

  constructor(input?: ClientOptions | string) {
    super();
    const o = resolveClientOptions(input);
    this.options = o;
    this.maxRetries = o.maxRetries;
    this.limiter = o.maxActiveConns > 0 ? new ConnLimiter(o.maxActiveConns) : undefined;
    this.hooks = new HookRegistry((command, options) => this.dispatchDirect(command, options));
    this.cache = o.cache === undefined ? undefined : createCache(o, this.limiter, (c) => this.dispatch(c, undefined));
    this.main = new PoolBinding(o, 'main pool', o.poolSize, this.limiter, this.hooks, this.cache?.tracker);
    this.blocking =
      o.blockingPoolSize > 0
        ? new PoolBinding(o, 'blocking pool', o.blockingPoolSize, this.limiter, this.hooks)
        : undefined;
    this.subscriber = new Subscriber(o, this.limiter, this.hooks);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** What `JSON.stringify` and `util.inspect` show: public facts, secrets `[redacted]`, no internals. */
  toJSON(): Record<string, unknown> {
    return { address: describeAddress(this.options), closed: this.isClosed, options: redactOptions(this.options) };
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectClient(this, depth, options);
  }

  /** A view whose commands all use these per-call options. */
  with(options: CallOptions): CommandView {
    return new CommandView(this, options);
  }

  /** @internal sendCommand's path: the registry says what the command is (blocking, stateful, read-only). */
  dispatchRaw(args: RedisArg[], options: RawCallOptions | undefined): Promise<unknown> {
    let command;
    try {
      command = rawCommand(args, options?.buffers === true);
    } catch (error) {
      return Promise.reject(error);
    }
    const refusal = sharedPathRefusal(command);
    if (refusal !== undefined) return Promise.reject(refusal);
    return this.dispatch(command, options);
  }

  /** @internal The send path of every command (through the process hooks, when there are any). */
  dispatch<T>(command: Command<T>, options: CallOptions | undefined): Promise<T> {
    const chain = this.hooks.processChain;
    if (chain !== undefined) return chain(command, options) as Promise<T>;
    return this.dispatchDirect(command, options);
  }

  private dispatchDirect<T>(command: Command<T>, options: CallOptions | undefined): Promise<T> {
    if (this.isClosed) return Promise.reject(new ClientClosedError());
    const refusal = sharedPathRefusal(command);
    if (refusal !== undefined) return Promise.reject(refusal);
    // With a client-side cache, reads may be answered locally and writes drop their keys' entries.
    if (this.cache !== undefined) return this.cache.run(command, options, this.start);
    return this.start(command, options).promise;
  }

  /** Queues one command. Returns the PendingCommand: the cache reads which connection answered it. */
  private readonly start = <T>(command: Command<T>, options: CallOptions | undefined): PendingCommand<T> => {
    const pending = new PendingCommand<T>(this, command, this.options.readTimeout, options);
    if (!pending.settled) this.route(pending); // settled: aborted before it started
    return pending;
  };

  private route(pending: PendingCommand): void {
    if ((pending.command.flags & CommandFlags.BLOCKING) !== 0) {
      void this.runAlone(pending, this.blocking ?? this.main);
      return;
    }
    if (pending.alone) {
      void this.runAlone(pending, this.main);
      return;
    }
    this.queued.push(pending);
    if (this.queued.length === 1) {
      // Idle client: write at the end of this tick (lowest latency). Batches in flight: wait for the end of
      // this event-loop turn instead, so that callers woken by replies on different connections (separate
      // I/O callbacks) join one batch; per-tick flushing would split batches and never merge them again.
      if (this.main.pool.inUse === 0) process.nextTick(flushQueued, this);
      else setImmediate(flushQueued, this);
    }
  }

  /** @internal Writes this tick's commands: one checkout and one write per batch of at most maxBatchSize. */
  flushQueued(): void {
    const all = this.queued;
    this.queued = [];
    const max = this.options.maxBatchSize;
    if (all.length <= max) {
      this.runBatch(all);
      return;
    }
    for (let i = 0; i < all.length; i += max) this.runBatch(all.slice(i, i + max));
  }

  private runBatch(batch: PendingCommand[]): void {
    const lease = this.main.tryLease('batch');
    if (lease !== undefined) {
      this.writeBatch(batch, lease);
      return;
    }
    // Every command was aborted before the flush: no turn to take, no connection to dial.
    if (batch.every(isSettled)) return;
    const wait = new BatchWait(batch);
    this.main.lease('batch', wait.controller.signal).then(
      (leased) => {
        wait.end(batch);
        this.writeBatch(batch, leased);
      },
      (err: Error) => {
        wait.end(batch);
        for (const p of batch) p.onError(err, false);
      },
    );
  }

  private writeBatch(batch: PendingCommand[], lease: Lease): void {
    lease.writeAll(batch);
    lease.flush(); // with nothing written (all gave up meanwhile), the lease ends here
  }

  /**
   * One command on a connection of its own: blocking commands (on the blocking pool, or the main pool when there
   * is none), and a retry whose reply the server may refuse to send (it then closes only that connection).
   */
  private async runAlone(pending: PendingCommand, binding: PoolBinding): Promise<void> {
    let lease: Lease;
    try {
      lease = await binding.lease('batch');
    } catch (err) {
      pending.onError(err as Error, false);
      return;
    }
    this.writeBatch([pending], lease);
  }

  /**
   * @internal Resender: send again after a backoff. Commands retried together (a failed batch) keep their
   * order: they wait out one timer and join one batch, so writes issued together are never reordered.
   */
  retry(pending: PendingCommand): void {
    this.retrying.push(pending);
    if (this.retryTimer !== undefined) return;
    const delay = retryBackoff(pending.attempts - 1, this.options.minRetryBackoff, this.options.maxRetryBackoff);
    // Not unref'ed: a caller awaits these commands, so the process must not exit under them. close() clears it.
    this.retryTimer = setTimeout(this.retryDue, delay);
  }

  /**
   * The retries come due together. While the pool's dial gate is failing (the server is down), sending them
   * would only fail again at once and spend their attempts: they wait for the gate to reopen instead — each at
   * most `poolTimeout`, the bound on waiting for a connection — and this timer drives the gate's probe, so
   * that a busy event loop cannot keep it closed. Then they go out together, in their original order.
   */
  private readonly retryDue = (): void => {
    this.retryTimer = undefined;
    const pool = this.main.pool;
    if (!pool.dialFailing) {
      const due = this.retrying;
      this.retrying = [];
      for (const p of due) {
        if (p.settled) continue;
        p.gateWaitStart = NaN;
        this.route(p);
      }
      return;
    }
    pool.probeIfDue();
    const now = performance.now();
    const waiting: PendingCommand[] = [];
    for (const p of this.retrying) {
      if (p.settled) continue;
      if (Number.isNaN(p.gateWaitStart)) p.gateWaitStart = now;
      if (now - p.gateWaitStart > this.options.poolTimeout) p.fail(pool.lastDialError);
      else waiting.push(p);
    }
    this.retrying = waiting;
    if (waiting.length > 0) this.retryTimer = setTimeout(this.retryDue, GATE_POLL_MS);
  };

  /** @internal Resender: an abandoned blocking command takes its connection with it. */
  abandonBlocking(pending: PendingCommand): void {
    const conn = pending.connection as Connection | undefined;
    conn?.destroy(new RedisError('A blocking command was abandoned by its caller.', 'ERR_ABANDONED'));
  }

  /** @internal Resender: the connection that answered must not serve anyone else (a READONLY reply, say). */
  discardConnection(pending: PendingCommand, reason: string): void {
    const owner = (pending.connection as Connection | undefined)?.owner;
    if (owner !== undefined && 'discardWhenDone' in owner) (owner as Lease).discardWhenDone(reason);
  }

  /** Adds a hook around dials, commands and pipelines (see Hook). The first hook added runs outermost. */
  addHook(hook: Hook): void {
    this.hooks.add(hook);
  }

  removeHook(hook: Hook): void {
    this.hooks.remove(hook);
  }

  /** Listens to pool events: connect, close, poolTimeout, dialError, stale. */
  on<E extends PoolEventName>(event: E, listener: PoolEventListener<E>): this {
    this.hooks.on(event, listener);
    return this;
  }

  off<E extends PoolEventName>(event: E, listener: PoolEventListener<E>): this {
    this.hooks.off(event, listener);
    return this;
  }

  /** One explicit pipeline: one connection, one write; each entry is its reply or its ReplyError. */
  pipeline(): Pipeline {
    return new Pipeline(this.main, this);
  }

  /** MULTI/EXEC on one pinned connection. Rejects with WatchError when a watched key changed. */
  multi(): Transaction {
    return new Transaction(this.main, this);
  }

  /**
   * Pins one connection (and one turn of the pool) for the callback. The connection goes back to the
   * pool when the callback settles, or is removed when it broke or its state cannot be handed on.
   */
  async withConn<R>(fn: (conn: PinnedConnection) => Promise<R>, options?: { signal?: AbortSignal }): Promise<R> {
    if (this.isClosed) throw new ClientClosedError();
    const pinned = new PinnedConnection(await this.main.lease('pinned', options?.signal), this, this.main);
    try {
      return await fn(pinned);
    } finally {
      pinned.release();
    }
  }

  /**
   * Subscribes `listener` to channels (SUBSCRIBE). Without a listener, the subscription is an async iterable.
   * With `{ buffers: true }`, channels and payloads arrive as Buffers, byte for byte.
   */
  subscribe(
    channels: string | string[],
    listener: MessageListener<Buffer> | undefined,
    options: { buffers: true },
  ): Promise<Subscription<Buffer>>;
  subscribe(channels: string | string[], listener?: MessageListener, options?: SubscribeOptions): Promise<Subscription>;
  subscribe(channels: string | string[], listener?: AnyListener, options?: SubscribeOptions): Promise<AnySubscription> {
    return this.subscriber.subscribeWith('channel', 'subscribe', channels, listener, options);
  }

  /** Subscribes to glob patterns (PSUBSCRIBE); `{ buffers: true }` as for subscribe. */
  psubscribe(
    patterns: string | string[],
    listener: MessageListener<Buffer> | undefined,
    options: { buffers: true },
  ): Promise<Subscription<Buffer>>;
  psubscribe(
    patterns: string | string[],
    listener?: MessageListener,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  psubscribe(
    patterns: string | string[],
    listener?: AnyListener,
    options?: SubscribeOptions,
  ): Promise<AnySubscription> {
    return this.subscriber.subscribeWith('pattern', 'psubscribe', patterns, listener, options);
  }

  /** Subscribes to shard channels (SSUBSCRIBE, Redis 7+); `{ buffers: true }` as for subscribe. */
  ssubscribe(
    channels: string | string[],
    listener: MessageListener<Buffer> | undefined,
    options: { buffers: true },
  ): Promise<Subscription<Buffer>>;
  ssubscribe(
    channels: string | string[],
    listener?: MessageListener,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  ssubscribe(
    channels: string | string[],
    listener?: AnyListener,
    options?: SubscribeOptions,
  ): Promise<AnySubscription> {
    return this.subscriber.subscribeWith('shard', 'ssubscribe', channels, listener, options);
  }

  /** A Lua script run by EVALSHA, falling back to EVAL (which loads it) on NOSCRIPT. */
  defineScript(definition: ScriptDefinition): ScriptRunner {
    return new ScriptRunner(this, definition);
  }

  /**
   * @internal This client's subscriptions watch in the background and do not keep the process alive (the
   * sentinel client's watch of master switches: a script that is done must not wait for a failover).
   */
  subscribeInBackground(): void {
    this.subscriber.runInBackground();
  }

  /** Stats of the main pool, with the blocking pool's under `blocking`. */
  poolStats(): ClientPoolStats {
    const stats: ClientPoolStats = this.main.pool.stats();
    if (this.blocking !== undefined) stats.blocking = this.blocking.pool.stats();
    return stats;
  }

  /** Stats of the client-side cache (hits, misses, invalidations, evictions, bytes…); undefined when it is off. */
  cacheStats(): CacheStats | undefined {
    return this.cache?.stats();
  }

  /**
   * Closes the client: queued and retrying commands fail with ClientClosedError, blocking commands in
   * flight on every path (plain, pipeline, withConn) end at once with it, idle connections close, and the
   * others close as their holders finish. Always resolves.
   */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.isClosed = true;
    const queued = this.queued;
    this.queued = [];
    for (const p of queued) p.fail(new ClientClosedError());
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const retrying = this.retrying;
    this.retrying = [];
    for (const p of retrying) p.fail(new ClientClosedError());
    this.main.endBlocking(new ClientClosedError('The client was closed while this blocking command waited.'));
    this.blocking?.endBlocking(new ClientClosedError('The client was closed while this blocking command waited.'));
    this.closing = Promise.all([
      this.cache?.close(), // first: it empties the store, so closing connections has nothing left to drop
      this.main.pool.close(),
      this.blocking?.pool.close(),
      this.subscriber.close(),
    ]).then(() => undefined);
    // After `closing` is set: a listener that calls close() again gets the same promise.
    this.hooks.emit('closing', {});
    return this.closing;
  }

  /** Closes every connection now: everything pending rejects with ClientClosedError. Resolves when all are closed. */
  destroy(): Promise<void> {
    const closing = this.close();
    const error = new ClientClosedError('The client was destroyed before this command completed.');
    this.main.destroyHeld(error);
    this.blocking?.destroyHeld(error);
    return closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** How often retries waiting for a failing dial gate look at it again (and run its probe when overdue). */
const GATE_POLL_MS = 50;

// What `implements Resender, CommandDispatcher` would check (see Implements).
type _RedisClientContracts = Implements<RedisClient, Resender & CommandDispatcher>;

function isSettled(pending: PendingCommand): boolean {
  return pending.settled;
}

function flushQueued(client: RedisClient): void {
  client.flushQueued();
}

/**
 * The refusal of a command that changes connection state (the registry's CONNECTION_STATE flag), on a path
 * whose connection goes back to other callers, with what to use instead; undefined for every other command.
 */
export function sharedPathRefusal(command: Command): InvalidArgumentError | undefined {
  if ((command.flags & CommandFlags.CONNECTION_STATE) === 0) return undefined;
  return statefulError(describeRaw(command.args).name);
}

function statefulError(name: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${name} changes connection state and cannot run on a connection shared by other callers. ${STATEFUL_ADVICE[name] ?? STATEFUL_ADVICE_DEFAULT}`,
  );
}

const STATEFUL_ADVICE_DEFAULT =
  'Run it inside client.withConn(async (conn) => …): the connection is reset or leaves the pool when released.';
const STATEFUL_ADVICE: Record<string, string> = {
  SELECT: 'Create a client with the `db` option, or use client.withConn() (the connection then leaves the pool).',
  MULTI: 'Use client.multi().',
  EXEC: 'Use client.multi().',
  DISCARD: 'Use client.multi().',
  WATCH: 'Use client.withConn(async (conn) => { await conn.watch(key); … await conn.multi()….exec(); }).',
  SUBSCRIBE: 'Use client.subscribe().',
  PSUBSCRIBE: 'Use client.psubscribe().',
  SSUBSCRIBE: 'Use client.ssubscribe().',
  UNSUBSCRIBE: 'Use the subscription returned by client.subscribe().',
  PUNSUBSCRIBE: 'Use the subscription returned by client.psubscribe().',
  SUNSUBSCRIBE: 'Use the subscription returned by client.ssubscribe().',
  HELLO: 'Choose the protocol with the `protocol` option.',
  AUTH: 'Give `username`/`password` in the options; they apply to every connection.',
  'CLIENT SETNAME': 'Give `clientName` in the options; it names every connection.',
  'CLIENT TRACKING': 'Use the `cache` option (client-side caching).',
  QUIT: 'Use client.close().',
  RESET: 'Use client.withConn(); a pinned connection is reset when released.',
};

/** The cache, given what it needs of the client: dials outside the pool, backoff, the send path. */
function createCache(
  o: ResolvedClientOptions,
  limiter: ConnLimiter | undefined,
  dispatch: <T>(command: Command<T>) => Promise<T>,
): ClientCache {
  return new ClientCache(o.cache!, {
    protocol: o.protocol,
    readTimeout: o.readTimeout,
    dialTimeout: o.dialTimeout,
    poolTimeout: o.poolTimeout,
    pingInterval: o.pingInterval,
    limiter,
    openConnection: (signal) => openConnection(o, signal),
    backoff: (attempt) => retryBackoff(attempt, Math.max(o.minRetryBackoff, 10), Math.max(o.maxRetryBackoff, 100)),
    dispatch,
  });
}

export function createClient(options?: ClientOptions | string): RedisClient {
  return new RedisClient(options);
}
