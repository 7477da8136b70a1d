/**
 * The client-side cache of one client: reads served locally, kept right by the server's invalidations.
 *
 * Every command the client sends passes through `run` once the cache is on:
 *   cacheable read ──entry──▶ hit: answered locally (a private copy, decoded as usual)
 *                  └─none──▶ fill: sent; its reply is stored unless the key may have changed meanwhile
 *   write (keys known) ──▶ local entries of its keys dropped when sent and again when answered
 *   anything else ──▶ sent untouched
 *
 * Who may store a fill (see InFlight for the race guard shared by every mode):
 *   tracking, RESP3  the connection the reply came on has tracking on (its pushes then cover the entry)
 *   tracking, RESP2  that connection redirects to the invalidation connection now live
 *   broadcast        the invalidation connection was live before the read was sent
 *   ttl              always; only the TTL (and this client's own writes) end an entry
 */
import { CommandFlags, type Command } from '../commands/command.js';
import type { RedisArg, RespValue } from '../resp/types.js';
import type {
  CacheCallOptions,
  CacheEnvironment,
  CacheMode,
  CacheSettings,
  SentCommand,
  TrackedConnection,
} from './contracts.js';
import { InFlight, type FillTicket } from './in-flight.js';
import { InvalidationConnection } from './invalidation-connection.js';
import { cacheKeyOf, canonicalKey, canonicalReportedKey, cloneReply, entrySize } from './keys.js';
import { Loader, type LoadOptions } from './loader.js';
import { PoolTracking, type ConnectionTracker } from './pool-tracking.js';
import { SharedFill } from './shared-fill.js';
import { LocalStore } from './store.js';

export interface CacheStats {
  mode: CacheMode;
  /** Invalidations can reach the cache now (tracking on, or the invalidation connection live); false in ttl mode. */
  listening: boolean;
  /** Reads answered from a stored entry. */
  hits: number;
  /** Reads answered by an identical read already in flight (no request of their own). */
  joined: number;
  /** Reads sent to the server. */
  misses: number;
  /** (hits + joined) / (hits + joined + misses): the share of reads that sent nothing; 0 before any. */
  hitRate: number;
  /** Keys the server reported changed. */
  invalidations: number;
  /** Whole-cache flushes: FLUSHDB/FLUSHALL, tracking lost, clear(). */
  flushes: number;
  /** Entries dropped to make room (maxEntries, maxBytes). */
  evictions: number;
  /** Entries dropped at the end of their TTL. */
  expirations: number;
  /** Replies returned but not stored: their key may have changed while they were in flight, or tracking was not in force. */
  discarded: number;
  entries: number;
  /** Estimated bytes held. */
  bytes: number;
  /** Loader calls made by getOrLoad. */
  loads: number;
  /** Why tracking was last refused or lost, if it was. */
  lastTrackingError: string | undefined;
}

/** How the client sends a command for the cache, keeping hold of where it was written. */
export type SendCommand<O> = <T>(command: Command<T>, options: O | undefined) => SentCommand<T>;

const FLUSH_COMMANDS = new Set(['FLUSHALL', 'FLUSHDB']);
/**
 * Hits resolve without I/O, so callers looping on hits would never let the event loop poll sockets or
 * run timers. After this many hits in one turn of the loop, further hits wait for the next turn.
 */
const HITS_PER_TURN = 1000;

export class ClientCache {
  readonly mode: CacheMode;
  /** @internal For the main pool binding (tracking mode only). */
  readonly tracker: ConnectionTracker | undefined;
  private readonly store: LocalStore;
  private readonly inFlight = new InFlight();
  private readonly loader: Loader;
  private readonly tracking: PoolTracking | undefined;
  private readonly channel: InvalidationConnection | undefined;
  private readonly commands: ReadonlySet<string> | undefined;
  private readonly prefixes: readonly string[];
  private readonly ttlLimits = new WeakMap<Command, number>();
  private readonly sharedFills = new Map<string, SharedFill>();
  private hits = 0;
  private joined = 0;
  private misses = 0;
  private invalidations = 0;
  private flushes = 0;
  private discarded = 0;
  private trackingError: string | undefined;
  private sweepScheduled = false;
  private hitsThisTurn = 0;
  private turnEndScheduled = false;
  private parkedHits: (() => void)[] = [];

