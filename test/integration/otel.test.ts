import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createClient } from '../../src/index.js';
import { instrumentClient, queryText } from '../../src/otel/index.js';
import { RedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

function tracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider };
}

function metering() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ readers: [reader] });
  /** Collects now and returns the metrics of the last export, by name. */
  const collect = async (): Promise<Map<string, MetricData>> => {
    exporter.reset();
    await reader.forceFlush();
    const out = new Map<string, MetricData>();
    for (const resource of exporter.getMetrics()) {
      for (const scope of resource.scopeMetrics)
        for (const metric of scope.metrics) out.set(metric.descriptor.name, metric);
    }
    return out;
  };
  return { provider, collect };
}

test('a span per command with the database semantic conventions and a query text without values', async () => {
  const { exporter, provider } = tracing();
  await using client = createClient({ port: server.port, db: 2 });
  const otel = instrumentClient(client, { tracerProvider: provider, metrics: false });
  const secret = 'value-that-must-not-leak';
  await client.set('user:1', secret, { ex: 60 });
  assert.equal(await client.get('user:1'), secret);
  await client.sendCommand(['SET', 'raw-key', secret]);

  const spans = exporter.getFinishedSpans();
  assert.deepEqual(
    spans.map((s) => s.name),
    ['SET', 'GET', 'SET'],
  );
  const [set, get, raw] = spans;
  assert.equal(set!.kind, SpanKind.CLIENT);
  assert.equal(set!.attributes['db.system.name'], 'redis');
  assert.equal(set!.attributes['db.operation.name'], 'SET');
  assert.equal(set!.attributes['db.namespace'], '2');
  assert.equal(set!.attributes['server.address'], '127.0.0.1');
  assert.equal(set!.attributes['server.port'], server.port);
  // Key names are kept (typed commands declare them); every other argument is a placeholder.
  assert.equal(set!.attributes['db.query.text'], 'SET user:1 ? ? ?');
  assert.equal(get!.attributes['db.query.text'], 'GET user:1');
  // sendCommand does not say which arguments are keys: all of them are hidden.
  assert.equal(raw!.attributes['db.query.text'], 'SET ? ?');
  for (const span of spans) {
    assert.ok(!JSON.stringify(span.attributes).includes(secret), 'a value reached a span');
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  }
  otel.uninstrument();
  await client.get('user:1');
  assert.equal(exporter.getFinishedSpans().length, 3, 'no spans after uninstrument');
});

test('failed commands mark the span as an error with error.type and the reply status code', async () => {
  const { exporter, provider } = tracing();
  await using client = createClient({ port: server.port });
  instrumentClient(client, { tracerProvider: provider, metrics: false });
  await client.set('a-string', 'x');
  await assert.rejects(client.lPush('a-string', 'y'), { code: 'WRONGTYPE' });
  const span = exporter.getFinishedSpans().find((s) => s.name === 'LPUSH');
  assert.ok(span);
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.attributes['error.type'], 'WRONGTYPE');
  assert.equal(span.attributes['db.response.status_code'], 'WRONGTYPE');
  assert.equal(span.events[0]?.name, 'exception');
});

test('pipelines and transactions get one span each with the batch size', async () => {
  const { exporter, provider } = tracing();
  await using client = createClient({ port: server.port });
  instrumentClient(client, { tracerProvider: provider, metrics: false, queryText: 'operation' });
  await client.pipeline().set('p', 'secret').get('p').incr('p').exec();
  await client.multi().set('m', '1').exec();
  const spans = exporter.getFinishedSpans();
  const pipeline = spans.find((s) => s.name === 'PIPELINE');
  const multi = spans.find((s) => s.name === 'MULTI');
  assert.ok(pipeline && multi, spans.map((s) => s.name).join(','));
  assert.equal(pipeline.attributes['db.operation.batch.size'], 3);
  assert.equal(pipeline.attributes['db.query.text'], 'SET\nGET\nINCR');
  // INCR on a non-integer failed in place: the pipeline resolves, the span counts it.
  assert.equal(pipeline.attributes['respool.pipeline.errors'], 1);
  assert.equal(multi.attributes['db.operation.batch.size'], undefined);
  assert.equal(multi.attributes['db.operation.name'], 'MULTI');
});

test('query text keeps the subcommand of container commands and truncates long pipelines', () => {
  assert.equal(
    queryText({ args: ['CONFIG', 'GET', 'maxmemory'], decode: undefined, flags: 0 }, 'sanitized'),
    'CONFIG GET ?',
  );
  assert.equal(
    queryText({ args: ['hset', 'h', 'f', 'v'], decode: undefined, flags: 0, keys: ['h'] }, 'sanitized'),
    'HSET h ? ?',
  );
});

