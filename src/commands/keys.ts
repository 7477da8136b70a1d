/** Generic key commands: existence, expiry, renaming, SCAN pages, DUMP/RESTORE. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  BUFFERS,
  NONE,
  READONLY,
  READ_BUFFERS,
  READ_CACHEABLE,
  KEY_SCAN_OPTIONS,
  checkOptions,
  checkShape,
  integer,
  invalid,
  isList,
  keyList,
  keysAt,
  oneOf,
  optionKeys,
  pushKeys,
  pushScanOptions,
  unixTime,
  type KeyOrKeys,
} from './arguments.js';
import { asString, toArray, toBoolean, toNumber, toStringArray } from './decoders.js';

/** `EXPIRE`-family condition: only set when the key has no expiry (NX), has one (XX), or the new one is greater (GT) / less (LT). */
export type ExpireMode = 'NX' | 'XX' | 'GT' | 'LT';
const EXPIRE_MODES: readonly ExpireMode[] = ['NX', 'XX', 'GT', 'LT'];

export interface ScanOptions {
  /** Glob-style pattern (`user:*`). */
  match?: string;
  /** Work hint per call (not an exact page size). */
  count?: number;
  /** Only keys of this type (`'string'`, `'hash'`, …). */
  type?: string;
}

/** One SCAN page. Iteration is complete when `cursor` is `'0'`. */
export interface ScanPage {
  cursor: string;
  keys: string[];
}

export interface CopyOptions {
  /** Destination database. */
  db?: number;
  /** Overwrite the destination if it exists. */
  replace?: boolean;
}

export interface RestoreOptions {
  replace?: boolean;
  /** `ttl` is a unix time in ms rather than a duration. */
  absTtl?: boolean;
  /** Seconds since last access (LRU policies). */
  idleTime?: number;
  /** Access frequency (LFU policies). */
  freq?: number;
}

const COPY_OPTIONS = optionKeys(['db'], ['replace']);
const RESTORE_OPTIONS = optionKeys(['idleTime', 'freq'], ['replace', 'absTtl']);

function multiKey(name: string, keys: KeyOrKeys, flags: number, label: string): Command<number> {
  const args: RedisArg[] = [name];
  const n = pushKeys(args, keys, label);
  return { args, decode: undefined, flags, keys: keysAt(args, 1, n) };
}

/** `DEL`: how many keys were removed. */
export function del(keys: KeyOrKeys): Command<number> {
  return multiKey('DEL', keys, NONE, 'del keys');
}

/** `UNLINK`: like DEL, reclaiming memory in the background. */
export function unlink(keys: KeyOrKeys): Command<number> {
  return multiKey('UNLINK', keys, NONE, 'unlink keys');
}

/** `EXISTS`: how many of the keys exist (a key named twice counts twice). */
export function exists(keys: KeyOrKeys): Command<number> {
  return multiKey('EXISTS', keys, READ_CACHEABLE, 'exists keys');
}

/** `TOUCH`: how many keys exist (updates their access time). */
export function touch(keys: KeyOrKeys): Command<number> {
  return multiKey('TOUCH', keys, READONLY, 'touch keys');
}

function expireCommand(name: string, key: RedisArg, time: number, mode: ExpireMode | undefined): Command<boolean> {
  const args: RedisArg[] = [name, key, integer(`${name.toLowerCase()} time`, time)];
  if (mode !== undefined) args.push(oneOf('expire mode', mode, EXPIRE_MODES));
  return { args, decode: toBoolean, flags: NONE, keys: [key] };
}

/** `EXPIRE`: true when the expiry was set. */
export function expire(key: RedisArg, seconds: number, mode?: ExpireMode): Command<boolean> {
  return expireCommand('EXPIRE', key, seconds, mode);
}

export function pExpire(key: RedisArg, milliseconds: number, mode?: ExpireMode): Command<boolean> {
  return expireCommand('PEXPIRE', key, milliseconds, mode);
}

/** `EXPIREAT` with unix seconds or a Date. */
export function expireAt(key: RedisArg, time: number | Date, mode?: ExpireMode): Command<boolean> {
  return expireCommand('EXPIREAT', key, unixTime(time, 1000), mode);
}

