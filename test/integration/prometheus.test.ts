import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Registry } from 'prom-client';
import { createClient } from '../../src/index.js';
import { registerPoolMetrics } from '../../src/prometheus/index.js';
import { RedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

interface Exposition {
  types: Map<string, string>;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/** Parses the Prometheus text exposition format (the subset prom-client writes). */
function parse(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Exposition['samples'] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match, `unparsable line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of match[2]?.match(/\w+="(?:[^"\\]|\\.)*"/g) ?? []) {
      const eq = pair.indexOf('=');
      labels[pair.slice(0, eq)] = JSON.parse(pair.slice(eq + 1)) as string;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return { types, samples };
}

function value(e: Exposition, name: string, labels: Record<string, string>): number | undefined {
  return e.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

test('pool stats and connection events appear as counters and gauges in the registry text', async () => {
  const registry = new Registry();
  await using client = createClient({ port: server.port, poolSize: 3, poolTimeout: 100 });
  const metrics = registerPoolMetrics(client, { registry, labels: { client: 'sessions' } });
  await Promise.all([client.set('a', '1'), client.get('a')]);
  await client.blPop('empty-list', 0.01);
  await client.withConn(async (c) => {
    await c.ping();
  });

  const stats = client.poolStats();
  const text = await registry.metrics();
  const e = parse(text);
  assert.equal(e.types.get('respool_pool_hits_total'), 'counter');
  assert.equal(e.types.get('respool_pool_connections'), 'gauge');
  const main = { pool: 'main', client: 'sessions' };
  assert.equal(value(e, 'respool_pool_hits_total', main), stats.hits);
  assert.equal(value(e, 'respool_pool_misses_total', main), stats.misses);
  assert.ok(stats.hits + stats.misses >= 2);
  assert.equal(value(e, 'respool_pool_connections', { ...main, state: 'idle' }), stats.idleConns);
  assert.equal(value(e, 'respool_pool_connections', { ...main, state: 'in_use' }), 0);
  assert.equal(value(e, 'respool_pool_max_connections', main), 3);
  assert.equal(value(e, 'respool_pool_timeouts_total', main), 0);
  assert.equal(value(e, 'respool_connections_opened_total', main), stats.totalConns);
  // The BLPOP ran on the blocking pool, reported under its own label.
  assert.equal(value(e, 'respool_connections_opened_total', { pool: 'blocking', client: 'sessions' }), 1);
  assert.equal(value(e, 'respool_pool_max_connections', { pool: 'blocking', client: 'sessions' }), 1024);
  // No client-side cache on this client: no cache series.
  assert.ok(!text.includes('respool_cache_'));
  metrics.unregister();
  assert.equal((await registry.metrics()).trim(), '');
});

test('timeouts and closed connections are counted; two clients share the metrics with their own labels', async () => {
  const registry = new Registry();
  const a = createClient({ port: server.port, poolSize: 1, poolTimeout: 100, blockingPoolSize: 0 });
  const b = createClient({ port: server.port });
  const ma = registerPoolMetrics(a, { registry, labels: { client: 'a' } });
  const mb = registerPoolMetrics(b, { registry, labels: { client: 'b' } });
  assert.throws(() => registerPoolMetrics(b, { registry, labels: { other: 'x' } }), /same label names/);
  await a.withConn(async () => {
    await assert.rejects(a.get('x'), { code: 'ERR_POOL_TIMEOUT' });
  });
  await b.ping();
  await a.close();

  let e = parse(await registry.metrics());
  assert.equal(
    value(e, 'respool_pool_timeouts_total', { pool: 'main', client: 'a' }),
    undefined,
    'closed client skipped',
  );
  assert.equal(value(e, 'respool_connections_closed_total', { pool: 'main', client: 'a', reason: 'closed' }), 1);
  assert.equal(value(e, 'respool_pool_hits_total', { pool: 'main', client: 'b' }), b.poolStats().hits);

  ma.unregister();
  e = parse(await registry.metrics());
  assert.ok(e.samples.every((s) => s.labels['client'] !== 'a'));
  assert.ok(e.samples.some((s) => s.labels['client'] === 'b'));
  mb.unregister();
  await b.close();
});

test('pool timeouts of an open client are exported', async () => {
  const registry = new Registry();
  await using client = createClient({ port: server.port, poolSize: 1, poolTimeout: 50, blockingPoolSize: 0 });
  const metrics = registerPoolMetrics(client, { registry, prefix: 'app_redis_' });
  await client.withConn(async () => {
    await assert.rejects(client.get('x'), { code: 'ERR_POOL_TIMEOUT' });
    await assert.rejects(client.get('y'), { code: 'ERR_POOL_TIMEOUT' });
  });
  const e = parse(await registry.metrics());
  assert.equal(value(e, 'app_redis_pool_timeouts_total', { pool: 'main' }), 2);
  assert.ok((value(e, 'app_redis_pool_wait_seconds_total', { pool: 'main' }) ?? -1) >= 0);
  metrics.unregister();
});

test('a client with its client-side cache on adds the cache series', async () => {
  const registry = new Registry();
  await using client = createClient({ port: server.port, cache: true });
  const metrics = registerPoolMetrics(client, { registry });
  await client.set('cached', 'v');
  assert.equal(await client.get('cached'), 'v');
  assert.equal(await client.get('cached'), 'v');
  const stats = client.cacheStats();
  assert.ok(stats !== undefined && stats.hits >= 1);
  const e = parse(await registry.metrics());
  assert.equal(e.types.get('respool_cache_hits_total'), 'counter');
  assert.equal(value(e, 'respool_cache_hits_total', {}), stats.hits);
  assert.equal(value(e, 'respool_cache_misses_total', {}), stats.misses);
  assert.equal(value(e, 'respool_cache_entries', {}), stats.entries);
  assert.ok((value(e, 'respool_cache_bytes', {}) ?? 0) > 0);
  metrics.unregister();
});