test('pool metrics: connection counts by state, max, timeouts, and operation durations', async () => {
  const { provider, collect } = metering();
  await using client = createClient({ port: server.port, poolSize: 1, poolTimeout: 100, blockingPoolSize: 0 });
  const otel = instrumentClient(client, { meterProvider: provider, traces: false, poolName: 'test-pool' });
  await client.ping();
  await client.withConn(async () => {
    await assert.rejects(client.get('x'), { code: 'ERR_POOL_TIMEOUT' });
  });
  await client.set('k', 'v');

  const m = await collect();
  const count = m.get('db.client.connection.count');
  assert.ok(count, [...m.keys()].join(','));
  const byState = new Map(count.dataPoints.map((p) => [p.attributes['db.client.connection.state'], p.value]));
  assert.equal(byState.get('idle'), 1);
  assert.equal(byState.get('used'), 0);
  assert.equal(count.dataPoints[0]!.attributes['db.client.connection.pool.name'], 'test-pool');
  assert.equal(m.get('db.client.connection.max')!.dataPoints[0]!.value, 1);
  assert.equal(m.get('db.client.connection.timeouts')!.dataPoints[0]!.value, 1);
  const gets = m.get('respool.pool.gets')!.dataPoints;
  const misses = gets.find((p) => p.attributes['respool.pool.get.result'] === 'miss');
  assert.equal(misses?.value, 1);

  const duration = m.get('db.client.operation.duration');
  assert.ok(duration && duration.dataPointType === DataPointType.HISTOGRAM);
  assert.equal(duration.descriptor.unit, 's');
  const byOperation = new Map(
    duration.dataPoints.map((p) => [`${p.attributes['db.operation.name']}/${p.attributes['error.type'] ?? ''}`, p]),
  );
  const pingPoint = byOperation.get('PING/');
  assert.ok(pingPoint, [...byOperation.keys()].join(','));
  assert.equal((pingPoint.value as { count: number }).count, 1);
  assert.equal(pingPoint.attributes['db.system.name'], 'redis');
  // The timed-out GET is recorded with its error type.
  assert.equal((byOperation.get('GET/ERR_POOL_TIMEOUT')?.value as { count: number } | undefined)?.count, 1);
  // One get had to wait (the first, which dialed); gets served by an idle connection record nothing.
  const waited = m.get('db.client.connection.wait_time');
  assert.ok(waited && waited.dataPointType === DataPointType.HISTOGRAM);
  assert.equal(waited.descriptor.unit, 's');
  assert.equal((waited.dataPoints[0]?.value as { count: number } | undefined)?.count, 1);
  assert.equal(waited.dataPoints[0]!.attributes['db.client.connection.pool.name'], 'test-pool');
  const created = m.get('db.client.connection.create_time');
  assert.equal((created?.dataPoints[0]?.value as { count: number } | undefined)?.count, 1);

  // After uninstrument, neither the hook nor the observable callback reports anything new.
  otel.uninstrument();
  await client.ping();
  await client.withConn(async () => {
    await assert.rejects(client.get('x'), { code: 'ERR_POOL_TIMEOUT' });
  });
  assert.equal(client.poolStats().timeouts, 2);
  const later = await collect();
  assert.equal(later.get('db.client.connection.timeouts')?.dataPoints[0]?.value ?? 1, 1);
  const laterPing = later
    .get('db.client.operation.duration')
    ?.dataPoints.find((p) => p.attributes['db.operation.name'] === 'PING');
  assert.equal((laterPing?.value as { count: number } | undefined)?.count ?? 1, 1);
});

test('with the client-side cache on, cache metrics report hits and misses', async () => {
  const { provider, collect } = metering();
  await using client = createClient({ port: server.port, cache: true });
  instrumentClient(client, { meterProvider: provider, traces: false });
  await client.set('otel-cached', 'v');
  await client.get('otel-cached');
  await client.get('otel-cached');
  const m = await collect();
  const requests = m.get('respool.cache.requests');
  assert.ok(requests, [...m.keys()].join(','));
  const byResult = new Map(requests.dataPoints.map((p) => [p.attributes['respool.cache.result'], p.value]));
  const stats = client.cacheStats()!;
  assert.equal(byResult.get('hit'), stats.hits);
  assert.equal(byResult.get('miss'), stats.misses);
  assert.ok(stats.hits >= 1);
  assert.equal(m.get('respool.cache.entries')?.dataPoints[0]?.value, stats.entries);
});
