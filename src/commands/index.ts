// The commands layer's public surface: the shared method class, result and option types, and the builders.
export { CommandSet, type ResultShape, type ResultShapes } from './command-set.js';
export * as commands from './builders.js';
export type { FieldValues, KeyOrKeys } from './arguments.js';
export type { FieldValue, ScoredMember } from './decoders.js';
export type { ExpiryOptions, GetExOptions, LcsIdxResult, LcsMatch, SetOptions } from './strings.js';
export type {
  CopyOptions,
  ExpireMode,
  MigrateOptions,
  RestoreOptions,
  ScanOptions,
  ScanPage,
  SortGetOptions,
  SortOptions,
} from './keys.js';
export type { HashExpireMode, HashScanPage, HSetExOptions } from './hashes.js';
export type { KeyElement, KeyElements, ListSide, LPosOptions } from './lists.js';
export type { SetScanPage } from './sets.js';
export type {
  KeyScoredMember,
  KeyScoredMembers,
  ZAddOptions,
  ZBound,
  ZMemberInput,
  ZRangeOptions,
  ZScanPage,
  ZStoreOptions,
} from './sorted-sets.js';
export type {
  StreamMessage,
  StreamMessages,
  StreamRead,
  StreamTrim,
  XAddOptions,
  XAutoClaimResult,
  XClaimOptions,
  XPendingEntry,
  XPendingRangeOptions,
  XPendingSummary,
  XReadGroupOptions,
  XReadOptions,
  XInfoConsumer,
  XInfoGroup,
  XInfoStream,
  XInfoStreamFull,
  XInfoStreamFullConsumer,
  XInfoStreamFullGroup,
  XSetIdOptions,
} from './streams.js';
export type {
  FunctionLibrary,
  FunctionLibraryWithCode,
  FunctionListOptions,
  FunctionRestorePolicy,
  FunctionStats,
} from './functions.js';
export type { BitFieldOperation, BitRange } from './bitmaps.js';
export type {
  GeoBy,
  GeoCoordinates,
  GeoFrom,
  GeoMember,
  GeoSearchOptions,
  GeoSearchResult,
  GeoSearchWithOptions,
  GeoUnit,
} from './geo.js';
export {
  parseClientList,
  parseInfo,
  type ClientInfo,
  type ClientKillFilters,
  type ClientTrackingInfo,
  type ClientTrackingOptions,
  type ClientType,
} from './server.js';
export type { AclLogEntry, AclSelector, AclUser } from './acl.js';
export type { FailoverOptions, ModuleInfo, RoleInfo, RoleReplica } from './admin.js';
export type { LatencyEvent, LatencyHistogram, LatencySample, MemoryStats, SlowlogEntry } from './diagnostics.js';
export type {
  CommandArgumentDoc,
  CommandDoc,
  CommandInfo,
  CommandKeyFlags,
  CommandKeySpec,
  CommandListFilter,
} from './introspection.js';
export type {
  ClusterLink,
  ClusterNodesEntry,
  ClusterShard,
  ClusterShardNode,
  ClusterSlotNode,
  ClusterSlotRange,
  Slot,
  SlotRange,
} from './cluster.js';
