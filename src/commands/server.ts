/** Server and connection commands: PING, INFO, CLIENT *, CONFIG *, DBSIZE, FLUSH*, TIME, WAIT. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  BLOCKING,
  CONNECTION_STATE,
  NONE,
  READONLY,
  checkOptions,
  integer,
  invalid,
  oneOf,
  optionKeys,
  pushFieldValues,
  pushValues,
  timeoutMs,
  type FieldValues,
  type KeyOrKeys,
} from './arguments.js';
import { asString, setField, toArray, toBoolean, toNumber, toNumberArray, toStringRecord } from './decoders.js';
import { mapEntries, stringList } from './reply-records.js';

/** One client connection as CLIENT LIST / CLIENT INFO describe it (`id`, `addr`, `name`, `db`, `cmd`, …), all strings. */
export type ClientInfo = Record<string, string>;

export type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/**
 * CLIENT KILL filters; give at least one. A connection is closed when it matches every filter given.
 * Returns how many clients were killed.
 */
export interface ClientKillFilters {
  /**
   * One client id. A one-element array is accepted; several ids are refused, because one CLIENT KILL
   * cannot name several (Redis keeps only the last `ID` filter): call `clientKill` once per id.
   */
  id?: number | string | readonly [number | string];
  type?: ClientType;
  user?: string;
  /** `ip:port` of the client. */
  addr?: string;
  /** `ip:port` of the server side of the connection. */
  laddr?: string;
  /** Spare the calling connection (default: yes). */
  skipMe?: boolean;
  /** Only clients connected at least this many seconds (Redis ≥ 7.4). */
  maxAge?: number;
}

const CLIENT_LIST_OPTIONS = optionKeys(['type', 'ids']);
const CLIENT_TRACKING_OPTIONS = optionKeys(['redirect', 'prefixes'], ['bcast', 'optIn', 'optOut', 'noLoop']);
const CLIENT_KILL_FILTERS = optionKeys(['id', 'type', 'user', 'addr', 'laddr', 'maxAge'], ['skipMe']);
const MEMORY_USAGE_OPTIONS = optionKeys(['samples']);

/** `PING [message]`: `'PONG'`, or the message. */
export function ping(message?: RedisArg): Command<string> {
  return { args: message === undefined ? ['PING'] : ['PING', message], decode: undefined, flags: READONLY };
}

export function echo(message: RedisArg): Command<string> {
  return { args: ['ECHO', message], decode: undefined, flags: READONLY };
}

/** `INFO [sections]`: the raw text; `parseInfo` turns it into a record. */
export function info(sections?: KeyOrKeys): Command<string> {
  const args: RedisArg[] = ['INFO'];
  if (sections !== undefined) pushValues(args, sections, 'info sections');
  return { args, decode: undefined, flags: READONLY };
}

/** INFO text → `{ field: value }` (section headers and blank lines skipped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) setField(out, line.slice(0, colon), line.slice(colon + 1).trimEnd());
  }
  return out;
}

/** `CLIENT ID`: the id of the connection that ran it. */
export function clientId(): Command<number> {
  // Ids are 64-bit counters: toNumber keeps the declared type even past 2^53.
  return { args: ['CLIENT', 'ID'], decode: toNumber, flags: READONLY };
}

/** `CLIENT LIST [TYPE t] [ID ids]`: one record per connection. */
export function clientList(options?: { type?: ClientType; ids?: readonly (number | string)[] }): Command<ClientInfo[]> {
  checkOptions('clientList', options, CLIENT_LIST_OPTIONS);
  const args: RedisArg[] = ['CLIENT', 'LIST'];
  if (options?.type !== undefined) args.push('TYPE', oneOf('clientList options.type', options.type, CLIENT_TYPES));
  if (options?.ids !== undefined) {
    args.push('ID');
    pushValues(args, options.ids, 'clientList options.ids');
  }
  return { args, decode: decodeClientList, flags: READONLY };
}

