/** String commands (GET, SET, INCR…). `get` and `set` are the hot path: literal arrays, shared decoders. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  NONE,
  READONLY,
  READ_BUFFERS,
  READ_CACHEABLE,
  READ_CACHEABLE_BUFFERS,
  BUFFERS,
  checkOptions,
  finite,
  integer,
  invalid,
  pushExpiry,
  keysAt,
  pushFieldValues,
  pushKeys,
  optionKeys,
  type FieldValues,
} from './arguments.js';
import { toArray, toBoolean, toNumber, toRecord } from './decoders.js';

/** When a key expires: at most one of these. Times are unix seconds (`exAt`) or ms (`pxAt`), or Dates. */
export interface ExpiryOptions {
  /** Seconds from now. */
  ex?: number;
  /** Milliseconds from now. */
  px?: number;
  /** Unix time in seconds, or a Date. */
  exAt?: number | Date;
  /** Unix time in milliseconds, or a Date. */
  pxAt?: number | Date;
}

/** `SET` options. Option keys are lower camelCase throughout respool (`{ ex: 10, nx: true }`). */
export interface SetOptions extends ExpiryOptions {
  /** Keep the key's current time to live. */
  keepTtl?: boolean;
  /** Only set when the key does not exist (then the reply is null if it did). */
  nx?: boolean;
  /** Only set when the key exists (then the reply is null if it did not). */
  xx?: boolean;
  /** Return the old value instead of `OK`. */
  get?: boolean;
}

export interface GetExOptions extends ExpiryOptions {
  /** Remove the time to live. */
  persist?: boolean;
}

const EXPIRY_KEYS = ['ex', 'px', 'exAt', 'pxAt'];
const SET_OPTIONS = optionKeys(EXPIRY_KEYS, ['keepTtl', 'nx', 'xx', 'get']);
const GET_EX_OPTIONS = optionKeys(EXPIRY_KEYS, ['persist']);

