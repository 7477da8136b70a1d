/** Generic key commands: existence, expiry, renaming, SCAN pages, DUMP/RESTORE. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  NONE,
  READONLY,
  READ_BUFFERS,
  READ_CACHEABLE,
  KEY_SCAN_OPTIONS,
  checkOptions,
  integer,
  invalid,
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
