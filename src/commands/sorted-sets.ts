/**
 * Sorted-set commands. Scores come back as numbers in both protocols (RESP2 sends them as
 * strings, `"inf"` included); members with scores are `{ value, score }` objects.
 */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  BLOCKING,
  NONE,
  READONLY,
  READ_CACHEABLE,
  READ_CACHEABLE_BUFFERS,
  checkOptions,
  checkShape,
  integer,
  invalid,
  keysAt,
  oneOf,
  optionKeys,
  pushKeys,
  pushScanOptions,
  pushValues,
  score,
  timeoutSeconds,
  type KeyOrKeys,
} from './arguments.js';
import {
  asString,
  toArray,
  toNumber,
  toNumberOrNull,
  toNumberOrNullArray,
  toScoredMembers,
  toStringScoredMemberOrNull,
  toStringScoredMembers,
  type ScoredMember,
  scanReply,
} from './decoders.js';

export type { ScoredMember };

/** A member to add: its value and score (±Infinity allowed, NaN rejected). */
export interface ZMemberInput {
  value: RedisArg;
  score: number;
}

export interface ZAddOptions {
  /** Only add new members. */
  nx?: boolean;
  /** Only update existing members. */
  xx?: boolean;
  /** Only update when the new score is greater. */
  gt?: boolean;
  /** Only update when the new score is less. */
  lt?: boolean;
  /** Count changed members, not only added ones. */
  ch?: boolean;
}

/**
 * How `zRange` reads `start`/`stop`: ranks by default, scores with `by: 'SCORE'` (numbers,
 * ±Infinity, or strings like `'(1.5'`), lexical bounds with `by: 'LEX'` (`'[a'`, `'(b'`, `'-'`, `'+'`).
 */
export interface ZRangeOptions {
  by?: 'SCORE' | 'LEX';
  /** Highest first; then `start` is the high bound. */
  rev?: boolean;
  /** Only with `by`: skip `offset` matches, return at most `count` (negative = all). */
  limit?: { offset: number; count: number };
}

/** A member popped by BZPOPMIN/BZPOPMAX, with the key it came from. */
export interface KeyScoredMember extends ScoredMember {
  key: string;
}

/** Members popped by ZMPOP/BZMPOP, with the key they came from. */
export interface KeyScoredMembers {
  key: string;
  members: ScoredMember[];
}

export interface ZScanPage {
  cursor: string;
  members: ScoredMember[];
}

export type ZBound = number | string;

const ZADD_OPTIONS = optionKeys([], ['nx', 'xx', 'gt', 'lt', 'ch']);
const MEMBER_KEYS = optionKeys(['value', 'score']);
const ZRANGE_OPTIONS = optionKeys(['by', 'limit'], ['rev']);
const LIMIT_KEYS = optionKeys(['offset', 'count']);
const MPOP_OPTIONS = optionKeys(['count']);
const ZSTORE_OPTIONS = optionKeys(['weights', 'aggregate']);

function pushZAddOptions(args: RedisArg[], options: ZAddOptions, method: string): void {
  checkOptions(method, options, ZADD_OPTIONS);
  if (options.nx === true && (options.xx === true || options.gt === true || options.lt === true)) {
    invalid('zAdd options', 'nx alone (not with xx, gt or lt)', options);
  }
  if (options.gt === true && options.lt === true) invalid('zAdd options', 'not both gt and lt', options);
  if (options.nx === true) args.push('NX');
  else if (options.xx === true) args.push('XX');
  if (options.gt === true) args.push('GT');
  else if (options.lt === true) args.push('LT');
  if (options.ch === true) args.push('CH');
}

function pushMember(args: RedisArg[], member: ZMemberInput, method: string): void {
  if (member === null || typeof member !== 'object') invalid('zAdd member', 'a { value, score } object', member);
  checkShape(method, member, MEMBER_KEYS, 'member');
  args.push(score('zAdd member score', member.score), member.value);
}

