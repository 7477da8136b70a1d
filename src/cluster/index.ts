// The cluster and sentinel clients' public names (re-exported by src/index.ts).
export { createCluster, ClusterClient, type ClusterPoolStats, type ClusterShardInfo } from './cluster-client.js';
export { ClusterPipeline, ClusterTransaction } from './cluster-pipeline.js';
export type { ClusterOptions, NodeClientOptions } from './cluster-options.js';
export type { NodeAddress } from './topology.js';
export { keySlot } from './slots.js';
export { createSentinel, SentinelClient, type SentinelOptions } from './sentinel-client.js';
export { SentinelBatch } from './sentinel-parts.js';
