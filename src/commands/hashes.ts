/** Hash commands. HGETALL & co. turn RESP2 flat arrays and RESP3 maps into the same record. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  NONE,
  READONLY,
  READ_CACHEABLE,
  READ_CACHEABLE_BUFFERS,
  finite,
  integer,
  invalid,
  pushFieldValues,
  pushScanOptions,
  pushValues,
  type FieldValues,
  type KeyOrKeys,
} from './arguments.js';
import {
  toBoolean,
  toBufferRecord,
  toNumber,
  toStringArray,
  toStringFieldValues,
  toStringRecord,
  type FieldValue,
  scanReply,
} from './decoders.js';

/** One HSCAN page. Iteration is complete when `cursor` is `'0'`. */
export interface HashScanPage {
  cursor: string;
  entries: FieldValue[];
}

export function hGet(key: RedisArg, field: RedisArg): Command<string | null> {
  return { args: ['HGET', key, field], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

export function hGetBuffer(key: RedisArg, field: RedisArg): Command<Buffer | null> {
  return { args: ['HGET', key, field], decode: undefined, flags: READ_CACHEABLE_BUFFERS, keys: [key] };
}

/** `HSET`: one field and value, or many from a record, Map or pairs. Returns how many fields were added. */
export function hSet(key: RedisArg, fields: FieldValues): Command<number>;
export function hSet(key: RedisArg, field: RedisArg, value: RedisArg): Command<number>;
export function hSet(key: RedisArg, fieldOrFields: RedisArg | FieldValues, value?: RedisArg): Command<number>;
export function hSet(key: RedisArg, fieldOrFields: RedisArg | FieldValues, value?: RedisArg): Command<number> {
  const args: RedisArg[] = ['HSET', key];
  if (isOneField(fieldOrFields)) {
    if (value === undefined) invalid('hSet value', 'given when a single field is set', value);
    args.push(fieldOrFields, value);
  } else {
    if (value !== undefined) invalid('hSet value', 'omitted when fields come as a record, Map or pairs', value);
    pushFieldValues(args, fieldOrFields, 'hSet fields');
  }
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

/** One field (anything but a record, Map or list: a bad field such as `true` is then refused by the argument check). */
function isOneField(value: RedisArg | FieldValues): value is RedisArg {
  return value === null || typeof value !== 'object' || Buffer.isBuffer(value);
}

/** `HSETNX`: true when the field was set (it did not exist). */
export function hSetNx(key: RedisArg, field: RedisArg, value: RedisArg): Command<boolean> {
  return { args: ['HSETNX', key, field, value], decode: toBoolean, flags: NONE, keys: [key] };
}

/** `HGETALL`: every field and value (`{}` when there is no key). */
export function hGetAll(key: RedisArg): Command<Record<string, string>> {
  return { args: ['HGETALL', key], decode: toStringRecord, flags: READ_CACHEABLE, keys: [key] };
}

/** `HGETALL` with binary values: field names as UTF-8 strings, values as Buffers. */
export function hGetAllBuffer(key: RedisArg): Command<Record<string, Buffer>> {
  return { args: ['HGETALL', key], decode: toBufferRecord, flags: READ_CACHEABLE_BUFFERS, keys: [key] };
}

export function hMGet(key: RedisArg, fields: readonly RedisArg[]): Command<(string | null)[]> {
  const args: RedisArg[] = ['HMGET', key];
  pushValues(args, fields, 'hMGet fields');
  return { args, decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

export function hMGetBuffer(key: RedisArg, fields: readonly RedisArg[]): Command<(Buffer | null)[]> {
  const args: RedisArg[] = ['HMGET', key];
  pushValues(args, fields, 'hMGetBuffer fields');
  return { args, decode: undefined, flags: READ_CACHEABLE_BUFFERS, keys: [key] };
}

/** `HDEL`: how many fields were removed. */
export function hDel(key: RedisArg, fields: KeyOrKeys): Command<number> {
  const args: RedisArg[] = ['HDEL', key];
  pushValues(args, fields, 'hDel fields');
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

export function hExists(key: RedisArg, field: RedisArg): Command<boolean> {
  return { args: ['HEXISTS', key, field], decode: toBoolean, flags: READ_CACHEABLE, keys: [key] };
}

export function hIncrBy(key: RedisArg, field: RedisArg, increment: number | bigint): Command<number> {
  const args = ['HINCRBY', key, field, integer('hIncrBy increment', increment)];
  return { args, decode: toNumber, flags: NONE, keys: [key] };
}

export function hIncrByFloat(key: RedisArg, field: RedisArg, increment: number): Command<number> {
  const args = ['HINCRBYFLOAT', key, field, finite('hIncrByFloat increment', increment)];
  return { args, decode: toNumber, flags: NONE, keys: [key] };
}

export function hKeys(key: RedisArg): Command<string[]> {
  return { args: ['HKEYS', key], decode: toStringArray, flags: READ_CACHEABLE, keys: [key] };
}

export function hVals(key: RedisArg): Command<string[]> {
  return { args: ['HVALS', key], decode: toStringArray, flags: READ_CACHEABLE, keys: [key] };
}

export function hLen(key: RedisArg): Command<number> {
  return { args: ['HLEN', key], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

/** `HSTRLEN`: byte length of a field's value (0 when missing). */
export function hStrLen(key: RedisArg, field: RedisArg): Command<number> {
  return { args: ['HSTRLEN', key, field], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

/** `HRANDFIELD key`: one random field, or null for a missing key. */
export function hRandField(key: RedisArg): Command<string | null> {
  return { args: ['HRANDFIELD', key], decode: undefined, flags: READONLY, keys: [key] };
}

/** `HRANDFIELD key count`: distinct fields when count > 0, possibly repeated when < 0. */
export function hRandFieldCount(key: RedisArg, count: number): Command<string[]> {
  const args = ['HRANDFIELD', key, integer('hRandFieldCount count', count)];
  return { args, decode: toStringArray, flags: READONLY, keys: [key] };
}

/** `HRANDFIELD key count WITHVALUES`. */
export function hRandFieldWithValues(key: RedisArg, count: number): Command<FieldValue[]> {
  const args = ['HRANDFIELD', key, integer('hRandFieldWithValues count', count), 'WITHVALUES'];
  return { args, decode: toStringFieldValues, flags: READONLY, keys: [key] };
}

/** `HSCAN key cursor`: one page of fields and values. */
export function hScan(
  key: RedisArg,
  cursor: RedisArg,
  options?: { match?: string; count?: number },
): Command<HashScanPage> {
  const args: RedisArg[] = ['HSCAN', key, cursor];
  pushScanOptions(args, options, 'hScan');
  return { args, decode: decodeHashScanPage, flags: READONLY, keys: [key] };
}

function decodeHashScanPage(reply: RespValue): HashScanPage {
  const page = scanReply(reply);
  return { cursor: page.cursor, entries: toStringFieldValues(page.items) };
}
