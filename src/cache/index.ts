// The client-side cache: what the client wires in, and what users see.
export { ClientCache, type CacheStats, type SendCommand } from './client-cache.js';
export {
  DEFAULT_CACHED_COMMANDS,
  type CacheEnvironment,
  type CacheMode,
  type CacheSettings,
  type ListenerConnection,
} from './contracts.js';
export { bufferSerializer, jsonSerializer, type LoadOptions, type Serializer } from './loader.js';
export type { ConnectionTracker } from './pool-tracking.js';