/** `CLIENT INFO`: the calling connection's record. */
export function clientInfo(): Command<ClientInfo> {
  return { args: ['CLIENT', 'INFO'], decode: decodeClientInfo, flags: READONLY };
}

const CLIENT_TYPES: readonly ClientType[] = ['normal', 'master', 'replica', 'pubsub'];

/**
 * `CLIENT KILL <filters>`: how many connections were closed. Filters combine with AND. `id` takes one id:
 * to close several connections by id, call once per id (an array of several is refused rather than
 * closing only the last one, which is what Redis does with repeated `ID` filters).
 */
export function clientKill(filters: ClientKillFilters): Command<number> {
  const args: RedisArg[] = ['CLIENT', 'KILL'];
  if (filters === null || typeof filters !== 'object') invalid('clientKill filters', 'an object', filters);
  checkOptions('clientKill', filters, CLIENT_KILL_FILTERS, 'filters');
  if (filters.id !== undefined) {
    let id: unknown = filters.id;
    if (Array.isArray(id)) {
      if (id.length !== 1) {
        invalid(
          'clientKill filters.id',
          'one id (a single CLIENT KILL cannot close several ids; call clientKill once per id)',
          id,
        );
      }
      id = id[0];
    }
    args.push('ID', id as RedisArg);
  }
  if (filters.type !== undefined) args.push('TYPE', oneOf('clientKill filters.type', filters.type, CLIENT_TYPES));
  if (filters.user !== undefined) args.push('USER', filters.user);
  if (filters.addr !== undefined) args.push('ADDR', filters.addr);
  if (filters.laddr !== undefined) args.push('LADDR', filters.laddr);
  if (filters.maxAge !== undefined) args.push('MAXAGE', integer('clientKill filters.maxAge', filters.maxAge, 0));
  if (args.length === 2) invalid('clientKill filters', 'at least one of id, type, user, addr, laddr, maxAge', filters);
  if (filters.skipMe !== undefined) args.push('SKIPME', filters.skipMe ? 'yes' : 'no');
  return { args, decode: undefined, flags: NONE };
}

/** `CLIENT SETNAME`: names the connection. Changes connection state: only on a pinned connection. */
export function clientSetName(name: string): Command<'OK'> {
  if (typeof name !== 'string' || /\s/.test(name)) invalid('clientSetName name', 'a string without spaces', name);
  return { args: ['CLIENT', 'SETNAME', name], decode: undefined, flags: CONNECTION_STATE };
}

export function clientGetName(): Command<string | null> {
  return { args: ['CLIENT', 'GETNAME'], decode: undefined, flags: READONLY };
}

/** CLIENT TRACKINGINFO: the calling connection's tracking mode. */
export interface ClientTrackingInfo {
  /** `['off']`, or `['on', 'bcast', 'optin', 'noloop', 'broken_redirect', …]`. */
  flags: string[];
  /** The client id invalidations go to: 0 (this connection, RESP3), -1 when not tracking. */
  redirect: number;
  /** The prefixes tracked in BCAST mode. */
  prefixes: string[];
}

/** CLIENT TRACKING options (see the Redis docs on client-side caching). */
export interface ClientTrackingOptions {
  /** Send invalidations to this client id (a RESP2 connection subscribed to `__redis__:invalidate`). */
  redirect?: number;
  /** With `bcast`: only keys starting with these prefixes. */
  prefixes?: KeyOrKeys;
  /** Invalidate by prefix for every key written, read or not. */
  bcast?: boolean;
  /** Track only the reads that follow `clientCaching(true)`. */
  optIn?: boolean;
  /** Track every read except those that follow `clientCaching(false)`. */
  optOut?: boolean;
  /** No invalidations for keys this connection itself modified. */
  noLoop?: boolean;
}

