#!/usr/bin/env node
// Entry point of `npm run bench` (package.json builds dist/ first, then runs this).
//
// Order: codec bench -> pool micro-bench -> peer workloads W1-W7 + W5b (interleaved,
// fresh child per run, with the redis-benchmark -P 16 ceiling after each rep) ->
// respool's heap per idle connection -> with --cluster: W2 against a private 3-master
// Redis Cluster (started once, stopped right after) -> report (stdout + bench/results/).
// One private redis-server serves everything else. Every server is stopped by pid at the
// end, on error and on Ctrl-C. Progress goes to stderr, the Markdown report to stdout.
// `node bench/run.mjs --help` lists the flags; bench/README.md explains the numbers.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  HELP,
  ADAPTERS,
  CLUSTER_ADAPTERS,
  CLUSTER_MASTERS,
  CLUSTER_WORKLOADS,
  parseArgs,
} from './peers/harness/args.mjs';
import { ensureBenchDeps } from './peers/harness/deps.mjs';
import { PrivateRedisServer } from './peers/harness/redis-server.mjs';
import { PrivateRedisCluster, connectClusterControl } from './peers/harness/redis-cluster.mjs';
import { ControlClient } from './peers/harness/control-client.mjs';
import { liveChildren, resolveAdapters, runPeerWorkloads } from './peers/harness/runner.mjs';
import { WORKLOADS, setupClusterKeys, setupKeys } from './peers/workloads.mjs';
import { LOCAL_BENCHES, renderLocalBench, runLocalBench } from './peers/local-benches.mjs';
import { haveRedisBenchmark, runCeiling } from './peers/redis-benchmark.mjs';
import { measureIdleHeap } from './peers/idle-heap.mjs';
import { renderMarkdown, summarize, summarizeCeiling } from './peers/report.mjs';
import { evaluateTargets, hasTargets } from './peers/targets.mjs';
import { fmtBytes, fmtNum, fmtOps, fmtUs } from './peers/format.mjs';

const log = (line) => process.stderr.write(line + '\n');
let server;
let cluster;
/** Set by a signal: its handler stops the servers and exits; the error path must not exit first. */
let signalled = false;

function stopEverythingSync() {
  for (const child of liveChildren) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  server?.killSync();
  cluster?.killSync();
}

// Ctrl-C (or a kill) must not leave a redis-server or a child behind. Waiting for
// the server's exit (rather than exiting at once) also reaps it, so no zombie is left.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    signalled = true;
    const pids = [server?.pid, ...(cluster?.pids ?? [])].filter(Boolean);
    log(`\n# ${signal}: stopping children and redis-server(s) (pid ${pids.join(', ') || '–'})`);
    for (const child of liveChildren) child.kill('SIGKILL');
    const forceExit = setTimeout(() => {
      stopEverythingSync();
      process.exit(130);
    }, 5000);
    Promise.all([server?.stop(), cluster?.stop()])
      .catch(() => stopEverythingSync())
      .finally(() => {
        clearTimeout(forceExit);
        process.exit(130);
      });
  });
}

function runLine(r) {
  if (!r.ok) return `FAILED ${r.error}`;
  const errors = r.errors ? `  ERRORS ${r.errors}: ${r.groups.find((g) => g.errors)?.lastError}` : '';
  return (
    `${fmtOps(r.opsPerSec).padStart(7)} ops/s  p50 ${fmtUs(r.latUs?.p50).padStart(6)}  p99 ${fmtUs(r.latUs?.p99).padStart(6)}` +
    `  p99.9 ${fmtUs(r.latUs?.p999).padStart(6)}  cpu ${fmtNum(r.clientCpuUsPerOp, 2)}µs  srv ${fmtNum(r.serverCpuUsPerOp, 2)}µs` +
    `  rss ${fmtNum(r.peakRssMB, 0)}MB  conns ${r.connections}${errors}`
  );
}

function environment(argv) {
  const script = process.env.npm_lifecycle_event;
  const viaNpm = script === 'bench' || script === 'bench:bun';
  const direct = `${process.versions.bun === undefined ? 'node' : 'bun'} bench/run.mjs`;
  return {
    startedAt: new Date().toISOString(),
    command: `${viaNpm ? `npm run ${script} --` : direct} ${argv.join(' ')}`.trim().replace(/ --$/, ''),
    node: process.versions.bun === undefined ? process.version : `${process.version} (Bun ${process.versions.bun})`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    memGB: (os.totalmem() / 2 ** 30).toFixed(0),
    loadBefore: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' '),
    metas: {},
  };
}

