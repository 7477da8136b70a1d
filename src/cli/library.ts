// The library as the CLI uses it: the package's own entry (dist/index.js once built), nothing private.
export {
  createClient,
  resolveClientOptions,
  parseInfo,
  RedisClient,
  RedisError,
  InvalidArgumentError,
  type ClientOptions,
  type ResolvedClientOptions,
  type ClientPoolStats,
  type PoolStats,
} from '../index.js';
export { describeAddress as describeAddressOf } from '../options.js';
