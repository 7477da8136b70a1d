/**
 * The little the cache needs from the rest of the client, as interfaces (the cache layer imports no
 * connection, pool or client code; the client passes the real things in, and they fit these shapes).
 */
import type { Command } from '../commands/command.js';
import type { RedisArg, RespValue } from '../resp/types.js';

export type CacheMode = 'tracking' | 'broadcast' | 'ttl';

/** The checked `cache` option (the options layer resolves it). */
export interface CacheSettings {
  readonly mode: CacheMode;
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** ms; 0 = none. */
  readonly ttl: number;
  readonly prefixes: readonly string[];
  /** undefined: cache the commands flagged CACHEABLE. */
  readonly commands: ReadonlySet<string> | undefined;
}

/** The read commands cached by default: deterministic replies that depend on their keys' values only. */
export { DEFAULT_CACHED_COMMANDS } from '../commands/registry.js';

/** Awaits one reply on a connection (the shape of the connection's ReplyHandler). */
export interface ReplySink {
  readonly wantsBuffers: boolean;
  readonly readTimeoutMs: number;
  onReply(reply: RespValue): void;
  onError(error: Error, written: boolean): void;
}

/** A pool connection, as tracking sees it. */
export interface TrackedConnection {
  readonly closed: boolean;
  onPush: ((push: RespValue[]) => void) | undefined;
  enqueue(args: readonly RedisArg[], handler: ReplySink): void;
}

/** The dedicated invalidation connection, as it sees its socket. */
export interface ListenerConnection extends TrackedConnection {
  protocol: 2 | 3;
  serverId: number;
  pubSubMode: boolean;
  /** Told when the connection closes (the connection's ConnectionOwner). */
  owner: { connectionDrained(conn: never): void; connectionClosed(conn: never, error: Error): void } | undefined;
  readonly address: string;
  call(args: readonly RedisArg[], readTimeoutMs: number): Promise<RespValue>;
  writeWithoutReply(args: readonly RedisArg[]): void;
  destroy(error: Error): void;
  close(): void;
  /** Lets the process exit while this connection only listens (optional for test doubles). */
  unref?(): void;
}

/** A `maxActiveConns` limiter: the dedicated connection holds one permit while it has a socket. */
export interface PermitLimiter {
  acquire(options: { signal?: AbortSignal; timeoutMs: number }): Promise<void>;
  release(): void;
}

/** Everything the client gives its cache. */
export interface CacheEnvironment {
  /** The protocol asked for: 3 = tracking pushes on the pool's connections, 2 = a redirect connection. */
  readonly protocol: 2 | 3;
  readonly readTimeout: number;
  readonly dialTimeout: number;
  readonly poolTimeout: number;
  readonly pingInterval: number;
  readonly limiter: PermitLimiter | undefined;
  /** Dials and greets a connection outside the pool. */
  openConnection(signal: AbortSignal): Promise<ListenerConnection>;
  /** Delay before reconnect attempt `attempt` (from 0), ms. */
  backoff(attempt: number): number;
  /** Sends a command through the client (hooks and cache included). */
  dispatch<T>(command: Command<T>): Promise<T>;
}

/** What the cache is handed to send a command: its promise and, once written, its connection. */
export interface SentCommand<T> {
  readonly promise: Promise<T>;
  readonly connection: unknown;
}

/** The per-call options the cache reads. */
export interface CacheCallOptions {
  cache?: boolean;
  signal?: AbortSignal;
  timeout?: number;
}
