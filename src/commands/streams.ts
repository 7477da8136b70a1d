/**
 * Stream commands. XREAD/XREADGROUP block (and are flagged BLOCKING) only when `block` is given,
 * in milliseconds as Redis takes it. RESP3 answers XREAD with a Map, RESP2 with pairs; both
 * become `[{ name, messages }]` in the order the server sent.
 */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  BLOCKING,
  READ_BLOCKING,
  NONE,
  READONLY,
  checkOptions,
  checkShape,
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
import { asString, toArray, toBoolean, toNumber, toRecord, toStringArray } from './decoders.js';

/** One stream entry. `message` is null for an entry deleted while still pending (XREADGROUP history). */
export interface StreamMessage<M = Record<string, string>> {
  id: string;
  message: M;
}

/** Entries read from one stream. */
export interface StreamMessages<M = Record<string, string>> {
  name: string;
  messages: StreamMessage<M>[];
}

/** A stream to read and the id to read after (`'0'` for all, `'$'` for new ones, `'>'` for a group's undelivered). */
export interface StreamRead {
  key: RedisArg;
  id: RedisArg;
}

export interface XReadOptions {
  count?: number;
  /** Wait up to this many ms for data (0 = forever). Makes the command blocking. */
  block?: number;
}

export interface XReadGroupOptions extends XReadOptions {
  /** Do not add the delivered messages to the pending list. */
  noAck?: boolean;
}

/** Trimming for XADD and XTRIM: keep at most `threshold` entries (MAXLEN) or none below an id (MINID). */
export interface StreamTrim {
  strategy: 'MAXLEN' | 'MINID';
  threshold: number | string;
  /** `~`: trim lazily, whole macro nodes at a time (faster). */
  approximate?: boolean;
  /** With `approximate`: evict at most this many entries per call. */
  limit?: number;
}

export interface XAddOptions {
  /** Do not create the stream when missing (the reply is then null). */
  noMkStream?: boolean;
  trim?: StreamTrim;
}

export interface XPendingSummary {
  count: number;
  minId: string | null;
  maxId: string | null;
  consumers: { name: string; count: number }[];
}

export interface XPendingEntry {
  id: string;
  consumer: string;
  /** Milliseconds since the entry was last delivered. */
  idleMs: number;
  /** How many times it was delivered. */
  deliveries: number;
}

export interface XPendingRangeOptions {
  /** Only entries idle at least this many ms. */
  idle?: number;
  consumer?: RedisArg;
}

export interface XClaimOptions {
  /** Set the idle time (ms) instead of resetting it to 0. */
  idle?: number;
  /** Set the last delivery time (unix ms). */
  time?: number;
  retryCount?: number;
  /** Claim even ids that are not pending (they must exist). */
  force?: boolean;
}

export interface XAutoClaimResult {
  /** Where the next call should start; `'0-0'` when the scan is complete. */
  nextId: string;
  messages: StreamMessage[];
  /** Pending ids that no longer exist in the stream (removed from the pending list). */
  deletedIds: string[];
}

const XADD_OPTIONS = optionKeys(['trim'], ['noMkStream']);
const TRIM_KEYS = optionKeys(['strategy', 'threshold', 'limit'], ['approximate']);
const COUNT_OPTIONS = optionKeys(['count']);
const XREAD_OPTIONS = optionKeys(['count', 'block']);
const XREADGROUP_OPTIONS = optionKeys(['count', 'block'], ['noAck']);
const STREAM_READ_KEYS = optionKeys(['key', 'id']);
const XGROUP_CREATE_OPTIONS = optionKeys(['entriesRead'], ['mkStream']);
const XPENDING_OPTIONS = optionKeys(['idle', 'consumer']);
const XCLAIM_OPTIONS = optionKeys(['idle', 'time', 'retryCount'], ['force']);

