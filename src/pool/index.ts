/** The pool's public API. */
export { ConnPool } from './conn-pool.js';
export { sweepIntervalFor } from './conn-registry.js';
export { ConnLimiter, type PermitRequest } from './limiter.js';
export { POOL_DEFAULTS, defaultMaxConcurrentDials, defaultPoolSize, resolvePoolOptions } from './options.js';
export { PROBE_INTERVAL_MS } from './dial-gate.js';
export type { Poolable, PoolOptions, PoolRemoveReason, PoolStats, ResolvedPoolOptions } from './types.js';