/** `PEXPIREAT` with unix milliseconds or a Date. */
export function pExpireAt(key: RedisArg, time: number | Date, mode?: ExpireMode): Command<boolean> {
  return expireCommand('PEXPIREAT', key, unixTime(time, 1), mode);
}

/** TTL-family replies can exceed 2^53 (an expiry set far ahead), which the decoder gives as bigint: always a number here. */
function keyNumber(name: string, key: RedisArg, flags: number): Command<number> {
  return { args: [name, key], decode: toNumber, flags, keys: [key] };
}

/** `EXPIRETIME`: unix seconds; -1 no expiry, -2 no key. */
export function expireTime(key: RedisArg): Command<number> {
  return keyNumber('EXPIRETIME', key, READONLY);
}

export function pExpireTime(key: RedisArg): Command<number> {
  return keyNumber('PEXPIRETIME', key, READONLY);
}

/** `TTL`: seconds left; -1 no expiry, -2 no key. */
export function ttl(key: RedisArg): Command<number> {
  return keyNumber('TTL', key, READONLY);
}

export function pTtl(key: RedisArg): Command<number> {
  return keyNumber('PTTL', key, READONLY);
}

/** `PERSIST`: true when an expiry was removed. */
export function persist(key: RedisArg): Command<boolean> {
  return { args: ['PERSIST', key], decode: toBoolean, flags: NONE, keys: [key] };
}

/** `TYPE`: `'string'`, `'list'`, `'set'`, `'zset'`, `'hash'`, `'stream'`, or `'none'`. */
export function type(key: RedisArg): Command<string> {
  return { args: ['TYPE', key], decode: undefined, flags: READ_CACHEABLE, keys: [key] };
}

export function rename(key: RedisArg, newKey: RedisArg): Command<'OK'> {
  return { args: ['RENAME', key, newKey], decode: undefined, flags: NONE, keys: [key, newKey] };
}

/** `RENAMENX`: true when renamed (the new name was free). */
export function renameNx(key: RedisArg, newKey: RedisArg): Command<boolean> {
  return { args: ['RENAMENX', key, newKey], decode: toBoolean, flags: NONE, keys: [key, newKey] };
}

/** `KEYS pattern`: blocks the server while it walks every key; prefer `scan` in production. */
export function keys(pattern: string): Command<string[]> {
  return { args: ['KEYS', pattern], decode: toStringArray, flags: READONLY };
}

export function randomKey(): Command<string | null> {
  return { args: ['RANDOMKEY'], decode: undefined, flags: READONLY };
}

/** `SCAN cursor`: one page. Start with cursor 0; stop when the returned cursor is `'0'`. */
export function scan(cursor: RedisArg, options?: ScanOptions): Command<ScanPage> {
  const args: RedisArg[] = ['SCAN', cursor];
  pushScanOptions(args, options, 'scan', KEY_SCAN_OPTIONS);
  return { args, decode: decodeScanPage, flags: READONLY };
}

function decodeScanPage(reply: RespValue): ScanPage {
  const pair = toArray(reply);
  return { cursor: asString(pair[0] ?? '0'), keys: toStringArray(pair[1] ?? null) };
}

/** `COPY`: true when copied. */
export function copy(source: RedisArg, destination: RedisArg, options?: CopyOptions): Command<boolean> {
  const args: RedisArg[] = ['COPY', source, destination];
  checkOptions('copy', options, COPY_OPTIONS);
  if (options?.db !== undefined) args.push('DB', integer('copy options.db', options.db, 0));
  if (options?.replace === true) args.push('REPLACE');
  return { args, decode: toBoolean, flags: NONE, keys: [source, destination] };
}

/** `DUMP`: the serialized value, always a Buffer (it is binary), or null when there is no key. */
export function dump(key: RedisArg): Command<Buffer | null> {
  return { args: ['DUMP', key], decode: undefined, flags: READ_BUFFERS, keys: [key] };
}