  /** @internal Created by the client, which passes what the cache needs of it in `env`. */
  constructor(settings: CacheSettings, env: CacheEnvironment) {
    this.mode = settings.mode;
    this.commands = settings.commands;
    this.prefixes = settings.prefixes.map(canonicalKey);
    this.store = new LocalStore(settings);
    this.loader = new Loader({
      dispatch: (command) => env.dispatch(command),
      limitTtl: (command, ttl) => this.ttlLimits.set(command, ttl),
    });
    const owner = {
      invalidate: (keys: RespValue) => this.invalidate(keys),
      listening: (live: boolean) => this.listening(live),
      connectionClosed: () => this.sweepSoon(),
      trackingRefused: (message: string) => (this.trackingError = message),
    };
    if (settings.mode === 'broadcast') {
      this.channel = new InvalidationConnection(env, settings.prefixes, owner);
    } else if (settings.mode === 'tracking' && env.protocol === 2) {
      this.channel = new InvalidationConnection(env, undefined, owner);
    }
    if (settings.mode === 'tracking') {
      this.tracking = new PoolTracking(owner, this.channel, env.readTimeout);
      this.tracker = this.tracking;
    }
  }

  /**
   * Read-through with single-flight per key: the local copy, else Redis, else `loader()` (whose value is
   * then stored in Redis, with `ttl` as its expiry). Concurrent calls for one key share one load.
   */
  getOrLoad<T>(key: string, options: LoadOptions<T> | undefined, loader: () => T | Promise<T>): Promise<T> {
    return this.loader.getOrLoad(key, options, loader);
  }

  /** The locally cached reply of a read, without asking the server and without counting a hit. */
  peek(args: readonly RedisArg[], options?: { buffers?: boolean }): RespValue | undefined {
    const entry = this.store.peek(cacheKeyOf(args, options?.buffers === true));
    return entry === undefined ? undefined : cloneReply(entry.reply);
  }

  /** Drops every entry (reads in flight are not stored either). */
  clear(): void {
    this.flushAll();
  }

  stats(): CacheStats {
    const answered = this.hits + this.joined;
    const lookups = answered + this.misses;
    return {
      mode: this.mode,
      listening: this.mode === 'ttl' ? false : (this.channel?.live ?? this.trackingError === undefined),
      hits: this.hits,
      joined: this.joined,
      misses: this.misses,
      hitRate: lookups === 0 ? 0 : answered / lookups,
      invalidations: this.invalidations,
      flushes: this.flushes,
      evictions: this.store.evictions,
      expirations: this.store.expirations,
      discarded: this.discarded,
      entries: this.store.entries,
      bytes: this.store.bytes,
      loads: this.loader.loads,
      lastTrackingError: this.channel?.lastError ?? this.trackingError,
    };
  }

  /** @internal Every command of the client, once the cache is on. */
  run<T, O extends CacheCallOptions>(command: Command<T>, options: O | undefined, send: SendCommand<O>): Promise<T> {
    const flags = command.flags;
    if ((flags & CommandFlags.READONLY) === 0) return this.write(command, send(command, options));
    if (!this.accepts(command) || (options !== undefined && (options.cache === false || options.signal?.aborted))) {
      return send(command, options).promise;
    }
    const cacheKey = cacheKeyOf(command.args, (flags & CommandFlags.BUFFERS) !== 0);
    const entry = this.store.get(cacheKey);
    if (entry !== undefined) {
      this.hits++;
      let value: T;
      try {
        const reply = entry.reply;
        const copy = typeof reply === 'object' && reply !== null ? cloneReply(reply) : reply; // scalars: as they are
        value = command.decode === undefined ? (copy as T) : command.decode(copy);
      } catch (err) {
        return Promise.reject(err);
      }
      return this.answer(value);
    }
    const shared = this.sharedFills.get(cacheKey);
    if (shared !== undefined && isPlain(options) && this.inFlight.isClean(shared.ticket)) {
      this.joined++;
      return shared.join(command.decode);
    }
    return this.fill(command, cacheKey, options, send);
  }

  /** A hit's answer: at once, unless this turn of the event loop already had its share (see HITS_PER_TURN). */
  private answer<T>(value: T): Promise<T> {
    if (!this.turnEndScheduled) {
      this.turnEndScheduled = true;
      setImmediate(this.endTurn);
    }
    if (++this.hitsThisTurn <= HITS_PER_TURN) return Promise.resolve(value);
    return new Promise<T>((resolve) => this.parkedHits.push(() => resolve(value)));
  }

  private readonly endTurn = (): void => {
    this.turnEndScheduled = false;
    this.hitsThisTurn = 0;
    const parked = this.parkedHits;
    if (parked.length === 0) return;
    this.parkedHits = [];
    for (const release of parked) release();
  };

  /** @internal */
  close(): Promise<void> {
    this.store.clear();
    return this.channel?.close() ?? Promise.resolve();
  }

  private accepts(command: Command): boolean {
    const keys = command.keys;
    if (keys === undefined || keys.length === 0) return false;
    if (this.commands === undefined) return (command.flags & CommandFlags.CACHEABLE) !== 0;
    return this.commands.has(String(command.args[0]).toUpperCase());
  }

