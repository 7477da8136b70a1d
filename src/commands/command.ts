import type { RedisArg, RespValue } from '../resp/types.js';

/** Flags of a command, as a bit set (cheap to test on the hot path). */
export const CommandFlags = {
  NONE: 0,
  /** Never writes: safe to retry after an I/O error and to route to replicas. */
  READONLY: 1 << 0,
  /** May block the connection (BLPOP, XREAD BLOCK, WAIT…): runs on the blocking pool. */
  BLOCKING: 1 << 1,
  /** Bulk strings in the reply are wanted as Buffers (binary-safe variants). */
  BUFFERS: 1 << 2,
  /** May be served from the client-side cache. */
  CACHEABLE: 1 << 3,
  /** Changes connection state (SELECT, CLIENT SETNAME…): only allowed on a pinned connection. */
  CONNECTION_STATE: 1 << 4,
  /** Enters or leaves pub/sub mode ((UN)(P|S)SUBSCRIBE): the connection then carries pushes, not replies. */
  PUBSUB: 1 << 5,
} as const;

/**
 * A command as data: what to send, how to decode the reply, and what kind of command it is.
 * Builders in this folder are pure functions returning these.
 */
export interface Command<T = unknown> {
  /** The full argument list, command name first (`['SET', key, value]`). */
  readonly args: RedisArg[];
  /** Turns the raw reply into the typed result. Never called with a ReplyError. Must handle RESP2 and RESP3 shapes. */
  readonly decode: ((reply: RespValue) => T) | undefined;
  /** Bit set of `CommandFlags`. */
  readonly flags: number;
  /**
   * For BLOCKING commands: how long the server may hold the reply, in ms (0 = forever).
   * The read timeout for this command becomes `blockMs + 10000`, or none when 0.
   */
  readonly blockMs?: number;
  /** The keys the command touches (for cluster routing and cross-slot checks). */
  readonly keys?: readonly RedisArg[];
}
