/**
 * `respool advise --target-ops N`: measures RTT (sequential PINGs) and what the server does under a
 * short closed-loop load through the real client, then recommends poolSize, minIdleConns and timeouts
 * from Little's law (L = λ·W: commands in flight = arrival rate × time each one holds a connection).
 */
import { fmtDuration, fmtOps, fmtUs, keyValueTable } from './format.js';
import { logTo, printJson, sleep, type CliIO } from './io.js';
import { createClient } from './library.js';
import { GaugeSampler, LoadDriver, measureRoundTrips, type LatencySummary } from './measure.js';
import { openTarget } from './target.js';
import { buildGroups, fillKeys, removeKeys, type LoadCommandName, type WorkloadSpec } from './workloads.js';

export interface AdviseFlags {
  url: string;
  targetOps: number;
  duration: number;
  concurrency: number;
  command: LoadCommandName;
  valueSize: number;
  json: boolean;
}

/** What the recommendation is computed from. Latencies in µs. */
export interface AdviseInputs {
  targetOps: number;
  rttP50Us: number;
  rttP99Us: number;
  measuredOps: number;
  measuredCallers: number;
  meanBusyConns: number;
  loadP99Us: number;
  serverIdleTimeoutS: number | null;
}

export interface Recommendation {
  poolSize: number;
  minIdleConns: number;
  readTimeout: number;
  poolTimeout: number;
  /** Only when the server closes idle clients: below its timeout. */
  connMaxIdleTime: number | null;
  /** Connections busy on average at the target rate if every command took its own round trip (L = λ·W, W = RTT p50). */
  inFlight: number;
  /** The same with the time per command measured under load, where commands of one tick share a connection. */
  inFlightBatched: number;
  /** The target is above 80 % of what the server did in the measurement. */
  saturated: boolean;
  reasoning: [string, string, string];
}

const MIN_POOL = 4;
const HEADROOM = 2;

export function recommend(i: AdviseInputs): Recommendation {
  const inFlight = i.targetOps * (i.rttP50Us / 1e6);
  const holdUsPerCommand = i.measuredOps > 0 ? (i.meanBusyConns / i.measuredOps) * 1e6 : i.rttP50Us;
  const inFlightBatched = i.targetOps * (Math.min(holdUsPerCommand, i.rttP50Us) / 1e6);
  const poolSize = Math.max(MIN_POOL, Math.ceil(HEADROOM * inFlight));
  const minIdleConns = Math.min(poolSize, Math.max(1, Math.ceil(inFlight)));
  const readTimeout = Math.max(1000, Math.ceil((20 * i.loadP99Us) / 1000 / 100) * 100);
  const poolTimeout = readTimeout + 1000;
  const connMaxIdleTime =
    i.serverIdleTimeoutS !== null && i.serverIdleTimeoutS > 0
      ? Math.max(1000, Math.floor(i.serverIdleTimeoutS * 1000 * 0.8))
      : null;
  const saturated = i.targetOps > 0.8 * i.measuredOps;
  const reasoning: [string, string, string] = [
    `Measured: RTT p50 ${fmtUs(i.rttP50Us)}, p99 ${fmtUs(i.rttP99Us)} (idle PINGs); ${i.measuredCallers} callers made ` +
      `${fmtOps(i.measuredOps)} ops/s with ${i.meanBusyConns.toFixed(1)} connections busy on average ` +
      `(${fmtUs(holdUsPerCommand)} of connection time per command, p99 latency ${fmtUs(i.loadP99Us)}).`,
    `Little's law L = λ·W: ${fmtOps(i.targetOps)} ops/s × ${fmtUs(i.rttP50Us)} per round trip = ${inFlight.toFixed(1)} ` +
      `connections busy if no commands shared one; batching brings it to about ${inFlightBatched.toFixed(1)}.`,
    `poolSize ${poolSize} = ${HEADROOM} × L for bursts and slow replies (min ${MIN_POOL}); minIdleConns ${minIdleConns} ` +
      `≈ L so bursts skip dials; readTimeout ${fmtDuration(readTimeout)} ≈ 20 × p99 under load (min 1 s); ` +
      `poolTimeout = readTimeout + 1 s.`,
  ];
  return {
    poolSize,
    minIdleConns,
    readTimeout,
    poolTimeout,
    connMaxIdleTime,
    inFlight,
    inFlightBatched,
    saturated,
    reasoning,
  };
}

