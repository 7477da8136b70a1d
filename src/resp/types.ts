import type { ReplyError } from '../errors.js';

/** An argument of a command as it goes on the wire. Numbers are written in decimal. */
export type RedisArg = string | Buffer | number | bigint;

/**
 * A decoded reply. Bulk strings are `string` (UTF-8) or `Buffer`, as the reader asked.
 * RESP3 sets decode to arrays (as RESP2 sends them), maps to `Map`, doubles to `number`, big numbers to
 * `bigint`, verbatim strings to `string` (format prefix dropped), nulls to `null`. A map key whose bytes
 * are not valid UTF-8 stays a `Buffer` even when strings were asked for, so that distinct keys never merge.
 * Error replies are `ReplyError` values returned in place, never thrown.
 */
export type RespValue =
  string | Buffer | number | bigint | boolean | null | ReplyError | RespValue[] | Map<RespValue, RespValue>;
