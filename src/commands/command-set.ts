/**
 * The typed methods, one line each, shared by everything that runs commands: the client
 * (`CommandSet<'promise'>`: each method returns a Promise of its result) and pipelines and
 * transactions (`CommandSet<'chain'>`: each method queues and returns the pipeline). Each method
 * builds a `Command` (pure data, see the family files) and hands it to `execute`, which checks its
 * arguments and passes it to the runner's `submit`. Every method is wrapped once at load (method-guard.ts)
 * so that extra positional arguments are refused and argument errors name the method.
 * Iterators and subscriptions are not here: they make no sense inside a pipeline.
 */
import type { RedisArg } from '../resp/types.js';
import type { Command } from './command.js';
import { commandArgError, firstInvalidArg, type FieldValues, type KeyOrKeys } from './arguments.js';
import { guardMethods } from './method-guard.js';
import type { BitFieldOperation, BitRange } from './bitmaps.js';
import type { GeoBy, GeoFrom, GeoMember, GeoSearchOptions, GeoSearchWithOptions, GeoUnit } from './geo.js';
import type { FunctionListOptions, FunctionRestorePolicy } from './functions.js';
import type { HSetExOptions } from './hashes.js';
import type {
  CopyOptions,
  ExpireMode,
  MigrateOptions,
  RestoreOptions,
  ScanOptions,
  SortGetOptions,
  SortOptions,
} from './keys.js';
import type { ListSide, LPosOptions } from './lists.js';
import type { ClientKillFilters, ClientType } from './server.js';
import type { ZAddOptions, ZBound, ZMemberInput, ZRangeOptions, ZStoreOptions } from './sorted-sets.js';
import type {
  StreamRead,
  StreamTrim,
  XAddOptions,
  XClaimOptions,
  XPendingRangeOptions,
  XReadGroupOptions,
  XReadOptions,
  XSetIdOptions,
} from './streams.js';
import type { GetExOptions, SetOptions } from './strings.js';
import type { FailoverOptions } from './admin.js';
import type { Slot, SlotRange } from './cluster.js';
import type { CommandListFilter } from './introspection.js';
import * as acl from './acl.js';
import * as admin from './admin.js';
import * as bitmaps from './bitmaps.js';
import * as cluster from './cluster.js';
import * as diagnostics from './diagnostics.js';
import * as functions from './functions.js';
import * as introspection from './introspection.js';
import * as geo from './geo.js';
import * as hashes from './hashes.js';
import * as hyperloglog from './hyperloglog.js';
import * as keyspace from './keys.js';
import * as lists from './lists.js';
import * as pubsub from './pubsub.js';
import * as scripting from './scripting.js';
import * as server from './server.js';
import * as sets from './sets.js';
import * as sortedSets from './sorted-sets.js';
import * as streamCommands from './streams.js';
import * as strings from './strings.js';

/** What a method returns, per kind of command runner. */
export interface ResultShapes<T, Self> {
  promise: Promise<T>;
  /** The same chain with `T` added to the replies it has queued, so that `exec()` can return a typed tuple. */
  chain: Queued<Self, T>;
}
export type ResultShape = keyof ResultShapes<unknown, unknown>;

/** What a runner's `submit` returns: a chain gives itself back, whatever the method's type says it became. */
interface SubmitShapes<T, Self> {
  promise: Promise<T>;
  chain: Self;
}

/**
 * A chain (pipeline, transaction) that knows, at the type level only, the replies it has queued. TypeScript
 * cannot re-apply a class's type parameter through `this`, so each chain class says how: `'~with'` is the class
 * over `this['~next']`, and `Queued` reads `'~with'` with `'~next'` set to the longer tuple. No runtime value.
 */
export interface TypedChain {
  /** The replies queued so far, one tuple element per command. */
  readonly '~queued': unknown;
  /** Set by `Queued` only; the replies of the chain `'~with'` describes. */
  readonly '~next': unknown;
  /** This chain's class applied to `this['~next']`. */
  readonly '~with': unknown;
}

/** `Self` after queueing a command whose reply is `T` (`Self` itself for a chain that keeps no tuple). */
export type Queued<Self, T> = Self extends TypedChain
  ? (Self & { readonly '~next': [...QueuedReplies<Self['~queued']>, T] })['~with']
  : Self;

type QueuedReplies<Q> = Q extends readonly unknown[] ? Q : [];

/**
 * What `exec()` resolves with: one entry per queued command, its reply or `E` (the error that took its place).
 * A chain whose commands were added where the type could not follow them (in a loop) gives `unknown[]`.
 */
export type ExecReplies<Q, E> = Q extends readonly []
  ? unknown[]
  : Q extends readonly unknown[]
    ? { -readonly [K in keyof Q]: Q[K] | E }
    : unknown[];

// One line per method on purpose: this file is a table. Methods that return Buffers spell their type out:
// inferred, it is printed `Buffer<ArrayBufferLike>` in the declarations, which TypeScript < 5.7 cannot read.
// prettier-ignore
export abstract class CommandSet<S extends ResultShape> {
  /** Runs, queues or records a built command whose arguments were checked. */
  /** A chain returns itself: the queued tuple exists in the types only (see `Queued`). */
  protected abstract submit<T>(command: Command<T>): SubmitShapes<T, this>[S];

  /**
   * Every method's way out: refuses, synchronously and before anything is queued, a command the encoder
   * could not write (undefined, null, objects, NaN…), then hands it to `submit`.
   */
  protected execute<T>(command: Command<T>): ResultShapes<T, this>[S] {
    const bad = firstInvalidArg(command.args);
    if (bad !== -1) throw commandArgError(command.args, bad);
    return this.submit(command) as ResultShapes<T, this>[S];
  }

