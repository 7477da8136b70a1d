/**
 * Raw replies in the shape ioredis and node-redis return under their default protocol, RESP2, whatever
 * protocol respool negotiated. Libraries written for those clients index into flat arrays and parse
 * scores from strings; under RESP3 the same commands answer with maps, nested pairs, doubles and
 * booleans. RESP2 replies pass through unchanged, so the conversion is safe under either protocol.
 */
import type { RedisArg } from '../resp/types.js';

/** Commands whose RESP2 reply is flat `[member, score, …]` where RESP3 nests `[[member, score], …]`. */
const FLAT_PAIRS = new Set([
  'zrange',
  'zrangebyscore',
  'zrevrange',
  'zrevrangebyscore',
  'zpopmin',
  'zpopmax',
  'zrandmember',
  'zunion',
  'zinter',
  'zdiff',
  'hrandfield',
]);

/** Commands whose numbers are all scores or coordinates: RESP2 sends them as bulk strings, RESP3 as doubles. */
const DOUBLES = new Set([
  'zscore',
  'zincrby',
  'zmscore',
  'zrange',
  'zrangebyscore',
  'zrevrange',
  'zrevrangebyscore',
  'zpopmin',
  'zpopmax',
  'bzpopmin',
  'bzpopmax',
  'zrandmember',
  'zunion',
  'zinter',
  'zdiff',
  'zmpop',
  'bzmpop',
  'geodist',
  'geopos',
  'incrbyfloat',
  'hincrbyfloat',
]);

/** Commands whose RESP3 map reply is, under RESP2, an array of `[key, value]` pairs rather than a flat array. */
const PAIR_ARRAYS = new Set(['xread', 'xreadgroup']);

/** The reply of `args` in its RESP2 shape. `name` is the lower-case command name. */
export function toResp2(name: string, args: readonly RedisArg[], reply: unknown): unknown {
  if (reply === null || reply instanceof Error) return reply;
  if (PAIR_ARRAYS.has(name) && reply instanceof Map) {
    return [...reply].map(([k, v]) => [k, generic(v)]);
  }
  let value = generic(reply);
  if (FLAT_PAIRS.has(name) && Array.isArray(value)) value = flattenPairs(value);
  if (DOUBLES.has(name) || (name === 'zadd' && hasWord(args, 'INCR'))) return doublesToStrings(value);
  if ((name === 'zrank' || name === 'zrevrank') && Array.isArray(value) && value.length === 2) {
    return [value[0], doublesToStrings(value[1])];
  }
  return value;
}

/** Maps to flat arrays, booleans to 0/1, big numbers to strings: what RESP2 sends for the same data. */
function generic(value: unknown): unknown {
  if (value instanceof Map) {
    const flat: unknown[] = [];
    for (const [k, v] of value) flat.push(k, generic(v));
    return flat;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const converted = generic(item);
      if (converted !== item) (out ??= value.slice())[i] = converted;
    }
    return out ?? value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function flattenPairs(value: unknown[]): unknown[] {
  if (value.length === 0 || !value.every((item) => Array.isArray(item) && item.length === 2)) return value;
  return (value as unknown[][]).flat();
}

function doublesToStrings(value: unknown): unknown {
  if (typeof value === 'number') {
    if (value === Infinity) return 'inf';
    if (value === -Infinity) return '-inf';
    return String(value);
  }
  if (Array.isArray(value)) return value.map(doublesToStrings);
  return value;
}

function hasWord(args: readonly RedisArg[], word: string): boolean {
  return args.some((a) => typeof a === 'string' && a.toUpperCase() === word);
}
