/**
 * Helpers for the map-shaped replies of admin commands (ACL GETUSER, CLUSTER SHARDS, COMMAND DOCS…):
 * a map arrives as a RESP3 Map or as a RESP2 flat `[k, v, k, v]` array; these read both the same way.
 */
import type { RespValue } from '../resp/types.js';
import { asString, setField, toNumber } from './decoders.js';

/** The `[key, value]` pairs of a map reply, keys as UTF-8 text; anything else gives none. */
export function mapEntries(reply: RespValue): [string, RespValue][] {
  const out: [string, RespValue][] = [];
  if (reply instanceof Map) {
    for (const [key, value] of reply) out.push([asString(key), value]);
  } else if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) out.push([asString(reply[i]!), reply[i + 1]!]);
  }
  return out;
}

/** `'age-seconds'`, `'histogram_usec'`, `'doc_flags'` → `'ageSeconds'`, `'histogramUsec'`, `'docFlags'`. */
export function camelCase(name: string): string {
  return name.replace(/[-_]+([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** A map reply as an object with camelCase keys; `convert` turns each value (as it came, by default). */
export function camelRecord<V = RespValue>(
  reply: RespValue,
  convert: (value: RespValue, key: string) => V = (value) => value as V,
): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [key, value] of mapEntries(reply)) setField(out, camelCase(key), convert(value, key));
  return out;
}

/** A value that is a string, or a number where Redis sends one (RESP3 doubles, integers). */
export function stringOrNumber(value: RespValue): string | number {
  return typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : asString(value ?? '');
}

/** A list of strings (a RESP3 set or array); a lone string as a one-element list. */
export function stringList(value: RespValue): string[] {
  if (Array.isArray(value)) return value.map((v) => asString(v));
  return value === null || value === undefined ? [] : [asString(value)];
}

/** A number whatever the protocol sent: an integer, a double, or its text. */
export const numberOf = toNumber;

/** Flat `[start, end, start, end…]` slot bounds → `[start, end]` pairs. */
export function slotPairs(value: RespValue): [start: number, end: number][] {
  const list = Array.isArray(value) ? value : [];
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push([toNumber(list[i]!), toNumber(list[i + 1]!)]);
  return out;
}
