// The public entry of respool: re-exports only, limited to what an application uses. The pool and the RESP
// codec have entries of their own (`respool/pool`, `respool/resp`) for those who build on them.
export { createClient, RedisClient, type ClientPoolStats } from './client/client.js';
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
export {
  RedisError,
  InvalidArgumentError,
  ClientClosedError,
  PoolTimeoutError,
  AbortError,
  TimeoutError,
  ConnectionError,
  ProtocolError,
  ReplyError,
  MovedError,
  AskError,
  WatchError,
  CrossSlotError,
  type RedisErrorOptions,
  type PoolTimeoutDetails,
} from './errors.js';
export type { PoolStats } from './pool/types.js';
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
export type { RedisArg, RespValue } from './resp/types.js';
export { CommandFlags, type Command } from './commands/command.js';
export type { ExecReplies } from './commands/command-set.js';
export {
  commands,
  parseClientList,
  parseInfo,
  type ClientInfo,
  type ClientKillFilters,
  type ClientType,
  type FieldValues,
  type KeyOrKeys,
  type FieldValue,
  type ScoredMember,
  type ExpiryOptions,
  type GetExOptions,
  type SetOptions,
  type CopyOptions,
  type ExpireMode,
  type RestoreOptions,
  type ScanOptions,
  type ScanPage,
  type HashScanPage,
  type KeyElement,
  type KeyElements,
  type ListSide,
  type LPosOptions,
  type SetScanPage,
  type KeyScoredMember,
  type KeyScoredMembers,
  type ZAddOptions,
  type ZBound,
  type ZMemberInput,
  type ZRangeOptions,
  type ZScanPage,
  type ZStoreOptions,
  type StreamMessage,
  type StreamMessages,
  type StreamRead,
  type StreamTrim,
  type XAddOptions,
  type XAutoClaimResult,
  type XClaimOptions,
  type XPendingEntry,
  type XPendingRangeOptions,
  type XPendingSummary,
  type XReadGroupOptions,
  type XReadOptions,
  type BitFieldOperation,
  type BitRange,
  type GeoBy,
  type GeoCoordinates,
  type GeoFrom,
  type GeoMember,
  type GeoSearchOptions,
  type GeoSearchResult,
  type GeoSearchWithOptions,
  type GeoUnit,
} from './commands/index.js';
export * from './cluster/index.js';