/** `RESTORE`: recreates a key from `dump` output; `ttl` in ms (0 = no expiry). */
export function restore(key: RedisArg, ttl: number, serialized: Buffer, options?: RestoreOptions): Command<'OK'> {
  if (!Buffer.isBuffer(serialized)) invalid('restore serialized', 'a Buffer from dump()', serialized);
  const args: RedisArg[] = ['RESTORE', key, integer('restore ttl', ttl, 0), serialized];
  checkOptions('restore', options, RESTORE_OPTIONS);
  if (options !== undefined) {
    if (options.replace === true) args.push('REPLACE');
    if (options.absTtl === true) args.push('ABSTTL');
    if (options.idleTime !== undefined) args.push('IDLETIME', integer('restore options.idleTime', options.idleTime, 0));
    if (options.freq !== undefined) args.push('FREQ', integer('restore options.freq', options.freq, 0));
  }
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

// ---- OBJECT, SORT, MOVE, SWAPDB, MIGRATE ----

function objectCommand<T>(sub: string, key: RedisArg): Command<T> {
  return { args: ['OBJECT', sub, key], decode: undefined, flags: READONLY, keys: [key] };
}

/** `OBJECT ENCODING`: how the value is stored (`'listpack'`, `'hashtable'`, `'int'`…), or null when there is no key. */
export function objectEncoding(key: RedisArg): Command<string | null> {
  return objectCommand('ENCODING', key);
}

/** `OBJECT FREQ`: the key's access frequency counter (only under an LFU maxmemory policy), or null. */
export function objectFreq(key: RedisArg): Command<number | null> {
  return objectCommand('FREQ', key);
}

/** `OBJECT IDLETIME`: seconds since the key was last read or written (not under an LFU policy), or null. */
export function objectIdleTime(key: RedisArg): Command<number | null> {
  return objectCommand('IDLETIME', key);
}

/** `OBJECT REFCOUNT`: how many references the server holds to the value, or null. */
export function objectRefCount(key: RedisArg): Command<number | null> {
  return objectCommand('REFCOUNT', key);
}

/** How `sort` orders and what it returns. */
export interface SortOptions {
  /** Sort by the values of other keys (`'weight_*'`, `'obj_*->field'`), or `'nosort'` to skip sorting. */
  by?: RedisArg;
  /** Skip `offset` elements, return at most `count`. */
  limit?: { offset: number; count: number };
  /** Return the values of other keys instead (`'#'` is the element itself); one result per pattern per element. */
  get?: RedisArg | readonly RedisArg[];
  /** `'ASC'` (default) or `'DESC'`. */
  order?: 'ASC' | 'DESC';
  /** Compare as strings rather than numbers. */
  alpha?: boolean;
}

/** SORT options with GET patterns: an element whose referenced key is missing gives null. */
export type SortGetOptions = SortOptions & { get: RedisArg | readonly RedisArg[] };

const SORT_OPTIONS = optionKeys(['by', 'limit', 'get', 'order'], ['alpha']);
const SORT_LIMIT_KEYS = optionKeys(['offset', 'count']);

function sortArgs(name: string, method: string, key: RedisArg, options: SortOptions | undefined): RedisArg[] {
  checkOptions(method, options, SORT_OPTIONS);
  const args: RedisArg[] = [name, key];
  if (options === undefined) return args;
  if (options.by !== undefined) args.push('BY', options.by);
  const limit = options.limit;
  if (limit !== undefined) {
    checkShape(method, limit, SORT_LIMIT_KEYS, 'options.limit');
    args.push('LIMIT', integer(`${method} options.limit.offset`, limit.offset, 0));
    args.push(integer(`${method} options.limit.count`, limit.count));
  }
  if (options.get !== undefined) {
    const patterns = isList(options.get) ? options.get : [options.get];
    if (patterns.length === 0) invalid(`${method} options.get`, 'a pattern or a non-empty list of them', options.get);
    for (const pattern of patterns) args.push('GET', pattern);
  }
  if (options.order !== undefined) args.push(oneOf(`${method} options.order`, options.order, ['ASC', 'DESC']));
  if (options.alpha === true) args.push('ALPHA');
  return args;
}

/** `SORT key`: the sorted elements of a list, set or sorted set (with `get`: the referenced values, null when missing). */
export function sort(key: RedisArg, options: SortGetOptions): Command<(string | null)[]>;
export function sort(key: RedisArg, options?: SortOptions): Command<string[]>;
export function sort(key: RedisArg, options?: SortOptions): Command<(string | null)[]> {
  return { args: sortArgs('SORT', 'sort', key, options), decode: undefined, flags: NONE, keys: [key] };
}

export function sortBuffer(key: RedisArg, options?: SortOptions): Command<(Buffer | null)[]> {
  return { args: sortArgs('SORT', 'sortBuffer', key, options), decode: undefined, flags: BUFFERS, keys: [key] };
}

/** `SORT_RO`: SORT without STORE; read-only, so it may run on replicas and is retried. */
export function sortRo(key: RedisArg, options: SortGetOptions): Command<(string | null)[]>;
export function sortRo(key: RedisArg, options?: SortOptions): Command<string[]>;
export function sortRo(key: RedisArg, options?: SortOptions): Command<(string | null)[]> {
  return { args: sortArgs('SORT_RO', 'sortRo', key, options), decode: undefined, flags: READONLY, keys: [key] };
}

export function sortRoBuffer(key: RedisArg, options?: SortOptions): Command<(Buffer | null)[]> {
  const args = sortArgs('SORT_RO', 'sortRoBuffer', key, options);
  return { args, decode: undefined, flags: READ_BUFFERS, keys: [key] };
}

/** `SORT key … STORE destination`: stores the result as a list; its length. */
export function sortStore(key: RedisArg, destination: RedisArg, options?: SortOptions): Command<number> {
  const args = sortArgs('SORT', 'sortStore', key, options);
  args.push('STORE', destination);
  return { args, decode: undefined, flags: NONE, keys: [key, destination] };
}

/** `MOVE key db`: true when moved (false when the key is missing here or exists there). */
export function move(key: RedisArg, db: number): Command<boolean> {
  return { args: ['MOVE', key, integer('move db', db, 0)], decode: toBoolean, flags: NONE, keys: [key] };
}

/** `SWAPDB index1 index2`: swaps two databases for every client at once. */
export function swapDb(index1: number, index2: number): Command<'OK'> {
  const args = ['SWAPDB', integer('swapDb index1', index1, 0), integer('swapDb index2', index2, 0)];
  return { args, decode: undefined, flags: NONE };
}

export interface MigrateOptions {
  /** Keep the keys here too. */
  copy?: boolean;
  /** Overwrite keys that exist on the destination. */
  replace?: boolean;
  /** The destination's password (`AUTH`), with a username for ACL users (`AUTH2`). */
  auth?: { username?: string; password: string };
}

const MIGRATE_OPTIONS = optionKeys(['auth'], ['copy', 'replace']);
const MIGRATE_AUTH_KEYS = optionKeys(['username', 'password']);

/**
 * `MIGRATE host port key|"" db timeout … [KEYS key…]`: moves keys to another server (atomically per call);
 * `'NOKEY'` when none of them exists. `timeout` is in ms.
 */
export function migrate(
  host: string,
  port: number,
  keys: KeyOrKeys,
  destinationDb: number,
  timeout: number,
  options?: MigrateOptions,
): Command<'OK' | 'NOKEY'> {
  checkOptions('migrate', options, MIGRATE_OPTIONS);
  const many = isList(keys);
  const list = keyList(keys, 'migrate keys');
  const args: RedisArg[] = [
    'MIGRATE',
    host,
    integer('migrate port', port, 1),
    many ? '' : list[0]!,
    integer('migrate destinationDb', destinationDb, 0),
    integer('migrate timeout', timeout, 0),
  ];
  if (options?.copy === true) args.push('COPY');
  if (options?.replace === true) args.push('REPLACE');
  const auth = options?.auth;
  if (auth !== undefined) {
    checkShape('migrate', auth, MIGRATE_AUTH_KEYS, 'options.auth');
    if (typeof auth.password !== 'string') invalid('migrate options.auth.password', 'a string', auth.password);
    if (auth.username === undefined) args.push('AUTH', auth.password);
    else args.push('AUTH2', auth.username, auth.password);
  }
  if (many) args.push('KEYS', ...list);
  return { args, decode: undefined, flags: NONE, keys: list };
}