/** `XADD key id fields`: the entry's id (`'*'` lets the server choose), or null with `noMkStream` when there is no stream. */
export function xAdd(key: RedisArg, id: RedisArg, message: FieldValues, options?: XAddOptions): Command<string | null> {
  checkOptions('xAdd', options, XADD_OPTIONS);
  const args: RedisArg[] = ['XADD', key];
  if (options?.noMkStream === true) args.push('NOMKSTREAM');
  if (options?.trim !== undefined) pushTrim(args, options.trim, 'xAdd', 'options.trim');
  args.push(id);
  pushFieldValues(args, message, 'xAdd message');
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

function pushTrim(args: RedisArg[], trim: StreamTrim, method: string, label: string): void {
  const name = `${method} ${label}`;
  if (trim === null || typeof trim !== 'object') invalid(name, "{ strategy: 'MAXLEN' | 'MINID', threshold }", trim);
  checkShape(method, trim, TRIM_KEYS, label);
  args.push(oneOf(`${name}.strategy`, trim.strategy, ['MAXLEN', 'MINID']));
  if (trim.approximate === true) args.push('~');
  if (trim.strategy === 'MAXLEN') args.push(integer(`${name}.threshold`, trim.threshold as number, 0));
  else args.push(trim.threshold);
  if (trim.limit !== undefined) {
    if (trim.approximate !== true) invalid(`${name}.limit`, 'used with approximate: true', trim.limit);
    args.push('LIMIT', integer(`${name}.limit`, trim.limit, 0));
  }
}

/** `XTRIM`: how many entries were removed. */
export function xTrim(key: RedisArg, trim: StreamTrim): Command<number> {
  const args: RedisArg[] = ['XTRIM', key];
  pushTrim(args, trim, 'xTrim', 'trim');
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

export function xLen(key: RedisArg): Command<number> {
  return { args: ['XLEN', key], decode: undefined, flags: READONLY, keys: [key] };
}

/** `XDEL`: how many entries were deleted. */
export function xDel(key: RedisArg, ids: KeyOrKeys): Command<number> {
  const args: RedisArg[] = ['XDEL', key];
  pushValues(args, ids, 'xDel ids');
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

/** `XRANGE key start end`: entries in id order (`'-'` and `'+'` for the ends; `'(id'` excludes). */
export function xRange(
  key: RedisArg,
  start: RedisArg,
  end: RedisArg,
  options?: { count?: number },
): Command<StreamMessage[]> {
  checkOptions('xRange', options, COUNT_OPTIONS);
  const args: RedisArg[] = ['XRANGE', key, start, end];
  if (options?.count !== undefined) args.push('COUNT', integer('xRange options.count', options.count, 0));
  return { args, decode: decodeMessages, flags: READONLY, keys: [key] };
}

/** `XREVRANGE key end start`: newest first. */
export function xRevRange(
  key: RedisArg,
  end: RedisArg,
  start: RedisArg,
  options?: { count?: number },
): Command<StreamMessage[]> {
  checkOptions('xRevRange', options, COUNT_OPTIONS);
  const args: RedisArg[] = ['XREVRANGE', key, end, start];
  if (options?.count !== undefined) args.push('COUNT', integer('xRevRange options.count', options.count, 0));
  return { args, decode: decodeMessages, flags: READONLY, keys: [key] };
}

function pushStreams(
  args: RedisArg[],
  streams: StreamRead | readonly StreamRead[],
  method: string,
  name: string,
): RedisArg[] {
  const list: readonly StreamRead[] = Array.isArray(streams) ? streams : [streams as StreamRead];
  if (list.length === 0) invalid(name, 'a non-empty list of { key, id }', streams);
  const keys = new Array<RedisArg>(list.length);
  args.push('STREAMS');
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if (s === undefined || s === null || typeof s !== 'object') invalid(name, 'a list of { key, id }', streams);
    checkShape(method, s, STREAM_READ_KEYS, Array.isArray(streams) ? `streams[${i}]` : 'streams');
    keys[i] = s.key;
    args.push(s.key);
  }
  for (let i = 0; i < list.length; i++) args.push(list[i]!.id);
  return keys;
}

function readCommand(args: RedisArg[], options: XReadOptions | undefined, label: string): number | undefined {
  if (options?.count !== undefined) args.push('COUNT', integer(`${label} options.count`, options.count, 1));
  if (options?.block === undefined) return undefined;
  const block = timeoutMs(`${label} options.block`, options.block);
  args.push('BLOCK', block);
  return block;
}

/** `XREAD`: new entries per stream, or null when there are none (after waiting `block` ms if given). */
export function xRead(
  streams: StreamRead | readonly StreamRead[],
  options?: XReadOptions,
): Command<StreamMessages[] | null> {
  checkOptions('xRead', options, XREAD_OPTIONS);
  const args: RedisArg[] = ['XREAD'];
  const blockMs = readCommand(args, options, 'xRead');
  const keys = pushStreams(args, streams, 'xRead', 'xRead streams');
  if (blockMs === undefined) return { args, decode: decodeStreams, flags: READONLY, keys };
  return { args, decode: decodeStreams, flags: READ_BLOCKING, blockMs, keys };
}

/** `XREADGROUP GROUP group consumer`: entries for this consumer (`id: '>'` for new ones); null when none. */
export function xReadGroup(
  group: RedisArg,
  consumer: RedisArg,
  streams: StreamRead | readonly StreamRead[],
  options?: XReadGroupOptions,
): Command<StreamMessages<Record<string, string> | null>[] | null> {
  checkOptions('xReadGroup', options, XREADGROUP_OPTIONS);
  const args: RedisArg[] = ['XREADGROUP', 'GROUP', group, consumer];
  const blockMs = readCommand(args, options, 'xReadGroup');
  if (options?.noAck === true) args.push('NOACK');
  const keys = pushStreams(args, streams, 'xReadGroup', 'xReadGroup streams');
  const decode = decodeStreams as (reply: RespValue) => StreamMessages<Record<string, string> | null>[] | null;
  if (blockMs === undefined) return { args, decode, flags: NONE, keys };
  return { args, decode, flags: BLOCKING, blockMs, keys };
}

/** `XGROUP CREATE key group id`: `id` `'$'` for new entries only, `'0'` for all. */
export function xGroupCreate(
  key: RedisArg,
  group: RedisArg,
  id: RedisArg,
  options?: { mkStream?: boolean; entriesRead?: number },
): Command<'OK'> {
  checkOptions('xGroupCreate', options, XGROUP_CREATE_OPTIONS);
  const args: RedisArg[] = ['XGROUP', 'CREATE', key, group, id];
  if (options?.mkStream === true) args.push('MKSTREAM');
  if (options?.entriesRead !== undefined)
    args.push('ENTRIESREAD', integer('xGroupCreate options.entriesRead', options.entriesRead));
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

/** `XGROUP DESTROY`: true when the group existed. */
export function xGroupDestroy(key: RedisArg, group: RedisArg): Command<boolean> {
  return { args: ['XGROUP', 'DESTROY', key, group], decode: toBoolean, flags: NONE, keys: [key] };
}

/** `XGROUP CREATECONSUMER`: true when created. */
export function xGroupCreateConsumer(key: RedisArg, group: RedisArg, consumer: RedisArg): Command<boolean> {
  return { args: ['XGROUP', 'CREATECONSUMER', key, group, consumer], decode: toBoolean, flags: NONE, keys: [key] };
}

/** `XGROUP DELCONSUMER`: how many pending entries the consumer had. */
export function xGroupDelConsumer(key: RedisArg, group: RedisArg, consumer: RedisArg): Command<number> {
  return { args: ['XGROUP', 'DELCONSUMER', key, group, consumer], decode: undefined, flags: NONE, keys: [key] };
}

export function xGroupSetId(key: RedisArg, group: RedisArg, id: RedisArg): Command<'OK'> {
  return { args: ['XGROUP', 'SETID', key, group, id], decode: undefined, flags: NONE, keys: [key] };
}

/** `XACK`: how many entries were acknowledged. */
export function xAck(key: RedisArg, group: RedisArg, ids: KeyOrKeys): Command<number> {
  const args: RedisArg[] = ['XACK', key, group];
  pushValues(args, ids, 'xAck ids');
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

/** `XPENDING key group`: the summary form. */
export function xPending(key: RedisArg, group: RedisArg): Command<XPendingSummary> {
  return { args: ['XPENDING', key, group], decode: decodePendingSummary, flags: READONLY, keys: [key] };
}

/** `XPENDING key group [IDLE ms] start end count [consumer]`: the extended form. */
export function xPendingRange(
  key: RedisArg,
  group: RedisArg,
  start: RedisArg,
  end: RedisArg,
  count: number,
  options?: XPendingRangeOptions,
): Command<XPendingEntry[]> {
  checkOptions('xPendingRange', options, XPENDING_OPTIONS);
  const args: RedisArg[] = ['XPENDING', key, group];
  if (options?.idle !== undefined) args.push('IDLE', integer('xPendingRange options.idle', options.idle, 0));
  args.push(start, end, integer('xPendingRange count', count, 0));
  if (options?.consumer !== undefined) args.push(options.consumer);
  return { args, decode: decodePendingEntries, flags: READONLY, keys: [key] };
}

function claimArgs(
  method: string,
  key: RedisArg,
  group: RedisArg,
  consumer: RedisArg,
  minIdleMs: number,
  ids: KeyOrKeys,
  options: XClaimOptions | undefined,
): RedisArg[] {
  checkOptions(method, options, XCLAIM_OPTIONS);
  const args: RedisArg[] = ['XCLAIM', key, group, consumer, integer('xClaim minIdleMs', minIdleMs, 0)];
  pushValues(args, ids, 'xClaim ids');
  if (options !== undefined) {
    if (options.idle !== undefined) args.push('IDLE', integer('xClaim options.idle', options.idle, 0));
    if (options.time !== undefined) args.push('TIME', integer('xClaim options.time', options.time, 0));
    if (options.retryCount !== undefined)
      args.push('RETRYCOUNT', integer('xClaim options.retryCount', options.retryCount, 0));
    if (options.force === true) args.push('FORCE');
  }
  return args;
}

/** `XCLAIM`: takes over pending entries idle at least `minIdleMs`; the claimed entries. */
export function xClaim(
  key: RedisArg,
  group: RedisArg,
  consumer: RedisArg,
  minIdleMs: number,
  ids: KeyOrKeys,
  options?: XClaimOptions,
): Command<StreamMessage[]> {
  const args = claimArgs('xClaim', key, group, consumer, minIdleMs, ids, options);
  return { args, decode: decodeMessages, flags: NONE, keys: [key] };
}

/** `XCLAIM … JUSTID`: the claimed ids only (does not count as a delivery). */
export function xClaimJustId(
  key: RedisArg,
  group: RedisArg,
  consumer: RedisArg,
  minIdleMs: number,
  ids: KeyOrKeys,
  options?: XClaimOptions,
): Command<string[]> {
  const args = claimArgs('xClaimJustId', key, group, consumer, minIdleMs, ids, options);
  args.push('JUSTID');
  return { args, decode: toStringArray, flags: NONE, keys: [key] };
}

/** `XAUTOCLAIM`: claims entries idle at least `minIdleMs`, scanning from `start` (`'0-0'`). */
export function xAutoClaim(
  key: RedisArg,
  group: RedisArg,
  consumer: RedisArg,
  minIdleMs: number,
  start: RedisArg,
  options?: { count?: number },
): Command<XAutoClaimResult> {
  checkOptions('xAutoClaim', options, COUNT_OPTIONS);
  const args: RedisArg[] = ['XAUTOCLAIM', key, group, consumer, integer('xAutoClaim minIdleMs', minIdleMs, 0), start];
  if (options?.count !== undefined) args.push('COUNT', integer('xAutoClaim options.count', options.count, 1));
  return { args, decode: decodeAutoClaim, flags: NONE, keys: [key] };
}

// ---- decoders ----

/** `[[id, [f, v, …]], …]` → messages. A null field list (deleted entry) stays null. */
function decodeMessages(reply: RespValue): StreamMessage[] {
  const list = toArray(reply);
  const out: StreamMessage[] = [];
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    if (entry === null || !Array.isArray(entry)) continue; // XCLAIM before 7.0: nil for a deleted entry
    const fields = entry[1] ?? null;
    out.push({
      id: asString(entry[0] ?? ''),
      message: (fields === null ? null : toRecord(fields)) as Record<string, string>,
    });
  }
  return out;
}

/** RESP2 `[[name, messages], …]` or RESP3 Map name → messages; null when nothing was read. */
function decodeStreams(reply: RespValue): StreamMessages[] | null {
  if (reply === null) return null;
  const out: StreamMessages[] = [];
  if (reply instanceof Map) {
    for (const [name, messages] of reply) out.push({ name: asString(name), messages: decodeMessages(messages) });
    return out;
  }
  const list = toArray(reply);
  for (let i = 0; i < list.length; i++) {
    const pair = toArray(list[i] ?? null);
    out.push({ name: asString(pair[0] ?? ''), messages: decodeMessages(pair[1] ?? null) });
  }
  return out;
}

function decodePendingSummary(reply: RespValue): XPendingSummary {
  const parts = toArray(reply);
  const rows = toArray(parts[3] ?? null);
  const consumers = new Array<{ name: string; count: number }>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = toArray(rows[i] ?? null);
    consumers[i] = { name: asString(row[0] ?? ''), count: toNumber(row[1] ?? null) };
  }
  const minId = parts[1] ?? null;
  const maxId = parts[2] ?? null;
  return {
    count: toNumber(parts[0] ?? 0),
    minId: minId === null ? null : asString(minId),
    maxId: maxId === null ? null : asString(maxId),
    consumers,
  };
}

function decodePendingEntries(reply: RespValue): XPendingEntry[] {
  const list = toArray(reply);
  const out = new Array<XPendingEntry>(list.length);
  for (let i = 0; i < list.length; i++) {
    const row = toArray(list[i] ?? null);
    out[i] = {
      id: asString(row[0] ?? ''),
      consumer: asString(row[1] ?? ''),
      idleMs: toNumber(row[2] ?? null),
      deliveries: toNumber(row[3] ?? null),
    };
  }
  return out;
}

/** `[next, messages, deletedIds]` (Redis ≥ 7; 6.2 sends no third element). */
function decodeAutoClaim(reply: RespValue): XAutoClaimResult {
  const parts = toArray(reply);
  return {
    nextId: asString(parts[0] ?? '0-0'),
    messages: decodeMessages(parts[1] ?? null),
    deletedIds: toStringArray(parts[2] ?? null),
  };
}

// ---- XINFO and XSETID ----

/** The counters `XINFO STREAM` reports with and without FULL. */
export interface XInfoStreamCounters {
  length: number;
  radixTreeKeys: number;
  radixTreeNodes: number;
  lastGeneratedId: string;
  /** The highest id deleted (Redis ≥ 7.0; null before). */
  maxDeletedEntryId: string | null;
  /** Entries ever added (Redis ≥ 7.0; null before). */
  entriesAdded: number | null;
  /** Redis ≥ 7.0; null before. */
  recordedFirstEntryId: string | null;
}

/** `XINFO STREAM key`: the stream's counters and its first and last entries. */
export interface XInfoStream extends XInfoStreamCounters {
  /** How many consumer groups. */
  groups: number;
  firstEntry: StreamMessage | null;
  lastEntry: StreamMessage | null;
}

/** `XINFO STREAM key FULL`: the counters, the entries and every group with its pending entries and consumers. */
export interface XInfoStreamFull extends XInfoStreamCounters {
  entries: StreamMessage[];
  groups: XInfoStreamFullGroup[];
}

export interface XInfoStreamFullGroup {
  name: string;
  lastDeliveredId: string;
  /** Redis ≥ 7.0; null before, or when the server cannot tell. */
  entriesRead: number | null;
  /** Entries not yet delivered to the group; null when the server cannot tell (Redis ≥ 7.0). */
  lag: number | null;
  pelCount: number;
  pending: { id: string; consumer: string; deliveryTime: number; deliveryCount: number }[];
  consumers: XInfoStreamFullConsumer[];
}

export interface XInfoStreamFullConsumer {
  name: string;
  /** Unix ms of the consumer's last attempted interaction. */
  seenTime: number;
  /** Unix ms of its last successful interaction (Redis ≥ 7.2; null before). */
  activeTime: number | null;
  pelCount: number;
  pending: { id: string; deliveryTime: number; deliveryCount: number }[];
}

/** `XINFO GROUPS key`: one record per consumer group. */
export interface XInfoGroup {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  /** Redis ≥ 7.0; null before, or when the server cannot tell. */
  entriesRead: number | null;
  /** Redis ≥ 7.0; null before, or when the server cannot tell. */
  lag: number | null;
}

/** `XINFO CONSUMERS key group`: one record per consumer. */
export interface XInfoConsumer {
  name: string;
  pending: number;
  /** Ms since its last attempted interaction. */
  idle: number;
  /** Ms since its last successful interaction (Redis ≥ 7.2; null before, -1 if it never had one). */
  inactive: number | null;
}

export interface XSetIdOptions {
  /** Entries ever added to the stream (Redis ≥ 7.0). */
  entriesAdded?: number;
  /** The highest id deleted from the stream (Redis ≥ 7.0). */
  maxDeletedId?: RedisArg;
}

const XINFO_FULL_OPTIONS = optionKeys(['count']);
const XSETID_OPTIONS = optionKeys(['entriesAdded', 'maxDeletedId']);

/** `XINFO STREAM key`: counters and the first and last entries. */
export function xInfoStream(key: RedisArg): Command<XInfoStream> {
  return { args: ['XINFO', 'STREAM', key], decode: decodeXInfoStream, flags: READONLY, keys: [key] };
}

/** `XINFO STREAM key FULL [COUNT n]`: everything, at most `count` entries and pending entries (default 10, 0 = all). */
export function xInfoStreamFull(key: RedisArg, options?: { count?: number }): Command<XInfoStreamFull> {
  checkOptions('xInfoStreamFull', options, XINFO_FULL_OPTIONS);
  const args: RedisArg[] = ['XINFO', 'STREAM', key, 'FULL'];
  if (options?.count !== undefined) args.push('COUNT', integer('xInfoStreamFull options.count', options.count, 0));
  return { args, decode: decodeXInfoStreamFull, flags: READONLY, keys: [key] };
}

/** `XINFO GROUPS key`: the stream's consumer groups. */
export function xInfoGroups(key: RedisArg): Command<XInfoGroup[]> {
  return { args: ['XINFO', 'GROUPS', key], decode: decodeXInfoGroups, flags: READONLY, keys: [key] };
}

/** `XINFO CONSUMERS key group`: the group's consumers. */
export function xInfoConsumers(key: RedisArg, group: RedisArg): Command<XInfoConsumer[]> {
  return { args: ['XINFO', 'CONSUMERS', key, group], decode: decodeXInfoConsumers, flags: READONLY, keys: [key] };
}

/** `XSETID key lastId`: sets the stream's last generated id (replication and tooling). */
export function xSetId(key: RedisArg, lastId: RedisArg, options?: XSetIdOptions): Command<'OK'> {
  checkOptions('xSetId', options, XSETID_OPTIONS);
  const args: RedisArg[] = ['XSETID', key, lastId];
  if (options?.entriesAdded !== undefined)
    args.push('ENTRIESADDED', integer('xSetId options.entriesAdded', options.entriesAdded, 0));
  if (options?.maxDeletedId !== undefined) args.push('MAXDELETEDID', options.maxDeletedId);
  return { args, decode: undefined, flags: NONE, keys: [key] };
}

function stringOrNull(value: RespValue | undefined): string | null {
  return value === undefined || value === null ? null : asString(value);
}

function numberOrNull(value: RespValue | undefined): number | null {
  return value === undefined || value === null ? null : toNumber(value);
}

/** One `[id, [f, v, …]]` entry, or null. */
function decodeEntry(value: RespValue | undefined): StreamMessage | null {
  if (value === undefined || value === null) return null;
  return decodeMessages([value])[0] ?? null;
}

function decodeStreamCounters(r: Record<string, RespValue>): XInfoStreamCounters {
  return {
    length: toNumber(r['length'] ?? null),
    radixTreeKeys: toNumber(r['radix-tree-keys'] ?? null),
    radixTreeNodes: toNumber(r['radix-tree-nodes'] ?? null),
    lastGeneratedId: asString(r['last-generated-id'] ?? ''),
    maxDeletedEntryId: stringOrNull(r['max-deleted-entry-id']),
    entriesAdded: numberOrNull(r['entries-added']),
    recordedFirstEntryId: stringOrNull(r['recorded-first-entry-id']),
  };
}

function decodeXInfoStream(reply: RespValue): XInfoStream {
  const r = toRecord(reply);
  return {
    ...decodeStreamCounters(r),
    groups: toNumber(r['groups'] ?? null),
    firstEntry: decodeEntry(r['first-entry']),
    lastEntry: decodeEntry(r['last-entry']),
  };
}

function decodeXInfoStreamFull(reply: RespValue): XInfoStreamFull {
  const r = toRecord(reply);
  return {
    ...decodeStreamCounters(r),
    entries: decodeMessages(r['entries'] ?? null),
    groups: toArray(r['groups'] ?? null).map(decodeFullGroup),
  };
}

function decodeFullGroup(reply: RespValue): XInfoStreamFullGroup {
  const r = toRecord(reply);
  return {
    name: asString(r['name'] ?? ''),
    lastDeliveredId: asString(r['last-delivered-id'] ?? ''),
    entriesRead: numberOrNull(r['entries-read']),
    lag: numberOrNull(r['lag']),
    pelCount: toNumber(r['pel-count'] ?? null),
    pending: toArray(r['pending'] ?? null).map((row) => {
      const [id, consumer, deliveryTime, deliveryCount] = toArray(row);
      return {
        id: asString(id ?? ''),
        consumer: asString(consumer ?? ''),
        deliveryTime: toNumber(deliveryTime ?? null),
        deliveryCount: toNumber(deliveryCount ?? null),
      };
    }),
    consumers: toArray(r['consumers'] ?? null).map(decodeFullConsumer),
  };
}

function decodeFullConsumer(reply: RespValue): XInfoStreamFullConsumer {
  const r = toRecord(reply);
  return {
    name: asString(r['name'] ?? ''),
    seenTime: toNumber(r['seen-time'] ?? null),
    activeTime: numberOrNull(r['active-time']),
    pelCount: toNumber(r['pel-count'] ?? null),
    pending: toArray(r['pending'] ?? null).map((row) => {
      const [id, deliveryTime, deliveryCount] = toArray(row);
      return {
        id: asString(id ?? ''),
        deliveryTime: toNumber(deliveryTime ?? null),
        deliveryCount: toNumber(deliveryCount ?? null),
      };
    }),
  };
}

function decodeXInfoGroups(reply: RespValue): XInfoGroup[] {
  return toArray(reply).map((row) => {
    const r = toRecord(row);
    return {
      name: asString(r['name'] ?? ''),
      consumers: toNumber(r['consumers'] ?? null),
      pending: toNumber(r['pending'] ?? null),
      lastDeliveredId: asString(r['last-delivered-id'] ?? ''),
      entriesRead: numberOrNull(r['entries-read']),
      lag: numberOrNull(r['lag']),
    };
  });
}

function decodeXInfoConsumers(reply: RespValue): XInfoConsumer[] {
  return toArray(reply).map((row) => {
    const r = toRecord(row);
    return {
      name: asString(r['name'] ?? ''),
      pending: toNumber(r['pending'] ?? null),
      idle: toNumber(r['idle'] ?? null),
      inactive: numberOrNull(r['inactive']),
    };
  });
}