/** `ZADD`: how many members were added (or changed, with `ch`). */
export function zAdd(
  key: RedisArg,
  members: ZMemberInput | readonly ZMemberInput[],
  options?: ZAddOptions,
): Command<number> {
  const args: RedisArg[] = ['ZADD', key];
  if (options !== undefined) pushZAddOptions(args, options, 'zAdd');
  if (Array.isArray(members)) {
    if (members.length === 0) invalid('zAdd members', 'a non-empty list', members);
    for (let i = 0; i < members.length; i++) pushMember(args, members[i] as ZMemberInput, 'zAdd');
  } else {
    pushMember(args, members as ZMemberInput, 'zAdd');
  }
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

/** `ZADD … INCR`: adds `member.score` to the member's score; the new score, or null when nx/xx/gt/lt stopped it. */
export function zAddIncr(key: RedisArg, member: ZMemberInput, options?: ZAddOptions): Command<number | null> {
  const args: RedisArg[] = ['ZADD', key];
  if (options !== undefined) pushZAddOptions(args, options, 'zAddIncr');
  args.push('INCR');
  pushMember(args, member, 'zAddIncr');
  return { args, decode: toNumberOrNull, flags: NONE, keys: [key] };
}

export function zRem(key: RedisArg, members: KeyOrKeys): Command<number> {
  const args: RedisArg[] = ['ZREM', key];
  pushValues(args, members, 'zRem members');
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

export function zScore(key: RedisArg, member: RedisArg): Command<number | null> {
  return { args: ['ZSCORE', key, member], decode: toNumberOrNull, flags: READ_CACHEABLE, keys: [key] };
}

export function zmScore(key: RedisArg, members: readonly RedisArg[]): Command<(number | null)[]> {
  const args: RedisArg[] = ['ZMSCORE', key];
  pushValues(args, members, 'zmScore members');
  return { args, decode: toNumberOrNullArray, flags: READ_CACHEABLE, keys: [key] };
}

/** `ZINCRBY`: the new score. */
export function zIncrBy(key: RedisArg, increment: number, member: RedisArg): Command<number> {
  return {
    args: ['ZINCRBY', key, score('zIncrBy increment', increment), member],
    decode: toNumber,
    flags: NONE,
    keys: [key],
  };
}

export function zCard(key: RedisArg): Command<number> {
  return { args: ['ZCARD', key], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

/** `ZCOUNT key min max`: members with scores in range (numbers, ±Infinity or `'(1'`-style strings). */
export function zCount(key: RedisArg, min: ZBound, max: ZBound): Command<number> {
  const args = ['ZCOUNT', key, score('zCount min', min), score('zCount max', max)];
  return { args, decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

/** `ZLEXCOUNT key min max` with lexical bounds (`'[a'`, `'(b'`, `'-'`, `'+'`). */
export function zLexCount(key: RedisArg, min: string, max: string): Command<number> {
  return { args: ['ZLEXCOUNT', key, min, max], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

function zRangeArgs(
  method: string,
  key: RedisArg,
  start: ZBound,
  stop: ZBound,
  options: ZRangeOptions | undefined,
): RedisArg[] {
  checkOptions(method, options, ZRANGE_OPTIONS);
  const by = options?.by;
  if (by === undefined) {
    const ranks = "an integer rank without options.by ('SCORE' or 'LEX' for bounds)";
    if (typeof start !== 'number') invalid('zRange start', ranks, start);
    if (typeof stop !== 'number') invalid('zRange stop', ranks, stop);
    const args: RedisArg[] = ['ZRANGE', key, integer('zRange start', start), integer('zRange stop', stop)];
    if (options?.rev === true) args.push('REV');
    if (options?.limit !== undefined) invalid('zRange options.limit', "used with by: 'SCORE' or 'LEX'", options.limit);
    return args;
  }
  oneOf('zRange options.by', by, ['SCORE', 'LEX']);
  const args: RedisArg[] =
    by === 'SCORE'
      ? ['ZRANGE', key, score('zRange start', start), score('zRange stop', stop), 'BYSCORE']
      : ['ZRANGE', key, start, stop, 'BYLEX'];
  if (options?.rev === true) args.push('REV');
  const limit = options?.limit;
  if (limit !== undefined) {
    checkShape(method, limit, LIMIT_KEYS, 'options.limit');
    args.push(
      'LIMIT',
      integer('zRange options.limit.offset', limit.offset, 0),
      integer('zRange options.limit.count', limit.count),
    );
  }
  return args;
}

/** `ZRANGE`: members in order (by rank, score or lex; see ZRangeOptions). */
export function zRange(key: RedisArg, start: ZBound, stop: ZBound, options?: ZRangeOptions): Command<string[]> {
  return {
    args: zRangeArgs('zRange', key, start, stop, options),
    decode: undefined,
    flags: READ_CACHEABLE,
    keys: [key],
  };
}

export function zRangeBuffer(key: RedisArg, start: ZBound, stop: ZBound, options?: ZRangeOptions): Command<Buffer[]> {
  return {
    args: zRangeArgs('zRangeBuffer', key, start, stop, options),
    decode: undefined,
    flags: READ_CACHEABLE_BUFFERS,
    keys: [key],
  };
}

/** `ZRANGE … WITHSCORES`: `{ value, score }` per member. */
export function zRangeWithScores(
  key: RedisArg,
  start: ZBound,
  stop: ZBound,
  options?: ZRangeOptions,
): Command<ScoredMember[]> {
  const args = zRangeArgs('zRangeWithScores', key, start, stop, options);
  args.push('WITHSCORES');
  return { args, decode: toStringScoredMembers, flags: READ_CACHEABLE, keys: [key] };
}

/** `ZRANK`: 0-based rank from the lowest score, or null. */
export function zRank(key: RedisArg, member: RedisArg): Command<number | null> {
  return { args: ['ZRANK', key, member], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

export function zRevRank(key: RedisArg, member: RedisArg): Command<number | null> {
  return { args: ['ZREVRANK', key, member], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

/** `ZPOPMIN key`: the lowest member, removed; null when empty. */
export function zPopMin(key: RedisArg): Command<ScoredMember | null> {
  return { args: ['ZPOPMIN', key], decode: toStringScoredMemberOrNull, flags: NONE, keys: [key] };
}

export function zPopMinCount(key: RedisArg, count: number): Command<ScoredMember[]> {
  const args = ['ZPOPMIN', key, integer('zPopMinCount count', count, 0)];
  return { args, decode: toStringScoredMembers, flags: NONE, keys: [key] };
}

export function zPopMax(key: RedisArg): Command<ScoredMember | null> {
  return { args: ['ZPOPMAX', key], decode: toStringScoredMemberOrNull, flags: NONE, keys: [key] };
}

export function zPopMaxCount(key: RedisArg, count: number): Command<ScoredMember[]> {
  const args = ['ZPOPMAX', key, integer('zPopMaxCount count', count, 0)];
  return { args, decode: toStringScoredMembers, flags: NONE, keys: [key] };
}

function decodeKeyScoredMember(reply: RespValue): KeyScoredMember | null {
  if (reply === null) return null;
  const triple = toArray(reply);
  return { key: asString(triple[0] ?? ''), value: asString(triple[1] ?? ''), score: toNumber(triple[2] ?? null) };
}

function bzPop(name: string, keys: KeyOrKeys, timeout: number): Command<KeyScoredMember | null> {
  const label = name === 'BZPOPMIN' ? 'bzPopMin' : 'bzPopMax';
  const args: RedisArg[] = [name];
  const n = pushKeys(args, keys, `${label} keys`);
  const blockMs = timeoutSeconds(`${label} timeout`, timeout);
  args.push(timeout);
  return { args, decode: decodeKeyScoredMember, flags: BLOCKING, blockMs, keys: keysAt(args, 1, n) };
}

/** `BZPOPMIN keys timeout`: the lowest member of the first non-empty set, waiting up to `timeout` seconds; null on timeout. */
export function bzPopMin(keys: KeyOrKeys, timeout: number): Command<KeyScoredMember | null> {
  return bzPop('BZPOPMIN', keys, timeout);
}

export function bzPopMax(keys: KeyOrKeys, timeout: number): Command<KeyScoredMember | null> {
  return bzPop('BZPOPMAX', keys, timeout);
}

function decodeKeyScoredMembers(reply: RespValue): KeyScoredMembers | null {
  if (reply === null) return null;
  const pair = toArray(reply);
  return { key: asString(pair[0] ?? ''), members: toScoredMembers(pair[1] ?? null) as ScoredMember[] };
}

function pushMPop(
  args: RedisArg[],
  label: string,
  keys: KeyOrKeys,
  side: 'MIN' | 'MAX',
  count: number | undefined,
): number {
  const numKeysAt = args.length;
  args.push(0);
  const n = pushKeys(args, keys, `${label} keys`);
  args[numKeysAt] = n;
  args.push(oneOf(`${label} side`, side, ['MIN', 'MAX']));
  if (count !== undefined) args.push('COUNT', integer(`${label} options.count`, count, 1));
  return n;
}

/** `ZMPOP`: pops up to `count` (default 1) lowest/highest members from the first non-empty set; null when all are empty. */
export function zMPop(
  keys: KeyOrKeys,
  side: 'MIN' | 'MAX',
  options?: { count?: number },
): Command<KeyScoredMembers | null> {
  checkOptions('zMPop', options, MPOP_OPTIONS);
  const args: RedisArg[] = ['ZMPOP'];
  const n = pushMPop(args, 'zMPop', keys, side, options?.count);
  return { args, decode: decodeKeyScoredMembers, flags: NONE, keys: keysAt(args, 2, n) };
}

/** `BZMPOP`: ZMPOP waiting up to `timeout` seconds; null on timeout. */
export function bzMPop(
  keys: KeyOrKeys,
  side: 'MIN' | 'MAX',
  timeout: number,
  options?: { count?: number },
): Command<KeyScoredMembers | null> {
  checkOptions('bzMPop', options, MPOP_OPTIONS);
  const blockMs = timeoutSeconds('bzMPop timeout', timeout);
  const args: RedisArg[] = ['BZMPOP', timeout];
  const n = pushMPop(args, 'bzMPop', keys, side, options?.count);
  return { args, decode: decodeKeyScoredMembers, flags: BLOCKING, blockMs, keys: keysAt(args, 3, n) };
}

/** `ZREMRANGEBYRANK`: how many were removed. */
export function zRemRangeByRank(key: RedisArg, start: number, stop: number): Command<number> {
  const args = ['ZREMRANGEBYRANK', key, integer('zRemRangeByRank start', start), integer('zRemRangeByRank stop', stop)];
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

export function zRemRangeByScore(key: RedisArg, min: ZBound, max: ZBound): Command<number> {
  const args = ['ZREMRANGEBYSCORE', key, score('zRemRangeByScore min', min), score('zRemRangeByScore max', max)];
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

export function zRemRangeByLex(key: RedisArg, min: string, max: string): Command<number> {
  return { args: ['ZREMRANGEBYLEX', key, min, max], decode: undefined, flags: NONE, keys: [key] };
}

export interface ZStoreOptions {
  /** One multiplier per source key. */
  weights?: readonly number[];
  aggregate?: 'SUM' | 'MIN' | 'MAX';
}

/** Appends `numkeys key…` and the WEIGHTS/AGGREGATE options; returns how many keys. */
function pushCombine(args: RedisArg[], label: string, keys: KeyOrKeys, options: ZStoreOptions | undefined): number {
  checkOptions(label, options, ZSTORE_OPTIONS);
  const numKeysAt = args.length;
  args.push(0);
  const n = pushKeys(args, keys, `${label} keys`);
  args[numKeysAt] = n;
  if (options?.weights !== undefined) {
    if (!Array.isArray(options.weights)) invalid(`${label} options.weights`, 'an array of numbers', options.weights);
    if (options.weights.length !== n) invalid(`${label} options.weights`, `one weight per key (${n})`, options.weights);
    args.push('WEIGHTS');
    for (const w of options.weights) args.push(score(`${label} options.weights`, w));
  }
  if (options?.aggregate !== undefined) {
    args.push('AGGREGATE', oneOf(`${label} options.aggregate`, options.aggregate, ['SUM', 'MIN', 'MAX']));
  }
  return n;
}

function zStore(
  name: string,
  label: string,
  destination: RedisArg,
  keys: KeyOrKeys,
  options?: ZStoreOptions,
): Command<number> {
  const args: RedisArg[] = [name, destination];
  const n = pushCombine(args, label, keys, options);
  const routed = keysAt(args, 3, n);
  routed.unshift(destination);
  return { args, decode: undefined, flags: NONE, keys: routed };
}

/** `ZUNIONSTORE`: the size of the stored union. */
export function zUnionStore(destination: RedisArg, keys: KeyOrKeys, options?: ZStoreOptions): Command<number> {
  return zStore('ZUNIONSTORE', 'zUnionStore', destination, keys, options);
}

export function zInterStore(destination: RedisArg, keys: KeyOrKeys, options?: ZStoreOptions): Command<number> {
  return zStore('ZINTERSTORE', 'zInterStore', destination, keys, options);
}

export function zDiffStore(destination: RedisArg, keys: KeyOrKeys): Command<number> {
  return zStore('ZDIFFSTORE', 'zDiffStore', destination, keys);
}

/** `ZRANDMEMBER key`: a random member, or null. */
export function zRandMember(key: RedisArg): Command<string | null> {
  return { args: ['ZRANDMEMBER', key], decode: undefined, flags: READONLY, keys: [key] };
}

/** `ZSCAN key cursor`: one page of members with scores. */
export function zScan(
  key: RedisArg,
  cursor: RedisArg,
  options?: { match?: string; count?: number },
): Command<ZScanPage> {
  const args: RedisArg[] = ['ZSCAN', key, cursor];
  pushScanOptions(args, options, 'zScan');
  return { args, decode: decodeZScanPage, flags: READONLY, keys: [key] };
}

function decodeZScanPage(reply: RespValue): ZScanPage {
  const page = scanReply(reply);
  return { cursor: page.cursor, members: toScoredMembers(page.items) as ScoredMember[] };
}

/** ZUNION/ZINTER/ZDIFF: `name numkeys key… [options] [WITHSCORES]`. */
function zCombine(
  name: string,
  label: string,
  keys: KeyOrKeys,
  options: ZStoreOptions | undefined,
  withScores: boolean,
) {
  const args: RedisArg[] = [name];
  const n = pushCombine(args, label, keys, options);
  if (withScores) args.push('WITHSCORES');
  return { args, keys: keysAt(args, 2, n) };
}

/** `ZUNION`: the members of any of the sets, by ascending (combined) score. */
export function zUnion(keys: KeyOrKeys, options?: ZStoreOptions): Command<string[]> {
  return { ...zCombine('ZUNION', 'zUnion', keys, options, false), decode: undefined, flags: READONLY };
}

/** `ZUNION … WITHSCORES`: `{ value, score }` per member, the scores combined by `aggregate` (default SUM). */
export function zUnionWithScores(keys: KeyOrKeys, options?: ZStoreOptions): Command<ScoredMember[]> {
  const built = zCombine('ZUNION', 'zUnionWithScores', keys, options, true);
  return { ...built, decode: toStringScoredMembers, flags: READONLY };
}

/** `ZINTER`: the members of every set. */
export function zInter(keys: KeyOrKeys, options?: ZStoreOptions): Command<string[]> {
  return { ...zCombine('ZINTER', 'zInter', keys, options, false), decode: undefined, flags: READONLY };
}

export function zInterWithScores(keys: KeyOrKeys, options?: ZStoreOptions): Command<ScoredMember[]> {
  const built = zCombine('ZINTER', 'zInterWithScores', keys, options, true);
  return { ...built, decode: toStringScoredMembers, flags: READONLY };
}

/** `ZDIFF`: the members of the first set that are in none of the others. */
export function zDiff(keys: KeyOrKeys): Command<string[]> {
  return { ...zCombine('ZDIFF', 'zDiff', keys, undefined, false), decode: undefined, flags: READONLY };
}

/** `ZDIFF … WITHSCORES`: with the first set's scores. */
export function zDiffWithScores(keys: KeyOrKeys): Command<ScoredMember[]> {
  const built = zCombine('ZDIFF', 'zDiffWithScores', keys, undefined, true);
  return { ...built, decode: toStringScoredMembers, flags: READONLY };
}

const INTERCARD_OPTIONS = optionKeys(['limit']);

/** `ZINTERCARD numkeys key… [LIMIT n]`: the size of the intersection, counting stops at `limit` (0 = no limit). */
export function zInterCard(keys: KeyOrKeys, options?: { limit?: number }): Command<number> {
  checkOptions('zInterCard', options, INTERCARD_OPTIONS);
  const args: RedisArg[] = ['ZINTERCARD', 0];
  const n = pushKeys(args, keys, 'zInterCard keys');
  args[1] = n;
  if (options?.limit !== undefined) args.push('LIMIT', integer('zInterCard options.limit', options.limit, 0));
  return { args, decode: undefined, flags: READONLY, keys: keysAt(args, 2, n) };
}

/** `ZRANGESTORE destination source start stop [options]`: stores what `zRange` would return; how many. */
export function zRangeStore(
  destination: RedisArg,
  source: RedisArg,
  start: ZBound,
  stop: ZBound,
  options?: ZRangeOptions,
): Command<number> {
  const args = zRangeArgs('zRangeStore', source, start, stop, options);
  args.splice(0, 2, 'ZRANGESTORE', destination, source);
  return { args, decode: undefined, flags: NONE, keys: [destination, source] };
}
