/** String commands (GET, SET, INCR…). `get` and `set` are the hot path: literal arrays, shared decoders. */
import type { RedisArg } from '../resp/types.js';
import type { Command } from './command.js';
import {
  NONE,
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
import { toBoolean, toNumber } from './decoders.js';

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
