/** Hash commands. HGETALL & co. turn RESP2 flat arrays and RESP3 maps into the same record. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  BUFFERS,
  NONE,
  READONLY,
  READ_CACHEABLE,
  READ_CACHEABLE_BUFFERS,
  checkOptions,
  finite,
  integer,
  invalid,
  oneOf,
  optionKeys,
  pushExpiry,
  pushFieldValues,
  pushScanOptions,
  pushValues,
  unixTime,
  type FieldValues,
  type KeyOrKeys,
} from './arguments.js';
import type { ExpireMode } from './keys.js';
import type { ExpiryOptions, GetExOptions } from './strings.js';
import {
  toBoolean,
  toNullableBufferList,
  toNullableStringList,
  toNumberArray,
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

// ---- Field expiration (Redis ≥ 7.4) and HGETDEL / HGETEX / HSETEX (Redis ≥ 8.0) ----

/** Condition of HEXPIRE & co., per field: as for EXPIRE (NX: no expiry yet, XX: has one, GT / LT: later / earlier). */
export type HashExpireMode = ExpireMode;

/** Appends `FIELDS numfields field…`. */
function pushFields(args: RedisArg[], fields: KeyOrKeys, label: string): void {
  args.push('FIELDS', 0);
  const countAt = args.length - 1;
  args[countAt] = pushValues(args, fields, label);
}

function hExpireCommand(
  name: string,
  label: string,
  key: RedisArg,
  time: number,
  fields: KeyOrKeys,
  mode: HashExpireMode | undefined,
): Command<number[]> {
  const args: RedisArg[] = [name, key, integer(`${label} time`, time, 0)];
  if (mode !== undefined) args.push(oneOf(`${label} mode`, mode, ['NX', 'XX', 'GT', 'LT']));
  pushFields(args, fields, `${label} fields`);
  return { args, decode: toNumberArray, flags: NONE, keys: [key] };
}

/**
 * `HEXPIRE key seconds [mode] FIELDS n field…` (Redis ≥ 7.4): per field, 1 when the expiry was set, 0 when
 * `mode` was not met, 2 when the field was deleted at once (time 0 or in the past), -2 when there is no such field.
 */
export function hExpire(key: RedisArg, seconds: number, fields: KeyOrKeys, mode?: HashExpireMode): Command<number[]> {
  return hExpireCommand('HEXPIRE', 'hExpire', key, seconds, fields, mode);
}

/** `HPEXPIRE` (Redis ≥ 7.4): as hExpire, in milliseconds. */
export function hPExpire(
  key: RedisArg,
  milliseconds: number,
  fields: KeyOrKeys,
  mode?: HashExpireMode,
): Command<number[]> {
  return hExpireCommand('HPEXPIRE', 'hPExpire', key, milliseconds, fields, mode);
}

/** `HEXPIREAT` (Redis ≥ 7.4): as hExpire, at a unix time in seconds or a Date. */
export function hExpireAt(
  key: RedisArg,
  time: number | Date,
  fields: KeyOrKeys,
  mode?: HashExpireMode,
): Command<number[]> {
  return hExpireCommand('HEXPIREAT', 'hExpireAt', key, unixTime(time, 1000), fields, mode);
}

/** `HPEXPIREAT` (Redis ≥ 7.4): as hExpire, at a unix time in milliseconds or a Date. */
export function hPExpireAt(
  key: RedisArg,
  time: number | Date,
  fields: KeyOrKeys,
  mode?: HashExpireMode,
): Command<number[]> {
  return hExpireCommand('HPEXPIREAT', 'hPExpireAt', key, unixTime(time, 1), fields, mode);
}

/** `name key FIELDS n field…`. */
function fieldsArgs(name: string, label: string, key: RedisArg, fields: KeyOrKeys): RedisArg[] {
  const args: RedisArg[] = [name, key];
  pushFields(args, fields, `${label} fields`);
  return args;
}

function fieldNumbers(name: string, label: string, key: RedisArg, fields: KeyOrKeys, flags: number): Command<number[]> {
  return { args: fieldsArgs(name, label, key, fields), decode: toNumberArray, flags, keys: [key] };
}

/** `HTTL key FIELDS n field…` (Redis ≥ 7.4): per field, seconds left; -1 no expiry, -2 no such field. */
export function hTtl(key: RedisArg, fields: KeyOrKeys): Command<number[]> {
  return fieldNumbers('HTTL', 'hTtl', key, fields, READONLY);
}

/** `HPTTL` (Redis ≥ 7.4): as hTtl, in milliseconds. */
export function hPTtl(key: RedisArg, fields: KeyOrKeys): Command<number[]> {
  return fieldNumbers('HPTTL', 'hPTtl', key, fields, READONLY);
}