/** `CLIENT PAUSE timeoutMs [WRITE|ALL]`: holds the server's clients (writes only, with WRITE) for that long. */
export function clientPause(timeout: number, mode?: 'WRITE' | 'ALL'): Command<'OK'> {
  const args: RedisArg[] = ['CLIENT', 'PAUSE', timeoutMs('clientPause timeout', timeout)];
  if (mode !== undefined) args.push(oneOf('clientPause mode', mode, ['WRITE', 'ALL']));
  return { args, decode: undefined, flags: NONE };
}

/** `CLIENT UNPAUSE`: ends a CLIENT PAUSE early. */
export function clientUnpause(): Command<'OK'> {
  return { args: ['CLIENT', 'UNPAUSE'], decode: undefined, flags: NONE };
}

/**
 * `CLIENT UNBLOCK id [TIMEOUT|ERROR]`: ends the blocking command of another connection, as if it timed out
 * (or with an UNBLOCKED error); true when that connection was blocked.
 */
export function clientUnblock(clientId: number | bigint, mode?: 'TIMEOUT' | 'ERROR'): Command<boolean> {
  const args: RedisArg[] = ['CLIENT', 'UNBLOCK', integer('clientUnblock clientId', clientId, 0)];
  if (mode !== undefined) args.push(oneOf('clientUnblock mode', mode, ['TIMEOUT', 'ERROR']));
  return { args, decode: toBoolean, flags: NONE };
}

/** `CLIENT GETREDIR`: the client id tracking invalidations go to (0: this connection; -1: not tracking). */
export function clientGetRedir(): Command<number> {
  return { args: ['CLIENT', 'GETREDIR'], decode: undefined, flags: READONLY };
}

/** `CLIENT TRACKINGINFO`: the calling connection's tracking mode. */
export function clientTrackingInfo(): Command<ClientTrackingInfo> {
  return { args: ['CLIENT', 'TRACKINGINFO'], decode: decodeTrackingInfo, flags: READONLY };
}

function decodeTrackingInfo(reply: RespValue): ClientTrackingInfo {
  const info: ClientTrackingInfo = { flags: [], redirect: -1, prefixes: [] };
  for (const [field, value] of mapEntries(reply)) {
    if (field === 'flags') info.flags = stringList(value);
    else if (field === 'redirect') info.redirect = toNumber(value);
    else if (field === 'prefixes') info.prefixes = stringList(value);
  }
  return info;
}

// Connection state: these builders' methods exist on pinned connections only (`client.withConn`).

/** `CLIENT NO-EVICT ON|OFF`: spares this connection from client eviction (`maxmemory-clients`). */
export function clientNoEvict(on: boolean): Command<'OK'> {
  return { args: ['CLIENT', 'NO-EVICT', onOff('clientNoEvict on', on)], decode: undefined, flags: CONNECTION_STATE };
}

/** `CLIENT NO-TOUCH ON|OFF` (Redis ≥ 7.2): this connection's reads leave keys' LRU/LFU access time alone. */
export function clientNoTouch(on: boolean): Command<'OK'> {
  return { args: ['CLIENT', 'NO-TOUCH', onOff('clientNoTouch on', on)], decode: undefined, flags: CONNECTION_STATE };
}

/** `CLIENT CACHING YES|NO`: whether the next read is tracked (after `clientTracking` with optIn or optOut). */
export function clientCaching(yes: boolean): Command<'OK'> {
  if (typeof yes !== 'boolean') invalid('clientCaching yes', 'true or false', yes);
  return { args: ['CLIENT', 'CACHING', yes ? 'YES' : 'NO'], decode: undefined, flags: CONNECTION_STATE };
}

/**
 * `CLIENT SETINFO LIB-NAME|LIB-VER value` (Redis ≥ 7.2): the library name or version CLIENT LIST shows for
 * this connection. respool sets both during the handshake.
 */
