import type { ReplyError } from '../errors.js';

/** An argument of a command as it goes on the wire. Numbers are written in decimal. */
export type RedisArg = string | Buffer | number | bigint;

/**
 * A decoded reply. Bulk strings are `string` (UTF-8) or `Buffer`, as the reader asked.
 * RESP3 maps decode to `Map`, sets to `Set`, doubles to `number`, big numbers to `bigint`,
 * verbatim strings to `string` (format prefix dropped), nulls to `null`.
 * Error replies are `ReplyError` values returned in place, never thrown.
 */
export type RespValue =
  | string
  | Buffer
  | number
  | bigint
  | boolean
  | null
  | ReplyError
  | RespValue[]
  | Map<RespValue, RespValue>
  | Set<RespValue>;