/** `HEXPIRETIME` (Redis ≥ 7.4): per field, the unix time in seconds it expires at; -1 no expiry, -2 no such field. */
export function hExpireTime(key: RedisArg, fields: KeyOrKeys): Command<number[]> {
  return fieldNumbers('HEXPIRETIME', 'hExpireTime', key, fields, READONLY);
}

/** `HPEXPIRETIME` (Redis ≥ 7.4): as hExpireTime, in unix milliseconds. */
export function hPExpireTime(key: RedisArg, fields: KeyOrKeys): Command<number[]> {
  return fieldNumbers('HPEXPIRETIME', 'hPExpireTime', key, fields, READONLY);
}

/** `HPERSIST` (Redis ≥ 7.4): per field, 1 when its expiry was removed, -1 when it had none, -2 no such field. */
export function hPersist(key: RedisArg, fields: KeyOrKeys): Command<number[]> {
  return fieldNumbers('HPERSIST', 'hPersist', key, fields, NONE);
}

/** `HGETDEL key FIELDS n field…` (Redis ≥ 8.0): the values (null for missing fields), then deletes the fields. */
export function hGetDel(key: RedisArg, fields: KeyOrKeys): Command<(string | null)[]> {
  const args = fieldsArgs('HGETDEL', 'hGetDel', key, fields);
  return { args, decode: toNullableStringList, flags: NONE, keys: [key] };
}

export function hGetDelBuffer(key: RedisArg, fields: KeyOrKeys): Command<(Buffer | null)[]> {
  const args = fieldsArgs('HGETDEL', 'hGetDelBuffer', key, fields);
  return { args, decode: toNullableBufferList, flags: BUFFERS, keys: [key] };
}

const HGETEX_OPTIONS = optionKeys(['ex', 'px', 'exAt', 'pxAt'], ['persist']);
const HSETEX_OPTIONS = optionKeys(['ex', 'px', 'exAt', 'pxAt'], ['fnx', 'fxx', 'keepTtl']);

function hGetExArgs(method: string, key: RedisArg, fields: KeyOrKeys, options: GetExOptions | undefined): RedisArg[] {
  checkOptions(method, options, HGETEX_OPTIONS);
  const args: RedisArg[] = ['HGETEX', key];
  if (options !== undefined) {
    pushExpiry(args, options, `${method} options`);
    if (options.persist === true) {
      if (args.length > 2) invalid(`${method} options`, 'either an expiry (ex, px, exAt, pxAt) or persist', options);
      args.push('PERSIST');
    }
  }
  pushFields(args, fields, `${method} fields`);
  return args;
}

/** `HGETEX key [EX|PX|EXAT|PXAT|PERSIST] FIELDS n field…` (Redis ≥ 8.0): the values, and sets or removes their expiry. */
export function hGetEx(key: RedisArg, fields: KeyOrKeys, options?: GetExOptions): Command<(string | null)[]> {
  const args = hGetExArgs('hGetEx', key, fields, options);
  return { args, decode: toNullableStringList, flags: NONE, keys: [key] };
}

export function hGetExBuffer(key: RedisArg, fields: KeyOrKeys, options?: GetExOptions): Command<(Buffer | null)[]> {
  const args = hGetExArgs('hGetExBuffer', key, fields, options);
  return { args, decode: toNullableBufferList, flags: BUFFERS, keys: [key] };
}

/** HSETEX options (Redis ≥ 8.0): a condition on the fields, and their expiry. */
export interface HSetExOptions extends ExpiryOptions {
  /** Only when none of the fields exists. */
  fnx?: boolean;
  /** Only when every field exists. */
  fxx?: boolean;
  /** Keep the fields' current expiry. */
  keepTtl?: boolean;
}

/**
 * `HSETEX key [FNX|FXX] [EX|PX|EXAT|PXAT|KEEPTTL] FIELDS n field value…` (Redis ≥ 8.0): true when every field
 * was set, false when the condition stopped it (then none was).
 */
export function hSetEx(key: RedisArg, fields: FieldValues, options?: HSetExOptions): Command<boolean> {
  checkOptions('hSetEx', options, HSETEX_OPTIONS);
  const args: RedisArg[] = ['HSETEX', key];
  if (options !== undefined) {
    if (options.fnx === true && options.fxx === true) invalid('hSetEx options', 'not both fnx and fxx', options);
    if (options.fnx === true) args.push('FNX');
    else if (options.fxx === true) args.push('FXX');
    const before = args.length;
    pushExpiry(args, options, 'hSetEx options');
    if (options.keepTtl === true) {
      if (args.length > before) invalid('hSetEx options', 'either an expiry (ex, px, exAt, pxAt) or keepTtl', options);
      args.push('KEEPTTL');
    }
  }
  args.push('FIELDS', 0);
  const countAt = args.length - 1;
  args[countAt] = pushFieldValues(args, fields, 'hSetEx fields');
  return { args, decode: toBoolean, flags: NONE, keys: [key] };
}
