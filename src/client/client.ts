/**
 * The client users call. Composes the pools, connections and commands.
 *
 * Send path: every command issued in one tick joins one batch; at the end of the tick the batch
 * takes one connection from the main pool, is written with one socket write, and the connection
 * returns to the pool when the batch's last reply is read. Meanwhile the next tick's batch takes
 * another connection, up to `poolSize`. Blocking commands take connections from a pool of their
 * own, so blockers never hold the connections that ordinary commands need.
 *
 *   open ──close()──▶ closed   (queued commands rejected; pools closed; subscriptions ended)
 */
import { ClientCache, type CacheStats } from '../cache/index.js';
import { CommandFlags, type Command } from '../commands/command.js';
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
import { BatchWait, PendingCommand, type CallOptions, type Resender } from './pending.js';
import { Pipeline, Transaction } from './pipeline.js';
import { PinnedConnection } from './pinned.js';
import { retryBackoff, statefulCommandName } from './policy.js';
import { PoolBinding } from './pool-binding.js';
import { Subscriber, type MessageListener, type Subscription } from './pubsub.js';
import { ScriptRunner, type ScriptDefinition } from './script.js';

export interface ClientPoolStats extends PoolStats {
  /** The pool that serves blocking commands (BLPOP, XREAD BLOCK, …); absent when blockingPoolSize is 0. */
  blocking?: PoolStats;
}

/** A view of the client whose commands carry fixed per-call options (`client.with({ signal })`). */
export const ClientView = CommandView;
export type ClientView = CommandView;

export class RedisClient extends DispatchingCommands implements Resender, CommandDispatcher {
  readonly options: Readonly<ResolvedClientOptions>;
  readonly maxRetries: number;
  protected readonly core: RedisClient = this;
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
  private readonly blockingInFlight = new Set<Connection>();
  /** Commands waiting out a retry backoff, with their timers. */
  private readonly retrying = new Map<PendingCommand, NodeJS.Timeout>();
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
  with(options: CallOptions): ClientView {
    return new CommandView(this, options);
  }

  /** @internal sendCommand's path: checks the arguments, recognises blocking commands, refuses stateful ones. */
  dispatchRaw(args: RedisArg[], options: RawCallOptions | undefined): Promise<unknown> {
    if (!Array.isArray(args) || args.length === 0) {
      return Promise.reject(new InvalidArgumentError('sendCommand expects a non-empty array of arguments.'));
    }
    const name = String(args[0]);
    const stateful = statefulCommandName(name, args[1] === undefined ? undefined : String(args[1]));
    if (stateful !== undefined) {
      return Promise.reject(
        new InvalidArgumentError(
          `${stateful} changes connection state and cannot run on a pooled connection shared by other callers. ` +
            'Use client.withConn(), client.multi() or client.subscribe() instead.',
        ),
      );
    }
    const flags = options?.buffers === true ? CommandFlags.BUFFERS : CommandFlags.NONE;
    const blocking = blockingSpec(name, args);
    const command: Command =
      blocking === undefined
        ? { args, decode: undefined, flags }
        : { args, decode: undefined, flags: flags | CommandFlags.BLOCKING, blockMs: blocking };
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
    if ((command.flags & CommandFlags.CONNECTION_STATE) !== 0) return Promise.reject(statefulError(command));
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
      void this.runAlone(pending);
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
    const conn = this.main.tryGetForBatch();
    if (conn !== undefined) {
      this.writeBatch(batch, conn);
      return;
    }
    // Every command was aborted before the flush: no turn to take, no connection to dial.
    if (batch.every(isSettled)) return;
    const wait = new BatchWait(batch);
    this.main.getForBatch(wait.controller.signal).then(
      (c) => {
        wait.end(batch);
        this.writeBatch(batch, c);
      },
      (err: Error) => {
        wait.end(batch);
        for (const p of batch) p.onError(err, false);
      },
    );
  }

  private writeBatch(batch: PendingCommand[], conn: Connection): void {
    let live = 0;
    for (const p of batch) {
      if (p.settled) continue;
      p.written = true;
      p.connection = conn;
      conn.enqueue(p.command.args, p);
      live++;
    }
    if (live === 0) this.main.release(conn);
    else conn.flush();
  }

  /** Blocking commands run alone on a connection of the blocking pool (or of the main pool when there is none). */
  private async runAlone(pending: PendingCommand): Promise<void> {
    const binding = this.blocking ?? this.main;
    let conn: Connection;
    try {
      conn = await binding.getForBatch();
    } catch (err) {
      pending.onError(err as Error, false);
      return;
    }
    if (pending.settled) {
      binding.release(conn);
      return;
    }
    pending.written = true;
    pending.connection = conn;
    conn.enqueue(pending.command.args, pending);
    conn.flush();
    // Tracked so that close() can end it at once: a blocking reply may never come.
    this.blockingInFlight.add(conn);
    const untrack = () => this.blockingInFlight.delete(conn);
    pending.promise.then(untrack, untrack);
  }