export function get(key: RedisArg): Command<string | null> {
  return { args: ['GET', key], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

export function getBuffer(key: RedisArg): Command<Buffer | null> {
  return { args: ['GET', key], decode: undefined, flags: READ_CACHEABLE_BUFFERS, keys: [key] };
}

/** `SET`: `'OK'`, or null when `nx`/`xx` was not met; with `get: true`, the old value. */
export function set(key: RedisArg, value: RedisArg, options: SetOptions & { get: true }): Command<string | null>;
export function set(key: RedisArg, value: RedisArg, options?: SetOptions): Command<'OK' | null>;
export function set(key: RedisArg, value: RedisArg, options?: SetOptions): Command<string | null> {
  const args: RedisArg[] = ['SET', key, value];
  if (options !== undefined) {
    checkOptions('set', options, SET_OPTIONS);
    pushSetOptions(args, options);
  }
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

function pushSetOptions(args: RedisArg[], options: SetOptions): void {
  if (options.nx === true && options.xx === true) invalid('set options', 'not both nx and xx', options);
  pushExpiry(args, options, 'set options');
  if (options.keepTtl === true) {
    if (args.length > 3) invalid('set options', 'either an expiry (ex, px, exAt, pxAt) or keepTtl, not both', options);
    args.push('KEEPTTL');
  }
  if (options.nx === true) args.push('NX');
  else if (options.xx === true) args.push('XX');
  if (options.get === true) args.push('GET');
}

/** `SETNX`: true when the key was set. */
export function setNx(key: RedisArg, value: RedisArg): Command<boolean> {
  return { args: ['SETNX', key, value], decode: toBoolean, flags: NONE, keys: [key] };
}

export function mGet(keys: readonly RedisArg[]): Command<(string | null)[]> {
  const args: RedisArg[] = ['MGET'];
  const n = pushKeys(args, keys, 'mGet keys');
  return { args, decode: undefined, flags: READ_CACHEABLE, keys: keysAt(args, 1, n) };
}

export function mGetBuffer(keys: readonly RedisArg[]): Command<(Buffer | null)[]> {
  const args: RedisArg[] = ['MGET'];
  const n = pushKeys(args, keys, 'mGetBuffer keys');
  return { args, decode: undefined, flags: READ_CACHEABLE_BUFFERS, keys: keysAt(args, 1, n) };
}

/** `MSET` from a record, a Map or `[key, value]` pairs. */
export function mSet(entries: FieldValues): Command<'OK'> {
  const args: RedisArg[] = ['MSET'];
  pushFieldValues(args, entries, 'mSet entries');
  return { args, decode: undefined, flags: NONE, keys: everyOther(args) };
}

/** `MSETNX`: true when all keys were set (none existed). */
export function mSetNx(entries: FieldValues): Command<boolean> {
  const args: RedisArg[] = ['MSETNX'];
  pushFieldValues(args, entries, 'mSetNx entries');
  return { args, decode: toBoolean, flags: NONE, keys: everyOther(args) };
}

function everyOther(args: readonly RedisArg[]): RedisArg[] {
  const keys: RedisArg[] = [];
  for (let i = 1; i < args.length; i += 2) keys.push(args[i] as RedisArg);
  return keys;
}

export function incr(key: RedisArg): Command<number> {
  return { args: ['INCR', key], decode: toNumber, flags: NONE, keys: [key] };
}

export function incrBy(key: RedisArg, increment: number | bigint): Command<number> {
  return { args: ['INCRBY', key, integer('incrBy increment', increment)], decode: toNumber, flags: NONE, keys: [key] };
}

export function incrByFloat(key: RedisArg, increment: number): Command<number> {
  return {
    args: ['INCRBYFLOAT', key, finite('incrByFloat increment', increment)],
    decode: toNumber,
    flags: NONE,
    keys: [key],
  };
}

export function decr(key: RedisArg): Command<number> {
  return { args: ['DECR', key], decode: toNumber, flags: NONE, keys: [key] };
}

export function decrBy(key: RedisArg, decrement: number | bigint): Command<number> {
  return { args: ['DECRBY', key, integer('decrBy decrement', decrement)], decode: toNumber, flags: NONE, keys: [key] };
}

/** `APPEND`: the new length. */
export function append(key: RedisArg, value: RedisArg): Command<number> {
  return { args: ['APPEND', key, value], decode: undefined, flags: NONE, keys: [key] };
}

export function getDel(key: RedisArg): Command<string | null> {
  return { args: ['GETDEL', key], decode: undefined, flags: NONE, keys: [key] };
}

export function getDelBuffer(key: RedisArg): Command<Buffer | null> {
  return { args: ['GETDEL', key], decode: undefined, flags: BUFFERS, keys: [key] };
}

function getExArgs(method: string, key: RedisArg, options: GetExOptions | undefined): RedisArg[] {
  const args: RedisArg[] = ['GETEX', key];
  if (options !== undefined) {
    checkOptions(method, options, GET_EX_OPTIONS);
    pushExpiry(args, options, 'getEx options');
    if (options.persist === true) {
      if (args.length > 2) invalid('getEx options', 'either an expiry (ex, px, exAt, pxAt) or persist', options);
      args.push('PERSIST');
    }
  }
  return args;
}

/** `GETEX`: the value, and sets or removes its expiry. */
export function getEx(key: RedisArg, options?: GetExOptions): Command<string | null> {
  return { args: getExArgs('getEx', key, options), decode: undefined, flags: NONE, keys: [key] };
}

export function getExBuffer(key: RedisArg, options?: GetExOptions): Command<Buffer | null> {
  return { args: getExArgs('getExBuffer', key, options), decode: undefined, flags: BUFFERS, keys: [key] };
}

/** `GETRANGE`: bytes `start..end` inclusive (negative counts from the end). */
export function getRange(key: RedisArg, start: number, end: number): Command<string> {
  const args = ['GETRANGE', key, integer('getRange start', start), integer('getRange end', end)];
  return { args, decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

export function getRangeBuffer(key: RedisArg, start: number, end: number): Command<Buffer> {
  const args = ['GETRANGE', key, integer('getRange start', start), integer('getRange end', end)];
  return { args, decode: undefined, flags: READ_BUFFERS, keys: [key] };
}

/** `SETRANGE`: the new length. */
export function setRange(key: RedisArg, offset: number, value: RedisArg): Command<number> {
  return {
    args: ['SETRANGE', key, integer('setRange offset', offset, 0), value],
    decode: undefined,
    flags: NONE,
    keys: [key],
  };
}

export function strLen(key: RedisArg): Command<number> {
  return { args: ['STRLEN', key], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

/** `SETEX key seconds value`: sets the value with an expiry in seconds (same as `set(key, value, { ex })`). */
export function setEx(key: RedisArg, seconds: number, value: RedisArg): Command<'OK'> {
  return {
    args: ['SETEX', key, integer('setEx seconds', seconds, 1), value],
    decode: undefined,
    flags: NONE,
    keys: [key],
  };
}

/** `PSETEX key milliseconds value`: sets the value with an expiry in ms (same as `set(key, value, { px })`). */
export function pSetEx(key: RedisArg, milliseconds: number, value: RedisArg): Command<'OK'> {
  const args = ['PSETEX', key, integer('pSetEx milliseconds', milliseconds, 1), value];
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

/** Where one common substring sits in each string: inclusive byte ranges, and its length. */
export interface LcsMatch {
  key1: { start: number; end: number };
  key2: { start: number; end: number };
  length: number;
}

/** `LCS … IDX`: the matches, from the last in the strings to the first, and the length of the whole LCS. */
export interface LcsIdxResult {
  matches: LcsMatch[];
  length: number;
}

const LCS_IDX_OPTIONS = optionKeys(['minMatchLen']);

/** `LCS key1 key2`: the longest common subsequence of two strings. */
export function lcs(key1: RedisArg, key2: RedisArg): Command<string> {
  return { args: ['LCS', key1, key2], decode: undefined, flags: READONLY, keys: [key1, key2] };
}

/** `LCS key1 key2 LEN`: its length only. */
export function lcsLen(key1: RedisArg, key2: RedisArg): Command<number> {
  return { args: ['LCS', key1, key2, 'LEN'], decode: undefined, flags: READONLY, keys: [key1, key2] };
}

/** `LCS key1 key2 IDX WITHMATCHLEN [MINMATCHLEN n]`: where the common parts are (only those of `minMatchLen` or more). */
export function lcsIdx(key1: RedisArg, key2: RedisArg, options?: { minMatchLen?: number }): Command<LcsIdxResult> {
  checkOptions('lcsIdx', options, LCS_IDX_OPTIONS);
  const args: RedisArg[] = ['LCS', key1, key2, 'IDX'];
  if (options?.minMatchLen !== undefined)
    args.push('MINMATCHLEN', integer('lcsIdx options.minMatchLen', options.minMatchLen, 0));
  args.push('WITHMATCHLEN');
  return { args, decode: decodeLcsIdx, flags: READONLY, keys: [key1, key2] };
}

function range(value: RespValue | undefined): { start: number; end: number } {
  const pair = toArray(value ?? null);
  return { start: toNumber(pair[0] ?? null), end: toNumber(pair[1] ?? null) };
}

/** RESP2 `['matches', [[[s, e], [s, e], len], …], 'len', n]` or the RESP3 map of the same. */
function decodeLcsIdx(reply: RespValue): LcsIdxResult {
  const r = toRecord(reply);
  const rows = toArray(r['matches'] ?? null);
  const matches = new Array<LcsMatch>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = toArray(rows[i] ?? null);
    matches[i] = { key1: range(row[0]), key2: range(row[1]), length: toNumber(row[2] ?? null) };
  }
  return { matches, length: toNumber(r['len'] ?? null) };
}
