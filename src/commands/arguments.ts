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

/**
 * The last argument refused by `invalid` or `commandArgError`: what was refused and why, so that the
 * method wrapper (method-guard.ts) can restate the error naming the method and the caller's argument.
 */
export interface Refusal {
  readonly error: InvalidArgumentError;
  /** Which check refused it (`'set options.ex'`, `'SET: argument 2'`): the same check refusing again matches. */
  readonly check: string;
  readonly expectation: string;
  readonly value: unknown;
  /** For the argument check of a built command: the refused word's index in the command. */
  readonly word?: { readonly args: readonly unknown[]; readonly index: number };
}

let lastRefusal: Refusal | undefined;

/** The refusal that raised `error`, if it is the last one (consumed). */
export function takeRefusal(error: unknown): Refusal | undefined {
  const refusal = lastRefusal;
  if (refusal === undefined || refusal.error !== error) return undefined;
  lastRefusal = undefined;
  return refusal;
}

export function invalid(name: string, expectation: string, value: unknown): never {
  const error = new InvalidArgumentError(`${name} must be ${expectation}; got ${describe(value)}`);
  lastRefusal = { error, check: `${name}\u0000${expectation}`, expectation, value };
  throw error;
}

/**
 * The error for a built command whose word `index` the encoder cannot write. Its message names the Redis
 * command; when a CommandSet method built it, the method's wrapper restates it naming the method and argument.
 */
export function commandArgError(args: readonly unknown[], index: number): InvalidArgumentError {
  const value = args[index];
  const error = new InvalidArgumentError(`${String(args[0])}: argument ${index} ${notAnArg(value)}`);
  lastRefusal = { error, check: `word ${index}`, expectation: ARG_KINDS, value, word: { args, index } };
  return error;
}

/** A value as a short phrase for messages (never its full contents: arguments may hold secrets or megabytes). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (value === null || typeof value !== 'object') return String(value);
  const kind = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  if (typeof kind === 'string' && kind !== 'Object' && kind.length > 0)
    return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
  return 'an object';
}

/** What the encoder can write. Said once so that every message agrees. */
export const ARG_KINDS = 'a string, Buffer, number or bigint';

/** True for what the encoder can write: strings, Buffers, finite numbers (NaN would go out as "NaN"), bigints. */
export function isRedisArg(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'bigint':
      return true;
    case 'number':
      return Number.isFinite(value);
    default:
      return Buffer.isBuffer(value);
  }
}

/** Index of the first argument the encoder could not write, or -1. Runs on every command: a string costs one typeof. */
export function firstInvalidArg(args: readonly unknown[]): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (typeof arg !== 'string' && !isRedisArg(arg)) return i;
  }
  return -1;
}

/** "must be …; got …" for a value that is not a RedisArg (NaN and ±Infinity are numbers, so they get a reason). */
export function notAnArg(value: unknown): string {
  return mustBe(ARG_KINDS, value);
}

/** "must be <expectation>; got <value>", with the reason when a number is refused for not being finite. */
export function mustBe(expectation: string, value: unknown): string {
  const reason = expectation === ARG_KINDS && typeof value === 'number' ? ' (numbers must be finite)' : '';
  return `must be ${expectation}; got ${describe(value)}${reason}`;
}

/**
 * The raw path (`sendCommand`, `add`): a non-empty array whose elements the encoder can write.
 * Throws InvalidArgumentError synchronously naming `method` and the index; nothing is queued.
 */
export function checkRawArgs(args: unknown, method: string): asserts args is RedisArg[] {
  if (!Array.isArray(args) || args.length === 0) {
    throw new InvalidArgumentError(
      `${method}(): expects a non-empty array of arguments, command name first, such as ['SET', 'key', 'value']; ` +
        `got ${describe(args)}`,
    );
  }
  const bad = firstInvalidArg(args);
  if (bad !== -1) throw new InvalidArgumentError(`${method}(): args[${bad}] ${notAnArg(args[bad])}`);
}

/** A list of arguments given by the caller (a script's keys or args): an array of what the encoder can write. */
export function checkArgList(list: unknown, method: string, label: string): void {
  if (!Array.isArray(list))
    throw new InvalidArgumentError(`${method}(): ${label} must be an array; got ${describe(list)}`);
  const bad = firstInvalidArg(list);
  if (bad !== -1) throw new InvalidArgumentError(`${method}(): ${label}[${bad}] ${notAnArg(list[bad])}`);
}

/** A command built elsewhere (`pipeline.add(commands.get('k'))`): an object whose args pass checkRawArgs. */
export function checkCommand(command: unknown, method: string): void {
  if (command === null || typeof command !== 'object') {
    throw new InvalidArgumentError(
      `${method}(): expects a Command built by commands.* (such as commands.get('k')); got ${describe(command)}`,
    );
  }
  checkRawArgs((command as { args?: unknown }).args, method);
}

/**
 * The option keys a builder understands: `values` take a value, `flags` take a boolean (a flag given
 * `1` or `'yes'` would otherwise be silently read as off). Build one per option shape, at module load.
 */
export interface OptionKeys {
  readonly known: readonly string[];
  readonly flags: readonly string[];
}

export function optionKeys(values: readonly string[], flags: readonly string[] = []): OptionKeys {
  return { known: [...values, ...flags], flags };
}

