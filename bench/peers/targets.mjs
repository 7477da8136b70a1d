// Issues 5, 7 and 8's targets, checked against the medians of one run. Each row says the
// measured value, the goal, and whether it is met; rows whose data is missing
// from this run (workload or adapter not run) are left out.
import { IDLE_HEAP_TARGET_BYTES } from './idle-heap.mjs';
import { fmtBytes, fmtNum, fmtRatio, fmtUs } from './format.mjs';

export const OURS = 'respool';
export const OURS_CLUSTER = 'respool-cluster';

/** Whether this run has a respool to check targets for (single server or the --cluster part). */
export function hasTargets(adapters, cluster) {
  return adapters.some((a) => a.name === OURS) || Boolean(cluster?.adapters.some((a) => a.name === OURS_CLUSTER));
}

export function evaluateTargets({ cells, workloads, ceiling, idleHeap, cluster }) {
  const rows = [];
  const cell = (w) => cells[w]?.adapters[OURS];
  const has = (w) => workloads.includes(w) && cell(w)?.n > 0 && cells[w].best;
  const add = (target, value, goal, pass) => rows.push({ target, value, goal, pass });

  for (const w of ['W2', 'W3']) {
    if (!has(w)) continue;
    const best = cells[w].best;
    const ratio = cell(w).opsMedian / best.opsMedian;
    add(`${w} throughput vs best peer (${best.name})`, fmtRatio(ratio), '≥ 1.3x', ratio >= 1.3);
    const cpu = cell(w).clientCpuUsPerOp / cells[w].adapters[best.name].clientCpuUsPerOp;
    add(`${w} client CPU/command vs ${best.name}`, fmtRatio(cpu), '≤ 0.75x', cpu <= 0.75);
  }
  for (const w of ['W5', 'W5b']) {
    if (!has(w)) continue;
    const best = cells[w].best;
    const ratio = cell(w).opsMedian / best.opsMedian;
    add(`${w} GETs vs best peer (${best.name})`, fmtRatio(ratio), '≥ 100x', ratio >= 100);
    if (has('W2')) {
      const own = cell(w).opsMedian / cell('W2').opsMedian;
      add(`${w} GETs vs respool's own W2`, fmtRatio(own), '≥ 0.8x', own >= 0.8);
    }
  }
  if (has('W1')) {
    const peers = Object.entries(cells.W1.adapters).filter(([name, c]) => c.n > 0 && !c.ours && name !== OURS);
    const fastest = peers.sort((a, b) => a[1].p50 - b[1].p50)[0];
    if (fastest) {
      const ratio = cell('W1').p50 / fastest[1].p50;
      add(
        `W1 p50 vs fastest peer (${fastest[0]}, ${fmtUs(fastest[1].p50)})`,
        `${fmtUs(cell('W1').p50)} (${fmtRatio(ratio)})`,
        '≤ 1.05x',
        ratio <= 1.05,
      );
    }
  }
  for (const w of ['W4', 'W6']) {
    if (!has(w)) continue;
    const best = cells[w].best;
    const ratio = cell(w).opsMedian / best.opsMedian;
    add(`${w} throughput vs best peer (${best.name})`, fmtRatio(ratio), '≥ 1.0x', ratio >= 1.0);
  }
  if (has('W3')) {
    const peers = Object.entries(cells.W3.adapters).filter(([name, c]) => c.n > 0 && !c.ours && name !== OURS);
    const lowest = peers.sort((a, b) => a[1].peakRssMB - b[1].peakRssMB)[0];
    if (lowest) {
      const mine = cell('W3').peakRssMB;
      add(
        `W3 peak RSS vs lowest peer (${lowest[0]}, ${fmtNum(lowest[1].peakRssMB, 0)} MB)`,
        `${fmtNum(mine, 0)} MB`,
        '≤ lowest peer',
        mine <= lowest[1].peakRssMB,
      );
    }
    if (ceiling?.mixRps) {
      add(
        `W3 as a fraction of ${'`redis-benchmark -P 16`'}`,
        fmtRatio(cell('W3').opsMedian / ceiling.mixRps),
        'report',
        null,
      );
    }
  }
  const cached = cells.W7?.adapters['respool-cache'];
  if (workloads.includes('W7') && cached?.n > 0 && cell('W7')?.n > 0) {
    const speedup = cached.opsMedian / cell('W7').opsMedian;
    const hitRate = cached.hitRate;
    add(
      `W7 cache on vs off (respool-cache ÷ respool), hit rate ${fmtNum(hitRate * 100, 1)} %`,
      fmtRatio(speedup),
      '≥ 5x at ≥ 90 % hits',
      speedup >= 5 && hitRate >= 0.9,
    );
    const csc = cells.W7.adapters['node-redis-csc'];
    if (csc?.n > 0) {
      add(`W7 vs node-redis client-side cache`, fmtRatio(cached.opsMedian / csc.opsMedian), 'report', null);
    }
  }
  // Issue 8: W2 against the 3-master cluster, respool-cluster vs the best cluster peer.
  for (const w of cluster?.workloads ?? []) {
    const c = cluster.cells[w];
    const mine = c?.adapters[OURS_CLUSTER];
    if (!(mine?.n > 0) || !c.best) continue;
    const ratio = mine.opsMedian / c.best.opsMedian;
    add(
      `${w} on a ${cluster.masters}-master cluster vs best peer (${c.best.name})`,
      fmtRatio(ratio),
      '≥ 1.3x',
      ratio >= 1.3,
    );
  }
  if (idleHeap?.ok) {
    add(
      `heap per idle pooled connection (${idleHeap.conns} idle)`,
      fmtBytes(idleHeap.heapPerConnBytes),
      `< ${fmtBytes(IDLE_HEAP_TARGET_BYTES)}`,
      idleHeap.heapPerConnBytes < IDLE_HEAP_TARGET_BYTES,
    );
  }
  return rows;
}
