/**
 * List commands, including the blocking ones (BLPOP, BRPOP, BLMOVE, BLMPOP). Blocking timeouts
 * are in seconds (fractions allowed, 0 = forever) as Redis takes them; `blockMs` carries them in ms.
 */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  BLOCKING,
  BLOCKING_BUFFERS,
  BUFFERS,
  NONE,
  READONLY,
  READ_CACHEABLE,
  READ_CACHEABLE_BUFFERS,
  checkOptions,
  invalid,
  integer,
  keysAt,
  oneOf,
  optionKeys,
  pushKeys,
  pushValues,
  timeoutSeconds,
  type KeyOrKeys,
} from './arguments.js';
import { asString, toArray, toNumberArray, toStringListOrNull } from './decoders.js';

export type ListSide = 'LEFT' | 'RIGHT';
const SIDES: readonly ListSide[] = ['LEFT', 'RIGHT'];

/** An element popped by BLPOP/BRPOP, with the key it came from. */
export interface KeyElement<V = string> {
  key: string;
  element: V;
}

/** Elements popped by LMPOP/BLMPOP, with the key they came from. */
export interface KeyElements<V = string> {
  key: string;
  elements: V[];
}

export interface LPosOptions {
  /** Which match to return: 1 = first, 2 = second…; negative counts from the tail. */
  rank?: number;
  /** Compare at most this many elements (0 = all). */
  maxLen?: number;
}

const LPOS_OPTIONS = optionKeys(['rank', 'maxLen']);
const MPOP_OPTIONS = optionKeys(['count']);

