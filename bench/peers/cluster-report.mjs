// The "Cluster" section of the report: W2 against the private 3-master cluster (issue 8), one row
// per adapter: throughput, ratio to the best peer, latency, CPU, memory and connections. The cells
// come from report.mjs' summarize() over the --cluster part's runs alone, so "best peer" means the
// best cluster peer (ioredis Cluster, node-redis createCluster), never a single-server number.
import { WORKLOADS } from './workloads.mjs';
import { fmtNum, fmtOps, fmtRatio, fmtUs, mdTable } from './format.mjs';

/** @param cluster `{ masters, ports, redisVersion, adapters, workloads, cells }` as kept in the JSON. */
export function renderClusterSection(cluster, metas = {}) {
  const L = [];
  L.push(`## Cluster: ${cluster.workloads.join(', ')} against a private ${cluster.masters}-master Redis Cluster`, '');
  L.push(
    `redis-server ${cluster.redisVersion ?? '?'} × ${cluster.masters} (cluster mode, no replicas; ports ${cluster.ports.join(', ')}), on the same cores as the client. ` +
      'Root node: the first master. Same method as above (fresh child per run, interleaved reps, medians); ' +
      'server CPU, server commands and connections are summed over the masters.',
    '',
  );
  for (const a of cluster.adapters) {
    const m = metas[a.name] ?? {};
    L.push(`- **${a.name}**${a.ours ? ' (ours)' : ''}: ${a.description} — ${m.package ?? '?'} ${m.version ?? ''}`);
  }
  for (const w of cluster.workloads) {
    const cell = cluster.cells[w];
    L.push('', `**${w}**: ${WORKLOADS[w].title}; best peer ${cell.best ? `**${cell.best.name}**` : '–'}`, '');
    const rows = cluster.adapters.map((a) => {
      const c = cell.adapters[a.name];
      if (!c.n) return [a.name, c.failed ? `⚠ ${c.failed} failed` : '–', '–', '–', '–', '–'];
      const bold = cell.best?.name === a.name ? '**' : '';
      const warn = `${c.errors ? ` ⚠ ${c.errors} err` : ''}${c.failed ? ` ⚠ ${c.failed} failed` : ''}`;
      const cpu = (x) => fmtNum(x, x < 10 ? 2 : 1);
      return [
        a.name,
        `${bold}${fmtOps(c.opsMedian)}${bold} (${fmtOps(c.opsMin)}–${fmtOps(c.opsMax)})${warn}`,
        fmtRatio(c.ratioToBestPeer),
        `${fmtUs(c.p50)} / ${fmtUs(c.p99)} / ${fmtUs(c.p999)}`,
        `${cpu(c.clientCpuUsPerOp)} / ${cpu(c.serverCpuUsPerOp)}`,
        `${fmtNum(c.peakRssMB, 0)} / ${fmtNum(c.connections, 0)} / ${fmtNum(c.serverCmdsPerClientOp, 2)}`,
      ];
    });
    L.push(
      mdTable(
        [
          'adapter',
          'ops/s median (min–max)',
          'ratio to best peer',
          'p50 / p99 / p99.9',
          'CPU µs/op client / server',
          'peak RSS MB / conns / srv cmds per op',
        ],
        rows,
        ['---', '---:', '---:', '---:', '---:', '---:'],
      ),
    );
  }
  return L;
}
