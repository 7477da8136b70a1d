/**
 * Reply decoders shared by the builders. Each takes a raw reply in either protocol's shape
 * (RESP2: flat arrays, doubles as bulk strings, 0/1 integers; RESP3: Map, doubles as numbers;
 * sets are arrays in both) and returns one typed result, so callers see the same value under both.
 * A RESP3 Map keeps distinct binary keys apart (see resp/map-key.ts); decoders that return arrays
 * keep them apart too, decoders that return records key them by their UTF-8 text, as under RESP2.
 * Plain loops, no closures: these run once per reply.
 */
import type { RespValue } from '../resp/types.js';

/** A bulk string, simple string or number as a string (Buffers are read as UTF-8). */
export function asString(value: RespValue): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

/** A double written by Redis (`"1.5"`, `"inf"`, `"-inf"`, `"nan"`) or already a number. */
export function parseDouble(text: string): number {
  const n = +text;
  if (n === n) return n; // not NaN
  switch (text.toLowerCase()) {
    case 'inf':
    case '+inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    default:
      return NaN;
  }
}

/** Integer or double reply (RESP3 number, RESP2 bulk string, 64-bit bigint) → number. */
export function toNumber(reply: RespValue): number {
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'string') return parseDouble(reply);
  if (typeof reply === 'bigint') return Number(reply);
  if (Buffer.isBuffer(reply)) return parseDouble(reply.toString('latin1'));
  if (typeof reply === 'boolean') return reply ? 1 : 0;
  return NaN;
}

export function toNumberOrNull(reply: RespValue): number | null {
  return reply === null ? null : toNumber(reply);
}

export function toNumberArray(reply: RespValue): number[] {
  const list = toArray(reply);
  const out = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = toNumber(list[i] as RespValue);
  return out;
}

export function toNumberOrNullArray(reply: RespValue): (number | null)[] {
  const list = toArray(reply);
  const out = new Array<number | null>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = toNumberOrNull(list[i] as RespValue);
  return out;
}

/** 1/0 integers (RESP2), RESP3 booleans, and `OK`/null status replies → boolean. */
export function toBoolean(reply: RespValue): boolean {
  return reply === 1 || reply === true || reply === 'OK' || reply === 1n;
}

export function toBooleanArray(reply: RespValue): boolean[] {
  const list = toArray(reply);
  const out = new Array<boolean>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = toBoolean(list[i] as RespValue);
  return out;
}

/** An array (RESP3 sets decode to arrays too) as it is; null or anything else as an empty array. */
export function toArray(reply: RespValue): RespValue[] {
  return Array.isArray(reply) ? reply : [];
}

/** Like toArray, but keeps null (LPOP key count on a missing key). */
export function toArrayOrNull(reply: RespValue): RespValue[] | null {
  return reply === null ? null : toArray(reply);
}

/** Array of bulk strings whose elements must be strings even when the reply came as Buffers. */
export function toStringArray(reply: RespValue): string[] {
  const list = toArray(reply);
  const out = new Array<string>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = asString(list[i] as RespValue);
  return out;
}

/** Sets a property safely: a field named `__proto__` becomes an own property, not the prototype. */
export function setField<V>(record: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}

/**
 * RESP2 flat `[k, v, k, v]` or RESP3 Map → record with string keys. Values are kept as they
 * came (strings, or Buffers for the binary variants).
 */
export function toRecord(reply: RespValue): Record<string, RespValue> {
  const out: Record<string, RespValue> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) setField(out, asString(reply[i] as RespValue), reply[i + 1]!);
  } else if (reply instanceof Map) {
    for (const [key, value] of reply) setField(out, asString(key), value);
  }
  return out;
}

/** Like toRecord, with number values (`PUBSUB NUMSUB`). */
export function toNumberRecord(reply: RespValue): Record<string, number> {
  const out: Record<string, number> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) {
      setField(out, asString(reply[i] as RespValue), toNumber(reply[i + 1] as RespValue));
    }
  } else if (reply instanceof Map) {
    for (const [key, value] of reply) setField(out, asString(key), toNumber(value));
  }
  return out;
}

/** A member and its score in a sorted set. `value` is a Buffer in the binary variants. */
export interface ScoredMember<V = string> {
  value: V;
  score: number;
}

/**
 * Members with scores: RESP2 flat `[m, "1.5", m, "2"]` or RESP3 nested `[[m, 1.5], …]`.
 */
export function toScoredMembers(reply: RespValue): ScoredMember<RespValue>[] {
  const list = toArray(reply);
  if (list.length === 0) return [];
  if (Array.isArray(list[0])) {
    const out = new Array<ScoredMember<RespValue>>(list.length);
    for (let i = 0; i < list.length; i++) {
      const pair = list[i] as RespValue[];
      out[i] = { value: pair[0] as RespValue, score: toNumber(pair[1] as RespValue) };
    }
    return out;
  }
  const out = new Array<ScoredMember<RespValue>>(list.length >> 1);
  for (let i = 0, j = 0; i + 1 < list.length; i += 2, j++) {
    out[j] = { value: list[i] as RespValue, score: toNumber(list[i + 1] as RespValue) };
  }
  return out;
}

/** One member with score (`ZPOPMIN key`): `[m, s]`, `[[m, s]]` or `[]` → member or null. */
export function toScoredMemberOrNull(reply: RespValue): ScoredMember<RespValue> | null {
  return toScoredMembers(reply)[0] ?? null;
}

// Typed views of the generic decoders: the connection decides string vs Buffer, so the same
// function serves both variants and only the declared type differs.
type Decoder<T> = (reply: RespValue) => T;
export const toStringRecord = toRecord as Decoder<Record<string, string>>;
export const toBufferRecord = toRecord as Decoder<Record<string, Buffer>>;
export const toStringList = toArray as Decoder<string[]>;
export const toBufferList = toArray as Decoder<Buffer[]>;
export const toStringListOrNull = toArrayOrNull as Decoder<string[] | null>;
export const toBufferListOrNull = toArrayOrNull as Decoder<Buffer[] | null>;
export const toNullableStringList = toArray as Decoder<(string | null)[]>;
export const toNullableBufferList = toArray as Decoder<(Buffer | null)[]>;
export const toStringScoredMembers = toScoredMembers as Decoder<ScoredMember[]>;
export const toStringScoredMemberOrNull = toScoredMemberOrNull as Decoder<ScoredMember | null>;

/** A field and its value in a hash. */
export interface FieldValue<V = string> {
  field: string;
  value: V;
}

/** Field/value pairs kept in order (HSCAN, HRANDFIELD WITHVALUES): flat or nested. */
export function toFieldValues(reply: RespValue): FieldValue<RespValue>[] {
  const list = toArray(reply);
  const out: FieldValue<RespValue>[] = [];
  if (list.length === 0) return out;
  if (Array.isArray(list[0])) {
    for (let i = 0; i < list.length; i++) {
      const pair = list[i] as RespValue[];
      out.push({ field: asString(pair[0] as RespValue), value: pair[1] as RespValue });
    }
  } else {
    for (let i = 0; i + 1 < list.length; i += 2)
      out.push({ field: asString(list[i] as RespValue), value: list[i + 1] as RespValue });
  }
  return out;
}

export const toStringFieldValues = toFieldValues as Decoder<FieldValue[]>;

/** `[cursor, items]` in both protocols. */
export function scanReply(reply: RespValue): { cursor: string; items: RespValue[] } {
  const pair = toArray(reply);
  return { cursor: asString(pair[0] ?? '0'), items: toArray(pair[1] ?? null) };
}
