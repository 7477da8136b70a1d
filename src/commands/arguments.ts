/**
 * Argument checks and small builders shared by the command families.
 * Checks throw `InvalidArgumentError` synchronously, naming the argument, for values
 * Redis would reject with a confusing message (or silently misread).
 */
import { InvalidArgumentError } from '../errors.js';
import { CommandFlags } from './command.js';
import type { RedisArg } from '../resp/types.js';
import type { ExpiryOptions } from './strings.js';

/** One key, or a list of keys (a Buffer is one key, not a list). */
export type KeyOrKeys = RedisArg | readonly RedisArg[];

/** Flag combinations shared by every builder (one constant each, no arithmetic per call). */
export const NONE = CommandFlags.NONE;
export const READONLY = CommandFlags.READONLY;
export const READ_CACHEABLE = CommandFlags.READONLY | CommandFlags.CACHEABLE;
export const READ_BUFFERS = CommandFlags.READONLY | CommandFlags.BUFFERS;
export const READ_CACHEABLE_BUFFERS = CommandFlags.READONLY | CommandFlags.CACHEABLE | CommandFlags.BUFFERS;
export const BUFFERS = CommandFlags.BUFFERS;
export const BLOCKING = CommandFlags.BLOCKING;
export const READ_BLOCKING = CommandFlags.READONLY | CommandFlags.BLOCKING;
export const BLOCKING_BUFFERS = CommandFlags.BLOCKING | CommandFlags.BUFFERS;
export const CONNECTION_STATE = CommandFlags.CONNECTION_STATE;

export function invalid(name: string, expectation: string, value: unknown): never {
  throw new InvalidArgumentError(`${name} must be ${expectation}; got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (value === null || typeof value !== 'object') return String(value);
  return 'an object';
}

/** A safe integer ≥ `min` (bigint accepted as is, for 64-bit values). */
export function integer(name: string, value: number | bigint, min = -Infinity): number | bigint {
  if (typeof value === 'bigint') {
    if (value < min) invalid(name, `an integer ≥ ${min}`, value);
    return value;
  }
  if (!Number.isSafeInteger(value) || value < min) {
    invalid(name, min === -Infinity ? 'a safe integer' : `an integer ≥ ${min}`, value);
  }
  return value;
}

/** A finite number (floats allowed). */
export function finite(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(name, 'a finite number', value);
  return value;
}

/** A score or range bound: numbers (±Infinity → `±inf`), or a string such as `'(1.5'`, `'-inf'`. */
export function score(name: string, value: number | string): RedisArg {
  if (typeof value === 'string') return value;
  if (typeof value !== 'number' || Number.isNaN(value)) invalid(name, 'a number or a range string', value);
  if (value === Infinity) return '+inf';
  if (value === -Infinity) return '-inf';
  return value;
}

/**
 * A blocking timeout in seconds (fractions allowed, 0 = forever), returned as `blockMs`.
 * Redis rejects negatives and non-numbers with a vague message.
 */
export function timeoutSeconds(name: string, seconds: number): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    invalid(name, 'a number of seconds ≥ 0 (0 waits forever)', seconds);
  }
  return seconds * 1000;
}

/** A timeout in milliseconds (0 = forever). */
export function timeoutMs(name: string, ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) invalid(name, 'an integer number of milliseconds ≥ 0', ms);
  return ms;
}

/** Appends one key or a non-empty list of keys to `args`; returns how many were added. */
export function pushKeys(args: RedisArg[], keys: KeyOrKeys, name: string): number {
  if (!isList(keys)) {
    args.push(keys);
    return 1;
  }
  const n = keys.length;
  if (n === 0) invalid(name, 'a non-empty list', keys);
  for (let i = 0; i < n; i++) args.push(keys[i] as RedisArg);
  return n;
}

/** Appends values (one or a non-empty list), as pushKeys, for members, fields and elements. */
export const pushValues = pushKeys;

/** A non-empty key list as an array (a copy, so later changes by the caller do not matter). */
export function keyList(keys: KeyOrKeys, name: string): RedisArg[] {
  if (!isList(keys)) return [keys];
  if (keys.length === 0) invalid(name, 'a non-empty list', keys);
  return keys.slice();
}

export function isList(value: KeyOrKeys): value is readonly RedisArg[] {
  return Array.isArray(value);
}

/** `value` must be one of `choices` (upper-case Redis words). */
export function oneOf<T extends string>(name: string, value: T, choices: readonly T[]): T {
  if (!choices.includes(value)) invalid(name, `one of ${choices.join(', ')}`, value);
  return value;
}

/** Field/value pairs from a record, a Map or a list of pairs, appended flat; returns pairs added. */
export type FieldValues =
  Readonly<Record<string, RedisArg>> | ReadonlyMap<RedisArg, RedisArg> | ReadonlyArray<readonly [RedisArg, RedisArg]>;

export function pushFieldValues(args: RedisArg[], pairs: FieldValues, name: string): number {
  const start = args.length;
  if (Array.isArray(pairs)) {
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i] as readonly [RedisArg, RedisArg];
      args.push(pair[0], pair[1]);
    }
  } else if (pairs instanceof Map) {
    for (const [field, value] of pairs) args.push(field, value);
  } else if (pairs !== null && typeof pairs === 'object') {
    const record = pairs as Readonly<Record<string, RedisArg>>;
    const fields = Object.keys(record);
    for (let i = 0; i < fields.length; i++) args.push(fields[i]!, record[fields[i]!]!);
  } else {
    invalid(name, 'a record, a Map or a list of [field, value] pairs', pairs);
  }
  const added = (args.length - start) / 2;
  if (added === 0) invalid(name, 'non-empty', pairs);
  return added;
}

/** The keys slice of an args array (`args[from, from + count)`), for `Command.keys`. */
export function keysAt(args: readonly RedisArg[], from: number, count: number): RedisArg[] {
  return args.slice(from, from + count);
}

/** A Date as unix time in seconds (`unitMs` 1000) or milliseconds (1); numbers pass through. */
export function unixTime(value: number | Date, unitMs: number): number {
  return value instanceof Date ? Math.floor(value.getTime() / unitMs) : value;
}

/** Appends at most one of EX/PX/EXAT/PXAT; throws if several are given or a value is not a positive integer. */
export function pushExpiry(args: RedisArg[], options: ExpiryOptions, name: string): void {
  const { ex, px, exAt, pxAt } = options;
  const given = +(ex !== undefined) + +(px !== undefined) + +(exAt !== undefined) + +(pxAt !== undefined);
  if (given === 0) return;
  if (given > 1) invalid(name, 'at most one of ex, px, exAt, pxAt', options);
  if (ex !== undefined) args.push('EX', integer(`${name}.ex`, ex, 1));
  else if (px !== undefined) args.push('PX', integer(`${name}.px`, px, 1));
  else if (exAt !== undefined) args.push('EXAT', integer(`${name}.exAt`, unixTime(exAt, 1000), 1));
  else args.push('PXAT', integer(`${name}.pxAt`, unixTime(pxAt!, 1), 1));
}

/** Appends MATCH and COUNT, shared by SCAN, HSCAN, SSCAN and ZSCAN. */
export function pushScanOptions(args: RedisArg[], options: { match?: string; count?: number }, name: string): void {
  if (options.match !== undefined) args.push('MATCH', options.match);
  if (options.count !== undefined) args.push('COUNT', integer(`${name} count`, options.count, 1));
}
