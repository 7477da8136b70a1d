// The public entry of respool: re-exports only.
export { createClient, RedisClient, ClientView, type ClientPoolStats } from './client/client.js';
export { Pipeline, Transaction } from './client/pipeline.js';
export { PinnedConnection } from './client/pinned.js';
export {
  Subscription,
  LISTENER_ERROR_CHANNEL,
  type ListenerErrorEvent,
  type PubSubMessage,
  type MessageListener,
  type SubscribeOptions,
  type SubscriptionKind,
} from './client/pubsub.js';
export { ScriptRunner, type ScriptDefinition } from './client/script.js';
export type { CallOptions } from './client/pending.js';
export { CommandView, AsyncCommands, type RawCallOptions, type KeyScanOptions } from './client/async-commands.js';
export type {
  Hook,
  DialHook,
  DialInfo,
  DialedConnection,
  ProcessHook,
  ProcessPipelineHook,
  PipelineKind,
  PoolEvents,
  PoolEventName,
  PoolEventListener,
} from './client/hooks.js';
export * from './errors.js';
export * from './pool/index.js';
export { resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from './options.js';
export type { CacheOptions, CacheMode } from './options-cache.js';
export {
  ClientCache,
  DEFAULT_CACHED_COMMANDS,
  jsonSerializer,
  bufferSerializer,
  type CacheStats,
  type LoadOptions,
  type Serializer,
} from './cache/index.js';
export { RespDecoder, CommandEncoder, encodeCommand } from './resp/index.js';
export type { RedisArg, RespValue } from './resp/types.js';
export { CommandFlags, type Command } from './commands/command.js';
export * from './commands/index.js';
export * from './cluster/index.js';
