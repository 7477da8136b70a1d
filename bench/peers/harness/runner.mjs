// Derived from the team's peer-bench (../shared/peer-bench, not in this repo): same workloads and method.
// Parent side of the peer bench: resolves adapters, then runs every
// (workload, adapter) pair once per rep, each in a fresh child process, and
// interleaves them (rep 1 of everything, then rep 2, ... with the adapter order
// rotated) so that slow drifts of a shared machine hit every adapter alike.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ADAPTERS, CLUSTER_ADAPTERS } from './args.mjs';
import { ADAPTERS_DIR, CHILD_ENTRY } from './paths.mjs';

/** Live child processes, so that Ctrl-C can stop them by pid. */
export const liveChildren = new Set();

/**
 * Loads each adapter module once in the parent (to read its description and to
 * fail early). An adapter that cannot load is dropped with a warning unless the
 * user named it explicitly (e.g. respool before `npm run build`).
 * `{ cluster: true }` resolves the --cluster part's adapters instead (no --adapter modules there).
 */
export async function resolveAdapters(args, log, { cluster = false } = {}) {
  const list = [];
  const table = cluster ? CLUSTER_ADAPTERS : ADAPTERS;
  const names = cluster ? args.clusterAdapters : args.adapters;
  const explicit = cluster ? args.clusterAdaptersExplicit : args.adaptersExplicit;
  const candidates = [
    ...names.map((name) => ({
      name,
      file: path.join(ADAPTERS_DIR, table[name].file),
      ours: table[name].ours,
      only: table[name].only,
    })),
    ...(cluster ? [] : args.extraAdapters).map((file) => ({ name: undefined, file, ours: true })),
  ];
  for (const c of candidates) {
    try {
      if (!existsSync(c.file)) throw new Error(`no such file ${c.file}`);
      const mod = await import(pathToFileURL(c.file).href);
      let name = c.name ?? mod.name ?? mod.default?.name ?? path.basename(c.file).replace(/\.[cm]?[jt]s$/, '');
      while (list.some((x) => x.name === name)) name += "'";
      list.push({
        name,
        path: c.file,
        ours: c.ours,
        only: c.only,
        description: mod.description ?? mod.default?.description ?? '',
      });
    } catch (e) {
      const why = `${c.name ?? c.file}: cannot load adapter: ${String(e?.message ?? e).split('\n')[0]}`;
      if (explicit || !c.name) throw new Error(why);
      log(`# skipping ${why}`);
    }
  }
  return list;
}

/** Runs one child; resolves with its @@RESULT object or a { ok: false } record. */
export function runChild(spec, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD_ENTRY, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    liveChildren.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (line) return resolve(JSON.parse(line.slice('@@RESULT '.length)));
      const tail = (err || out).trim().split('\n').slice(-5).join(' | ');
      resolve({
        ok: false,
        adapter: spec.adapterName,
        workload: spec.workload,
        rep: spec.rep,
        error: `exit ${code}${signal ? ' ' + signal : ''}: ${tail}`,
      });
    });
  });
}

/**
 * The interleaved schedule. `onRun(result)` sees every run as it finishes;
 * `afterRep(rep)` runs between reps (the redis-benchmark ceiling goes there).
 * `workloads` defaults to args.workloads; a `server` with `addresses` (a PrivateRedisCluster) makes
 * every child watch all of its nodes.
 */
export async function runPeerWorkloads({ args, adapters, server, workloads = args.workloads, onRun, afterRep }) {
  const runs = [];
  for (let rep = 0; rep < args.reps; rep++) {
    for (let wi = 0; wi < workloads.length; wi++) {
      const workload = workloads[wi];
      const k = (rep + wi) % adapters.length;
      const order = [...adapters.slice(k), ...adapters.slice(0, k)];
      for (const adapter of order) {
        if (adapter.only && !adapter.only.includes(workload)) continue;
        const spec = {
          adapterName: adapter.name,
          adapterPath: adapter.path,
          host: server.host,
          port: server.port,
          ...(server.addresses ? { nodes: server.addresses } : {}),
          poolSize: args.poolSize, // undefined unless --pool-size: each adapter uses its own default
          workload,
          rep,
          warmupMs: args.warmup * 1000,
          durationMs: args.duration * 1000,
        };
        const result = await runChild(spec, (args.warmup + args.duration) * 1000 + 30_000);
        result.ours = adapter.ours;
        runs.push(result);
        onRun(result);
      }
    }
    await afterRep?.(rep);
  }
  return runs;
}
