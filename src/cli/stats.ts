/**
 * `respool stats`: samples INFO clients and INFO stats of a server, once or (--watch) every
 * interval until Ctrl-C or --count samples. Rates are per second between two samples.
 */
import { fmtInt, fmtOps, keyValueTable } from './format.js';
import { logTo, printJson, sleep, type CliIO } from './io.js';
import { createClient, parseInfo } from './library.js';
import { openTarget } from './target.js';

export interface StatsFlags {
  url: string;
  watch: boolean;
  interval: number;
  count?: number;
  json: boolean;
}

export interface StatsSample {
  time: string;
  connectedClients: number | null;
  blockedClients: number | null;
  maxClients: number | null;
  rejectedConnections: number | null;
  /** The server's own estimate (instantaneous_ops_per_sec). */
  opsPerSec: number | null;
  /** Between this sample and the previous one; null on the first. */
  commandsPerSec: number | null;
  connectionsPerSec: number | null;
  /** keyspace_hits / (hits + misses) since the server started; null before any lookup. */
  hitRatio: number | null;
  netInBytesPerSec: number | null;
  netOutBytesPerSec: number | null;
}

interface Raw {
  at: number;
  info: Record<string, string>;
}

export async function runStats(flags: StatsFlags, io: CliIO): Promise<number> {
  const target = await openTarget({ url: flags.url, spawn: false, spawnOffered: false, log: logTo(io) });
  // One connection is enough; it shows in connected_clients like any other.
  const client = createClient({ ...target.clientOptions, poolSize: 1, blockingPoolSize: 0, minIdleConns: 0 });
  try {
    const limit = flags.watch ? (flags.count ?? Infinity) : 1;
    let previous: Raw | undefined;
    for (let n = 0; n < limit && !io.signal.aborted; n++) {
      if (n > 0) await sleep(flags.interval * 1000, io.signal);
      if (io.signal.aborted) break;
      const [clients, stats] = await Promise.all([client.info('clients'), client.info('stats')]);
      const raw: Raw = { at: Date.now(), info: { ...parseInfo(clients), ...parseInfo(stats) } };
      const sample = toSample(raw, previous);
      previous = raw;
      if (flags.json) printJson(io, sample, false);
      else if (!flags.watch) io.stdout.write(renderOne(target.address, sample));
      else io.stdout.write(renderRow(sample, n === 0 ? target.address : undefined));
    }
    return 0;
  } finally {
    await client.close();
    await target.release();
  }
}

function num(info: Record<string, string>, field: string): number | null {
  const text = info[field];
  if (text === undefined || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function rate(now: Raw, before: Raw | undefined, field: string): number | null {
  if (before === undefined) return null;
  const a = num(before.info, field);
  const b = num(now.info, field);
  const seconds = (now.at - before.at) / 1000;
  return a === null || b === null || seconds <= 0 ? null : (b - a) / seconds;
}

function toSample(raw: Raw, before: Raw | undefined): StatsSample {
  const hits = num(raw.info, 'keyspace_hits');
  const misses = num(raw.info, 'keyspace_misses');
  return {
    time: new Date(raw.at).toISOString(),
    connectedClients: num(raw.info, 'connected_clients'),
    blockedClients: num(raw.info, 'blocked_clients'),
    maxClients: num(raw.info, 'maxclients'),
    rejectedConnections: num(raw.info, 'rejected_connections'),
    opsPerSec: num(raw.info, 'instantaneous_ops_per_sec'),
    commandsPerSec: rate(raw, before, 'total_commands_processed'),
    connectionsPerSec: rate(raw, before, 'total_connections_received'),
    hitRatio: hits === null || misses === null || hits + misses === 0 ? null : hits / (hits + misses),
    netInBytesPerSec: rate(raw, before, 'total_net_input_bytes'),
    netOutBytesPerSec: rate(raw, before, 'total_net_output_bytes'),
  };
}

const show = (x: number | null, f: (n: number) => string = fmtInt) => (x === null ? '–' : f(x));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const kb = (x: number) => `${(x / 1024).toFixed(1)}`;

function renderOne(address: string, s: StatsSample): string {
  const rows: [string, string][] = [
    ['connected clients', `${show(s.connectedClients)} (maxclients ${show(s.maxClients)})`],
    ['blocked clients', show(s.blockedClients)],
    ['rejected connections', show(s.rejectedConnections)],
    ['ops/s (server estimate)', show(s.opsPerSec, fmtOps)],
    ['keyspace hit ratio', show(s.hitRatio, pct)],
  ];
  return `respool stats: ${address} at ${s.time}\n\n${keyValueTable(rows)}\n`;
}

const HEADER = ['time', 'clients', 'blocked', 'conns/s', 'rejected', 'ops/s', 'cmds/s', 'hit %', 'in KB/s', 'out KB/s'];

/** One table row per sample; the header with the first. */
function renderRow(s: StatsSample, firstFor: string | undefined): string {
  const row = [
    s.time.slice(11, 19),
    show(s.connectedClients),
    show(s.blockedClients),
    show(s.connectionsPerSec, (x) => x.toFixed(1)),
    show(s.rejectedConnections),
    show(s.opsPerSec, fmtOps),
    show(s.commandsPerSec, fmtOps),
    show(s.hitRatio, pct),
    show(s.netInBytesPerSec, kb),
    show(s.netOutBytesPerSec, kb),
  ];
  // Fixed widths so rows printed one at a time line up under the header.
  const widths = HEADER.map((h) => Math.max(h.length, 8));
  const pad = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const head = firstFor === undefined ? '' : `respool stats: ${firstFor}\n${pad(HEADER)}\n`;
  return `${head}${pad(row)}\n`;
}