export function clientSetInfo(attribute: 'LIB-NAME' | 'LIB-VER', value: string): Command<'OK'> {
  const args = [
    'CLIENT',
    'SETINFO',
    oneOf('clientSetInfo attribute', attribute, ['LIB-NAME', 'LIB-VER']),
    printable('clientSetInfo value', value),
  ];
  return { args, decode: undefined, flags: CONNECTION_STATE };
}

/** `CLIENT TRACKING ON|OFF [options]`: server-assisted client-side caching for this connection. */
export function clientTracking(on: boolean, options?: ClientTrackingOptions): Command<'OK'> {
  checkOptions('clientTracking', options, CLIENT_TRACKING_OPTIONS);
  const args: RedisArg[] = ['CLIENT', 'TRACKING', onOff('clientTracking on', on)];
  if (options !== undefined) {
    if (options.optIn === true && options.optOut === true) {
      invalid('clientTracking options', 'at most one of optIn, optOut', options);
    }
    if (options.prefixes !== undefined && options.bcast !== true) {
      invalid(
        'clientTracking options.prefixes',
        'given with bcast: true (Redis tracks prefixes in BCAST mode only)',
        options.prefixes,
      );
    }
    if (options.redirect !== undefined)
      args.push('REDIRECT', integer('clientTracking options.redirect', options.redirect, 0));
    if (options.prefixes !== undefined) {
      const prefixes: RedisArg[] = [];
      pushValues(prefixes, options.prefixes, 'clientTracking options.prefixes');
      for (const prefix of prefixes) args.push('PREFIX', prefix);
    }
    if (options.bcast === true) args.push('BCAST');
    if (options.optIn === true) args.push('OPTIN');
    if (options.optOut === true) args.push('OPTOUT');
    if (options.noLoop === true) args.push('NOLOOP');
  }
  return { args, decode: undefined, flags: CONNECTION_STATE };
}

function onOff(name: string, on: boolean): 'ON' | 'OFF' {
  if (typeof on !== 'boolean') invalid(name, 'true or false', on);
  return on ? 'ON' : 'OFF';
}

/** Printable ASCII without spaces: what Redis accepts in CLIENT SETINFO values. */
function printable(name: string, value: string): string {
  if (typeof value !== 'string' || !/^[!-~]+$/.test(value)) {
    invalid(name, 'a non-empty string of printable ASCII without spaces', value);
  }
  return value;
}

/** `SELECT db`: changes connection state; only on a pinned connection (use the `db` option otherwise). */
export function select(db: number): Command<'OK'> {
  return { args: ['SELECT', integer('select db', db, 0)], decode: undefined, flags: CONNECTION_STATE };
}

/** `DBSIZE`: how many keys the current database holds. */
export function dbSize(): Command<number> {
  return { args: ['DBSIZE'], decode: undefined, flags: READONLY };
}

/** `FLUSHDB`: deletes every key of the current database. */
export function flushDb(mode?: 'ASYNC' | 'SYNC'): Command<'OK'> {
  const args: RedisArg[] = ['FLUSHDB'];
  if (mode !== undefined) args.push(oneOf('flushDb mode', mode, ['ASYNC', 'SYNC']));
  return { args, decode: undefined, flags: NONE };
}

/** `FLUSHALL`: deletes every key of every database. */
export function flushAll(mode?: 'ASYNC' | 'SYNC'): Command<'OK'> {
  const args: RedisArg[] = ['FLUSHALL'];
  if (mode !== undefined) args.push(oneOf('flushAll mode', mode, ['ASYNC', 'SYNC']));
  return { args, decode: undefined, flags: NONE };
}

/** `TIME`: the server's clock as `[unixSeconds, microseconds]`. */
export function time(): Command<[seconds: number, microseconds: number]> {
  return { args: ['TIME'], decode: decodeTime, flags: READONLY };
}

function decodeTime(reply: RespValue): [number, number] {
  const pair = toArray(reply);
  return [toNumber(pair[0] ?? null), toNumber(pair[1] ?? null)];
}

