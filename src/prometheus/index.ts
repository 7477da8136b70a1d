/**
 * `respool/prometheus`: a client's pool stats (and client-side cache stats, when the client keeps
 * a cache) as collectors on a `prom-client` registry. `prom-client` is an optional peer dependency:
 * only this entry point loads it.
 *
 *   const metrics = registerPoolMetrics(client, { registry, labels: { client: 'sessions' } });
 *   …
 *   metrics.unregister();
 *
 * Values are read from `client.poolStats()` at scrape time. Several clients can share one registry
 * and prefix; they must use the same label names, and clients with identical label values add up.
 */
import { Counter, Gauge, register as globalRegistry, type Registry } from 'prom-client';
import { InvalidArgumentError } from '../errors.js';
import type { PoolEvents, PoolStats, RedisClient } from '../index.js';

export interface PrometheusOptions {
  /** Default: prom-client's global registry. */
  registry?: Registry;
  /** Metric name prefix. Default 'respool_'. */
  prefix?: string;
  /** Constant labels of this client's series, e.g. `{ client: 'sessions' }`. */
  labels?: Record<string, string>;
}

export interface PrometheusCollector {
  /** Stops exporting this client; the metrics leave the registry with the last client. Idempotent. */
  unregister(): void;
}

/** The fields of `client.cacheStats()` exported (it returns undefined while the client-side cache is off). */
export interface CacheStatsLike {
  hits: number;
  misses: number;
  entries?: number;
  bytes?: number;
  evictions?: number;
  invalidations?: number;
  expirations?: number;
  flushes?: number;
}

type PoolKind = 'main' | 'blocking';

interface Source {
  client: RedisClient;
  labels: Record<string, string>;
  opened: Map<PoolKind, number>;
  closed: Map<string, number>; // `${pool}\0${reason}`
  dialErrors: Map<PoolKind, number>;
  detach(): void;
}

interface Shared {
  labelKeys: string[];
  sources: Set<Source>;
  names: string[];
  /** Adds the cache metrics, once, when the first client with a cache registers. */
  addCacheMetrics(): void;
}

const shared = new WeakMap<Registry, Map<string, Shared>>();

const poolKind = (name: string): PoolKind => (name === 'blocking pool' ? 'blocking' : 'main');

export function registerPoolMetrics(client: RedisClient, options: PrometheusOptions = {}): PrometheusCollector {
  const registry = options.registry ?? globalRegistry;
  const prefix = options.prefix ?? 'respool_';
  const labels = { ...options.labels };
  const labelKeys = Object.keys(labels).sort();
  if (labelKeys.includes('pool') || labelKeys.includes('state') || labelKeys.includes('reason')) {
    throw new InvalidArgumentError('Invalid option labels: "pool", "state" and "reason" are set by respool');
  }
  let byPrefix = shared.get(registry);
  if (byPrefix === undefined) shared.set(registry, (byPrefix = new Map()));
  let group = byPrefix.get(prefix);
  if (group === undefined) {
    group = createMetrics(registry, prefix, labelKeys);
    byPrefix.set(prefix, group);
  } else if (group.labelKeys.join(',') !== labelKeys.join(',')) {
    throw new InvalidArgumentError(
      `Invalid option labels: clients sharing the prefix ${JSON.stringify(prefix)} must use the same label names ` +
        `(${group.labelKeys.join(', ') || 'none'}); got ${labelKeys.join(', ') || 'none'}`,
    );
  }

  if (cacheStatsOf(client) !== undefined) group.addCacheMetrics();
  const source = attach(client, labels);
  group.sources.add(source);
  const owner = group;
  let active = true;
  return {
    unregister() {
      if (!active) return;
      active = false;
      source.detach();
      owner.sources.delete(source);
      if (owner.sources.size === 0) {
        for (const name of owner.names) registry.removeSingleMetric(name);
        byPrefix.delete(prefix);
      }
    },
  };
}

/** Listens to the pool events the stats do not count: connections opened and closed, dial errors. */
function attach(client: RedisClient, labels: Record<string, string>): Source {
  const source: Source = {
    client,
    labels,
    opened: new Map(),
    closed: new Map(),
    dialErrors: new Map(),
    detach: () => {
      client.off('connect', onConnect);
      client.off('close', onClose);
      client.off('dialError', onDialError);
    },
  };
  const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);
  const onConnect = (e: PoolEvents['connect']) => bump(source.opened, poolKind(e.pool));
  const onClose = (e: PoolEvents['close']) => bump(source.closed, `${poolKind(e.pool)}\0${e.reason}`);
  const onDialError = (e: PoolEvents['dialError']) => bump(source.dialErrors, poolKind(e.pool));
  client.on('connect', onConnect);
  client.on('close', onClose);
  client.on('dialError', onDialError);
  return source;
}

