// Derived from the team's peer-bench (../shared/peer-bench, not in this repo): same workloads and method.
// Turns the per-run results into medians per (workload, adapter), ratios against
// the best peer, and the Markdown report written to bench/results/.
import { WORKLOADS, BLPOP_TIMEOUT_S } from './workloads.mjs';
import { CEILING_ID } from './redis-benchmark.mjs';
import { renderLocalBench } from './local-benches.mjs';
import { evaluateTargets, hasTargets } from './targets.mjs';
import { renderClusterSection } from './cluster-report.mjs';
import { fmtBytes, fmtNum, fmtOps, fmtRatio, fmtUs, mdTable, median } from './format.mjs';

/** Medians (and min–max of throughput) over reps; `best` = the peer with the highest median ops/s. */
export function summarize(runs, adapters, workloads) {
  const cells = {};
  for (const w of workloads) {
    const byAdapter = {};
    for (const a of adapters) {
      const ok = runs.filter((r) => r.ok && r.workload === w && r.adapter === a.name);
      const failed = runs.filter((r) => !r.ok && r.workload === w && r.adapter === a.name);
      const ops = ok.map((r) => r.opsPerSec);
      const med = (f) => median(ok.map(f));
      const blockers = ok.map((r) => r.groups[1]).filter(Boolean);
      byAdapter[a.name] = {
        ours: a.ours,
        n: ok.length,
        failed: failed.length,
        failures: failed.map((r) => r.error),
        errors: ok.reduce((s, r) => s + r.errors, 0),
        lastError: ok.flatMap((r) => r.groups.map((g) => g.lastError)).find(Boolean) ?? null,
        opsMedian: median(ops),
        opsMin: ops.length ? Math.min(...ops) : NaN,
        opsMax: ops.length ? Math.max(...ops) : NaN,
        p50: med((r) => r.latUs?.p50),
        p99: med((r) => r.latUs?.p99),
        p999: med((r) => r.latUs?.p999),
        clientCpuUsPerOp: med((r) => r.clientCpuUsPerOp),
        serverCpuUsPerOp: med((r) => r.serverCpuUsPerOp),
        clientCpuCores: med((r) => r.clientCpuCores),
        serverCpuCores: med((r) => r.serverCpuCores),
        serverCmdsPerClientOp: med((r) => r.serverCmdsPerClientOp),
        peakRssMB: med((r) => r.peakRssMB),
        connections: med((r) => r.connections),
        elu: med((r) => r.elu),
        gcMs: med((r) => r.gcMs),
        busyCores: med((r) => r.machine?.busyCores),
        stealPct: med((r) => r.machine?.stealPct),
        blpopCallsPerSec: blockers.length ? median(blockers.map((g) => g.callsPerSec)) : undefined,
        blpopP50: blockers.length ? median(blockers.map((g) => g.latUs?.p50)) : undefined,
        hitRate: med((r) => r.cache?.hitRate),
      };
    }
    const peers = adapters
      .filter((a) => !a.ours && Number.isFinite(byAdapter[a.name].opsMedian))
      .sort((x, y) => byAdapter[y.name].opsMedian - byAdapter[x.name].opsMedian);
    const best = peers[0] ? { name: peers[0].name, opsMedian: byAdapter[peers[0].name].opsMedian } : null;
    for (const a of adapters)
      byAdapter[a.name].ratioToBestPeer = best ? byAdapter[a.name].opsMedian / best.opsMedian : NaN;
    cells[w] = { adapters: byAdapter, best };
  }
  return cells;
}

/** Medians of the redis-benchmark ceiling runs. */
export function summarizeCeiling(ceilingRuns) {
  const ok = ceilingRuns.filter((r) => r.ok);
  if (!ok.length) return ceilingRuns.length ? { ok: false, error: ceilingRuns[0].error } : null;
  const mix = ok.map((r) => r.mixRps);
  return {
    ok: true,
    command: `redis-benchmark ${ok[0].argv.join(' ')}`,
    getRps: median(ok.map((r) => r.rps.GET)),
    setRps: median(ok.map((r) => r.rps.SET)),
    mixRps: median(mix),
    mixMin: Math.min(...mix),
    mixMax: Math.max(...mix),
    n: ok.length,
  };
}

