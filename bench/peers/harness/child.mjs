// Derived from the team's peer-bench (../shared/peer-bench, not in this repo): same workloads and method.
// One measured run: `node child.mjs '<spec json>'`, spawned fresh by runner.mjs for
// every (adapter, workload, rep) so that heap, JIT state and RSS start clean.
// Prints one line `@@RESULT {json}` and exits. With `spec.nodes` (the --cluster part) the harness
// watches every cluster node: server CPU, commands and connections are summed over them.
//
//   load adapter -> connect -> sanity checks -> callers start -> warm-up
//     -> window (snapshot CPU/INFO, count replies, record latencies) -> snapshot
//     -> print result -> best-effort drain/close -> exit
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import { ControlClient } from './control-client.mjs';
import { buildWorkload, emptyKey, SANITY_KEY } from '../workloads.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CONTROL_CLIENT_NAME = 'bench-ctl';

function newHistogram() {
  // Nanoseconds, 3 significant digits, up to 10 minutes.
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 600e9,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Whole-machine CPU counters, to tell a noisy neighbour from a slow client. */
function readProcStat() {
  try {
    const v = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    return { idle: v[3] + (v[4] || 0), steal: v[7] || 0, total: v.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

/** Connections the adapter holds open: every server client except the harness's own, over every node. */
async function adapterConnections(ctls) {
  const lists = await Promise.all(ctls.map(async (ctl) => String(await ctl.cmd('CLIENT', 'LIST'))));
  return lists
    .flatMap((list) => list.split('\n'))
    .filter((l) => l.startsWith('id=') && !l.includes(` name=${CONTROL_CLIENT_NAME} `)).length;
}

const SUMMED_INFO_FIELDS = ['used_cpu_user', 'used_cpu_sys', 'total_commands_processed'];

/** INFO of one server, or (cluster) the fields the result uses summed over every node. */
async function infoOf(ctls) {
  if (ctls.length === 1) return ctls[0].info();
  const infos = await Promise.all(ctls.map((ctl) => ctl.info()));
  const sum = {};
  for (const field of SUMMED_INFO_FIELDS) sum[field] = String(infos.reduce((a, i) => a + Number(i[field]), 0));
  return sum;
}

async function sanityCheck(client, workload) {
  // A broken adapter must not look fast: every method has to really round-trip.
  await client.set(SANITY_KEY, 'ok');
  const v = await client.get(SANITY_KEY);
  if (String(v) !== 'ok') throw new Error(`sanity GET returned ${v}`);
  const replies = await client.pipeline([
    ['SET', SANITY_KEY, 'p'],
    ['GET', SANITY_KEY],
  ]);
  if (!Array.isArray(replies) || replies.length !== 2 || String(replies[1]) !== 'p') {
    throw new Error(`sanity pipeline returned ${JSON.stringify(replies)}`);
  }
  if (workload.startsWith('W5')) {
    const b = await client.blpop(emptyKey(999), 0.01);
    if (b !== null && b !== undefined) throw new Error(`sanity BLPOP on an empty key returned ${JSON.stringify(b)}`);
  }
}

async function run(spec) {
  const { adapterPath, host, port, poolSize, workload, warmupMs, durationMs } = spec;
  const setupWatchdog = setTimeout(() => {
    console.error('setup (connect + sanity checks) took more than 15 s');
    process.exit(3);
  }, 15_000);
  const mod = await import(pathToFileURL(adapterPath).href);
  const create = mod.create ?? mod.default?.create;
  if (typeof create !== 'function') throw new Error(`${adapterPath}: no create() export`);
  if (spec.nodes && workload === 'W7') throw new Error('W7 is not run against a cluster');
  const ctls = [];
  for (const node of spec.nodes ?? [{ host, port }]) {
    const c = await ControlClient.connect(node.host, node.port);
    await c.cmd('CLIENT', 'SETNAME', CONTROL_CLIENT_NAME);
    ctls.push(c);
  }
  const connectStart = performance.now();
  const client = await create({ host, port, poolSize, workload });
  const connectMs = performance.now() - connectStart;
  await sanityCheck(client, workload);
  clearTimeout(setupWatchdog);

  // W7's writes come from a second client: the harness's own, the same for every adapter. Named like the
  // control connection, so that it is not counted as one of the adapter's connections.
  let writer;
  if (workload === 'W7') {
    writer = await ControlClient.connect(host, port);
    await writer.cmd('CLIENT', 'SETNAME', CONTROL_CLIENT_NAME);
  }
  const groups = buildWorkload(workload, { writer }).map((g) => ({
    ...g,
    hist: newHistogram(),
    calls: 0,
    errors: 0,
    lastError: null,
  }));
  const state = { measuring: false, stop: false };
  let gcMs = 0;
  let gcCount = 0;
  const gcObserver = new PerformanceObserver((list) => {
    if (!state.measuring) return;
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcCount++;
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  // Safety net: a client that starves timers must still let the run end.
  const hardStop = performance.now() + warmupMs + durationMs + 5000;
  async function caller(group, index) {
    const op = group.op;
    while (!state.stop) {
      const t0 = performance.now();
      try {
        await op(client, index);
      } catch (e) {
        group.errors++;
        group.lastError = String(e?.message ?? e).slice(0, 300);
        await new Promise((r) => setImmediate(r)); // never spin on a failing op
        continue;
      }
      const t1 = performance.now();
      if (state.measuring) {
        group.hist.recordValue(Math.max(1, Math.round((t1 - t0) * 1e6)));
        group.calls++;
      }
      if (t1 > hardStop) state.stop = true;
    }
  }

  const snapshot = () => ({
    t: performance.now(),
    cache: typeof client.cacheStats === 'function' ? client.cacheStats() : null,
    cpu: process.cpuUsage(),
    elu: performance.eventLoopUtilization(),
    stat: readProcStat(),
    info: infoOf(ctls), // resolved later: do not stall the window edge on a round trip
  });

  const tasks = [];
  for (const g of groups) for (let i = 0; i < g.callers; i++) tasks.push(caller(g, i));

  // W7 measures caches in their steady state: they need a moment to fill, even in a --quick run.
  await sleep(workload === 'W7' ? Math.max(warmupMs, 1000) : warmupMs);
  const s0 = snapshot();
  state.measuring = true;
  let rssSampledMax = process.memoryUsage.rss();
  const rssTimer = setInterval(() => (rssSampledMax = Math.max(rssSampledMax, process.memoryUsage.rss())), 100);
  await sleep(durationMs);
  state.measuring = false;
  const s1 = snapshot();
  clearInterval(rssTimer);
  const connectionsPromise = adapterConnections(ctls);
  state.stop = true;
  const [i0, i1, connections] = await Promise.all([s0.info, s1.info, connectionsPromise]);
  gcObserver.disconnect();

  const wallS = (s1.t - s0.t) / 1000;
  const clientCpuUs = s1.cpu.user - s0.cpu.user + (s1.cpu.system - s0.cpu.system);
  const serverCpuS =
    Number(i1.used_cpu_user) + Number(i1.used_cpu_sys) - Number(i0.used_cpu_user) - Number(i0.used_cpu_sys);
  const serverCmds = Number(i1.total_commands_processed) - Number(i0.total_commands_processed);
  let machine = null;
  if (s0.stat && s1.stat) {
    const dt = s1.stat.total - s0.stat.total;
    machine = {
      busyCores: dt > 0 ? ((dt - (s1.stat.idle - s0.stat.idle)) / dt) * os.cpus().length : NaN,
      stealPct: dt > 0 ? ((s1.stat.steal - s0.stat.steal) / dt) * 100 : NaN,
    };
  }
  const groupStats = groups.map((g) => {
    const us = (p) => g.hist.getValueAtPercentile(p) / 1000;
    return {
      name: g.name,
      callers: g.callers,
      calls: g.calls,
      ops: g.calls * g.opsPerCall,
      opsPerSec: (g.calls * g.opsPerCall) / wallS,
      callsPerSec: g.calls / wallS,
      errors: g.errors,
      lastError: g.lastError,
      latUs: g.calls
        ? {
            p50: us(50),
            p90: us(90),
            p99: us(99),
            p999: us(99.9),
            max: g.hist.maxValue / 1000,
            mean: g.hist.mean / 1000,
          }
        : null,
    };
  });
  const primary = groupStats[0];
  // Client-side caches (W7): hit rate over the window, from the adapter's cumulative counters.
  let cache = null;
  if (s0.cache && s1.cache) {
    const hits = s1.cache.hits - s0.cache.hits;
    const misses = s1.cache.misses - s0.cache.misses;
    cache = { hits, misses, hitRate: hits + misses > 0 ? hits / (hits + misses) : NaN, entries: s1.cache.entries };
  }
  // CPU per command divides by ALL commands done in the window (W5: GETs and BLPOPs).
  const allOps = Math.max(
    1,
    groupStats.reduce((a, g) => a + g.ops, 0),
  );
  const result = {
    ok: true,
    adapter: spec.adapterName,
    workload,
    rep: spec.rep,
    wallS,
    connectMs,
    opsPerSec: primary.opsPerSec,
    latUs: primary.latUs,
    errors: groupStats.reduce((a, g) => a + g.errors, 0),
    groups: groupStats,
    clientCpuUsPerOp: clientCpuUs / allOps,
    clientCpuCores: clientCpuUs / 1e6 / wallS,
    serverCpuUsPerOp: (serverCpuS * 1e6) / allOps,
    serverCpuCores: serverCpuS / wallS,
    serverCmds,
    // ~1 means every client op was one server command (2 INFO calls are included).
    serverCmdsPerClientOp: serverCmds / allOps,
    connections,
    elu: performance.eventLoopUtilization(s1.elu, s0.elu).utilization,
    gcMs,
    gcCount,
    // Kernel high-water mark of the whole process (JS heap, native threads, buffers) since start.
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    windowRssMaxMB: rssSampledMax / 1048576,
    machine,
    cache,
    meta: typeof client.meta === 'function' ? client.meta() : {},
  };
  process.stdout.write(`@@RESULT ${JSON.stringify(result)}\n`);

  // Closing is not measured: give it a short chance (W5's queued BLPOPs could hold
  // it for seconds), then leave; the server drops whatever is left.
  await Promise.race([Promise.allSettled(tasks), sleep(250)]);
  await Promise.race([Promise.resolve(client.close()).catch(() => {}), sleep(500)]);
  for (const c of ctls) c.close();
  writer?.close();
  process.exit(0);
}

run(JSON.parse(process.argv[2])).catch((e) => {
  console.error(e?.stack ?? String(e));
  process.exit(1);
});
