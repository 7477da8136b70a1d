/**
 * The pool's observable instruments, read from `client.poolStats()` at each collection. Names and
 * attributes follow the database client connection conventions (`db.client.connection.*`). The pool
 * also exports the pool's cumulative wait totals as `respool.pool.waits` and `respool.pool.wait_time`;
 * the per-wait `db.client.connection.wait_time` histogram is recorded from the client's `wait` event.
 * With the client-side cache on, `respool.cache.*` reports its hits, misses, size and churn.
 */
import type { BatchObservableResult, Meter, Observable } from '@opentelemetry/api';
import type { PoolStats, RedisClient } from '../index.js';

const POOL = 'db.client.connection.pool.name';
const STATE = 'db.client.connection.state';

export function createPoolInstruments(
  meter: Meter,
  client: RedisClient,
  poolName: string,
): { observables: Observable[]; callback: (result: BatchObservableResult) => void } {
  const count = meter.createObservableUpDownCounter('db.client.connection.count', {
    description: 'The number of connections that are currently in the state described by the state attribute.',
    unit: '{connection}',
  });
  const max = meter.createObservableUpDownCounter('db.client.connection.max', {
    description: 'The maximum number of open connections allowed (poolSize).',
    unit: '{connection}',
  });
  const idleMin = meter.createObservableUpDownCounter('db.client.connection.idle.min', {
    description: 'The minimum number of idle open connections allowed (minIdleConns).',
    unit: '{connection}',
  });
  const pending = meter.createObservableUpDownCounter('db.client.connection.pending_requests', {
    description: 'The number of requests waiting for a connection (waiting for a turn or dialing).',
    unit: '{request}',
  });
  const timeouts = meter.createObservableCounter('db.client.connection.timeouts', {
    description: 'The number of connection requests that timed out (poolTimeout).',
    unit: '{timeout}',
  });
  const waits = meter.createObservableCounter('respool.pool.waits', {
    description: 'Connection requests that had to wait for a turn and then got one.',
    unit: '{request}',
  });
  const waitTime = meter.createObservableCounter('respool.pool.wait_time', {
    description: 'Total time those requests waited for a turn.',
    unit: 's',
  });
  const gets = meter.createObservableCounter('respool.pool.gets', {
    description: 'Connection requests by result: hit (an idle connection) or miss (a new dial).',
    unit: '{request}',
  });
  const stale = meter.createObservableCounter('respool.pool.stale_connections', {
    description: 'Connections closed by the idle-time, lifetime or health checks.',
    unit: '{connection}',
  });
  const cacheRequests = meter.createObservableCounter('respool.cache.requests', {
    description: 'Cacheable reads by result: hit (served locally) or miss (sent to the server).',
    unit: '{request}',
  });
  const cacheEvictions = meter.createObservableCounter('respool.cache.evictions', {
    description: 'Cache entries dropped to make room.',
    unit: '{entry}',
  });
  const cacheInvalidations = meter.createObservableCounter('respool.cache.invalidations', {
    description: 'Keys the server reported changed.',
    unit: '{key}',
  });
  const cacheEntries = meter.createObservableUpDownCounter('respool.cache.entries', {
    description: 'Entries held by the client-side cache.',
    unit: '{entry}',
  });
  const cacheSize = meter.createObservableUpDownCounter('respool.cache.size', {
    description: 'Estimated bytes held by the client-side cache.',
    unit: 'By',
  });
  const observables: Observable[] = [
    count,
    max,
    idleMin,
    pending,
    timeouts,
    waits,
    waitTime,
    gets,
    stale,
    cacheRequests,
    cacheEvictions,
    cacheInvalidations,
    cacheEntries,
    cacheSize,
  ];

  const observePool = (result: BatchObservableResult, name: string, stats: PoolStats, size: number) => {
    const pool = { [POOL]: name };
    result.observe(count, stats.idleConns, { ...pool, [STATE]: 'idle' });
    result.observe(count, stats.inUse, { ...pool, [STATE]: 'used' });
    result.observe(max, size, pool);
    result.observe(pending, stats.pendingRequests, pool);
    result.observe(timeouts, stats.timeouts, pool);
    result.observe(waits, stats.waitCount, pool);
    result.observe(waitTime, stats.waitDurationMs / 1000, pool);
    result.observe(gets, stats.hits, { ...pool, 'respool.pool.get.result': 'hit' });
    result.observe(gets, stats.misses, { ...pool, 'respool.pool.get.result': 'miss' });
    result.observe(stale, stats.staleConns, pool);
  };

  const callback = (result: BatchObservableResult) => {
    if (client.closed) return;
    const { blocking, ...main } = client.poolStats();
    observePool(result, poolName, main, client.options.poolSize);
    result.observe(idleMin, client.options.minIdleConns, { [POOL]: poolName });
    if (blocking !== undefined) observePool(result, `${poolName} blocking`, blocking, client.options.blockingPoolSize);
    const cache = client.cacheStats(); // undefined while the client-side cache is off
    if (cache !== undefined) {
      const attributes = { [POOL]: poolName };
      result.observe(cacheRequests, cache.hits, { ...attributes, 'respool.cache.result': 'hit' });
      result.observe(cacheRequests, cache.misses, { ...attributes, 'respool.cache.result': 'miss' });
      result.observe(cacheEvictions, cache.evictions, attributes);
      result.observe(cacheInvalidations, cache.invalidations, attributes);
      result.observe(cacheEntries, cache.entries, attributes);
      result.observe(cacheSize, cache.bytes, attributes);
    }
  };
  return { observables, callback };
}