/** `cluster`: the --cluster part's `{ masters, ports, redisVersion, adapters, workloads, cells }`, or null. */
export function renderMarkdown({ args, env, adapters, workloads, cells, ceiling, local, idleHeap, runs, cluster }) {
  const L = [];
  const cols = adapters.map((a) => a.name);
  const perCell = (fn) =>
    workloads.map((w) => [
      w,
      ...adapters.map((a) => (cells[w].adapters[a.name].n ? fn(cells[w].adapters[a.name], w, a.name) : '–')),
    ]);

  L.push(`# respool bench — ${env.startedAt}${args.label ? ` — ${args.label}` : ''}`, '');
  const quickNote =
    args.quick && workloads.some((w) => w.startsWith('W5')) ? ' (quick: 1 s windows are too short for W5/W5b)' : '';
  L.push(`- command: \`${env.command}\`${quickNote}`);
  L.push(
    `- machine: ${env.cpus} × ${env.cpuModel}, ${env.memGB} GiB; load avg before ${env.loadBefore}, after ${env.loadAfter}`,
  );
  if (env.redisVersion) {
    L.push(
      `- node ${env.node}; private redis-server ${env.redisVersion} on 127.0.0.1:${env.redisPort}, sharing the cores with the client`,
    );
    L.push(
      `- each run: fresh child process, warm-up ${args.warmup} s, window ${args.duration} s; ${args.reps} rep(s) interleaved`,
    );
  } else {
    L.push(`- node ${env.node}`);
    if (cluster) {
      L.push(
        `- each run: fresh child process, warm-up ${args.warmup} s, window ${args.duration} s; ${args.reps} rep(s) interleaved`,
      );
    }
  }
  L.push(`- wall time ${fmtNum(env.wallS, 0)} s`);
  L.push('');

  for (const r of local) {
    L.push(`## ${r.title}${r.seconds ? ` (${fmtNum(r.seconds, 1)} s)` : ''}`, '', renderLocalBench(r), '');
  }

  if (adapters.length && workloads.length) {
    L.push('## Adapters', '');
    for (const a of adapters) {
      const m = env.metas[a.name] ?? {};
      L.push(`- **${a.name}**${a.ours ? ' (ours)' : ''}: ${a.description} — ${m.package ?? '?'} ${m.version ?? ''}`);
    }
    L.push('', '## Workloads', '');
    for (const w of workloads) L.push(`- **${w}**: ${WORKLOADS[w].title}`);

    L.push('', '## Throughput: median ops/s (min–max over reps), best peer in bold', '');
    L.push('W4 counts every SET of a batch; W5/W5b count the GETs only.', '');
    const tput = perCell((c, w, name) => {
      const bold = cells[w].best?.name === name ? '**' : '';
      const warn = `${c.errors ? ` ⚠ ${c.errors} err` : ''}${c.failed ? ` ⚠ ${c.failed} failed` : ''}`;
      return `${bold}${fmtOps(c.opsMedian)}${bold} (${fmtOps(c.opsMin)}–${fmtOps(c.opsMax)})${warn}`;
    });
    L.push(mdTable(['workload', ...cols], tput));

    L.push('', '## Ratio to the best peer (median ÷ best peer median)', '');
    const ratios = workloads.map((w) => [
      w,
      ...adapters.map((a) => fmtRatio(cells[w].adapters[a.name].ratioToBestPeer)),
      cells[w].best?.name ?? '–',
    ]);
    L.push(mdTable(['workload', ...cols, 'best peer'], ratios));

    L.push('', '## Latency per call: p50 / p99 / p99.9 (medians over reps)', '');
    L.push(
      'Caller-observed: from the call to the settled promise, including queueing inside the client. W4: a whole batch of 100.',
      '',
    );
    L.push(
      mdTable(
        ['workload', ...cols],
        perCell((c) => `${fmtUs(c.p50)} / ${fmtUs(c.p99)} / ${fmtUs(c.p999)}`),
      ),
    );

    L.push('', '## CPU per command: client µs / server µs (medians)', '');
    L.push(
      'Client: the child process, user + sys (all threads). Server: redis INFO used_cpu_*. Both divided by every command completed in the window (W5: GETs and BLPOPs).',
      '',
    );
    const cpu = (x) => fmtNum(x, x < 10 ? 2 : 1);
    L.push(
      mdTable(
        ['workload', ...cols],
        perCell((c) => `${cpu(c.clientCpuUsPerOp)} / ${cpu(c.serverCpuUsPerOp)}`),
      ),
    );

    L.push('', '## Peak RSS MB / server connections / server commands per op (medians)', '');
    L.push(
      "Peak RSS: the child's kernel high-water mark (maxRSS) over its whole life. Connections: server clients at the end of the window, minus the harness's own. Server commands per op: ~1.0 when the client sends nothing but the workload (handshakes of new connections show up here).",
      '',
    );
    L.push(
      mdTable(
        ['workload', ...cols],
        perCell(
          (c) => `${fmtNum(c.peakRssMB, 0)} / ${fmtNum(c.connections, 0)} / ${fmtNum(c.serverCmdsPerClientOp, 2)}`,
        ),
      ),
    );

    L.push('', '## Cores busy: client / server / whole machine; event-loop utilisation (medians)', '');
    L.push(
      mdTable(
        ['workload', ...cols],
        perCell(
          (c) =>
            `${fmtNum(c.clientCpuCores, 2)} / ${fmtNum(c.serverCpuCores, 2)} / ${fmtNum(c.busyCores, 2)}; ${fmtNum(c.elu, 2)}`,
        ),
      ),
    );

    const w5 = workloads.filter((w) => w.startsWith('W5'));
    if (w5.length) {
      L.push('', '## Blockers in W5/W5b: BLPOP calls/s, median BLPOP duration', '');
      L.push(
        `Each blocker loops BLPOP(${BLPOP_TIMEOUT_S} s) on its own empty key; redis' default hz 10 rounds the timeout up to ~0.1 s.`,
        '',
      );
      const rows = w5.map((w) => [
        w,
        ...adapters.map((a) => {
          const c = cells[w].adapters[a.name];
          return c.n && c.blpopCallsPerSec !== undefined
            ? `${fmtNum(c.blpopCallsPerSec, 0)}/s, ${fmtUs(c.blpopP50)}`
            : '–';
        }),
      ]);
      L.push(mdTable(['workload', ...cols], rows));
    }
  }

  if (workloads.includes('W7')) L.push('', ...renderCacheTable(cells.W7, adapters));

  if (ceiling) {
    L.push('', `## Ceiling: \`${CEILING_ID}\` on the same server`, '');
    if (!ceiling.ok) L.push(`FAILED: ${ceiling.error}`);
    else {
      L.push(
        `\`${ceiling.command}\` (median of ${ceiling.n}): GET ${fmtOps(ceiling.getRps)}/s, SET ${fmtOps(ceiling.setRps)}/s, 50/50 mix ${fmtOps(ceiling.mixRps)}/s (harmonic mean; ${fmtOps(ceiling.mixMin)}–${fmtOps(ceiling.mixMax)}).`,
      );
      if (workloads.includes('W3')) {
        L.push(
          '',
          mdTable(
            ['', ...cols],
            [['W3 ÷ ceiling', ...adapters.map((a) => fmtRatio(cells.W3.adapters[a.name].opsMedian / ceiling.mixRps))]],
          ),
        );
      }
    }
  }

  if (cluster) L.push('', ...renderClusterSection(cluster, env.metas));

  if (idleHeap) {
    L.push('', '## Heap per idle pooled connection (respool)', '');
    L.push(
      idleHeap.ok
        ? `${idleHeap.conns} idle connections (poolSize = minIdleConns = ${idleHeap.conns}, ${idleHeap.serverSideConns} seen by the server): heapUsed ${fmtBytes(idleHeap.heapPerConnBytes)}/conn, external ${fmtBytes(idleHeap.externalPerConnBytes)}/conn, RSS ${fmtBytes(idleHeap.rssPerConnBytes)}/conn (deltas after forced GC).`
        : `FAILED: ${idleHeap.error}`,
    );
  }

  const targets = hasTargets(adapters, cluster)
    ? evaluateTargets({ cells, workloads, ceiling, idleHeap, cluster })
    : [];
  if (targets.length) {
    L.push('', '## Targets of issues 5, 7 and 8 (respool, this run)', '');
    const mark = (p) => (p === null ? '–' : p ? 'met' : '**missed**');
    L.push(
      mdTable(
        ['target', 'measured', 'goal', ''],
        targets.map((t) => [t.target, t.value, t.goal, mark(t.pass)]),
        ['---', '---:', '---:', '---'],
      ),
    );
  }

  const okRuns = runs.filter((r) => r.ok);
  const failed = runs.filter((r) => !r.ok);
  if (runs.length) {
    L.push(
      '',
      `Machine noise: median steal ${fmtNum(median(okRuns.map((r) => r.machine?.stealPct)), 2)} %; runs failed: ${failed.length}, runs with errors: ${okRuns.filter((r) => r.errors).length}.`,
    );
    for (const f of failed.slice(0, 10)) L.push(`- FAILED ${f.adapter} ${f.workload} rep ${f.rep + 1}: ${f.error}`);
    for (const r of okRuns.filter((x) => x.errors).slice(0, 10)) {
      L.push(
        `- ${r.errors} errors in ${r.adapter} ${r.workload} rep ${r.rep + 1}: ${r.groups.find((g) => g.errors)?.lastError}`,
      );
    }
  }
  return L.join('\n') + '\n';
}

