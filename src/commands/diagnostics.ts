/** What a server says about its own health: LATENCY, MEMORY, SLOWLOG, and LOLWUT. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import { NONE, READONLY, integer, pushValues, type KeyOrKeys } from './arguments.js';
import { asString, setField, toArray, toNumber } from './decoders.js';
import { mapEntries, stringList } from './reply-records.js';

/** LATENCY LATEST: the latest and worst spike of one event (`'command'`, `'fork'`, `'aof-fsync-always'`…). */
export interface LatencyEvent {
  event: string;
  /** Unix seconds of the latest spike. */
  timestamp: number;
  latestMs: number;
  maxMs: number;
}

/** LATENCY HISTORY: one spike. */
export interface LatencySample {
  /** Unix seconds. */
  timestamp: number;
  latencyMs: number;
}

/** LATENCY HISTOGRAM: one command's calls and their latency distribution. */
export interface LatencyHistogram {
  calls: number;
  /** Calls per bucket, keyed by the bucket's upper bound in microseconds (powers of two). */
  histogramUsec: Record<string, number>;
}

/**
 * MEMORY STATS: numbers by Redis's field names (`'used.memory'`… `'dataset.percentage'`, ratios as floats);
 * each non-empty database as a record of its own (`'db.0': { 'overhead.hashtable.main': 72, … }`).
 */
export type MemoryStats = Record<string, number | Record<string, number>>;

/** SLOWLOG GET: one command that ran longer than `slowlog-log-slower-than`. */
export interface SlowlogEntry {
  id: number;
  /** Unix seconds when it ran. */
  timestamp: number;
  /** How long it ran, in microseconds. */
  durationUs: number;
  /** The command and its arguments (long ones are cut by the server). */
  args: string[];
  /** `ip:port` of the client. */
  clientAddress: string;
  clientName: string;
}

/** `LATENCY DOCTOR`: a human-readable report and advice. */
export function latencyDoctor(): Command<string> {
  return { args: ['LATENCY', 'DOCTOR'], decode: undefined, flags: READONLY };
}

/** `LATENCY GRAPH event`: an ASCII graph of the event's spikes. */
export function latencyGraph(event: string): Command<string> {
  return { args: ['LATENCY', 'GRAPH', event], decode: undefined, flags: READONLY };
}

/** `LATENCY HISTOGRAM [commands]`: per command (`'set'`, `'config|set'`), calls and latency buckets. */
export function latencyHistogram(commands?: KeyOrKeys): Command<Record<string, LatencyHistogram>> {
  const args: RedisArg[] = ['LATENCY', 'HISTOGRAM'];
  if (commands !== undefined) pushValues(args, commands, 'latencyHistogram commands');
  return { args, decode: decodeLatencyHistograms, flags: READONLY };
}

/** `LATENCY HISTORY event`: the event's spikes, oldest first (up to 160). */
export function latencyHistory(event: string): Command<LatencySample[]> {
  return { args: ['LATENCY', 'HISTORY', event], decode: decodeLatencyHistory, flags: READONLY };
}

/** `LATENCY LATEST`: every event with its latest and worst spike. */
export function latencyLatest(): Command<LatencyEvent[]> {
  return { args: ['LATENCY', 'LATEST'], decode: decodeLatencyLatest, flags: READONLY };
}

/** `LATENCY RESET [events]`: forgets the spikes of these events (all by default); how many series were reset. */
export function latencyReset(events?: KeyOrKeys): Command<number> {
  const args: RedisArg[] = ['LATENCY', 'RESET'];
  if (events !== undefined) pushValues(args, events, 'latencyReset events');
  return { args, decode: undefined, flags: NONE };
}

/** `MEMORY DOCTOR`: a human-readable report on memory use. */
export function memoryDoctor(): Command<string> {
  return { args: ['MEMORY', 'DOCTOR'], decode: undefined, flags: READONLY };
}

/** `MEMORY MALLOC-STATS`: the allocator's own statistics, as text. */
export function memoryMallocStats(): Command<string> {
  return { args: ['MEMORY', 'MALLOC-STATS'], decode: undefined, flags: READONLY };
}