function createMetrics(registry: Registry, prefix: string, labelKeys: string[]): Shared {
  let cacheDefined = false;
  const group: Shared = {
    labelKeys,
    sources: new Set(),
    names: [],
    addCacheMetrics() {
      if (cacheDefined) return;
      cacheDefined = true;
      const cache =
        (read: (stats: CacheStatsLike) => number | undefined): Sample =>
        (source, emit) => {
          const stats = cacheStatsOf(source.client);
          const value = stats === undefined ? undefined : read(stats);
          if (value !== undefined) emit({}, value);
        };
      const series: [kind: 'counter' | 'gauge', name: string, help: string, field: keyof CacheStatsLike][] = [
        ['counter', 'cache_hits_total', 'Client-side cache hits.', 'hits'],
        ['counter', 'cache_misses_total', 'Client-side cache misses.', 'misses'],
        ['counter', 'cache_evictions_total', 'Cache entries dropped to make room.', 'evictions'],
        ['counter', 'cache_invalidations_total', 'Keys the server reported changed.', 'invalidations'],
        ['counter', 'cache_expirations_total', 'Cache entries dropped at the end of their TTL.', 'expirations'],
        ['counter', 'cache_flushes_total', 'Whole-cache flushes.', 'flushes'],
        ['gauge', 'cache_entries', 'Client-side cache entries.', 'entries'],
        ['gauge', 'cache_bytes', 'Estimated bytes held by the client-side cache.', 'bytes'],
      ];
      for (const [kind, name, help, field] of series)
        define(
          kind,
          name,
          help,
          [],
          cache((c) => c[field]),
        );
    },
  };
  const registers = [registry];
  type Emit = (labels: Record<string, string>, value: number) => void;
  type Sample = (source: Source, emit: Emit) => void;

  /** Every metric is rebuilt from its sources at scrape time: reset, then add each source's values. */
  const define = (kind: 'counter' | 'gauge', name: string, help: string, extraLabels: string[], sample: Sample) => {
    const fullName = `${prefix}${name}`;
    const labelNames = [...extraLabels, ...labelKeys];
    group.names.push(fullName);
    const config = {
      name: fullName,
      help,
      labelNames,
      registers,
      collect(this: Counter | Gauge) {
        this.reset();
        for (const source of group.sources) {
          sample(source, (extra, value) => this.inc({ ...extra, ...source.labels }, value));
        }
      },
    };
    if (kind === 'counter') new Counter(config);
    else new Gauge(config);
  };

  /** For each pool of a client (the blocking pool only when it exists). */
  const perPool =
    (read: (stats: PoolStats, kind: PoolKind, source: Source) => number): Sample =>
    (source, emit) => {
      if (source.client.closed) return;
      const { blocking, ...main } = source.client.poolStats();
      emit({ pool: 'main' }, read(main, 'main', source));
      if (blocking !== undefined) emit({ pool: 'blocking' }, read(blocking, 'blocking', source));
    };

  define('gauge', 'pool_connections', 'Pooled connections by state (idle or in_use).', ['pool', 'state'], (s, emit) => {
    perPool((stats) => stats.idleConns)(s, (l, v) => emit({ ...l, state: 'idle' }, v));
    perPool((stats) => stats.inUse)(s, (l, v) => emit({ ...l, state: 'in_use' }, v));
  });
  define(
    'gauge',
    'pool_max_connections',
    'poolSize: connections the pool may hold.',
    ['pool'],
    perPool((_, kind, s) => (kind === 'main' ? s.client.options.poolSize : s.client.options.blockingPoolSize)),
  );
  define(
    'gauge',
    'pool_waiters',
    'Requests queued for a turn.',
    ['pool'],
    perPool((st) => st.waiters),
  );
  define(
    'gauge',
    'pool_pending_requests',
    'Requests in progress: waiting for a turn or a permit, or dialing.',
    ['pool'],
    perPool((st) => st.pendingRequests),
  );
  define(
    'counter',
    'pool_hits_total',
    'Requests served by an idle connection.',
    ['pool'],
    perPool((st) => st.hits),
  );
  define(
    'counter',
    'pool_misses_total',
    'Requests that dialed a new connection.',
    ['pool'],
    perPool((st) => st.misses),
  );
  define(
    'counter',
    'pool_timeouts_total',
    'Requests that gave up after poolTimeout.',
    ['pool'],
    perPool((st) => st.timeouts),
  );
  define(
    'counter',
    'pool_waits_total',
    'Requests that waited for a turn, then got one.',
    ['pool'],
    perPool((st) => st.waitCount),
  );
  define(
    'counter',
    'pool_wait_seconds_total',
    'Total time requests waited for a turn.',
    ['pool'],
    perPool((st) => st.waitDurationMs / 1000),
  );
  define(
    'counter',
    'pool_stale_connections_total',
    'Connections closed by the idle-time, lifetime or health checks.',
    ['pool'],
    perPool((st) => st.staleConns),
  );
  define('counter', 'connections_opened_total', 'Connections dialed and greeted.', ['pool'], (s, emit) => {
    for (const [pool, n] of s.opened) emit({ pool }, n);
  });
  define('counter', 'connections_closed_total', 'Connections closed, by reason.', ['pool', 'reason'], (s, emit) => {
    for (const [key, n] of s.closed) {
      const [pool, reason] = key.split('\0') as [string, string];
      emit({ pool, reason }, n);
    }
  });
  define('counter', 'dial_errors_total', 'Dials that failed.', ['pool'], (s, emit) => {
    for (const [pool, n] of s.dialErrors) emit({ pool }, n);
  });
  return group;
}

function cacheStatsOf(client: RedisClient): CacheStatsLike | undefined {
  const read = (client as unknown as { cacheStats?: () => CacheStatsLike | undefined }).cacheStats;
  return typeof read === 'function' ? read.call(client) : undefined;
}