/** Likely intended keys written another way: node-redis/ioredis spellings and plain English. Case is ignored separately. */
const ALIASES: Readonly<Record<string, string>> = {
  expire: 'ex',
  expiration: 'ex',
  expiry: 'ex',
  expires: 'ex',
  ttl: 'ex',
  seconds: 'ex',
  pexpire: 'px',
  milliseconds: 'px',
  expireat: 'exAt',
  pexpireat: 'pxAt',
  pattern: 'match',
  glob: 'match',
};

/** Example values for the common keys, so that a message can show a complete object. */
const SAMPLES: Readonly<Record<string, string>> = {
  ex: '60',
  px: '60000',
  match: "'user:*'",
  count: '100',
  type: "'hash'",
};

/** `{ ex: 60 }`: how to write option `key` (for messages). */
export function optionExample(key: string): string {
  return `{ ${key}: ${SAMPLES[key] ?? '…'} }`;
}

/** The known key `key` probably meant: same letters in another case, a known alias, or a near spelling. */
export function suggestOption(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  for (const k of known) if (k.toLowerCase() === lower) return k;
  const alias = ALIASES[lower];
  if (alias !== undefined && known.includes(alias)) return alias;
  let best: string | undefined;
  let bestDistance = lower.length <= 4 ? 1 : 2;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d <= bestDistance && d < Math.max(lower.length, k.length)) {
      best = k;
      bestDistance = d - 1; // a later candidate must be strictly closer
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = row;
  }
  return previous[b.length]!;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * An options object (or a nested one: `label` names it, e.g. `'options.limit'`) must be undefined or a
 * plain object whose keys `keys` knows; keys whose value is undefined count as absent. Anything else
 * throws InvalidArgumentError naming `method`, with a "did you mean" hint: what a user passes is
 * never silently ignored. Cheap on the hot path: one for-in over the keys given.
 */
export function checkOptions(method: string, options: unknown, keys: OptionKeys, label = 'options'): void {
  if (options === undefined) return;
  if (!isPlainObject(options)) refuseOptions(method, options, keys, label);
  for (const key in options) {
    const value = options[key];
    if (value === undefined) continue;
    if (!keys.known.includes(key)) refuseKey(method, key, keys, label);
    if (typeof value !== 'boolean' && keys.flags.includes(key)) {
      invalid(`${method}(): ${label}.${key}`, 'true or false', value);
    }
  }
}

/** A required nested object (`{ key, id }`, `{ value, score }`…): like checkOptions, but undefined is refused too. */
export function checkShape(method: string, value: unknown, keys: OptionKeys, label: string): void {
  if (value === undefined) invalid(`${method}(): ${label}`, `an object with ${listKeys(keys)}`, value);
  checkOptions(method, value, keys, label);
}

function listKeys(keys: OptionKeys): string {
  return keys.known.join(', ');
}

function refuseOptions(method: string, options: unknown, keys: OptionKeys, label: string): never {
  const first = keys.known[0] ?? 'key';
  if (typeof options === 'string') {
    const meant = suggestOption(options, keys.known) ?? first;
    throw new InvalidArgumentError(
      `${method}(): ${label} must be an object such as ${optionExample(meant)}; got ${describe(options)}. ` +
        `respool takes options as one object with lower camelCase keys (${listKeys(keys)}), ` +
        'not as ioredis-style positional tokens.',
    );
  }
  throw new InvalidArgumentError(
    `${method}(): ${label} must be a plain object with any of ${listKeys(keys)}, such as ${optionExample(first)}; ` +
      `got ${describe(options)}`,
  );
}

function refuseKey(method: string, key: string, keys: OptionKeys, label: string): never {
  const meant = suggestOption(key, keys.known);
  const hint = meant === undefined ? '' : ` Did you mean \`${meant}\`?`;
  throw new InvalidArgumentError(
    `${method}(): unknown key ${JSON.stringify(key)} in ${label}.${hint} ${method} takes: ${listKeys(keys)}.`,
  );
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
      // A flat ['f', 'v'] list would otherwise be read as pairs of characters.
      if (!Array.isArray(pair) || pair.length !== 2) invalid(`${name}[${i}]`, 'a [field, value] pair', pair);
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

/** Options of HSCAN, SSCAN, ZSCAN (and their iterators). */
export const MEMBER_SCAN_OPTIONS = optionKeys(['match', 'count']);
/** Options of SCAN (and scanIterator). */
export const KEY_SCAN_OPTIONS = optionKeys(['match', 'count', 'type']);

/** Checks and appends MATCH and COUNT (and TYPE for SCAN), shared by SCAN, HSCAN, SSCAN and ZSCAN. */
export function pushScanOptions(
  args: RedisArg[],
  options: { match?: string; count?: number; type?: string } | undefined,
  method: string,
  keys: OptionKeys = MEMBER_SCAN_OPTIONS,
): void {
  checkOptions(method, options, keys);
  if (options === undefined) return;
  if (options.match !== undefined) args.push('MATCH', options.match);
  if (options.count !== undefined) args.push('COUNT', integer(`${method} count`, options.count, 1));
  if (options.type !== undefined) args.push('TYPE', options.type);
}