  /** @internal Resender: a retry after backoff. */
  retry(pending: PendingCommand, attempt: number): void {
    const delay = retryBackoff(attempt - 1, this.options.minRetryBackoff, this.options.maxRetryBackoff);
    // Not unref'ed: a caller awaits this command, so the process must not exit under it. close() clears it.
    const timer = setTimeout(() => {
      this.retrying.delete(pending);
      if (pending.settled) return;
      if (this.isClosed) pending.fail(new ClientClosedError());
      else this.route(pending);
    }, delay);
    this.retrying.set(pending, timer);
  }

  /** @internal Resender: an abandoned blocking command takes its connection with it. */
  abandonBlocking(pending: PendingCommand): void {
    const conn = pending.connection as Connection | undefined;
    conn?.destroy(new RedisError('A blocking command was abandoned by its caller.', 'ERR_ABANDONED'));
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
    return new Pipeline(this.main, this, undefined);
  }

  /** MULTI/EXEC on one pinned connection. Rejects with WatchError when a watched key changed. */
  multi(): Transaction {
    return new Transaction(this.main, this, undefined);
  }

  /**
   * Pins one connection (and one turn of the pool) for the callback. The connection goes back to the
   * pool when the callback settles, or is removed when it broke or its state cannot be handed on.
   */
  async withConn<R>(fn: (conn: PinnedConnection) => Promise<R>, options?: { signal?: AbortSignal }): Promise<R> {
    if (this.isClosed) throw new ClientClosedError();
    const conn = await this.main.getPinned(options?.signal);
    const pinned = new PinnedConnection(conn, this, this.main);
    try {
      return await fn(pinned);
    } finally {
      await pinned.release();
    }
  }

  /** Subscribes `listener` to channels (SUBSCRIBE). Without a listener, the subscription is an async iterable. */
  subscribe(channels: string | string[], listener?: MessageListener): Promise<Subscription> {
    return this.subscriber.subscribe('channel', toList(channels), listener);
  }

  /** Subscribes to glob patterns (PSUBSCRIBE). */
  psubscribe(patterns: string | string[], listener?: MessageListener): Promise<Subscription> {
    return this.subscriber.subscribe('pattern', toList(patterns), listener);
  }

  /** Subscribes to shard channels (SSUBSCRIBE, Redis 7+). */
  ssubscribe(channels: string | string[], listener?: MessageListener): Promise<Subscription> {
    return this.subscriber.subscribe('shard', toList(channels), listener);
  }

  /** A Lua script run by EVALSHA, falling back to EVAL (which loads it) on NOSCRIPT. */
  defineScript(definition: ScriptDefinition): ScriptRunner {
    return new ScriptRunner(this, definition);
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

  /** Closes the client: queued commands fail, idle connections close, busy ones close when their holder is done. */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.isClosed = true;
    const queued = this.queued;
    this.queued = [];
    for (const p of queued) p.fail(new ClientClosedError());
    for (const conn of this.blockingInFlight) conn.destroy(new ClientClosedError());
    this.blockingInFlight.clear();
    for (const [pending, timer] of this.retrying) {
      clearTimeout(timer);
      pending.fail(new ClientClosedError());
    }
    this.retrying.clear();
    this.closing = Promise.all([
      this.cache?.close(), // first: it empties the store, so closing connections has nothing left to drop
      this.main.pool.close(),
      this.blocking?.pool.close(),
      this.subscriber.close(),
    ]).then(() => undefined);
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function isSettled(pending: PendingCommand): boolean {
  return pending.settled;
}

function flushQueued(client: RedisClient): void {
  client.flushQueued();
}

function statefulError(command: Command): InvalidArgumentError {
  return new InvalidArgumentError(
    `${String(command.args[0]).toUpperCase()} changes connection state and cannot run on a pooled connection ` +
      'shared by other callers. Use client.withConn() for it (the connection then leaves the pool when released).',
  );
}

function toList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** For sendCommand: recognise blocking commands so they go to the blocking pool with a fitting read timeout. */
function blockingSpec(name: string, args: RedisArg[]): number | undefined {
  const upper = name.toUpperCase();
  const seconds = (v: RedisArg | undefined) => Math.max(0, Number(v) * 1000) || 0;
  switch (upper) {
    case 'BLPOP':
    case 'BRPOP':
    case 'BZPOPMIN':
    case 'BZPOPMAX':
    case 'BRPOPLPUSH':
    case 'BLMOVE':
      return seconds(args[args.length - 1]);
    case 'BLMPOP':
    case 'BZMPOP':
      return seconds(args[1]);
    case 'WAIT':
    case 'WAITAOF':
      return Math.max(0, Number(args[args.length - 1])) || 0;
    case 'XREAD':
    case 'XREADGROUP': {
      for (let i = 1; i < args.length - 1; i++) {
        if (String(args[i]).toUpperCase() === 'BLOCK') return Math.max(0, Number(args[i + 1])) || 0;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

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
