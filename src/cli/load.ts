/**
 * `respool load`: drives a workload with the real client, shows a live status line, then a summary
 * table and a latency histogram (or, with --json, the summary as JSON on stdout).
 *
 *   open target ─▶ fill keys ─▶ measuring (status every tick) ─▶ stopped (duration or Ctrl-C)
 *     ─▶ remove keys ─▶ close client, stop a spawned server ─▶ report
 */
import { productName, serverIdentity } from './checks.js';
import { fmtInt, fmtOps, fmtUs, histogramChart, keyValueTable, StatusLine } from './format.js';
import { logTo, printJson, sleep, type CliIO } from './io.js';
import { createClient, parseInfo, type ClientPoolStats, type PoolStats } from './library.js';
import { GaugeSampler, LoadDriver, type LatencySummary } from './measure.js';
import { CliError, openTarget } from './target.js';
import {
  blockerCount,
  buildGroups,
  describeWorkload,
  fillKeys,
  removeKeys,
  type LoadCommandName,
  type WorkloadSpec,
} from './workloads.js';

export interface LoadFlags {
  url: string;
  poolSize?: number;
  concurrency: number;
  duration: number;
  command: LoadCommandName;
  valueSize: number;
  pipeline: number;
  keys: number;
  json: boolean;
  spawn: boolean;
  progress: boolean;
}

/** Largest key space the load writes (keys × value size). */
const MAX_FILL_BYTES = 256 * 1024 * 1024;

/** Pool counters over the measured window (the fill phase excluded), plus gauges sampled during it. */
export interface PoolWindow {
  poolSize: number;
  hits: number;
  misses: number;
  timeouts: number;
  waitCount: number;
  waitDurationMs: number;
  staleConns: number;
  peakConns: number;
  peakInUse: number;
  meanInUse: number;
  peakWaiters: number;
  final: PoolStats;
}

export interface LoadSummary {
  command: 'load';
  target: string;
  spawned: boolean;
  server: { name: string; version: string | null; commandsProcessed: number | null };
  workload: WorkloadSpec & { blockers: number };
  durationS: number;
  /** Commands completed by the headline group (a pipeline of P counts P). */
  ops: number;
  /** Operations (round trips of one caller) completed by the headline group. */
  calls: number;
  opsPerSec: number;
  errors: number;
  errorSamples: { message: string; count: number }[];
  /** Per operation of the headline group, in µs. */
  latencyUs: LatencySummary;
  histogram: { fromUs: number; toUs: number; count: number }[];
  blpop: { calls: number; errors: number; latencyUs: LatencySummary } | null;
  pool: PoolWindow;
  blockingPool: PoolStats | null;
  events: { connect: number; close: number; poolTimeout: number; dialError: number; stale: number };
}

