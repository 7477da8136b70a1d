/** HyperLogLog commands: approximate distinct counts in 12 KB per key. */
import type { RedisArg } from '../resp/types.js';
import type { Command } from './command.js';
import { NONE, READONLY, keysAt, pushKeys, type KeyOrKeys } from './arguments.js';
import { toBoolean } from './decoders.js';

/** `PFADD`: true when the estimate changed. An empty list only creates the key. */
export function pfAdd(key: RedisArg, elements: KeyOrKeys): Command<boolean> {
  const args: RedisArg[] = ['PFADD', key];
  if (!Array.isArray(elements) || elements.length > 0) pushKeys(args, elements, 'pfAdd elements');
  return { args, decode: toBoolean, flags: NONE, keys: [key] };
}

/** `PFCOUNT`: the estimated number of distinct elements (of the union, for several keys). */
export function pfCount(keys: KeyOrKeys): Command<number> {
  const args: RedisArg[] = ['PFCOUNT'];
  const n = pushKeys(args, keys, 'pfCount keys');
  return { args, decode: undefined, flags: READONLY, keys: keysAt(args, 1, n) };
}

/** `PFMERGE destination sources`: stores the union in `destination`. */
export function pfMerge(destination: RedisArg, sources: KeyOrKeys): Command<'OK'> {
  const args: RedisArg[] = ['PFMERGE', destination];
  const n = pushKeys(args, sources, 'pfMerge sources');
  return { args, decode: undefined, flags: NONE, keys: keysAt(args, 1, n + 1) };
}