async function idleHeapOnly(args) {
  server = await PrivateRedisServer.start();
  log(`# redis-server pid ${server.pid} on port ${server.port}; opening ${args.idleConns} idle respool connections`);
  const result = await measureIdleHeap({ server, conns: args.idleConns, liveChildren });
  const line = result.ok
    ? `heap per idle pooled connection: ${fmtBytes(result.heapPerConnBytes)} (${result.conns} idle, ${result.serverSideConns} on the server; external ${fmtBytes(result.externalPerConnBytes)}, RSS ${fmtBytes(result.rssPerConnBytes)} per conn)`
    : `idle-heap FAILED: ${result.error}`;
  console.log(line);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(
    path.join(args.out, 'idle-heap.json'),
    JSON.stringify({ at: new Date().toISOString(), ...result }, null, 1) + '\n',
  );
  if (!result.ok) process.exitCode = 1;
}

async function fullRun(args, argv) {
  const t0 = Date.now();
  const env = environment(argv);
  mkdirSync(args.out, { recursive: true });
  const stamp =
    env.startedAt.replace(/[:.]/g, '-').slice(0, 19) +
    (args.clusterOnly ? '-cluster' : '') +
    (args.quick ? '-quick' : '');
  const rawFile = path.join(args.out, `${stamp}.raw.jsonl`);

  let adapters = [];
  let clusterAdapters = [];
  if (args.peers || args.cluster) ensureBenchDeps(log);
  if (args.cluster) clusterAdapters = await resolveAdapters(args, log, { cluster: true });
  if (args.peers) {
    adapters = await resolveAdapters(args, log);
    server = await PrivateRedisServer.start();
    log(`# redis-server pid ${server.pid} on 127.0.0.1:${server.port}`);
  }

  const local = [];
  for (const bench of LOCAL_BENCHES) {
    if (!args[bench.id]) continue;
    log(`# ${bench.title} ...`);
    const r = await runLocalBench(bench, args.quick);
    local.push(r);
    log(renderLocalBench(r) + '\n');
  }

  let runs = [];
  const ceilingRuns = [];
  let idleHeap;
  const workloads = args.peers ? args.workloads : [];
  if (args.peers && adapters.length && workloads.length) {
    const ctl = await ControlClient.connect(server.host, server.port);
    const info = await ctl.info('server');
    env.redisVersion = info.redis_version;
    env.redisPort = server.port;
    await setupKeys(ctl);
    ctl.close();
    const withCeiling = args.redisBenchmark && haveRedisBenchmark();
    if (args.redisBenchmark && !withCeiling) log('# redis-benchmark not on PATH: no ceiling');
    const pairs = adapters.reduce((n, a) => n + workloads.filter((w) => !a.only || a.only.includes(w)).length, 0);
    const nRuns = pairs * args.reps;
    const estimate = nRuns * (args.warmup + args.duration + 1) + (withCeiling ? args.reps * (args.quick ? 1 : 4) : 0);
    log(`# ${nRuns} runs (${pairs} (workload, adapter) pairs × ${args.reps} reps), ~${Math.round(estimate)} s`);
    runs = await runPeerWorkloads({
      args,
      adapters,
      server,
      onRun: (r) => {
        appendFileSync(rawFile, JSON.stringify(r) + '\n');
        if (r.ok && !env.metas[r.adapter]) env.metas[r.adapter] = r.meta;
        log(`rep ${r.rep + 1} ${r.workload.padEnd(3)} ${r.adapter.padEnd(16)} ${runLine(r)}`);
      },
      afterRep: async (rep) => {
        if (!withCeiling) return;
        const c = await runCeiling(server, args.quick, liveChildren);
        ceilingRuns.push(c);
        appendFileSync(rawFile, JSON.stringify({ ceiling: true, rep, ...c }) + '\n');
        log(
          `rep ${rep + 1} redis-benchmark -P 16   ${c.ok ? `GET ${fmtOps(c.rps.GET)}  SET ${fmtOps(c.rps.SET)}` : `FAILED ${c.error}`}`,
        );
      },
    });
  }
  if (args.peers && adapters.some((a) => a.name === 'respool')) {
    log(`# heap per idle pooled connection (${args.idleConns} idle respool connections) ...`);
    idleHeap = await measureIdleHeap({ server, conns: args.idleConns, liveChildren });
    log(idleHeap.ok ? `  ${fmtBytes(idleHeap.heapPerConnBytes)} per connection` : `  FAILED ${idleHeap.error}`);
  }

  const clusterRuns = [];
  let clusterResult = null;
  if (args.cluster && clusterAdapters.length) {
    clusterResult = await runClusterPart({ args, env, adapters: clusterAdapters, rawFile, runs: clusterRuns });
  }

  env.loadAfter = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  env.wallS = (Date.now() - t0) / 1000;
  const cells = summarize(runs, adapters, workloads);
  const ceiling = summarizeCeiling(ceilingRuns);
  const md = renderMarkdown({
    args,
    env,
    adapters,
    workloads,
    cells,
    ceiling,
    local,
    idleHeap,
    runs: [...runs, ...clusterRuns],
    cluster: clusterResult,
  });
  const json = {
    env,
    settings: {
      quick: args.quick,
      reps: args.reps,
      warmupS: args.warmup,
      durationS: args.duration,
      poolSize: args.poolSize ?? null,
    },
    adapters: adapters.map(({ name, ours, description }) => ({ name, ours, description })),
    workloads: Object.fromEntries(workloads.map((w) => [w, WORKLOADS[w]])),
    local: Object.fromEntries(local.map((r) => [r.id, r])),
    cells,
    ceiling,
    idleHeap: idleHeap ?? null,
    cluster: clusterResult,
    targets: hasTargets(adapters, clusterResult)
      ? evaluateTargets({ cells, workloads, ceiling, idleHeap, cluster: clusterResult })
      : [],
  };
  const latest = (args.clusterOnly ? 'cluster-' : '') + (args.quick ? 'quick-latest' : 'latest');
  for (const base of [stamp, latest]) {
    writeFileSync(path.join(args.out, `${base}.md`), md);
    writeFileSync(path.join(args.out, `${base}.json`), JSON.stringify(json, null, 1) + '\n');
  }
  process.stdout.write(md);
  log(
    `# wrote ${path.relative(process.cwd(), path.join(args.out, latest))}.{md,json} and ${stamp}.{md,json} in ${env.wallS.toFixed(0)} s`,
  );
}

