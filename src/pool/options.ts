/** Pool option defaults and validation: every invalid value is rejected at construction, naming the option and its range. */
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from '../errors.js';
import type { Poolable, PoolOptions, ResolvedPoolOptions } from './types.js';
import { ConnLimiter } from './limiter.js';

/** The longest delay Node's timers accept (2^31 − 1 ms, about 24.8 days); larger values would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;

export const POOL_DEFAULTS = {
  poolFIFO: false,
  /** readTimeout (5000) + 1000, used when the pool's creator does not say. */
  poolTimeout: 6000,
  minIdleConns: 0,
  maxIdleConns: 0,
  maxActiveConns: 0,
  connMaxIdleTime: 1_800_000,
  connMaxLifetime: 0,
  connMaxLifetimeJitter: 0,
  dialTimeout: 5000,
  dialerRetries: 5,
  dialerRetryTimeout: 100,
} as const;

export function defaultMaxConcurrentDials(): number {
  return 4 * availableParallelism();
}

export function defaultPoolSize(): number {
  return 10 * availableParallelism();
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return typeof value;
}

function invalid(pool: string, option: string, expected: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`${pool}: option ${option} must be ${expected}; got ${describe(value)}.`);
}

interface Range {
  min: number;
  max: number;
  integer: boolean;
  /** How the range is worded in the error message. */
  text: string;
}

function numberOption(pool: string, option: string, value: unknown, fallback: number, range: Range): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value));
  if (!ok) throw invalid(pool, option, range.text, value);
  return value;
}

const count = (min: number, text: string): Range => ({ min, max: Number.MAX_SAFE_INTEGER, integer: true, text });
const timerMs = (min: number, text: string): Range => ({ min, max: MAX_TIMER_MS, integer: false, text });
const durationMs: Range = {
  min: 0,
  max: Number.MAX_SAFE_INTEGER,
  integer: false,
  text: 'a number of ms ≥ 0 (0 = off)',
};

/** Validates `options` and fills in defaults. Throws InvalidArgumentError on the first bad option. */
export function resolvePoolOptions<C extends Poolable>(options: PoolOptions<C>): ResolvedPoolOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`pool options must be an object; got ${describe(options)}.`);
  }
  const name = options.name ?? 'pool';
  if (typeof name !== 'string' || name === '') throw invalid('pool', 'name', 'a non-empty string', name);
  if (typeof options.dialer !== 'function') {
    throw invalid(name, 'dialer', 'a function (signal: AbortSignal) => Promise<connection>', options.dialer);
  }
  if (options.onClose !== undefined && typeof options.onClose !== 'function') {
    throw invalid(name, 'onClose', 'a function or undefined', options.onClose);
  }
  if (options.limiter !== undefined && !(options.limiter instanceof ConnLimiter)) {
    throw invalid(name, 'limiter', 'a ConnLimiter or undefined', options.limiter);
  }
  const clock = options.clock;
  if (
    clock !== undefined &&
    (typeof clock !== 'object' ||
      clock === null ||
      typeof clock.now !== 'function' ||
      typeof clock.setTimeout !== 'function' ||
      typeof clock.clearTimeout !== 'function')
  ) {
    throw invalid(name, 'clock', 'an object with now(), setTimeout() and clearTimeout()', clock);
  }
  const poolFIFO = options.poolFIFO ?? POOL_DEFAULTS.poolFIFO;
  if (typeof poolFIFO !== 'boolean') throw invalid(name, 'poolFIFO', 'a boolean', poolFIFO);

  const poolSize = numberOption(name, 'poolSize', options.poolSize, defaultPoolSize(), count(1, 'an integer ≥ 1'));
  const poolTimeout = numberOption(
    name,
    'poolTimeout',
    options.poolTimeout,
    POOL_DEFAULTS.poolTimeout,
    timerMs(1, `a number of ms from 1 to ${MAX_TIMER_MS}`),
  );
  const minIdleConns = numberOption(name, 'minIdleConns', options.minIdleConns, POOL_DEFAULTS.minIdleConns, {
    min: 0,
    max: poolSize,
    integer: true,
    text: `an integer from 0 to poolSize (${poolSize})`,
  });
  const maxIdleConns = numberOption(
    name,
    'maxIdleConns',
    options.maxIdleConns,
    POOL_DEFAULTS.maxIdleConns,
    count(0, 'an integer ≥ 0 (0 = no limit)'),
  );
  if (maxIdleConns > 0 && maxIdleConns < minIdleConns) {
    throw invalid(name, 'maxIdleConns', `0 (no limit) or ≥ minIdleConns (${minIdleConns})`, maxIdleConns);
  }
  const maxActiveConns = numberOption(
    name,
    'maxActiveConns',
    options.maxActiveConns,
    POOL_DEFAULTS.maxActiveConns,
    count(0, 'an integer ≥ 0 (0 = no limit)'),
  );
  const connMaxIdleTime = numberOption(
    name,
    'connMaxIdleTime',
    options.connMaxIdleTime,
    POOL_DEFAULTS.connMaxIdleTime,
    durationMs,
  );
  const connMaxLifetime = numberOption(
    name,
    'connMaxLifetime',
    options.connMaxLifetime,
    POOL_DEFAULTS.connMaxLifetime,
    durationMs,
  );
  const jitterMax = connMaxLifetime > 0 ? connMaxLifetime : Number.MAX_SAFE_INTEGER;
  const connMaxLifetimeJitter = numberOption(
    name,
    'connMaxLifetimeJitter',
    options.connMaxLifetimeJitter,
    POOL_DEFAULTS.connMaxLifetimeJitter,
    {
      min: 0,
      max: jitterMax,
      integer: false,
      text:
        connMaxLifetime > 0 ? `a number of ms from 0 to connMaxLifetime (${connMaxLifetime})` : 'a number of ms ≥ 0',
    },
  );
  const dialTimeout = numberOption(
    name,
    'dialTimeout',
    options.dialTimeout,
    POOL_DEFAULTS.dialTimeout,
    timerMs(1, `a number of ms from 1 to ${MAX_TIMER_MS}`),
  );
  const dialerRetries = numberOption(
    name,
    'dialerRetries',
    options.dialerRetries,
    POOL_DEFAULTS.dialerRetries,
    count(1, 'an integer ≥ 1 (attempts per dial)'),
  );
  const dialerRetryTimeout = numberOption(
    name,
    'dialerRetryTimeout',
    options.dialerRetryTimeout,
    POOL_DEFAULTS.dialerRetryTimeout,
    timerMs(0, `a number of ms from 0 to ${MAX_TIMER_MS}`),
  );
  const maxConcurrentDials = numberOption(
    name,
    'maxConcurrentDials',
    options.maxConcurrentDials,
    defaultMaxConcurrentDials(),
    count(0, 'an integer ≥ 0 (0 = no limit)'),
  );
  return {
    name,
    poolFIFO,
    poolSize,
    poolTimeout,
    minIdleConns,
    maxIdleConns,
    maxActiveConns,
    connMaxIdleTime,
    connMaxLifetime,
    connMaxLifetimeJitter,
    dialTimeout,
    dialerRetries,
    dialerRetryTimeout,
    maxConcurrentDials,
  };
}