  // strings
  get(key: RedisArg) { return this.execute(strings.get(key)); }
  getBuffer(key: RedisArg): ResultShapes<Buffer | null, this>[S] { return this.execute(strings.getBuffer(key)); }
  /** `SET`: `'OK'`, or null when `nx`/`xx` was not met; with `get: true`, the old value. */
  set(key: RedisArg, value: RedisArg, options: SetOptions & { get: true }): ResultShapes<string | null, this>[S];
  set(key: RedisArg, value: RedisArg, options?: SetOptions): ResultShapes<'OK' | null, this>[S];
  set(key: RedisArg, value: RedisArg, options?: SetOptions) { return this.execute<string | null>(strings.set(key, value, options)); }
  /** `SETNX`: true when the key was set. */
  setNx(key: RedisArg, value: RedisArg) { return this.execute(strings.setNx(key, value)); }
  mGet(keys: readonly RedisArg[]) { return this.execute(strings.mGet(keys)); }
  mGetBuffer(keys: readonly RedisArg[]): ResultShapes<(Buffer | null)[], this>[S] { return this.execute(strings.mGetBuffer(keys)); }
  /** `MSET` from a record, a Map or `[key, value]` pairs. */
  mSet(entries: FieldValues) { return this.execute(strings.mSet(entries)); }
  /** `MSETNX`: true when all keys were set (none existed). */
  mSetNx(entries: FieldValues) { return this.execute(strings.mSetNx(entries)); }
  incr(key: RedisArg) { return this.execute(strings.incr(key)); }
  incrBy(key: RedisArg, increment: number | bigint) { return this.execute(strings.incrBy(key, increment)); }
  incrByFloat(key: RedisArg, increment: number) { return this.execute(strings.incrByFloat(key, increment)); }
  decr(key: RedisArg) { return this.execute(strings.decr(key)); }
  decrBy(key: RedisArg, decrement: number | bigint) { return this.execute(strings.decrBy(key, decrement)); }
  /** `APPEND`: the new length. */
  append(key: RedisArg, value: RedisArg) { return this.execute(strings.append(key, value)); }
  getDel(key: RedisArg) { return this.execute(strings.getDel(key)); }
  getDelBuffer(key: RedisArg): ResultShapes<Buffer | null, this>[S] { return this.execute(strings.getDelBuffer(key)); }
  /** `GETEX`: the value, and sets or removes its expiry. */
  getEx(key: RedisArg, options?: GetExOptions) { return this.execute(strings.getEx(key, options)); }
  getExBuffer(key: RedisArg, options?: GetExOptions): ResultShapes<Buffer | null, this>[S] { return this.execute(strings.getExBuffer(key, options)); }
  /** `GETRANGE`: bytes `start..end` inclusive (negative counts from the end). */
  getRange(key: RedisArg, start: number, end: number) { return this.execute(strings.getRange(key, start, end)); }
  getRangeBuffer(key: RedisArg, start: number, end: number): ResultShapes<Buffer, this>[S] { return this.execute(strings.getRangeBuffer(key, start, end)); }
  /** `SETRANGE`: the new length. */
  setRange(key: RedisArg, offset: number, value: RedisArg) { return this.execute(strings.setRange(key, offset, value)); }
  strLen(key: RedisArg) { return this.execute(strings.strLen(key)); }
  /** `SETEX key seconds value`: `set` with `{ ex }`. */
  setEx(key: RedisArg, seconds: number, value: RedisArg) { return this.execute(strings.setEx(key, seconds, value)); }
  /** `PSETEX key milliseconds value`: `set` with `{ px }`. */
  pSetEx(key: RedisArg, milliseconds: number, value: RedisArg) { return this.execute(strings.pSetEx(key, milliseconds, value)); }
  /** `LCS key1 key2`: the longest common subsequence of two strings. */
  lcs(key1: RedisArg, key2: RedisArg) { return this.execute(strings.lcs(key1, key2)); }
  /** `LCS … LEN`: its length. */
  lcsLen(key1: RedisArg, key2: RedisArg) { return this.execute(strings.lcsLen(key1, key2)); }
  /** `LCS … IDX WITHMATCHLEN`: where the common parts are in each string. */
  lcsIdx(key1: RedisArg, key2: RedisArg, options?: { minMatchLen?: number }) { return this.execute(strings.lcsIdx(key1, key2, options)); }
  // keys
  /** `DEL`: how many keys were removed. */
  del(keys: KeyOrKeys) { return this.execute(keyspace.del(keys)); }
  /** `UNLINK`: like DEL, reclaiming memory in the background. */
  unlink(keys: KeyOrKeys) { return this.execute(keyspace.unlink(keys)); }
  /** `EXISTS`: how many of the keys exist (a key named twice counts twice). */
  exists(keys: KeyOrKeys) { return this.execute(keyspace.exists(keys)); }
  /** `TOUCH`: how many keys exist (updates their access time). */
  touch(keys: KeyOrKeys) { return this.execute(keyspace.touch(keys)); }
  /** `EXPIRE`: true when the expiry was set. */
  expire(key: RedisArg, seconds: number, mode?: ExpireMode) { return this.execute(keyspace.expire(key, seconds, mode)); }
  pExpire(key: RedisArg, milliseconds: number, mode?: ExpireMode) { return this.execute(keyspace.pExpire(key, milliseconds, mode)); }
  /** `EXPIREAT` with unix seconds or a Date. */
  expireAt(key: RedisArg, time: number | Date, mode?: ExpireMode) { return this.execute(keyspace.expireAt(key, time, mode)); }
  /** `PEXPIREAT` with unix milliseconds or a Date. */
  pExpireAt(key: RedisArg, time: number | Date, mode?: ExpireMode) { return this.execute(keyspace.pExpireAt(key, time, mode)); }
  /** `EXPIRETIME`: unix seconds; -1 no expiry, -2 no key. */
  expireTime(key: RedisArg) { return this.execute(keyspace.expireTime(key)); }
  pExpireTime(key: RedisArg) { return this.execute(keyspace.pExpireTime(key)); }
  /** `TTL`: seconds left; -1 no expiry, -2 no key. */
  ttl(key: RedisArg) { return this.execute(keyspace.ttl(key)); }
  pTtl(key: RedisArg) { return this.execute(keyspace.pTtl(key)); }
  /** `PERSIST`: true when an expiry was removed. */
  persist(key: RedisArg) { return this.execute(keyspace.persist(key)); }
  /** `TYPE`: `'string'`, `'list'`, `'set'`, `'zset'`, `'hash'`, `'stream'`, or `'none'`. */
  type(key: RedisArg) { return this.execute(keyspace.type(key)); }
  rename(key: RedisArg, newKey: RedisArg) { return this.execute(keyspace.rename(key, newKey)); }
  /** `RENAMENX`: true when renamed (the new name was free). */
  renameNx(key: RedisArg, newKey: RedisArg) { return this.execute(keyspace.renameNx(key, newKey)); }
  /** `KEYS pattern`: blocks the server while it walks every key; prefer `scan` in production. */
  keys(pattern: string) { return this.execute(keyspace.keys(pattern)); }
  randomKey() { return this.execute(keyspace.randomKey()); }
  /** `SCAN cursor`: one page. Start with cursor 0; stop when the returned cursor is `'0'`. */
  scan(cursor: RedisArg, options?: ScanOptions) { return this.execute(keyspace.scan(cursor, options)); }
  /** `COPY`: true when copied. */
  copy(source: RedisArg, destination: RedisArg, options?: CopyOptions) { return this.execute(keyspace.copy(source, destination, options)); }
  /** `DUMP`: the serialized value, always a Buffer (it is binary), or null when there is no key. */
  dump(key: RedisArg): ResultShapes<Buffer | null, this>[S] { return this.execute(keyspace.dump(key)); }
  /** `RESTORE`: recreates a key from `dump` output; `ttl` in ms (0 = no expiry). */
  restore(key: RedisArg, ttl: number, serialized: Buffer, options?: RestoreOptions) { return this.execute(keyspace.restore(key, ttl, serialized, options)); }
  /** `OBJECT ENCODING`: how the value is stored (`'listpack'`, `'int'`…), or null when there is no key. */
  objectEncoding(key: RedisArg) { return this.execute(keyspace.objectEncoding(key)); }
  /** `OBJECT FREQ`: the access frequency counter (LFU maxmemory policies only), or null. */
  objectFreq(key: RedisArg) { return this.execute(keyspace.objectFreq(key)); }
  /** `OBJECT IDLETIME`: seconds since the last access (not under LFU policies), or null. */
  objectIdleTime(key: RedisArg) { return this.execute(keyspace.objectIdleTime(key)); }
  /** `OBJECT REFCOUNT`: references to the value, or null. */
  objectRefCount(key: RedisArg) { return this.execute(keyspace.objectRefCount(key)); }
  /** `SORT`: a list, set or sorted set's elements sorted; with `get`, the referenced values (null when missing). */
  sort(key: RedisArg, options: SortGetOptions): ResultShapes<(string | null)[], this>[S];
  sort(key: RedisArg, options?: SortOptions): ResultShapes<string[], this>[S];
  sort(key: RedisArg, options?: SortOptions) { return this.execute<(string | null)[]>(keyspace.sort(key, options)); }
  sortBuffer(key: RedisArg, options?: SortOptions): ResultShapes<(Buffer | null)[], this>[S] { return this.execute(keyspace.sortBuffer(key, options)); }
  /** `SORT_RO`: read-only SORT (may run on replicas). */
  sortRo(key: RedisArg, options: SortGetOptions): ResultShapes<(string | null)[], this>[S];
  sortRo(key: RedisArg, options?: SortOptions): ResultShapes<string[], this>[S];
  sortRo(key: RedisArg, options?: SortOptions) { return this.execute<(string | null)[]>(keyspace.sortRo(key, options)); }
  sortRoBuffer(key: RedisArg, options?: SortOptions): ResultShapes<(Buffer | null)[], this>[S] { return this.execute(keyspace.sortRoBuffer(key, options)); }
  /** `SORT … STORE destination`: stores the result as a list; its length. */
  sortStore(key: RedisArg, destination: RedisArg, options?: SortOptions) { return this.execute(keyspace.sortStore(key, destination, options)); }
  /** `MOVE key db`: true when moved to database `db`. */
  move(key: RedisArg, db: number) { return this.execute(keyspace.move(key, db)); }
  /** `SWAPDB`: swaps two databases, for every client. */
  swapDb(index1: number, index2: number) { return this.execute(keyspace.swapDb(index1, index2)); }
  /** `MIGRATE`: moves keys to another server; `'NOKEY'` when none exists. `timeout` in ms. */
  migrate(host: string, port: number, keys: KeyOrKeys, destinationDb: number, timeout: number, options?: MigrateOptions) { return this.execute(keyspace.migrate(host, port, keys, destinationDb, timeout, options)); }
  // hashes
  hGet(key: RedisArg, field: RedisArg) { return this.execute(hashes.hGet(key, field)); }
  hGetBuffer(key: RedisArg, field: RedisArg): ResultShapes<Buffer | null, this>[S] { return this.execute(hashes.hGetBuffer(key, field)); }
  /** `HSET`: one field and value, or many from a record, Map or pairs. Returns how many fields were added. */
  hSet(key: RedisArg, fieldOrFields: RedisArg | FieldValues, value?: RedisArg) { return this.execute(hashes.hSet(key, fieldOrFields, value)); }
  /** `HSETNX`: true when the field was set (it did not exist). */
  hSetNx(key: RedisArg, field: RedisArg, value: RedisArg) { return this.execute(hashes.hSetNx(key, field, value)); }
  /** `HGETALL`: every field and value (`{}` when there is no key). */
  hGetAll(key: RedisArg) { return this.execute(hashes.hGetAll(key)); }
  /** `HGETALL` with binary values: field names as UTF-8 strings, values as Buffers. */
  hGetAllBuffer(key: RedisArg): ResultShapes<Record<string, Buffer>, this>[S] { return this.execute(hashes.hGetAllBuffer(key)); }
  hMGet(key: RedisArg, fields: readonly RedisArg[]) { return this.execute(hashes.hMGet(key, fields)); }
  hMGetBuffer(key: RedisArg, fields: readonly RedisArg[]): ResultShapes<(Buffer | null)[], this>[S] { return this.execute(hashes.hMGetBuffer(key, fields)); }
  /** `HDEL`: how many fields were removed. */
  hDel(key: RedisArg, fields: KeyOrKeys) { return this.execute(hashes.hDel(key, fields)); }
  hExists(key: RedisArg, field: RedisArg) { return this.execute(hashes.hExists(key, field)); }
  hIncrBy(key: RedisArg, field: RedisArg, increment: number | bigint) { return this.execute(hashes.hIncrBy(key, field, increment)); }
  hIncrByFloat(key: RedisArg, field: RedisArg, increment: number) { return this.execute(hashes.hIncrByFloat(key, field, increment)); }
  hKeys(key: RedisArg) { return this.execute(hashes.hKeys(key)); }
  hVals(key: RedisArg) { return this.execute(hashes.hVals(key)); }
  hLen(key: RedisArg) { return this.execute(hashes.hLen(key)); }
  /** `HSTRLEN`: byte length of a field's value (0 when missing). */
  hStrLen(key: RedisArg, field: RedisArg) { return this.execute(hashes.hStrLen(key, field)); }
  /** `HRANDFIELD key`: one random field, or null for a missing key. */
  hRandField(key: RedisArg) { return this.execute(hashes.hRandField(key)); }
  /** `HRANDFIELD key count`: distinct fields when count > 0, possibly repeated when < 0. */
  hRandFieldCount(key: RedisArg, count: number) { return this.execute(hashes.hRandFieldCount(key, count)); }
  /** `HRANDFIELD key count WITHVALUES`. */
  hRandFieldWithValues(key: RedisArg, count: number) { return this.execute(hashes.hRandFieldWithValues(key, count)); }
  /** `HSCAN key cursor`: one page of fields and values. */
  hScan(key: RedisArg, cursor: RedisArg, options?: { match?: string; count?: number }) { return this.execute(hashes.hScan(key, cursor, options)); }
  /** `HEXPIRE` (Redis ≥ 7.4): per field 1 set, 0 condition not met, 2 deleted, -2 no field. */
  hExpire(key: RedisArg, seconds: number, fields: KeyOrKeys, mode?: ExpireMode) { return this.execute(hashes.hExpire(key, seconds, fields, mode)); }
  hPExpire(key: RedisArg, milliseconds: number, fields: KeyOrKeys, mode?: ExpireMode) { return this.execute(hashes.hPExpire(key, milliseconds, fields, mode)); }
  /** `HEXPIREAT` with unix seconds or a Date (Redis ≥ 7.4). */
  hExpireAt(key: RedisArg, time: number | Date, fields: KeyOrKeys, mode?: ExpireMode) { return this.execute(hashes.hExpireAt(key, time, fields, mode)); }
  /** `HPEXPIREAT` with unix milliseconds or a Date (Redis ≥ 7.4). */
  hPExpireAt(key: RedisArg, time: number | Date, fields: KeyOrKeys, mode?: ExpireMode) { return this.execute(hashes.hPExpireAt(key, time, fields, mode)); }
  /** `HTTL` (Redis ≥ 7.4): per field, seconds left; -1 no expiry, -2 no field. */
  hTtl(key: RedisArg, fields: KeyOrKeys) { return this.execute(hashes.hTtl(key, fields)); }
  hPTtl(key: RedisArg, fields: KeyOrKeys) { return this.execute(hashes.hPTtl(key, fields)); }
  /** `HEXPIRETIME` (Redis ≥ 7.4): per field, unix seconds; -1 no expiry, -2 no field. */
  hExpireTime(key: RedisArg, fields: KeyOrKeys) { return this.execute(hashes.hExpireTime(key, fields)); }
  hPExpireTime(key: RedisArg, fields: KeyOrKeys) { return this.execute(hashes.hPExpireTime(key, fields)); }
  /** `HPERSIST` (Redis ≥ 7.4): per field, 1 removed, -1 had none, -2 no field. */
  hPersist(key: RedisArg, fields: KeyOrKeys) { return this.execute(hashes.hPersist(key, fields)); }
  /** `HGETDEL` (Redis ≥ 8.0): the values (null when missing), then deletes the fields. */
  hGetDel(key: RedisArg, fields: KeyOrKeys) { return this.execute(hashes.hGetDel(key, fields)); }
  hGetDelBuffer(key: RedisArg, fields: KeyOrKeys): ResultShapes<(Buffer | null)[], this>[S] { return this.execute(hashes.hGetDelBuffer(key, fields)); }
  /** `HGETEX` (Redis ≥ 8.0): the values, and sets (`ex`…) or removes (`persist`) the fields' expiry. */
  hGetEx(key: RedisArg, fields: KeyOrKeys, options?: GetExOptions) { return this.execute(hashes.hGetEx(key, fields, options)); }
  hGetExBuffer(key: RedisArg, fields: KeyOrKeys, options?: GetExOptions): ResultShapes<(Buffer | null)[], this>[S] { return this.execute(hashes.hGetExBuffer(key, fields, options)); }
  /** `HSETEX` (Redis ≥ 8.0): sets fields with an expiry; true when all were set, false when `fnx`/`fxx` stopped it. */
  hSetEx(key: RedisArg, fields: FieldValues, options?: HSetExOptions) { return this.execute(hashes.hSetEx(key, fields, options)); }
  // lists
  /** `LPUSH`: the new length. */
  lPush(key: RedisArg, elements: KeyOrKeys) { return this.execute(lists.lPush(key, elements)); }
  rPush(key: RedisArg, elements: KeyOrKeys) { return this.execute(lists.rPush(key, elements)); }
  /** `LPUSHX`: pushes only onto an existing list; 0 when there is none. */
  lPushX(key: RedisArg, elements: KeyOrKeys) { return this.execute(lists.lPushX(key, elements)); }
  rPushX(key: RedisArg, elements: KeyOrKeys) { return this.execute(lists.rPushX(key, elements)); }
  lPop(key: RedisArg) { return this.execute(lists.lPop(key)); }
  lPopBuffer(key: RedisArg): ResultShapes<Buffer | null, this>[S] { return this.execute(lists.lPopBuffer(key)); }
  /** `LPOP key count`: up to `count` elements, or null when there is no list. */
  lPopCount(key: RedisArg, count: number) { return this.execute(lists.lPopCount(key, count)); }
  rPop(key: RedisArg) { return this.execute(lists.rPop(key)); }
  rPopBuffer(key: RedisArg): ResultShapes<Buffer | null, this>[S] { return this.execute(lists.rPopBuffer(key)); }
  rPopCount(key: RedisArg, count: number) { return this.execute(lists.rPopCount(key, count)); }
  /** `LRANGE key start stop`: inclusive, negative indexes count from the end (`0, -1` = all). */
  lRange(key: RedisArg, start: number, stop: number) { return this.execute(lists.lRange(key, start, stop)); }
  lRangeBuffer(key: RedisArg, start: number, stop: number): ResultShapes<Buffer[], this>[S] { return this.execute(lists.lRangeBuffer(key, start, stop)); }
  lLen(key: RedisArg) { return this.execute(lists.lLen(key)); }
  lIndex(key: RedisArg, index: number) { return this.execute(lists.lIndex(key, index)); }
  lIndexBuffer(key: RedisArg, index: number): ResultShapes<Buffer | null, this>[S] { return this.execute(lists.lIndexBuffer(key, index)); }
  lSet(key: RedisArg, index: number, element: RedisArg) { return this.execute(lists.lSet(key, index, element)); }
  /** `LREM key count element`: removes `count` matches from the head (>0), tail (<0) or all (0). */
  lRem(key: RedisArg, count: number, element: RedisArg) { return this.execute(lists.lRem(key, count, element)); }
  lTrim(key: RedisArg, start: number, stop: number) { return this.execute(lists.lTrim(key, start, stop)); }
  /** `LINSERT`: the new length, -1 when the pivot is missing, 0 when the key is. */
  lInsert(key: RedisArg, where: 'BEFORE' | 'AFTER', pivot: RedisArg, element: RedisArg) { return this.execute(lists.lInsert(key, where, pivot, element)); }
  /** `LPOS`: index of the first match (see `rank`), or null. */
  lPos(key: RedisArg, element: RedisArg, options?: LPosOptions) { return this.execute(lists.lPos(key, element, options)); }
  /** `LPOS … COUNT n`: indexes of up to `count` matches (0 = all). */
  lPosCount(key: RedisArg, element: RedisArg, count: number, options?: LPosOptions) { return this.execute(lists.lPosCount(key, element, count, options)); }
  /** `LMOVE`: pops from one side of `source`, pushes onto a side of `destination`; the element or null. */
  lMove(source: RedisArg, destination: RedisArg, from: ListSide, to: ListSide) { return this.execute(lists.lMove(source, destination, from, to)); }
  /** `BLPOP keys timeout`: the first element of the first non-empty list, waiting up to `timeout` seconds; null on timeout. */
  blPop(keys: KeyOrKeys, timeout: number) { return this.execute(lists.blPop(keys, timeout)); }
  blPopBuffer(keys: KeyOrKeys, timeout: number): ResultShapes<lists.KeyElement<Buffer> | null, this>[S] { return this.execute(lists.blPopBuffer(keys, timeout)); }
  brPop(keys: KeyOrKeys, timeout: number) { return this.execute(lists.brPop(keys, timeout)); }
  brPopBuffer(keys: KeyOrKeys, timeout: number): ResultShapes<lists.KeyElement<Buffer> | null, this>[S] { return this.execute(lists.brPopBuffer(keys, timeout)); }
  /** `BLMOVE`: like lMove, waiting up to `timeout` seconds for an element; null on timeout. */
  blMove(source: RedisArg, destination: RedisArg, from: ListSide, to: ListSide, timeout: number) { return this.execute(lists.blMove(source, destination, from, to, timeout)); }
  /** `LMPOP`: pops up to `count` (default 1) from the first non-empty list; null when all are empty. */
  lMPop(keys: KeyOrKeys, side: ListSide, options?: { count?: number }) { return this.execute(lists.lMPop(keys, side, options)); }
  /** `BLMPOP`: LMPOP waiting up to `timeout` seconds; null on timeout. */
  blMPop(keys: KeyOrKeys, side: ListSide, timeout: number, options?: { count?: number }) { return this.execute(lists.blMPop(keys, side, timeout, options)); }
  // sets
  /** `SADD`: how many members were new. */
  sAdd(key: RedisArg, members: KeyOrKeys) { return this.execute(sets.sAdd(key, members)); }
  /** `SREM`: how many members were removed. */
  sRem(key: RedisArg, members: KeyOrKeys) { return this.execute(sets.sRem(key, members)); }
  sMembers(key: RedisArg) { return this.execute(sets.sMembers(key)); }
  sMembersBuffer(key: RedisArg): ResultShapes<Buffer[], this>[S] { return this.execute(sets.sMembersBuffer(key)); }
  sIsMember(key: RedisArg, member: RedisArg) { return this.execute(sets.sIsMember(key, member)); }
  /** `SMISMEMBER`: one boolean per member, in order. */
  smIsMember(key: RedisArg, members: readonly RedisArg[]) { return this.execute(sets.smIsMember(key, members)); }
  sCard(key: RedisArg) { return this.execute(sets.sCard(key)); }
  /** `SPOP key`: a random member, removed; null when the set is empty. */
  sPop(key: RedisArg) { return this.execute(sets.sPop(key)); }
  sPopCount(key: RedisArg, count: number) { return this.execute(sets.sPopCount(key, count)); }
  /** `SRANDMEMBER key`: a random member (not removed), or null. */
  sRandMember(key: RedisArg) { return this.execute(sets.sRandMember(key)); }
  /** `SRANDMEMBER key count`: distinct members when count > 0, possibly repeated when < 0. */
  sRandMemberCount(key: RedisArg, count: number) { return this.execute(sets.sRandMemberCount(key, count)); }
  sInter(keys: KeyOrKeys) { return this.execute(sets.sInter(keys)); }
  sUnion(keys: KeyOrKeys) { return this.execute(sets.sUnion(keys)); }
  /** `SDIFF`: members of the first set that are in none of the others. */
  sDiff(keys: KeyOrKeys) { return this.execute(sets.sDiff(keys)); }
  /** `SINTERSTORE`: stores the intersection in `destination`; its size. */
  sInterStore(destination: RedisArg, keys: KeyOrKeys) { return this.execute(sets.sInterStore(destination, keys)); }
  sUnionStore(destination: RedisArg, keys: KeyOrKeys) { return this.execute(sets.sUnionStore(destination, keys)); }
  sDiffStore(destination: RedisArg, keys: KeyOrKeys) { return this.execute(sets.sDiffStore(destination, keys)); }
  /** `SINTERCARD`: the intersection's size, counting at most `limit` (0 = no limit). */
  sInterCard(keys: KeyOrKeys, options?: { limit?: number }) { return this.execute(sets.sInterCard(keys, options)); }
  /** `SMOVE`: true when the member was moved. */
  sMove(source: RedisArg, destination: RedisArg, member: RedisArg) { return this.execute(sets.sMove(source, destination, member)); }
  /** `SSCAN key cursor`: one page of members. */
  sScan(key: RedisArg, cursor: RedisArg, options?: { match?: string; count?: number }) { return this.execute(sets.sScan(key, cursor, options)); }
  // sorted-sets
  /** `ZADD`: how many members were added (or changed, with `ch`). */
  zAdd(key: RedisArg, members: ZMemberInput | readonly ZMemberInput[], options?: ZAddOptions) { return this.execute(sortedSets.zAdd(key, members, options)); }
  /** `ZADD … INCR`: adds `member.score` to the member's score; the new score, or null when nx/xx/gt/lt stopped it. */
  zAddIncr(key: RedisArg, member: ZMemberInput, options?: ZAddOptions) { return this.execute(sortedSets.zAddIncr(key, member, options)); }
  zRem(key: RedisArg, members: KeyOrKeys) { return this.execute(sortedSets.zRem(key, members)); }
  zScore(key: RedisArg, member: RedisArg) { return this.execute(sortedSets.zScore(key, member)); }
  zmScore(key: RedisArg, members: readonly RedisArg[]) { return this.execute(sortedSets.zmScore(key, members)); }
  /** `ZINCRBY`: the new score. */
  zIncrBy(key: RedisArg, increment: number, member: RedisArg) { return this.execute(sortedSets.zIncrBy(key, increment, member)); }
  zCard(key: RedisArg) { return this.execute(sortedSets.zCard(key)); }
  /** `ZCOUNT key min max`: members with scores in range (numbers, ±Infinity or `'(1'`-style strings). */
  zCount(key: RedisArg, min: ZBound, max: ZBound) { return this.execute(sortedSets.zCount(key, min, max)); }
  /** `ZLEXCOUNT key min max` with lexical bounds (`'[a'`, `'(b'`, `'-'`, `'+'`). */
  zLexCount(key: RedisArg, min: string, max: string) { return this.execute(sortedSets.zLexCount(key, min, max)); }
  /** `ZRANGE`: members in order (by rank, score or lex; see ZRangeOptions). */
  zRange(key: RedisArg, start: ZBound, stop: ZBound, options?: ZRangeOptions) { return this.execute(sortedSets.zRange(key, start, stop, options)); }
  zRangeBuffer(key: RedisArg, start: ZBound, stop: ZBound, options?: ZRangeOptions): ResultShapes<Buffer[], this>[S] { return this.execute(sortedSets.zRangeBuffer(key, start, stop, options)); }
  /** `ZRANGE … WITHSCORES`: `{ value, score }` per member. */
  zRangeWithScores(key: RedisArg, start: ZBound, stop: ZBound, options?: ZRangeOptions) { return this.execute(sortedSets.zRangeWithScores(key, start, stop, options)); }
  /** `ZRANK`: 0-based rank from the lowest score, or null. */
  zRank(key: RedisArg, member: RedisArg) { return this.execute(sortedSets.zRank(key, member)); }
  zRevRank(key: RedisArg, member: RedisArg) { return this.execute(sortedSets.zRevRank(key, member)); }
  /** `ZPOPMIN key`: the lowest member, removed; null when empty. */
  zPopMin(key: RedisArg) { return this.execute(sortedSets.zPopMin(key)); }
  zPopMinCount(key: RedisArg, count: number) { return this.execute(sortedSets.zPopMinCount(key, count)); }
  zPopMax(key: RedisArg) { return this.execute(sortedSets.zPopMax(key)); }
  zPopMaxCount(key: RedisArg, count: number) { return this.execute(sortedSets.zPopMaxCount(key, count)); }
  /** `BZPOPMIN keys timeout`: the lowest member of the first non-empty set, waiting up to `timeout` seconds; null on timeout. */
  bzPopMin(keys: KeyOrKeys, timeout: number) { return this.execute(sortedSets.bzPopMin(keys, timeout)); }
  bzPopMax(keys: KeyOrKeys, timeout: number) { return this.execute(sortedSets.bzPopMax(keys, timeout)); }
  /** `ZMPOP`: pops up to `count` (default 1) lowest/highest members from the first non-empty set; null when all are empty. */
  zMPop(keys: KeyOrKeys, side: 'MIN' | 'MAX', options?: { count?: number }) { return this.execute(sortedSets.zMPop(keys, side, options)); }
  /** `BZMPOP`: ZMPOP waiting up to `timeout` seconds; null on timeout. */
  bzMPop(keys: KeyOrKeys, side: 'MIN' | 'MAX', timeout: number, options?: { count?: number }) { return this.execute(sortedSets.bzMPop(keys, side, timeout, options)); }
  /** `ZREMRANGEBYRANK`: how many were removed. */
  zRemRangeByRank(key: RedisArg, start: number, stop: number) { return this.execute(sortedSets.zRemRangeByRank(key, start, stop)); }
  zRemRangeByScore(key: RedisArg, min: ZBound, max: ZBound) { return this.execute(sortedSets.zRemRangeByScore(key, min, max)); }
  zRemRangeByLex(key: RedisArg, min: string, max: string) { return this.execute(sortedSets.zRemRangeByLex(key, min, max)); }
  /** `ZUNIONSTORE`: the size of the stored union. */
  zUnionStore(destination: RedisArg, keys: KeyOrKeys, options?: ZStoreOptions) { return this.execute(sortedSets.zUnionStore(destination, keys, options)); }
  zInterStore(destination: RedisArg, keys: KeyOrKeys, options?: ZStoreOptions) { return this.execute(sortedSets.zInterStore(destination, keys, options)); }
  zDiffStore(destination: RedisArg, keys: KeyOrKeys) { return this.execute(sortedSets.zDiffStore(destination, keys)); }
  /** `ZRANDMEMBER key`: a random member, or null. */
  zRandMember(key: RedisArg) { return this.execute(sortedSets.zRandMember(key)); }
  /** `ZSCAN key cursor`: one page of members with scores. */
  zScan(key: RedisArg, cursor: RedisArg, options?: { match?: string; count?: number }) { return this.execute(sortedSets.zScan(key, cursor, options)); }
  /** `ZUNION`: the members of any of the sets. */
  zUnion(keys: KeyOrKeys, options?: ZStoreOptions) { return this.execute(sortedSets.zUnion(keys, options)); }
  zUnionWithScores(keys: KeyOrKeys, options?: ZStoreOptions) { return this.execute(sortedSets.zUnionWithScores(keys, options)); }
  /** `ZINTER`: the members of every set. */
  zInter(keys: KeyOrKeys, options?: ZStoreOptions) { return this.execute(sortedSets.zInter(keys, options)); }
  zInterWithScores(keys: KeyOrKeys, options?: ZStoreOptions) { return this.execute(sortedSets.zInterWithScores(keys, options)); }
  /** `ZDIFF`: the members of the first set in none of the others. */
  zDiff(keys: KeyOrKeys) { return this.execute(sortedSets.zDiff(keys)); }
  zDiffWithScores(keys: KeyOrKeys) { return this.execute(sortedSets.zDiffWithScores(keys)); }
  /** `ZINTERCARD`: the size of the intersection (counting stops at `limit`). */
  zInterCard(keys: KeyOrKeys, options?: { limit?: number }) { return this.execute(sortedSets.zInterCard(keys, options)); }
  /** `ZRANGESTORE`: stores what zRange would return in `destination`; how many. */
  zRangeStore(destination: RedisArg, source: RedisArg, start: ZBound, stop: ZBound, options?: ZRangeOptions) { return this.execute(sortedSets.zRangeStore(destination, source, start, stop, options)); }
  // streams
  /** `XADD key id fields`: the entry's id (`'*'` lets the server choose), or null with `noMkStream` when there is no stream. */
  xAdd(key: RedisArg, id: RedisArg, message: FieldValues, options?: XAddOptions) { return this.execute(streamCommands.xAdd(key, id, message, options)); }
  /** `XTRIM`: how many entries were removed. */
  xTrim(key: RedisArg, trim: StreamTrim) { return this.execute(streamCommands.xTrim(key, trim)); }
  xLen(key: RedisArg) { return this.execute(streamCommands.xLen(key)); }
  /** `XDEL`: how many entries were deleted. */
  xDel(key: RedisArg, ids: KeyOrKeys) { return this.execute(streamCommands.xDel(key, ids)); }
  /** `XRANGE key start end`: entries in id order (`'-'` and `'+'` for the ends; `'(id'` excludes). */
  xRange(key: RedisArg, start: RedisArg, end: RedisArg, options?: { count?: number }) { return this.execute(streamCommands.xRange(key, start, end, options)); }
  /** `XREVRANGE key end start`: newest first. */
  xRevRange(key: RedisArg, end: RedisArg, start: RedisArg, options?: { count?: number }) { return this.execute(streamCommands.xRevRange(key, end, start, options)); }
  /** `XREAD`: new entries per stream, or null when there are none (after waiting `block` ms if given). */
  xRead(streams: StreamRead | readonly StreamRead[], options?: XReadOptions) { return this.execute(streamCommands.xRead(streams, options)); }
  /** `XREADGROUP GROUP group consumer`: entries for this consumer (`id: '>'` for new ones); null when none. */
  xReadGroup(group: RedisArg, consumer: RedisArg, streams: StreamRead | readonly StreamRead[], options?: XReadGroupOptions) { return this.execute(streamCommands.xReadGroup(group, consumer, streams, options)); }
  /** `XGROUP CREATE key group id`: `id` `'$'` for new entries only, `'0'` for all. */
  xGroupCreate(key: RedisArg, group: RedisArg, id: RedisArg, options?: { mkStream?: boolean; entriesRead?: number }) { return this.execute(streamCommands.xGroupCreate(key, group, id, options)); }
  /** `XGROUP DESTROY`: true when the group existed. */
  xGroupDestroy(key: RedisArg, group: RedisArg) { return this.execute(streamCommands.xGroupDestroy(key, group)); }
  /** `XGROUP CREATECONSUMER`: true when created. */
  xGroupCreateConsumer(key: RedisArg, group: RedisArg, consumer: RedisArg) { return this.execute(streamCommands.xGroupCreateConsumer(key, group, consumer)); }
  /** `XGROUP DELCONSUMER`: how many pending entries the consumer had. */
  xGroupDelConsumer(key: RedisArg, group: RedisArg, consumer: RedisArg) { return this.execute(streamCommands.xGroupDelConsumer(key, group, consumer)); }
  xGroupSetId(key: RedisArg, group: RedisArg, id: RedisArg) { return this.execute(streamCommands.xGroupSetId(key, group, id)); }
  /** `XACK`: how many entries were acknowledged. */
  xAck(key: RedisArg, group: RedisArg, ids: KeyOrKeys) { return this.execute(streamCommands.xAck(key, group, ids)); }
  /** `XPENDING key group`: the summary form. */
  xPending(key: RedisArg, group: RedisArg) { return this.execute(streamCommands.xPending(key, group)); }
  /** `XPENDING key group [IDLE ms] start end count [consumer]`: the extended form. */
  xPendingRange(key: RedisArg, group: RedisArg, start: RedisArg, end: RedisArg, count: number, options?: XPendingRangeOptions) { return this.execute(streamCommands.xPendingRange(key, group, start, end, count, options)); }
  /** `XCLAIM`: takes over pending entries idle at least `minIdleMs`; the claimed entries. */
  xClaim(key: RedisArg, group: RedisArg, consumer: RedisArg, minIdleMs: number, ids: KeyOrKeys, options?: XClaimOptions) { return this.execute(streamCommands.xClaim(key, group, consumer, minIdleMs, ids, options)); }
  /** `XCLAIM … JUSTID`: the claimed ids only (does not count as a delivery). */
  xClaimJustId(key: RedisArg, group: RedisArg, consumer: RedisArg, minIdleMs: number, ids: KeyOrKeys, options?: XClaimOptions) { return this.execute(streamCommands.xClaimJustId(key, group, consumer, minIdleMs, ids, options)); }
  /** `XAUTOCLAIM`: claims entries idle at least `minIdleMs`, scanning from `start` (`'0-0'`). */
  xAutoClaim(key: RedisArg, group: RedisArg, consumer: RedisArg, minIdleMs: number, start: RedisArg, options?: { count?: number }) { return this.execute(streamCommands.xAutoClaim(key, group, consumer, minIdleMs, start, options)); }
  /** `XINFO STREAM`: counters and the first and last entries. */
  xInfoStream(key: RedisArg) { return this.execute(streamCommands.xInfoStream(key)); }
  /** `XINFO STREAM … FULL`: entries, groups, pending entries and consumers (at most `count` of each, default 10, 0 = all). */
  xInfoStreamFull(key: RedisArg, options?: { count?: number }) { return this.execute(streamCommands.xInfoStreamFull(key, options)); }
  /** `XINFO GROUPS`: one record per consumer group. */
  xInfoGroups(key: RedisArg) { return this.execute(streamCommands.xInfoGroups(key)); }
  /** `XINFO CONSUMERS`: one record per consumer of the group. */
  xInfoConsumers(key: RedisArg, group: RedisArg) { return this.execute(streamCommands.xInfoConsumers(key, group)); }
  /** `XSETID`: sets the stream's last generated id. */
  xSetId(key: RedisArg, lastId: RedisArg, options?: XSetIdOptions) { return this.execute(streamCommands.xSetId(key, lastId, options)); }
  // hyperloglog
  /** `PFADD`: true when the estimate changed. An empty list only creates the key. */
  pfAdd(key: RedisArg, elements: KeyOrKeys) { return this.execute(hyperloglog.pfAdd(key, elements)); }
  /** `PFCOUNT`: the estimated number of distinct elements (of the union, for several keys). */
  pfCount(keys: KeyOrKeys) { return this.execute(hyperloglog.pfCount(keys)); }
  /** `PFMERGE destination sources`: stores the union in `destination`. */
  pfMerge(destination: RedisArg, sources: KeyOrKeys) { return this.execute(hyperloglog.pfMerge(destination, sources)); }
  // bitmaps
  /** `SETBIT`: the bit's previous value. */
  setBit(key: RedisArg, offset: number, value: 0 | 1) { return this.execute(bitmaps.setBit(key, offset, value)); }
  getBit(key: RedisArg, offset: number) { return this.execute(bitmaps.getBit(key, offset)); }
  /** `BITCOUNT`: how many bits are 1 (in `range` if given). */
  bitCount(key: RedisArg, range?: BitRange) { return this.execute(bitmaps.bitCount(key, range)); }
  /** `BITPOS`: the position of the first bit equal to `bit`, or -1. */
  bitPos(key: RedisArg, bitValue: 0 | 1, range?: BitRange) { return this.execute(bitmaps.bitPos(key, bitValue, range)); }
  /** `BITOP op destination keys`: the destination's length in bytes. NOT takes exactly one key. */
  bitOp(operation: 'AND' | 'OR' | 'XOR' | 'NOT', destination: RedisArg, keys: KeyOrKeys) { return this.execute(bitmaps.bitOp(operation, destination, keys)); }
  /** `BITFIELD`: one result per GET/SET/INCRBY step (null where OVERFLOW FAIL stopped an increment). */
  bitField(key: RedisArg, operations: readonly BitFieldOperation[]) { return this.execute(bitmaps.bitField(key, operations)); }
  /** `BITFIELD_RO`: GET steps only; safe on replicas. */
  bitFieldRo(key: RedisArg, operations: readonly Extract<BitFieldOperation, { op: 'GET' }>[]) { return this.execute(bitmaps.bitFieldRo(key, operations)); }
  // geo
  /** `GEOADD`: how many members were added (or changed, with `ch`). */
  geoAdd(key: RedisArg, members: GeoMember | readonly GeoMember[], options?: { nx?: boolean; xx?: boolean; ch?: boolean }) { return this.execute(geo.geoAdd(key, members, options)); }
  /** `GEODIST`: the distance in `unit` (metres by default), or null when a member is missing. */
  geoDist(key: RedisArg, member1: RedisArg, member2: RedisArg, unit?: GeoUnit) { return this.execute(geo.geoDist(key, member1, member2, unit)); }
  /** `GEOPOS`: each member's coordinates, or null for a missing one. */
  geoPos(key: RedisArg, members: KeyOrKeys) { return this.execute(geo.geoPos(key, members)); }
  /** `GEOHASH`: each member's 11-character geohash, or null. */
  geoHash(key: RedisArg, members: KeyOrKeys) { return this.execute(geo.geoHash(key, members)); }
  /** `GEOSEARCH`: members within the area. */
  geoSearch(key: RedisArg, from: GeoFrom, by: GeoBy, options?: GeoSearchOptions) { return this.execute(geo.geoSearch(key, from, by, options)); }
  /** `GEOSEARCH … WITHCOORD/WITHDIST/WITHHASH`: matches with the asked-for details. */
  geoSearchWith(key: RedisArg, from: GeoFrom, by: GeoBy, options: GeoSearchWithOptions) { return this.execute(geo.geoSearchWith(key, from, by, options)); }
  /** `GEOSEARCHSTORE`: stores the matches in `destination` (with distances as scores when `storeDist`); how many. */
  geoSearchStore(destination: RedisArg, source: RedisArg, from: GeoFrom, by: GeoBy, options?: GeoSearchOptions & { storeDist?: boolean }) { return this.execute(geo.geoSearchStore(destination, source, from, by, options)); }
  // scripting
  /** `EVAL script numkeys keys… args…`: the script's reply. */
  eval(script: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]) { return this.execute(scripting.evalScript(script, keys, args)); }
  /** `EVAL_RO`: a read-only script (may run on replicas; safe to retry). */
  evalRo(script: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]) { return this.execute(scripting.evalRo(script, keys, args)); }
  /** `EVALSHA sha1 numkeys keys… args…`; fails with NOSCRIPT when the server does not have it. */
  evalSha(sha1: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]) { return this.execute(scripting.evalSha(sha1, keys, args)); }
  evalShaRo(sha1: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]) { return this.execute(scripting.evalShaRo(sha1, keys, args)); }
  /** `FCALL function numkeys keys… args…`: calls a loaded Redis function. */
  fCall(fn: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]) { return this.execute(scripting.fCall(fn, keys, args)); }
  fCallRo(fn: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]) { return this.execute(scripting.fCallRo(fn, keys, args)); }
  /** `SCRIPT LOAD`: the script's SHA1. */
  scriptLoad(script: string) { return this.execute(scripting.scriptLoad(script)); }
  /** `SCRIPT EXISTS`: one boolean per SHA1. */
  scriptExists(sha1s: readonly string[]) { return this.execute(scripting.scriptExists(sha1s)); }
  scriptFlush(mode?: 'ASYNC' | 'SYNC') { return this.execute(scripting.scriptFlush(mode)); }
  /** `SCRIPT KILL`: stops the running read-only script. */
  scriptKill() { return this.execute(scripting.scriptKill()); }
  // functions
  /** `FUNCTION LOAD`: loads a library (`replace` to overwrite one); its name. */
  functionLoad(code: string, options?: { replace?: boolean }) { return this.execute(functions.functionLoad(code, options)); }
  /** `FUNCTION LIST`: the libraries and their functions. */
  functionList(options?: FunctionListOptions) { return this.execute(functions.functionList(options)); }
  /** `FUNCTION LIST WITHCODE`: with each library's source. */
  functionListWithCode(options?: FunctionListOptions) { return this.execute(functions.functionListWithCode(options)); }
  functionDelete(libraryName: RedisArg) { return this.execute(functions.functionDelete(libraryName)); }
  /** `FUNCTION DUMP`: every library, serialized as a Buffer for functionRestore. */
  functionDump(): ResultShapes<Buffer, this>[S] { return this.execute(functions.functionDump()); }
  /** `FUNCTION RESTORE`: loads a dump; `policy` for name clashes (default APPEND: refuse). */
  functionRestore(serialized: Buffer, policy?: FunctionRestorePolicy) { return this.execute(functions.functionRestore(serialized, policy)); }
  /** `FUNCTION FLUSH`: deletes every library. */
  functionFlush(mode?: 'ASYNC' | 'SYNC') { return this.execute(functions.functionFlush(mode)); }
  /** `FUNCTION KILL`: stops the running function if it has not written. */
  functionKill() { return this.execute(functions.functionKill()); }
  /** `FUNCTION STATS`: the running function and what each engine has loaded. */
  functionStats() { return this.execute(functions.functionStats()); }
  // server
  /** `PING [message]`: `'PONG'`, or the message. */
  ping(message?: RedisArg) { return this.execute(server.ping(message)); }
  echo(message: RedisArg) { return this.execute(server.echo(message)); }
  /** `INFO [sections]`: the raw text; `parseInfo` turns it into a record. */
  info(sections?: KeyOrKeys) { return this.execute(server.info(sections)); }
  /** `CLIENT ID`: the id of the connection that ran it. */
  clientId() { return this.execute(server.clientId()); }
  /** `CLIENT LIST [TYPE t] [ID ids]`: one record per connection. */
  clientList(options?: { type?: ClientType; ids?: readonly (number | string)[] }) { return this.execute(server.clientList(options)); }
  /** `CLIENT INFO`: the calling connection's record. */
  clientInfo() { return this.execute(server.clientInfo()); }
  /** `CLIENT KILL <filters>`: how many connections were closed. */
  clientKill(filters: ClientKillFilters) { return this.execute(server.clientKill(filters)); }
  clientGetName() { return this.execute(server.clientGetName()); }
  /** `DBSIZE`: how many keys the current database holds. */
  dbSize() { return this.execute(server.dbSize()); }
  /** `FLUSHDB`: deletes every key of the current database. */
  flushDb(mode?: 'ASYNC' | 'SYNC') { return this.execute(server.flushDb(mode)); }
  /** `FLUSHALL`: deletes every key of every database. */
  flushAll(mode?: 'ASYNC' | 'SYNC') { return this.execute(server.flushAll(mode)); }
  /** `TIME`: the server's clock as `[unixSeconds, microseconds]`. */
  time() { return this.execute(server.time()); }
  /** `CONFIG GET`: matching parameters (globs allowed) as a record. */
  configGet(parameters: KeyOrKeys) { return this.execute(server.configGet(parameters)); }
  /** `CONFIG SET`: one parameter and value, or several from a record, Map or pairs. */
  configSet(parameterOrParameters: string | FieldValues, value?: RedisArg) { return this.execute(server.configSet(parameterOrParameters, value)); }
  configResetStat() { return this.execute(server.configResetStat()); }
  /** `WAIT numReplicas timeoutMs`: how many replicas acknowledged earlier writes (0 ms waits forever). */
  wait(numReplicas: number, timeout: number) { return this.execute(server.wait(numReplicas, timeout)); }
  /** `WAITAOF numLocal numReplicas timeoutMs` (Redis ≥ 7.2): `[local fsyncs, replica fsyncs]`. */
  waitAof(numLocal: number, numReplicas: number, timeout: number) { return this.execute(server.waitAof(numLocal, numReplicas, timeout)); }
  /** `LASTSAVE`: unix time of the last successful save. */
  lastSave() { return this.execute(server.lastSave()); }
  /** `MEMORY USAGE key`: bytes used by the key and its value, or null. */
  memoryUsage(key: RedisArg, options?: { samples?: number }) { return this.execute(server.memoryUsage(key, options)); }
  /** `CLIENT PAUSE timeoutMs [WRITE|ALL]`: holds the server's clients for that long. */
  clientPause(timeout: number, mode?: 'WRITE' | 'ALL') { return this.execute(server.clientPause(timeout, mode)); }
  clientUnpause() { return this.execute(server.clientUnpause()); }
  /** `CLIENT UNBLOCK id [TIMEOUT|ERROR]`: true when that connection was blocked. */
  clientUnblock(clientId: number | bigint, mode?: 'TIMEOUT' | 'ERROR') { return this.execute(server.clientUnblock(clientId, mode)); }
  /** `CLIENT GETREDIR`: where this connection's invalidations go (-1: not tracking). */
  clientGetRedir() { return this.execute(server.clientGetRedir()); }
  /** `CLIENT TRACKINGINFO`: `{ flags, redirect, prefixes }`. */
  clientTrackingInfo() { return this.execute(server.clientTrackingInfo()); }
  /** `CONFIG REWRITE`: writes the running configuration to the config file. */
  configRewrite() { return this.execute(server.configRewrite()); }
  // server: replication, persistence, modules
  /** `ROLE`: `{ role: 'master' | 'replica' | 'sentinel', … }`. */
  role() { return this.execute(admin.role()); }
  /** `BGSAVE [SCHEDULE]`: the server's status text. */
  bgSave(options?: { schedule?: boolean }) { return this.execute(admin.bgSave(options)); }
  bgRewriteAof() { return this.execute(admin.bgRewriteAof()); }
  /** `REPLICAOF host port`: makes the server a replica of that master. */
  replicaOf(host: string, port: number) { return this.execute(admin.replicaOf(host, port)); }
  /** `REPLICAOF NO ONE`: makes a replica a master. */
  replicaOfNoOne() { return this.execute(admin.replicaOfNoOne()); }
  /** `FAILOVER`: hands the master role to a replica without losing writes. */
  failover(options?: FailoverOptions) { return this.execute(admin.failover(options)); }
  moduleList() { return this.execute(admin.moduleList()); }
  moduleLoad(path: string, args?: readonly RedisArg[]) { return this.execute(admin.moduleLoad(path, args)); }
  moduleLoadEx(path: string, options?: { configs?: FieldValues; args?: readonly RedisArg[] }) { return this.execute(admin.moduleLoadEx(path, options)); }
  moduleUnload(name: string) { return this.execute(admin.moduleUnload(name)); }
  // server: diagnostics
  /** `LATENCY DOCTOR`: a report with advice. */
  latencyDoctor() { return this.execute(diagnostics.latencyDoctor()); }
  latencyGraph(event: string) { return this.execute(diagnostics.latencyGraph(event)); }
  /** `LATENCY HISTOGRAM [commands]`: per command, `{ calls, histogramUsec }`. */
  latencyHistogram(commands?: KeyOrKeys) { return this.execute(diagnostics.latencyHistogram(commands)); }
  /** `LATENCY HISTORY event`: `{ timestamp, latencyMs }` per spike. */
  latencyHistory(event: string) { return this.execute(diagnostics.latencyHistory(event)); }
  /** `LATENCY LATEST`: `{ event, timestamp, latestMs, maxMs }` per event. */
  latencyLatest() { return this.execute(diagnostics.latencyLatest()); }
  /** `LATENCY RESET [events]`: how many event series were reset. */
  latencyReset(events?: KeyOrKeys) { return this.execute(diagnostics.latencyReset(events)); }
  memoryDoctor() { return this.execute(diagnostics.memoryDoctor()); }
  memoryMallocStats() { return this.execute(diagnostics.memoryMallocStats()); }
  memoryPurge() { return this.execute(diagnostics.memoryPurge()); }
  /** `MEMORY STATS`: numbers by field name, databases as nested records. */
  memoryStats() { return this.execute(diagnostics.memoryStats()); }
  /** `SLOWLOG GET [count]`: `{ id, timestamp, durationUs, args, clientAddress, clientName }`, newest first. */
  slowlogGet(count?: number) { return this.execute(diagnostics.slowlogGet(count)); }
  slowlogLen() { return this.execute(diagnostics.slowlogLen()); }
  slowlogReset() { return this.execute(diagnostics.slowlogReset()); }
  lolwut(version?: number) { return this.execute(diagnostics.lolwut(version)); }
  // server: commands
  commandCount() { return this.execute(introspection.commandCount()); }
  /** `COMMAND DOCS [names]`: documentation by command name. */
  commandDocs(names?: KeyOrKeys) { return this.execute(introspection.commandDocs(names)); }
  /** `COMMAND GETKEYS command…`: the keys of a full command. */
  commandGetKeys(command: readonly RedisArg[]) { return this.execute(introspection.commandGetKeys(command)); }
  commandGetKeysAndFlags(command: readonly RedisArg[]) { return this.execute(introspection.commandGetKeysAndFlags(command)); }
  /** `COMMAND INFO [names]`: arity, flags, keys, ACL categories (null for unknown names; all without names). */
  commandInfo(names?: KeyOrKeys) { return this.execute(introspection.commandInfo(names)); }
  /** `COMMAND LIST [FILTERBY …]`: command names. */
  commandList(filter?: CommandListFilter) { return this.execute(introspection.commandList(filter)); }
  // acl
  /** `ACL CAT [category]`: the categories, or one category's commands. */
  aclCat(category?: string) { return this.execute(acl.aclCat(category)); }
  /** `ACL DELUSER`: how many users were deleted. */
  aclDelUser(usernames: KeyOrKeys) { return this.execute(acl.aclDelUser(usernames)); }
  /** `ACL DRYRUN`: `'OK'`, or why the user could not run the command. */
  aclDryRun(username: RedisArg, command: readonly RedisArg[]) { return this.execute(acl.aclDryRun(username, command)); }
  aclGenPass(bits?: number) { return this.execute(acl.aclGenPass(bits)); }
  /** `ACL GETUSER`: `{ flags, passwords, commands, keys, channels, selectors }`, or null. */
  aclGetUser(username: RedisArg) { return this.execute(acl.aclGetUser(username)); }
  aclList() { return this.execute(acl.aclList()); }
  aclLoad() { return this.execute(acl.aclLoad()); }
  /** `ACL LOG [count]`: the latest refusals, newest first. */
  aclLog(count?: number) { return this.execute(acl.aclLog(count)); }
  aclLogReset() { return this.execute(acl.aclLogReset()); }
  aclSave() { return this.execute(acl.aclSave()); }
  /** `ACL SETUSER username rules…`: creates or changes a user. */
  aclSetUser(username: RedisArg, rules?: KeyOrKeys) { return this.execute(acl.aclSetUser(username, rules)); }
  aclUsers() { return this.execute(acl.aclUsers()); }
  aclWhoAmI() { return this.execute(acl.aclWhoAmI()); }
  // cluster (on the cluster client: see the README for where each goes)
  /** `CLUSTER INFO`: state and counters, values as strings. */
  clusterInfo() { return this.execute(cluster.clusterInfo()); }
  /** `CLUSTER NODES`: every known node, parsed. */
  clusterNodes() { return this.execute(cluster.clusterNodes()); }
  /** `CLUSTER SHARDS`: `{ slots, nodes }` per shard. */
  clusterShards() { return this.execute(cluster.clusterShards()); }
  /** `CLUSTER SLOTS`: `{ start, end, master, replicas }` per range. */
  clusterSlots() { return this.execute(cluster.clusterSlots()); }
  clusterKeySlot(key: RedisArg) { return this.execute(cluster.clusterKeySlot(key)); }
  /** `CLUSTER REPLICAS nodeId`: the master's replicas, parsed as CLUSTER NODES entries. */
  clusterReplicas(nodeId: string) { return this.execute(cluster.clusterReplicas(nodeId)); }
  /** `CLUSTER COUNTKEYSINSLOT`: keys in the slot (a cluster asks the slot's node). */
  clusterCountKeysInSlot(slot: Slot) { return this.execute(cluster.clusterCountKeysInSlot(slot)); }
  clusterGetKeysInSlot(slot: Slot, count: number) { return this.execute(cluster.clusterGetKeysInSlot(slot, count)); }
  clusterMyId() { return this.execute(cluster.clusterMyId()); }
  clusterMyShardId() { return this.execute(cluster.clusterMyShardId()); }
  clusterLinks() { return this.execute(cluster.clusterLinks()); }
  clusterCountFailureReports(nodeId: string) { return this.execute(cluster.clusterCountFailureReports(nodeId)); }
  clusterAddSlots(slots: Slot | readonly Slot[]) { return this.execute(cluster.clusterAddSlots(slots)); }
  clusterAddSlotsRange(ranges: SlotRange | readonly SlotRange[]) { return this.execute(cluster.clusterAddSlotsRange(ranges)); }
  clusterDelSlots(slots: Slot | readonly Slot[]) { return this.execute(cluster.clusterDelSlots(slots)); }
  clusterDelSlotsRange(ranges: SlotRange | readonly SlotRange[]) { return this.execute(cluster.clusterDelSlotsRange(ranges)); }
  clusterFlushSlots() { return this.execute(cluster.clusterFlushSlots()); }
  clusterFailover(mode?: 'FORCE' | 'TAKEOVER') { return this.execute(cluster.clusterFailover(mode)); }
  clusterForget(nodeId: string) { return this.execute(cluster.clusterForget(nodeId)); }
  clusterMeet(host: string, port: number, busPort?: number) { return this.execute(cluster.clusterMeet(host, port, busPort)); }
  clusterReplicate(nodeId: string) { return this.execute(cluster.clusterReplicate(nodeId)); }
  clusterReset(mode?: 'HARD' | 'SOFT') { return this.execute(cluster.clusterReset(mode)); }
  clusterSaveConfig() { return this.execute(cluster.clusterSaveConfig()); }
  /** `CLUSTER SETSLOT slot IMPORTING|MIGRATING|NODE nodeId` or `STABLE`. */
  clusterSetSlot(slot: Slot, state: 'IMPORTING' | 'MIGRATING' | 'NODE' | 'STABLE', nodeId?: string) { return this.execute(cluster.clusterSetSlot(slot, state, nodeId)); }
  /** `CLUSTER BUMPEPOCH`: `{ bumped, epoch }`. */
  clusterBumpEpoch() { return this.execute(cluster.clusterBumpEpoch()); }
  clusterSetConfigEpoch(epoch: number | bigint) { return this.execute(cluster.clusterSetConfigEpoch(epoch)); }
  // pubsub
  /** `PUBLISH`: how many subscribers received the message (on this node). */
  publish(channel: RedisArg, message: RedisArg) { return this.execute(pubsub.publish(channel, message)); }
  /** `SPUBLISH`: publishes to a shard channel (routed by the channel's slot in a cluster). */
  sPublish(shardChannel: RedisArg, message: RedisArg) { return this.execute(pubsub.sPublish(shardChannel, message)); }
  /** `PUBSUB CHANNELS [pattern]`: channels with at least one subscriber. */
  pubsubChannels(pattern?: string) { return this.execute(pubsub.pubsubChannels(pattern)); }
  /** `PUBSUB NUMSUB channels`: subscriber count per channel. */
  pubsubNumSub(channels: KeyOrKeys) { return this.execute(pubsub.pubsubNumSub(channels)); }
  /** `PUBSUB NUMPAT`: how many pattern subscriptions exist. */
  pubsubNumPat() { return this.execute(pubsub.pubsubNumPat()); }
  pubsubShardChannels(pattern?: string) { return this.execute(pubsub.pubsubShardChannels(pattern)); }
  pubsubShardNumSub(shardChannels: KeyOrKeys) { return this.execute(pubsub.pubsubShardNumSub(shardChannels)); }
}

// Installed once: counts each call's arguments and names the method in argument errors (see method-guard.ts).
guardMethods(CommandSet.prototype, ['execute']);
