/**
 * Naming and sizing what the cache holds.
 *
 * - A cache key names one read: its command, its arguments and whether it wants Buffers. Arguments are
 *   length-prefixed, so no two different argument lists give the same key.
 * - A canonical key names one Redis key by its bytes (as a latin1 string), so that a key written as a
 *   JS string, as a Buffer, or reported by the server in either form always maps to the same name.
 */
import type { RedisArg, RespValue } from '../resp/types.js';

/** Rough per-entry cost beyond its reply (the LRU's slots, the entry object, index links). */
const ENTRY_OVERHEAD_BYTES = 96;
const NON_ASCII = /[\u0080-\uffff]/;
const REPLACEMENT_CHARACTER = '\uFFFD';

export function cacheKeyOf(args: readonly RedisArg[], buffers: boolean): string {
  let key = (buffers ? 'B' : 'S') + String(args[0]);
  for (let i = 1; i < args.length; i++) {
    const arg = args[i]!;
    if (typeof arg === 'string') key += '\u0000' + arg.length + ':' + arg;
    else if (Buffer.isBuffer(arg)) key += '\u0001' + arg.length + ':' + arg.toString('latin1');
    else {
      const text = String(arg);
      key += '\u0000' + text.length + ':' + text;
    }
  }
  return key;
}

/** The canonical name of a key given as a command argument. */
export function canonicalKey(arg: RedisArg): string {
  if (typeof arg === 'string') return !NON_ASCII.test(arg) ? arg : Buffer.from(arg, 'utf8').toString('latin1');
  if (Buffer.isBuffer(arg)) return arg.toString('latin1');
  return String(arg);
}

/**
 * The canonical name of a key named in an invalidation message, or undefined when its bytes cannot be
 * known: a key that is not valid UTF-8 but was decoded as a string lost bytes to U+FFFD.
 */
export function canonicalReportedKey(value: RespValue): string | undefined {
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'string') return undefined;
  if (!NON_ASCII.test(value)) return value;
  if (value.includes(REPLACEMENT_CHARACTER)) return undefined;
  return Buffer.from(value, 'utf8').toString('latin1');
}

/** Estimated bytes an entry costs: its reply, its cache key and a fixed overhead. */
export function entrySize(cacheKey: string, reply: RespValue): number {
  return ENTRY_OVERHEAD_BYTES + cacheKey.length + replySize(reply);
}

function replySize(value: RespValue): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return 8;
  if (typeof value === 'bigint') return 16;
  if (Buffer.isBuffer(value)) return value.length + 16;
  if (Array.isArray(value)) {
    let size = 16 + 8 * value.length;
    for (const item of value) size += replySize(item);
    return size;
  }
  if (value instanceof Map) {
    let size = 32 + 16 * value.size;
    for (const [k, v] of value) size += replySize(k) + replySize(v);
    return size;
  }
  return 64 + value.message.length; // ReplyError inside an aggregate
}

/**
 * A copy nobody else holds, so that a caller mutating what it got (an array, a Map, a Buffer) cannot
 * change what the cache serves next. Strings and numbers are immutable and returned as they are.
 */
export function cloneReply(value: RespValue): RespValue {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return value.map(cloneReply);
  if (value instanceof Map) {
    const copy = new Map<RespValue, RespValue>();
    for (const [k, v] of value) copy.set(cloneReply(k), cloneReply(v));
    return copy;
  }
  return value;
}