function push(name: string, key: RedisArg, elements: KeyOrKeys, label: string): Command<number> {
  const args: RedisArg[] = [name, key];
  pushValues(args, elements, label);
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

/** `LPUSH`: the new length. */
export function lPush(key: RedisArg, elements: KeyOrKeys): Command<number> {
  return push('LPUSH', key, elements, 'lPush elements');
}

export function rPush(key: RedisArg, elements: KeyOrKeys): Command<number> {
  return push('RPUSH', key, elements, 'rPush elements');
}

/** `LPUSHX`: pushes only onto an existing list; 0 when there is none. */
export function lPushX(key: RedisArg, elements: KeyOrKeys): Command<number> {
  return push('LPUSHX', key, elements, 'lPushX elements');
}

export function rPushX(key: RedisArg, elements: KeyOrKeys): Command<number> {
  return push('RPUSHX', key, elements, 'rPushX elements');
}

export function lPop(key: RedisArg): Command<string | null> {
  return { args: ['LPOP', key], decode: undefined, flags: NONE, keys: [key] };
}

export function lPopBuffer(key: RedisArg): Command<Buffer | null> {
  return { args: ['LPOP', key], decode: undefined, flags: BUFFERS, keys: [key] };
}

/** `LPOP key count`: up to `count` elements, or null when there is no list. */
export function lPopCount(key: RedisArg, count: number): Command<string[] | null> {
  return {
    args: ['LPOP', key, integer('lPopCount count', count, 0)],
    decode: toStringListOrNull,
    flags: NONE,
    keys: [key],
  };
}

export function rPop(key: RedisArg): Command<string | null> {
  return { args: ['RPOP', key], decode: undefined, flags: NONE, keys: [key] };
}

export function rPopBuffer(key: RedisArg): Command<Buffer | null> {
  return { args: ['RPOP', key], decode: undefined, flags: BUFFERS, keys: [key] };
}

export function rPopCount(key: RedisArg, count: number): Command<string[] | null> {
  return {
    args: ['RPOP', key, integer('rPopCount count', count, 0)],
    decode: toStringListOrNull,
    flags: NONE,
    keys: [key],
  };
}

/** `LRANGE key start stop`: inclusive, negative indexes count from the end (`0, -1` = all). */
export function lRange(key: RedisArg, start: number, stop: number): Command<string[]> {
  const args = ['LRANGE', key, integer('lRange start', start), integer('lRange stop', stop)];
  return { args, decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

export function lRangeBuffer(key: RedisArg, start: number, stop: number): Command<Buffer[]> {
  const args = ['LRANGE', key, integer('lRange start', start), integer('lRange stop', stop)];
  return { args, decode: undefined, flags: READ_CACHEABLE_BUFFERS, keys: [key] };
}

export function lLen(key: RedisArg): Command<number> {
  return { args: ['LLEN', key], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

export function lIndex(key: RedisArg, index: number): Command<string | null> {
  return {
    args: ['LINDEX', key, integer('lIndex index', index)],
    decode: undefined,
    flags: READ_CACHEABLE,
    keys: [key],
  };
}

export function lIndexBuffer(key: RedisArg, index: number): Command<Buffer | null> {
  const args = ['LINDEX', key, integer('lIndex index', index)];
  return { args, decode: undefined, flags: READ_CACHEABLE_BUFFERS, keys: [key] };
}

export function lSet(key: RedisArg, index: number, element: RedisArg): Command<'OK'> {
  return { args: ['LSET', key, integer('lSet index', index), element], decode: undefined, flags: NONE, keys: [key] };
}

/** `LREM key count element`: removes `count` matches from the head (>0), tail (<0) or all (0). */
export function lRem(key: RedisArg, count: number, element: RedisArg): Command<number> {
  return { args: ['LREM', key, integer('lRem count', count), element], decode: undefined, flags: NONE, keys: [key] };
}

export function lTrim(key: RedisArg, start: number, stop: number): Command<'OK'> {
  const args = ['LTRIM', key, integer('lTrim start', start), integer('lTrim stop', stop)];
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

/** `LINSERT`: the new length, -1 when the pivot is missing, 0 when the key is. */
export function lInsert(key: RedisArg, where: 'BEFORE' | 'AFTER', pivot: RedisArg, element: RedisArg): Command<number> {
  const args = ['LINSERT', key, oneOf('lInsert where', where, ['BEFORE', 'AFTER']), pivot, element];
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

function lPosArgs(method: string, key: RedisArg, element: RedisArg, options: LPosOptions | undefined): RedisArg[] {
  checkOptions(method, options, LPOS_OPTIONS);
  const args: RedisArg[] = ['LPOS', key, element];
  if (options?.rank !== undefined) {
    if (options.rank === 0) invalid('lPos options.rank', 'a non-zero integer', 0);
    args.push('RANK', integer('lPos options.rank', options.rank));
  }
  if (options?.maxLen !== undefined) args.push('MAXLEN', integer('lPos options.maxLen', options.maxLen, 0));
  return args;
}

/** `LPOS`: index of the first match (see `rank`), or null. */
export function lPos(key: RedisArg, element: RedisArg, options?: LPosOptions): Command<number | null> {
  return { args: lPosArgs('lPos', key, element, options), decode: undefined, flags: READONLY, keys: [key] };
}

/** `LPOS … COUNT n`: indexes of up to `count` matches (0 = all). */
export function lPosCount(key: RedisArg, element: RedisArg, count: number, options?: LPosOptions): Command<number[]> {
  const args = lPosArgs('lPosCount', key, element, options);
  args.push('COUNT', integer('lPosCount count', count, 0));
  return { args, decode: toNumberArray, flags: READONLY, keys: [key] };
}

/** `LMOVE`: pops from one side of `source`, pushes onto a side of `destination`; the element or null. */
export function lMove(source: RedisArg, destination: RedisArg, from: ListSide, to: ListSide): Command<string | null> {
  const args = ['LMOVE', source, destination, oneOf('lMove from', from, SIDES), oneOf('lMove to', to, SIDES)];
  return { args, decode: undefined, flags: NONE, keys: [source, destination] };
}

function blockingPop(
  name: string,
  keys: KeyOrKeys,
  timeout: number,
  flags: number,
  decode: (reply: RespValue) => unknown,
): Command<unknown> {
  const args: RedisArg[] = [name];
  const n = pushKeys(args, keys, `${name.toLowerCase()} keys`);
  const blockMs = timeoutSeconds(`${name.toLowerCase()} timeout`, timeout);
  args.push(timeout);
  return { args, decode, flags, blockMs, keys: keysAt(args, 1, n) };
}

function decodeKeyElement(reply: RespValue): KeyElement<RespValue> | null {
  if (reply === null) return null;
  const pair = toArray(reply);
  return { key: asString(pair[0] ?? ''), element: pair[1] ?? null };
}

/** `BLPOP keys timeout`: the first element of the first non-empty list, waiting up to `timeout` seconds; null on timeout. */
export function blPop(keys: KeyOrKeys, timeout: number): Command<KeyElement | null> {
  return blockingPop('BLPOP', keys, timeout, BLOCKING, decodeKeyElement) as Command<KeyElement | null>;
}

export function blPopBuffer(keys: KeyOrKeys, timeout: number): Command<KeyElement<Buffer> | null> {
  return blockingPop('BLPOP', keys, timeout, BLOCKING_BUFFERS, decodeKeyElement) as Command<KeyElement<Buffer> | null>;
}

export function brPop(keys: KeyOrKeys, timeout: number): Command<KeyElement | null> {
  return blockingPop('BRPOP', keys, timeout, BLOCKING, decodeKeyElement) as Command<KeyElement | null>;
}

export function brPopBuffer(keys: KeyOrKeys, timeout: number): Command<KeyElement<Buffer> | null> {
  return blockingPop('BRPOP', keys, timeout, BLOCKING_BUFFERS, decodeKeyElement) as Command<KeyElement<Buffer> | null>;
}

/** `BLMOVE`: like lMove, waiting up to `timeout` seconds for an element; null on timeout. */
export function blMove(
  source: RedisArg,
  destination: RedisArg,
  from: ListSide,
  to: ListSide,
  timeout: number,
): Command<string | null> {
  const blockMs = timeoutSeconds('blMove timeout', timeout);
  const args = [
    'BLMOVE',
    source,
    destination,
    oneOf('blMove from', from, SIDES),
    oneOf('blMove to', to, SIDES),
    timeout,
  ];
  return { args, decode: undefined, flags: BLOCKING, blockMs, keys: [source, destination] };
}

function decodeKeyElements(reply: RespValue): KeyElements<RespValue> | null {
  if (reply === null) return null;
  const pair = toArray(reply);
  return { key: asString(pair[0] ?? ''), elements: toArray(pair[1] ?? null) };
}

function mPopArgs(name: string, keys: KeyOrKeys, side: ListSide, count: number | undefined, args: RedisArg[]): number {
  const label = name === 'LMPOP' ? 'lMPop' : 'blMPop';
  const numKeysAt = args.length;
  args.push(0);
  const n = pushKeys(args, keys, `${label} keys`);
  args[numKeysAt] = n;
  args.push(oneOf(`${label} side`, side, SIDES));
  if (count !== undefined) args.push('COUNT', integer(`${label} options.count`, count, 1));
  return n;
}

/** `LMPOP`: pops up to `count` (default 1) from the first non-empty list; null when all are empty. */
export function lMPop(keys: KeyOrKeys, side: ListSide, options?: { count?: number }): Command<KeyElements | null> {
  checkOptions('lMPop', options, MPOP_OPTIONS);
  const args: RedisArg[] = ['LMPOP'];
  const n = mPopArgs('LMPOP', keys, side, options?.count, args);
  return {
    args,
    decode: decodeKeyElements as (r: RespValue) => KeyElements | null,
    flags: NONE,
    keys: keysAt(args, 2, n),
  };
}

/** `BLMPOP`: LMPOP waiting up to `timeout` seconds; null on timeout. */
export function blMPop(
  keys: KeyOrKeys,
  side: ListSide,
  timeout: number,
  options?: { count?: number },
): Command<KeyElements | null> {
  checkOptions('blMPop', options, MPOP_OPTIONS);
  const blockMs = timeoutSeconds('blMPop timeout', timeout);
  const args: RedisArg[] = ['BLMPOP', timeout];
  const n = mPopArgs('BLMPOP', keys, side, options?.count, args);
  const decode = decodeKeyElements as (r: RespValue) => KeyElements | null;
  return { args, decode, flags: BLOCKING, blockMs, keys: keysAt(args, 3, n) };
}