export interface AdviseReport {
  command: 'advise';
  target: string;
  rttUs: LatencySummary;
  measurement: {
    callers: number;
    durationS: number;
    opsPerSec: number;
    meanBusyConns: number;
    latencyUs: LatencySummary;
  };
  recommendation: Recommendation;
  /** The recommendation as client options, ready to paste. */
  options: Record<string, number>;
}

export async function runAdvise(flags: AdviseFlags, io: CliIO): Promise<number> {
  const log = logTo(io);
  const target = await openTarget({ url: flags.url, spawn: false, spawnOffered: false, log });
  // A generous pool for the measurement, so the pool is not what limits it.
  const client = createClient({ ...target.clientOptions, poolSize: Math.max(64, flags.concurrency) });
  const spec: WorkloadSpec = {
    command: flags.command,
    concurrency: flags.concurrency,
    valueSize: flags.valueSize,
    pipeline: 1,
    keys: 1000,
  };
  try {
    const rttUs = await measureRoundTrips(() => client.ping(), 100);
    let serverIdleTimeoutS: number | null = null;
    try {
      serverIdleTimeoutS = Number((await client.configGet('timeout'))['timeout']);
    } catch {
      // CONFIG disabled: no idle-time advice
    }
    if (!flags.json) log(`measuring for ${flags.duration} s with ${flags.concurrency} callers…`);
    await fillKeys(client, spec);
    const driver = new LoadDriver(buildGroups(client, spec));
    const busy = new GaugeSampler(() => client.poolStats().inUse);
    driver.start();
    busy.start(10);
    await sleep(flags.duration * 1000, io.signal);
    busy.stop();
    await driver.stop();
    await removeKeys(client, spec);
    const main = driver.meters[0]!;
    const latencyUs = main.total.summary();
    const opsPerSec = main.commands / driver.elapsedS;
    const recommendation = recommend({
      targetOps: flags.targetOps,
      rttP50Us: rttUs.p50Us,
      rttP99Us: rttUs.p99Us,
      measuredOps: opsPerSec,
      measuredCallers: flags.concurrency,
      meanBusyConns: busy.mean,
      loadP99Us: latencyUs.p99Us,
      serverIdleTimeoutS: Number.isFinite(serverIdleTimeoutS) ? serverIdleTimeoutS : null,
    });
    const options: Record<string, number> = {
      poolSize: recommendation.poolSize,
      minIdleConns: recommendation.minIdleConns,
      readTimeout: recommendation.readTimeout,
      poolTimeout: recommendation.poolTimeout,
    };
    if (recommendation.connMaxIdleTime !== null) options['connMaxIdleTime'] = recommendation.connMaxIdleTime;
    const report: AdviseReport = {
      command: 'advise',
      target: target.address,
      rttUs,
      measurement: {
        callers: flags.concurrency,
        durationS: driver.elapsedS,
        opsPerSec,
        meanBusyConns: busy.mean,
        latencyUs,
      },
      recommendation,
      options,
    };
    if (flags.json) printJson(io, report);
    else io.stdout.write(renderAdvice(report, flags.targetOps));
    return 0;
  } finally {
    await client.close();
    await target.release();
  }
}

function renderAdvice(r: AdviseReport, targetOps: number): string {
  const rows = Object.entries(r.options).map(([k, v]): [string, string] => [k, String(v)]);
  const warning = r.recommendation.saturated
    ? `\nwarning: ${fmtOps(targetOps)} ops/s is above 80 % of the ${fmtOps(r.measurement.opsPerSec)} ops/s that ` +
      `${r.measurement.callers} callers reached. If more callers (-c) do not raise it, the server or this process is ` +
      'the limit and more connections will not help: spread the load over processes or shards.\n'
    : '';
  return (
    `respool advise: ${fmtOps(targetOps)} ops/s against ${r.target}\n\n` +
    `${keyValueTable(rows)}\n\n` +
    `  createClient({ url, ${Object.entries(r.options)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')} })\n\n` +
    `why\n${r.recommendation.reasoning.map((line) => `  ${line}`).join('\n')}\n${warning}`
  );
}