  private fill<T, O extends CacheCallOptions>(
    command: Command<T>,
    cacheKey: string,
    options: O | undefined,
    send: SendCommand<O>,
  ): Promise<T> {
    const keys = command.keys!.map(canonicalKey);
    if (this.prefixes.length > 0 && !keys.every((k) => this.prefixes.some((p) => k.startsWith(p)))) {
      return send(command, options).promise; // outside the broadcast prefixes: nobody would report its changes
    }
    this.misses++;
    const channel = this.channel;
    channel?.start();
    const ticket = this.inFlight.beginFill(keys, channel === undefined || channel.live);
    const shared = isPlain(options) ? new SharedFill(ticket) : undefined;
    if (shared !== undefined) this.sharedFills.set(cacheKey, shared);
    const ttl = this.ttlLimits.get(command);
    const decode = command.decode;
    const filling: Command<T> = {
      ...command,
      // Runs as the reply is read, in order with the invalidations read on the same connection.
      decode: (reply) => {
        this.complete(ticket, cacheKey, keys, reply, sent.connection, ttl); // `sent` is set before any reply
        if (shared !== undefined) this.unshare(cacheKey, shared).deliver(reply);
        const copy = cloneReply(reply);
        return decode === undefined ? (copy as T) : decode(copy);
      },
    };
    const sent: SentCommand<T> = send(filling, options);
    sent.promise.then(undefined, (error: unknown) => {
      this.inFlight.endFill(ticket);
      if (shared !== undefined) this.unshare(cacheKey, shared).fail(error);
    });
    return sent.promise;
  }

  /**
   * A tracking connection closed: its entries are already unreachable (the store checks their owner);
   * free them once for every connection that closes in this turn (a server restart closes them all).
   */
  private sweepSoon(): void {
    if (this.sweepScheduled) return;
    this.sweepScheduled = true;
    setImmediate(() => {
      this.sweepScheduled = false;
      this.store.sweepClosedOwners();
    });
  }

  private unshare(cacheKey: string, shared: SharedFill): SharedFill {
    if (this.sharedFills.get(cacheKey) === shared) this.sharedFills.delete(cacheKey);
    return shared;
  }

  private complete(
    ticket: FillTicket,
    cacheKey: string,
    keys: readonly string[],
    reply: RespValue,
    connection: unknown,
    ttl: number | undefined,
  ): void {
    if (!this.inFlight.endFill(ticket)) {
      this.discarded++;
      return;
    }
    let owner: TrackedConnection | undefined;
    if (this.tracking !== undefined) {
      owner = connection as TrackedConnection | undefined;
      if (owner === undefined || !this.tracking.covers(owner)) {
        this.discarded++;
        return;
      }
    }
    this.store.set(cacheKey, { reply, keys, owner, size: entrySize(cacheKey, reply) }, ttl);
  }

  /** This client's own write: its keys' entries go now and when it is answered (read-your-writes). */
  private write<T>(command: Command<T>, sent: SentCommand<T>): Promise<T> {
    const keys = command.keys;
    if (keys === undefined || keys.length === 0) {
      if (FLUSH_COMMANDS.has(String(command.args[0]).toUpperCase())) {
        this.flushAll();
        const flush = () => this.flushAll();
        sent.promise.then(flush, flush);
      }
      return sent.promise;
    }
    const canonical = keys.map(canonicalKey);
    const states = this.inFlight.beginWrite(canonical);
    for (const key of canonical) this.store.invalidate(key);
    const done = () => {
      this.inFlight.endWrite(states);
      for (const key of canonical) this.store.invalidate(key);
    };
    sent.promise.then(done, done);
    return sent.promise;
  }

  private invalidate(payload: RespValue): void {
    if (payload === null) {
      this.flushAll(); // FLUSHDB / FLUSHALL
      return;
    }
    const reported = Array.isArray(payload) ? payload : [payload];
    for (const item of reported) {
      const key = canonicalReportedKey(item);
      if (key === undefined) {
        this.flushAll(); // a key whose bytes were lost in decoding: cannot tell which entries it meant
        return;
      }
      this.invalidations++;
      this.inFlight.invalidated(key);
      this.store.invalidate(key);
    }
  }

  private listening(live: boolean): void {
    // Either way, fills in flight straddle a change of who listens: none of them may be stored.
    if (live) this.inFlight.flushed();
    else this.flushAll();
  }

  private flushAll(): void {
    this.flushes++;
    this.inFlight.flushed();
    this.store.clear();
  }
}

/** No signal or timeout of its own: the call may share another's fill, or be shared. */
function isPlain(options: CacheCallOptions | undefined): boolean {
  return options === undefined || (options.signal === undefined && options.timeout === undefined);
}
