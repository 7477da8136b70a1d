/**
 * Argument and reply conversions the faces share: ioredis's rules for arguments (arrays flattened one
 * level, objects and Maps spread for MSET/HSET, `null`/`undefined` sent as "", numbers and booleans as
 * text), callbacks, and the record shapes both libraries return for hashes.
 */
import { InvalidArgumentError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';

export type Callback = (error: Error | null, result?: unknown) => void;

/** Removes and returns a trailing callback (ioredis and node-redis v3 style), if there is one. */
export function takeCallback(args: unknown[]): Callback | undefined {
  const last = args[args.length - 1];
  if (typeof last !== 'function') return undefined;
  args.pop();
  return last as Callback;
}

/** Calls `callback(null, value)` or `callback(error)` when given; returns the promise either way (handled). */
export function withCallback<T>(promise: Promise<T>, callback: unknown): Promise<T> {
  // Anything else in the callback's place is ignored, as ioredis does (`exec(true)` in some libraries).
  if (typeof callback === 'function') {
    promise.then(
      (value) => (callback as Callback)(null, value),
      (error: unknown) => (callback as Callback)(error instanceof Error ? error : new Error(String(error))),
    );
  }
  return promise;
}

/** Commands whose object or Map argument ioredis spreads into field/value pairs. */
const SPREAD_FIRST = new Set(['mset', 'msetnx']);
const SPREAD_SECOND = new Set(['hset', 'hmset']);

/** ioredis's argument rules: flatten one level, spread objects for MSET/HSET, then every value as wire text. */
export function ioredisArgs(command: string, input: readonly unknown[]): RedisArg[] {
  let flat: unknown[] = input.flat(1);
  if (SPREAD_FIRST.has(command) && flat.length === 1 && isRecordLike(flat[0])) flat = entries(flat[0]);
  else if (SPREAD_SECOND.has(command) && flat.length === 2 && isRecordLike(flat[1])) {
    flat = [flat[0], ...entries(flat[1])];
  }
  return flat.map((value, i) => ioredisArg(command, value, i));
}

/** One argument as ioredis sends it: strings and Buffers as they are, null/undefined as "", the rest as text. */
export function ioredisArg(command: string, value: unknown, index: number): RedisArg {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  // ioredis would send "[object Object]": refuse instead, the value would be lost.
  throw new InvalidArgumentError(
    `${command}(): argument ${index + 1} is ${describeValue(value)}, which Redis cannot store. ` +
      'Serialize it first (JSON.stringify, a Buffer).',
  );
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a nested array';
  if (value instanceof Map) return 'a Map';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function isRecordLike(value: unknown): value is Map<unknown, unknown> | Record<string, unknown> {
  if (value instanceof Map) return true;
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function entries(value: Map<unknown, unknown> | Record<string, unknown>): unknown[] {
  const pairs = value instanceof Map ? [...value] : Object.entries(value);
  return pairs.flat(1);
}

/** A flat `[field, value, …]` reply as a record (HGETALL, CONFIG GET); field names as strings. */
export function toRecord(reply: unknown): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  if (!Array.isArray(reply)) return record;
  for (let i = 0; i + 1 < reply.length; i += 2) record[String(reply[i])] = reply[i + 1];
  return record;
}