export async function runLoad(flags: LoadFlags, io: CliIO): Promise<number> {
  const spec: WorkloadSpec = {
    command: flags.command,
    concurrency: flags.concurrency,
    valueSize: flags.valueSize,
    pipeline: flags.pipeline,
    keys: flags.keys,
  };
  if (spec.keys * spec.valueSize > MAX_FILL_BYTES) {
    throw new CliError(
      `--keys ${spec.keys} × --value-size ${spec.valueSize} would write more than 256 MB; lower one of them`,
    );
  }
  const log = logTo(io);
  const target = await openTarget({
    url: flags.url,
    spawn: flags.spawn,
    spawnOffered: true,
    overrides: flags.poolSize === undefined ? {} : { poolSize: flags.poolSize },
    log,
  });
  const client = createClient(target.clientOptions);
  const events = { connect: 0, close: 0, poolTimeout: 0, dialError: 0, stale: 0 };
  for (const name of Object.keys(events) as (keyof typeof events)[]) client.on(name, () => events[name]++);
  try {
    // One section per INFO: servers before 7.0 refuse several.
    const serverBefore = { ...parseInfo(await client.info('server')), ...parseInfo(await client.info('stats')) };
    if (!flags.json) log(`writing ${fmtInt(spec.keys)} keys of ${spec.valueSize} B (not measured)…`);
    await fillKeys(client, spec);

    const driver = new LoadDriver(buildGroups(client, spec));
    const main = driver.meters[0]!;
    const blpop = driver.meters[1];
    const before = client.poolStats();
    const conns = new GaugeSampler(() => client.poolStats().totalConns);
    const inUse = new GaugeSampler(() => client.poolStats().inUse);
    const waiters = new GaugeSampler(() => client.poolStats().waiters);
    const samplers = [conns, inUse, waiters];
    const status = new StatusLine(io.stderr);
    const tickMs = status.isTTY ? 250 : 1000;
    let lastTick = { t: 0, commands: 0 };
    const showStatus = () => {
      const t = driver.elapsedS;
      const rate = (main.commands - lastTick.commands) / Math.max(t - lastTick.t, 1e-9);
      lastTick = { t, commands: main.commands };
      const s = client.poolStats();
      const interval = main.interval;
      status.update(
        `${t.toFixed(1).padStart(5)}s  ${fmtOps(rate).padStart(6)} ops/s  p50 ${fmtUs(interval.percentile(50))} ` +
          `p99 ${fmtUs(interval.percentile(99))}  pool ${s.totalConns} conns: ${s.idleConns} idle, ${s.inUse} in use, ` +
          `${s.waiters} waiting  hits ${fmtOps(s.hits - before.hits)} misses ${s.misses - before.misses} ` +
          `timeouts ${s.timeouts - before.timeouts}  errors ${main.errors}`,
      );
      interval.reset();
    };

    driver.start();
    for (const s of samplers) s.start(50);
    const ticker = flags.progress ? setInterval(showStatus, tickMs) : undefined;
    await sleep(flags.duration * 1000, io.signal);
    clearInterval(ticker);
    for (const s of samplers) s.sample();
    const after = client.poolStats();
    await driver.stop();
    for (const s of samplers) s.stop();
    if (flags.progress) {
      if (status.isTTY) showStatus();
      status.done();
    }
    const serverAfter = parseInfo(await client.info('stats'));
    await removeKeys(client, spec);

    const durationS = driver.elapsedS;
    const summary: LoadSummary = {
      command: 'load',
      target: target.address,
      spawned: target.spawned !== undefined,
      server: {
        name: serverIdentity(serverBefore).name,
        version: serverIdentity(serverBefore).version,
        commandsProcessed: counterDelta(serverBefore, serverAfter, 'total_commands_processed'),
      },
      workload: { ...spec, blockers: blockerCount(spec) },
      durationS,
      ops: main.commands,
      calls: main.calls,
      opsPerSec: main.commands / durationS,
      errors: main.errors + (blpop?.errors ?? 0),
      errorSamples: [...main.errorSamples, ...(blpop?.errorSamples ?? [])].map(([message, count]) => ({
        message,
        count,
      })),
      latencyUs: main.total.summary(),
      histogram: main.total.ranges(),
      blpop:
        blpop === undefined ? null : { calls: blpop.calls, errors: blpop.errors, latencyUs: blpop.total.summary() },
      pool: poolWindow(before, after, client.options.poolSize, { conns, inUse, waiters }),
      blockingPool: after.blocking ?? null,
      events,
    };
    if (flags.json) printJson(io, summary);
    else io.stdout.write(renderSummary(summary, main.total));
    // A run in which nothing succeeded measured nothing: a script must not take it for a result.
    return summary.calls === 0 ? 1 : 0;
  } finally {
    await client.close();
    await target.release();
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function counterDelta(before: Record<string, string>, after: Record<string, string>, field: string): number | null {
  const a = Number(before[field]);
  const b = Number(after[field]);
  return Number.isFinite(a) && Number.isFinite(b) ? b - a : null;
}

function poolWindow(
  before: ClientPoolStats,
  after: ClientPoolStats,
  poolSize: number,
  gauges: { conns: GaugeSampler; inUse: GaugeSampler; waiters: GaugeSampler },
): PoolWindow {
  const { blocking: _blocking, ...final } = after;
  return {
    poolSize,
    hits: after.hits - before.hits,
    misses: after.misses - before.misses,
    timeouts: after.timeouts - before.timeouts,
    waitCount: after.waitCount - before.waitCount,
    waitDurationMs: after.waitDurationMs - before.waitDurationMs,
    staleConns: after.staleConns - before.staleConns,
    peakConns: gauges.conns.peak,
    peakInUse: gauges.inUse.peak,
    meanInUse: gauges.inUse.mean,
    peakWaiters: gauges.waiters.peak,
    final,
  };
}

export function renderSummary(s: LoadSummary, hist: import('./measure.js').LatencyHistogram): string {
  const lat = s.latencyUs;
  const p = s.pool;
  const avgWait = p.waitCount > 0 ? fmtUs((p.waitDurationMs / p.waitCount) * 1000) : '–';
  const rows: [string, string][] = [
    ['duration', `${s.durationS.toFixed(1)} s`],
    ['operations', `${fmtInt(s.ops)}  (${fmtOps(s.opsPerSec)} ops/s)`],
    ['errors', s.errors === 0 ? '0' : `${fmtInt(s.errors)}  (${s.errorSamples.map((e) => e.message).join('; ')})`],
    [
      'latency',
      `p50 ${fmtUs(lat.p50Us)}  p90 ${fmtUs(lat.p90Us)}  p99 ${fmtUs(lat.p99Us)}  p99.9 ${fmtUs(lat.p999Us)}  ` +
        `max ${fmtUs(lat.maxUs)}  mean ${fmtUs(lat.meanUs)}`,
    ],
    [
      'pool',
      `poolSize ${p.poolSize}: peak ${plural(p.peakConns, 'connection')}, ${p.peakInUse} in use at most ` +
        `(${p.meanInUse.toFixed(1)} on average), ${p.peakWaiters} waiting at most`,
    ],
    [
      'pool gets',
      `hits ${fmtInt(p.hits)}  misses ${fmtInt(p.misses)}  timeouts ${fmtInt(p.timeouts)}  ` +
        `waited ${fmtInt(p.waitCount)}× (avg ${avgWait})`,
    ],
    ['connections', `${s.events.connect} opened, ${s.events.close} closed, ${s.events.stale} stale`],
  ];
  if (s.blpop !== null) {
    rows.push([
      'blpop callers',
      `${fmtInt(s.blpop.calls)} BLPOPs (p50 ${fmtUs(s.blpop.latencyUs.p50Us)}), ` +
        `blocking pool ${s.blockingPool?.totalConns ?? 0} connections`,
    ]);
  }
  if (s.server.commandsProcessed !== null) {
    rows.push([
      'server',
      `${fmtInt(s.server.commandsProcessed)} commands processed (${fmtOps(s.server.commandsProcessed / s.durationS)}/s)`,
    ]);
  }
  const version = s.server.version === null ? '' : ` (${productName(s.server.name)} ${s.server.version})`;
  return (
    `\nrespool load: ${describeWorkload(s.workload)} → ${s.target}${version}\n\n` +
    `${keyValueTable(rows)}\n\n` +
    `latency per operation (${fmtInt(lat.count)} samples)\n${histogramChart(hist)}\n`
  );
}
