/** Set commands. RESP3 answers some with a Set; every list result here is a plain array. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  NONE,
  READONLY,
  READ_CACHEABLE,
  READ_CACHEABLE_BUFFERS,
  checkOptions,
  integer,
  keysAt,
  optionKeys,
  pushKeys,
  pushScanOptions,
  pushValues,
  type KeyOrKeys,
} from './arguments.js';
import { toBoolean, toBooleanArray, toBufferList, toStringArray, toStringList, scanReply } from './decoders.js';

/** One SSCAN page. Iteration is complete when `cursor` is `'0'`. */
export interface SetScanPage {
  cursor: string;
  members: string[];
}

const SINTERCARD_OPTIONS = optionKeys(['limit']);

/** `SADD`: how many members were new. */
export function sAdd(key: RedisArg, members: KeyOrKeys): Command<number> {
  const args: RedisArg[] = ['SADD', key];
  pushValues(args, members, 'sAdd members');
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

/** `SREM`: how many members were removed. */
export function sRem(key: RedisArg, members: KeyOrKeys): Command<number> {
  const args: RedisArg[] = ['SREM', key];
  pushValues(args, members, 'sRem members');
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

export function sMembers(key: RedisArg): Command<string[]> {
  return { args: ['SMEMBERS', key], decode: toStringList, flags: READ_CACHEABLE, keys: [key] };
}

export function sMembersBuffer(key: RedisArg): Command<Buffer[]> {
  return { args: ['SMEMBERS', key], decode: toBufferList, flags: READ_CACHEABLE_BUFFERS, keys: [key] };
}

export function sIsMember(key: RedisArg, member: RedisArg): Command<boolean> {
  return { args: ['SISMEMBER', key, member], decode: toBoolean, flags: READ_CACHEABLE, keys: [key] };
}

/** `SMISMEMBER`: one boolean per member, in order. */
export function smIsMember(key: RedisArg, members: readonly RedisArg[]): Command<boolean[]> {
  const args: RedisArg[] = ['SMISMEMBER', key];
  pushValues(args, members, 'smIsMember members');
  return { args, decode: toBooleanArray, flags: READ_CACHEABLE, keys: [key] };
}

export function sCard(key: RedisArg): Command<number> {
  return { args: ['SCARD', key], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

/** `SPOP key`: a random member, removed; null when the set is empty. */
export function sPop(key: RedisArg): Command<string | null> {
  return { args: ['SPOP', key], decode: undefined, flags: NONE, keys: [key] };
}

export function sPopCount(key: RedisArg, count: number): Command<string[]> {
  return { args: ['SPOP', key, integer('sPopCount count', count, 0)], decode: toStringList, flags: NONE, keys: [key] };
}

/** `SRANDMEMBER key`: a random member (not removed), or null. */
export function sRandMember(key: RedisArg): Command<string | null> {
  return { args: ['SRANDMEMBER', key], decode: undefined, flags: READONLY, keys: [key] };
}

/** `SRANDMEMBER key count`: distinct members when count > 0, possibly repeated when < 0. */
export function sRandMemberCount(key: RedisArg, count: number): Command<string[]> {
  const args = ['SRANDMEMBER', key, integer('sRandMemberCount count', count)];
  return { args, decode: toStringList, flags: READONLY, keys: [key] };
}

function combine(name: string, keys: KeyOrKeys, label: string): Command<string[]> {
  const args: RedisArg[] = [name];
  const n = pushKeys(args, keys, label);
  return { args, decode: toStringList, flags: READONLY, keys: keysAt(args, 1, n) };
}

export function sInter(keys: KeyOrKeys): Command<string[]> {
  return combine('SINTER', keys, 'sInter keys');
}

export function sUnion(keys: KeyOrKeys): Command<string[]> {
  return combine('SUNION', keys, 'sUnion keys');
}

/** `SDIFF`: members of the first set that are in none of the others. */
export function sDiff(keys: KeyOrKeys): Command<string[]> {
  return combine('SDIFF', keys, 'sDiff keys');
}

function combineStore(name: string, destination: RedisArg, keys: KeyOrKeys, label: string): Command<number> {
  const args: RedisArg[] = [name, destination];
  const n = pushKeys(args, keys, label);
  return { args, decode: undefined, flags: NONE, keys: keysAt(args, 1, n + 1) };
}

/** `SINTERSTORE`: stores the intersection in `destination`; its size. */
export function sInterStore(destination: RedisArg, keys: KeyOrKeys): Command<number> {
  return combineStore('SINTERSTORE', destination, keys, 'sInterStore keys');
}

export function sUnionStore(destination: RedisArg, keys: KeyOrKeys): Command<number> {
  return combineStore('SUNIONSTORE', destination, keys, 'sUnionStore keys');
}

export function sDiffStore(destination: RedisArg, keys: KeyOrKeys): Command<number> {
  return combineStore('SDIFFSTORE', destination, keys, 'sDiffStore keys');
}

/** `SINTERCARD`: the intersection's size, counting at most `limit` (0 = no limit). */
export function sInterCard(keys: KeyOrKeys, options?: { limit?: number }): Command<number> {
  checkOptions('sInterCard', options, SINTERCARD_OPTIONS);
  const args: RedisArg[] = ['SINTERCARD', 0];
  const n = pushKeys(args, keys, 'sInterCard keys');
  args[1] = n;
  if (options?.limit !== undefined) args.push('LIMIT', integer('sInterCard options.limit', options.limit, 0));
  return { args, decode: undefined, flags: READONLY, keys: keysAt(args, 2, n) };
}

/** `SMOVE`: true when the member was moved. */
export function sMove(source: RedisArg, destination: RedisArg, member: RedisArg): Command<boolean> {
  return { args: ['SMOVE', source, destination, member], decode: toBoolean, flags: NONE, keys: [source, destination] };
}

/** `SSCAN key cursor`: one page of members. */
export function sScan(
  key: RedisArg,
  cursor: RedisArg,
  options?: { match?: string; count?: number },
): Command<SetScanPage> {
  const args: RedisArg[] = ['SSCAN', key, cursor];
  pushScanOptions(args, options, 'sScan');
  return { args, decode: decodeSetScanPage, flags: READONLY, keys: [key] };
}

function decodeSetScanPage(reply: RespValue): SetScanPage {
  const page = scanReply(reply);
  return { cursor: page.cursor, members: toStringArray(page.items) };
}