/** The uncached run of the same client, to compare a client-side cache against. */
export const CACHE_BASELINES = { 'respool-cache': 'respool', 'node-redis-csc': 'node-redis' };

/** W7: every adapter's ops/s and, for the caching ones, hit rate and speed-up over the same client uncached. */
function renderCacheTable(w7, adapters) {
  const rows = [];
  for (const a of adapters) {
    const c = w7.adapters[a.name];
    if (!c.n) continue;
    const base = w7.adapters[CACHE_BASELINES[a.name]];
    rows.push([
      a.name,
      `${fmtOps(c.opsMedian)} (${fmtOps(c.opsMin)}–${fmtOps(c.opsMax)})${c.errors ? ` ⚠ ${c.errors} err` : ''}`,
      Number.isFinite(c.hitRate) ? `${fmtNum(c.hitRate * 100, 1)} %` : '–',
      base?.n ? `${fmtRatio(c.opsMedian / base.opsMedian)} vs ${CACHE_BASELINES[a.name]}` : '–',
      `${fmtUs(c.p50)} / ${fmtUs(c.p99)}`,
    ]);
  }
  return [
    '## W7: client-side caching — ops/s, hit rate over the window, speed-up over the same client uncached',
    '',
    mdTable(['adapter', 'ops/s (min–max)', 'hit rate', 'speed-up', 'p50 / p99'], rows),
  ];
}
