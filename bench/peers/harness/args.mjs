// Command-line flags of `npm run bench` (bench/run.mjs). No dependencies: this runs
// before bench/node_modules is installed, so that --help works on a fresh clone.
import path from 'node:path';
import { BENCH_DIR } from './paths.mjs';

/** The bench runs under Bun (`npm run bench:bun`): its children do too, and Bun's own client joins. */
export const RUNNING_ON_BUN = typeof process.versions.bun === 'string';

/**
 * Built-in adapters, in report column order. `ours` = never counted as "best peer";
 * `only` = the workloads the adapter runs (the client-side caches run W7 alone);
 * `bunOnly` = runs only under Bun, and is part of the default list there.
 */
export const ADAPTERS = {
  respool: { file: 'respool.mjs', ours: true },
  'respool-cache': { file: 'respool-cache.mjs', ours: true, only: ['W7'] },
  'ioredis-auto': { file: 'ioredis-auto.mjs', ours: false },
  ioredis: { file: 'ioredis.mjs', ours: false },
  'node-redis': { file: 'node-redis.mjs', ours: false },
  'node-redis-pool': { file: 'node-redis-pool.mjs', ours: false },
  'valkey-glide': { file: 'valkey-glide.mjs', ours: false },
  'node-redis-csc': { file: 'node-redis-csc.mjs', ours: false, only: ['W7'] },
  'bun-redis': { file: 'bun-redis.mjs', ours: false, bunOnly: true },
};

const DEFAULT_ADAPTERS = Object.keys(ADAPTERS).filter((name) => RUNNING_ON_BUN || !ADAPTERS[name].bunOnly);

/** Adapters of the --cluster part (W2 against a private 3-master cluster), in report row order. */
export const CLUSTER_ADAPTERS = {
  'respool-cluster': { file: 'respool-cluster.mjs', ours: true },
  'ioredis-cluster-auto': { file: 'ioredis-cluster-auto.mjs', ours: false },
  'ioredis-cluster': { file: 'ioredis-cluster.mjs', ours: false },
  'node-redis-cluster': { file: 'node-redis-cluster.mjs', ours: false },
};
/** What the --cluster part runs: W2 only (issue 8's benchmark). */
export const CLUSTER_WORKLOADS = ['W2'];
export const CLUSTER_MASTERS = 3;

export const WORKLOAD_IDS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W5b', 'W6', 'W7'];

export const HELP = `usage: npm run bench -- [options]      (or: node bench/run.mjs [options] after npm run build)

What runs (in this order): codec bench (bench/codec.mjs), pool micro-bench (bench/pool.mjs),
peer workloads W1-W7 + W5b (interleaved, one fresh child process per run), redis-benchmark -P 16
ceiling, heap per idle pooled connection. All against ONE private redis-server on a free port.

  --quick                ~1 min smoke run: warm-up 0.25 s, window 1 s, 1 rep (W5/W5b need the full window)
  --workloads W2,W3      workloads to run (default: ${WORKLOAD_IDS.join(',')})
  --adapters a,b         adapters to run (default: all; bun-redis only under Bun): ${Object.keys(ADAPTERS).join(', ')}
  --adapter PATH         extra adapter module (repeatable), reported next to respool, never "best peer"
  --reps N               repetitions per (workload, adapter); default 3 (1 with --quick)
  --warmup S             warm-up seconds per run; default 1
  --duration S           measured window seconds per run; default 3
  --pool-size N          pool size passed to pooled adapters (default: each adapter's own;
                         node-redis-pool uses 10, respool its default)
  --cluster              after everything else, W2 against a private ${CLUSTER_MASTERS}-master Redis Cluster (no
                         replicas; adds ~1 min to a full run, ~15 s to --quick) with the adapters
                         ${Object.keys(CLUSTER_ADAPTERS).join(', ')}
  --cluster-only         only the --cluster part (no micro-benches, no single-server workloads,
                         no ceiling, no idle heap); writes cluster-latest.* (cluster-quick-latest.*)
  --cluster-adapters a,b adapters of the --cluster part (default: all of the above)
  --no-peers             no single-server peer workloads (codec and pool micro-benches, and --cluster if given)
  --no-codec             skip bench/codec.mjs
  --no-pool              skip bench/pool.mjs
  --no-redis-benchmark   skip the redis-benchmark -P 16 ceiling
  --idle-heap            ONLY measure respool's heap per idle pooled connection (1000 idle conns)
  --idle-conns N         connections for the idle-heap measurement (default 1000)
  --out DIR              results folder (default bench/results)
  --label TEXT           tag written into the report
  --list                 print adapters and workloads and exit
  -h, --help             this text`;

