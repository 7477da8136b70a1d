/**
 * `respool/otel`: OpenTelemetry spans and metrics for a respool client, following the database
 * semantic conventions. `@opentelemetry/api` is an optional peer dependency: only this entry
 * point loads it.
 *
 *   const otel = instrumentClient(client);   // global tracer and meter providers by default
 *   …
 *   otel.uninstrument();                     // removes the hook and the metric callbacks
 *
 * Spans: one CLIENT span per command (named after the operation, e.g. `GET`) and one per explicit
 * pipeline or transaction (`PIPELINE`, `MULTI`). Metrics: `db.client.operation.duration`, the
 * pool's `db.client.connection.*` instruments, and respool's own wait and get counters.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import {
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Histogram,
  type MeterProvider,
  type Span,
  type TracerProvider,
} from '@opentelemetry/api';
import { ReplyError } from '../errors.js';
import type { Hook, PoolEvents, RedisClient } from '../index.js';
import { operationName, pipelineText, queryText, type QueryTextMode } from './query-text.js';
import { createPoolInstruments } from './pool-metrics.js';

export { operationName, queryText, pipelineText, type QueryTextMode } from './query-text.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export interface InstrumentOptions {
  /** Default: the global provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Default: the global provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /** Spans per command and pipeline. Default true. */
  traces?: boolean;
  /** Operation duration and pool metrics. Default true. */
  metrics?: boolean;
  /**
   * `db.query.text`: 'sanitized' (default: command, key names, `?` for every other argument),
   * 'operation' (the command name only), or false (not set).
   */
  queryText?: QueryTextMode;
  /** `db.client.connection.pool.name` of the main pool; default `host:port/db` (the blocking pool adds ` blocking`). */
  poolName?: string;
}

export interface Instrumentation {
  /** Removes the hook and the metric callbacks. Idempotent. */
  uninstrument(): void;
}

/** Semantic-convention bucket boundaries for database operation durations, in seconds. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

export function instrumentClient(client: RedisClient, options: InstrumentOptions = {}): Instrumentation {
  const o = client.options;
  const mode = options.queryText ?? 'sanitized';
  const base: Attributes = { 'db.system.name': 'redis', 'db.namespace': String(o.db) };
  if (o.path !== undefined) {
    base['server.address'] = o.path;
    base['network.transport'] = 'unix';
  } else {
    base['server.address'] = o.host;
    base['server.port'] = o.port;
  }
  const poolName = options.poolName ?? `${o.path ?? `${o.host}:${o.port}`}/${o.db}`;
  const tracer =
    options.traces === false
      ? undefined
      : (options.tracerProvider ?? trace.getTracerProvider()).getTracer('respool', version);
  const meter =
    options.metrics === false
      ? undefined
      : (options.meterProvider ?? metrics.getMeterProvider()).getMeter('respool', version);

  const duration: Histogram | undefined = meter?.createHistogram('db.client.operation.duration', {
    description: 'Duration of database client operations.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const createTime: Histogram | undefined = meter?.createHistogram('db.client.connection.create_time', {
    description: 'The time it took to create a new connection (dial and handshake).',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });

  /** Starts the span (if tracing) and returns the function that ends it and records the duration. */
  const begin = (operation: string, attributes: Attributes): ((error: unknown, extra?: Attributes) => void) => {
    const started = performance.now();
    const span: Span | undefined = tracer?.startSpan(operation, { kind: SpanKind.CLIENT, attributes });
    return (error, extra) => {
      const errorType = error === undefined ? undefined : errorTypeOf(error);
      if (span !== undefined) {
        if (extra !== undefined) span.setAttributes(extra);
        if (errorType !== undefined) {
          span.setAttribute('error.type', errorType);
          if (isReplyError(error)) span.setAttribute('db.response.status_code', errorType);
          span.recordException(error as Error);
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
        }
        span.end();
      }
      if (duration !== undefined) {
        const metricAttributes: Attributes = { ...base, 'db.operation.name': attributes['db.operation.name'] };
        if (errorType !== undefined) metricAttributes['error.type'] = errorType;
        duration.record((performance.now() - started) / 1000, metricAttributes);
      }
    };
  };

  const hook: Hook = {
    process: (next) => (command, callOptions) => {
      const operation = operationName(command);
      const attributes: Attributes = { ...base, 'db.operation.name': operation };
      if (mode !== false) attributes['db.query.text'] = queryText(command, mode);
      const end = begin(operation, attributes);
      let result: Promise<unknown>;
      try {
        result = next(command, callOptions);
      } catch (err) {
        end(err);
        throw err;
      }
      return result.then(
        (value) => {
          end(undefined);
          return value;
        },
        (err: unknown) => {
          end(err);
          throw err;
        },
      );
    },
    processPipeline: (next) => async (commands, kind) => {
      const operation = kind === 'multi' ? 'MULTI' : 'PIPELINE';
      const attributes: Attributes = { ...base, 'db.operation.name': operation };
      if (commands.length > 1) attributes['db.operation.batch.size'] = commands.length;
      if (mode !== false) attributes['db.query.text'] = pipelineText(commands, mode);
      const end = begin(operation, attributes);
      try {
        const replies = await next(commands, kind);
        // A pipeline returns per-command errors in place: count them on the span rather than failing it.
        const failed = replies.filter((r) => r instanceof Error).length;
        end(undefined, failed > 0 ? { 'respool.pipeline.errors': failed } : undefined);
        return replies;
      } catch (err) {
        end(err);
        throw err;
      }
    },
  };
  if (createTime !== undefined) {
    hook.dial = (next) => async (info) => {
      const started = performance.now();
      const conn = await next(info);
      const pool = info.pool === 'blocking pool' ? `${poolName} blocking` : poolName;
      createTime.record((performance.now() - started) / 1000, { 'db.client.connection.pool.name': pool });
      return conn;
    };
  }
  client.addHook(hook);

  let removeMetrics: (() => void) | undefined;
  if (meter !== undefined) {
    const { observables, callback } = createPoolInstruments(meter, client, poolName);
    meter.addBatchObservableCallback(callback, observables);
    const waitTime = meter.createHistogram('db.client.connection.wait_time', {
      description: 'The time it took to obtain an open connection from the pool.',
      unit: 's',
    });
    const onWait = (event: PoolEvents['wait']) => {
      const pool = event.pool === 'blocking pool' ? `${poolName} blocking` : poolName;
      waitTime.record(event.ms / 1000, { 'db.client.connection.pool.name': pool });
    };
    client.on('wait', onWait);
    removeMetrics = () => {
      meter.removeBatchObservableCallback(callback, observables);
      client.off('wait', onWait);
    };
  }

  let active = true;
  return {
    uninstrument() {
      if (!active) return;
      active = false;
      client.removeHook(hook);
      removeMetrics?.();
    },
  };
}

function isReplyError(error: unknown): boolean {
  return error instanceof ReplyError;
}

/** `error.type`: respool's stable code (ERR_POOL_TIMEOUT, WRONGTYPE, …), else the error's class name. */
function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && code !== '' ? code : error.name;
  }
  return '_OTHER';
}