/** `CONFIG GET`: matching parameters (globs allowed) as a record. */
export function configGet(parameters: KeyOrKeys): Command<Record<string, string>> {
  const args: RedisArg[] = ['CONFIG', 'GET'];
  pushValues(args, parameters, 'configGet parameters');
  return { args, decode: toStringRecord, flags: READONLY };
}

/** `CONFIG SET`: one parameter and value, or several from a record, Map or pairs. */
export function configSet(parameterOrParameters: string | FieldValues, value?: RedisArg): Command<'OK'> {
  const args: RedisArg[] = ['CONFIG', 'SET'];
  if (typeof parameterOrParameters === 'string') {
    if (value === undefined) invalid('configSet value', 'given with a single parameter', value);
    args.push(parameterOrParameters, value);
  } else {
    pushFieldValues(args, parameterOrParameters, 'configSet parameters');
  }
  return { args, decode: undefined, flags: NONE };
}

export function configResetStat(): Command<'OK'> {
  return { args: ['CONFIG', 'RESETSTAT'], decode: undefined, flags: NONE };
}

/** `CONFIG REWRITE`: writes the running configuration back to the server's config file. */
export function configRewrite(): Command<'OK'> {
  return { args: ['CONFIG', 'REWRITE'], decode: undefined, flags: NONE };
}

/** `WAIT numReplicas timeoutMs`: how many replicas acknowledged earlier writes (0 ms waits forever). */
export function wait(numReplicas: number, timeout: number): Command<number> {
  const blockMs = timeoutMs('wait timeout', timeout);
  return {
    args: ['WAIT', integer('wait numReplicas', numReplicas, 0), blockMs],
    decode: undefined,
    flags: BLOCKING,
    blockMs,
  };
}

/** `WAITAOF numLocal numReplicas timeoutMs` (Redis ≥ 7.2): `[local fsyncs, replica fsyncs]`. */
export function waitAof(
  numLocal: number,
  numReplicas: number,
  timeout: number,
): Command<[local: number, replicas: number]> {
  const blockMs = timeoutMs('waitAof timeout', timeout);
  const args = [
    'WAITAOF',
    integer('waitAof numLocal', numLocal, 0),
    integer('waitAof numReplicas', numReplicas, 0),
    blockMs,
  ];
  return { args, decode: toNumberArray as (reply: RespValue) => [number, number], flags: BLOCKING, blockMs };
}

/** `LASTSAVE`: unix time of the last successful save. */
export function lastSave(): Command<number> {
  return { args: ['LASTSAVE'], decode: undefined, flags: READONLY };
}

/** `MEMORY USAGE key`: bytes used by the key and its value, or null. */
export function memoryUsage(key: RedisArg, options?: { samples?: number }): Command<number | null> {
  checkOptions('memoryUsage', options, MEMORY_USAGE_OPTIONS);
  const args: RedisArg[] = ['MEMORY', 'USAGE', key];
  if (options?.samples !== undefined) args.push('SAMPLES', integer('memoryUsage options.samples', options.samples, 0));
  return { args, decode: undefined, flags: READONLY, keys: [key] };
}

/** CLIENT LIST text (one `k=v k=v` line per client) → records. */
export function parseClientList(text: string): ClientInfo[] {
  const out: ClientInfo[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.length > 0) out.push(parseClientLine(trimmed));
  }
  return out;
}

function parseClientLine(line: string): ClientInfo {
  const record: ClientInfo = {};
  for (const part of line.split(' ')) {
    const eq = part.indexOf('=');
    if (eq > 0) setField(record, part.slice(0, eq), part.slice(eq + 1));
  }
  return record;
}

function decodeClientList(reply: RespValue): ClientInfo[] {
  return parseClientList(asString(reply ?? ''));
}

function decodeClientInfo(reply: RespValue): ClientInfo {
  return parseClientLine(asString(reply ?? '').trim());
}