export function parseArgs(argv) {
  const a = {
    adapters: DEFAULT_ADAPTERS,
    adaptersExplicit: false,
    extraAdapters: [],
    workloads: [...WORKLOAD_IDS],
    reps: 3,
    warmup: 1,
    duration: 3,
    poolSize: undefined,
    quick: false,
    peers: true,
    codec: true,
    pool: true,
    redisBenchmark: true,
    idleHeapOnly: false,
    cluster: false,
    clusterOnly: false,
    clusterAdapters: Object.keys(CLUSTER_ADAPTERS),
    clusterAdaptersExplicit: false,
    idleConns: 1000,
    out: path.join(BENCH_DIR, 'results'),
    label: '',
    list: false,
    help: false,
  };
  const explicit = new Set();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      return argv[++i];
    };
    const number = () => {
      const n = Number(value());
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number`);
      return n;
    };
    explicit.add(flag);
    switch (flag) {
      case '--quick':
        a.quick = true;
        break;
      case '--workloads':
        a.workloads = value().split(',').filter(Boolean);
        break;
      case '--adapters':
        a.adapters = value().split(',').filter(Boolean);
        a.adaptersExplicit = true;
        break;
      case '--adapter':
        a.extraAdapters.push(path.resolve(value()));
        break;
      case '--reps':
        a.reps = Math.round(number());
        break;
      case '--warmup':
        a.warmup = number();
        break;
      case '--duration':
        a.duration = number();
        break;
      case '--pool-size':
        a.poolSize = Math.round(number());
        break;
      case '--cluster':
        a.cluster = true;
        break;
      case '--cluster-only':
        a.cluster = true;
        a.clusterOnly = true;
        break;
      case '--cluster-adapters':
        a.clusterAdapters = value().split(',').filter(Boolean);
        a.clusterAdaptersExplicit = true;
        break;
      case '--no-peers':
        a.peers = false;
        break;
      case '--no-codec':
        a.codec = false;
        break;
      case '--no-pool':
        a.pool = false;
        break;
      case '--no-redis-benchmark':
        a.redisBenchmark = false;
        break;
      case '--idle-heap':
        a.idleHeapOnly = true;
        break;
      case '--idle-conns':
        a.idleConns = Math.round(number());
        break;
      case '--out':
        a.out = path.resolve(value());
        break;
      case '--label':
        a.label = value();
        break;
      case '--list':
        a.list = true;
        break;
      case '-h':
      case '--help':
        a.help = true;
        break;
      default:
        throw new Error(`unknown option ${flag} (try --help)`);
    }
  }
  if (a.quick) {
    if (!explicit.has('--warmup')) a.warmup = 0.25;
    if (!explicit.has('--duration')) a.duration = 1;
    if (!explicit.has('--reps')) a.reps = 1;
  }
  for (const name of a.adapters) {
    if (!ADAPTERS[name]) throw new Error(`unknown adapter ${name} (known: ${Object.keys(ADAPTERS).join(', ')})`);
    if (ADAPTERS[name].bunOnly && !RUNNING_ON_BUN) {
      throw new Error(`adapter ${name} runs only under Bun: use npm run bench:bun`);
    }
  }
  for (const name of a.clusterAdapters) {
    if (!CLUSTER_ADAPTERS[name]) {
      throw new Error(`unknown cluster adapter ${name} (known: ${Object.keys(CLUSTER_ADAPTERS).join(', ')})`);
    }
  }
  if (a.clusterOnly) {
    a.peers = false;
    a.codec = false;
    a.pool = false;
    a.redisBenchmark = false;
  }
  for (const w of a.workloads) {
    if (!WORKLOAD_IDS.includes(w)) throw new Error(`unknown workload ${w} (known: ${WORKLOAD_IDS.join(', ')})`);
  }
  return a;
}