/** `MEMORY PURGE`: asks the allocator to release unused memory (jemalloc only). */
export function memoryPurge(): Command<'OK'> {
  return { args: ['MEMORY', 'PURGE'], decode: undefined, flags: NONE };
}

/** `MEMORY STATS`: memory use by category. */
export function memoryStats(): Command<MemoryStats> {
  return { args: ['MEMORY', 'STATS'], decode: decodeMemoryStats, flags: READONLY };
}

/** `SLOWLOG GET [count]`: the slowest recent commands, newest first (10 by default; -1 for all, Redis ≥ 7.0). */
export function slowlogGet(count?: number): Command<SlowlogEntry[]> {
  const args: RedisArg[] = ['SLOWLOG', 'GET'];
  if (count !== undefined) args.push(integer('slowlogGet count', count, -1));
  return { args, decode: decodeSlowlog, flags: READONLY };
}

/** `SLOWLOG LEN`: how many entries the slow log holds. */
export function slowlogLen(): Command<number> {
  return { args: ['SLOWLOG', 'LEN'], decode: undefined, flags: READONLY };
}

/** `SLOWLOG RESET`: empties the slow log. */
export function slowlogReset(): Command<'OK'> {
  return { args: ['SLOWLOG', 'RESET'], decode: undefined, flags: NONE };
}

/** `LOLWUT [VERSION v]`: a piece of generative art and the server's version. */
export function lolwut(version?: number): Command<string> {
  const args: RedisArg[] = ['LOLWUT'];
  if (version !== undefined) args.push('VERSION', integer('lolwut version', version, 1));
  return { args, decode: undefined, flags: READONLY };
}

function decodeLatencyLatest(reply: RespValue): LatencyEvent[] {
  return toArray(reply).map((row) => {
    const [event, timestamp, latest, max] = toArray(row);
    return {
      event: asString(event ?? ''),
      timestamp: toNumber(timestamp ?? null),
      latestMs: toNumber(latest ?? null),
      maxMs: toNumber(max ?? null),
    };
  });
}

function decodeLatencyHistory(reply: RespValue): LatencySample[] {
  return toArray(reply).map((row) => {
    const [timestamp, latency] = toArray(row);
    return { timestamp: toNumber(timestamp ?? null), latencyMs: toNumber(latency ?? null) };
  });
}

function decodeLatencyHistograms(reply: RespValue): Record<string, LatencyHistogram> {
  const out: Record<string, LatencyHistogram> = {};
  for (const [command, details] of mapEntries(reply)) {
    const histogram: LatencyHistogram = { calls: 0, histogramUsec: {} };
    for (const [field, value] of mapEntries(details)) {
      if (field === 'calls') histogram.calls = toNumber(value);
      else if (field === 'histogram_usec') histogram.histogramUsec = numberRecord(value);
    }
    setField(out, command, histogram);
  }
  return out;
}

function numberRecord(reply: RespValue): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of mapEntries(reply)) setField(out, key, toNumber(value));
  return out;
}

function decodeMemoryStats(reply: RespValue): MemoryStats {
  const out: MemoryStats = {};
  for (const [field, value] of mapEntries(reply)) {
    // Nested maps (one per database) are the only non-scalar values.
    setField(out, field, value instanceof Map || Array.isArray(value) ? numberRecord(value) : toNumber(value));
  }
  return out;
}

function decodeSlowlog(reply: RespValue): SlowlogEntry[] {
  return toArray(reply).map((row) => {
    const [id, timestamp, duration, args, clientAddress, clientName] = toArray(row);
    return {
      id: toNumber(id ?? null),
      timestamp: toNumber(timestamp ?? null),
      durationUs: toNumber(duration ?? null),
      args: stringList(args ?? null),
      clientAddress: clientAddress === undefined ? '' : asString(clientAddress),
      clientName: clientName === undefined ? '' : asString(clientName),
    };
  });
}