/**
 * The --cluster part: starts the private cluster once, loads the keys, runs CLUSTER_WORKLOADS with
 * the cluster adapters (same interleaving and children as the single-server part), stops the cluster.
 * Returns what the report and the JSON keep under `cluster`.
 */
async function runClusterPart({ args, env, adapters, rawFile, runs }) {
  log(`# starting a private ${CLUSTER_MASTERS}-master Redis Cluster ...`);
  const t0 = Date.now();
  cluster = new PrivateRedisCluster(); // held before start-up, so that Ctrl-C can stop a half-built one
  await cluster.start({ masters: CLUSTER_MASTERS });
  const ports = cluster.addresses.map((a) => a.port);
  log(
    `# cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s: pids ${cluster.pids.join(', ')} on 127.0.0.1:${ports.join(', ')}`,
  );
  try {
    const control = await connectClusterControl(cluster);
    let redisVersion;
    try {
      redisVersion = (await control.all[0].info('server')).redis_version;
      await setupClusterKeys(control);
    } finally {
      control.close();
    }
    const workloads = CLUSTER_WORKLOADS;
    const nRuns = adapters.length * workloads.length * args.reps;
    log(
      `# cluster: ${nRuns} runs (${workloads.join(',')} × ${adapters.length} adapters × ${args.reps} reps), ~${Math.round(nRuns * (args.warmup + args.duration + 1))} s`,
    );
    const done = await runPeerWorkloads({
      args,
      adapters,
      server: cluster,
      workloads,
      onRun: (r) => {
        appendFileSync(rawFile, JSON.stringify({ cluster: true, ...r }) + '\n');
        if (r.ok && !env.metas[r.adapter]) env.metas[r.adapter] = r.meta;
        log(`rep ${r.rep + 1} ${r.workload.padEnd(3)} ${r.adapter.padEnd(20)} ${runLine(r)}`);
      },
    });
    runs.push(...done);
    return {
      masters: CLUSTER_MASTERS,
      ports,
      redisVersion,
      adapters: adapters.map(({ name, ours, description }) => ({ name, ours, description })),
      workloads,
      cells: summarize(done, adapters, workloads),
    };
  } finally {
    await cluster.stop();
    log('# cluster stopped');
  }
}

async function main() {
  const argv = process.argv.slice(2);
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    log(String(e.message));
    process.exit(2);
  }
  if (args.help) return console.log(HELP);
  if (args.list) {
    console.log('adapters:', Object.keys(ADAPTERS).join(', '));
    console.log('cluster adapters (--cluster):', Object.keys(CLUSTER_ADAPTERS).join(', '));
    for (const [w, d] of Object.entries(WORKLOADS)) console.log(`  ${w.padEnd(4)} ${d.title}`);
    return;
  }
  try {
    if (args.idleHeapOnly) await idleHeapOnly(args);
    else await fullRun(args, argv);
  } finally {
    for (const child of liveChildren) child.kill('SIGKILL');
    await Promise.all([server?.stop(), cluster?.stop()]);
  }
}

main().catch((e) => {
  if (signalled) return; // a Ctrl-C broke a step: the signal handler is stopping everything
  log(e?.stack ?? String(e));
  stopEverythingSync();
  process.exit(1);
});
