/**
 * CLUSTER subcommands, for operators and tools. On a node's client they run on that node. On the cluster
 * client, those about the whole cluster (INFO, NODES, SHARDS, SLOTS, KEYSLOT, REPLICAS) go to any node,
 * COUNTKEYSINSLOT and GETKEYSINSLOT to the node serving the slot (the registry's `slotArg`), and those that
 * act on one node (MEET, SETSLOT, MYID…) are refused with the advice to use `cluster.nodeClient(address)`.
 */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import { NONE, READONLY, integer, invalid, oneOf } from './arguments.js';
import { asString, toArray, toNumber, toStringList } from './decoders.js';
import { camelRecord, mapEntries, slotPairs, stringOrNumber } from './reply-records.js';
import { parseInfo } from './server.js';

/** One hash slot: an integer in 0…16383. */
export type Slot = number;
/** An inclusive range of slots. */
export type SlotRange = readonly [start: Slot, end: Slot];

/** CLUSTER NODES / CLUSTER REPLICAS: one node as the answering node sees it. */
export interface ClusterNodesEntry {
  id: string;
  /** `'ip:port@busPort'`, `',hostname'` appended when the node announces one. */
  address: string;
  host: string;
  port: number;
  busPort: number;
  hostname?: string;
  /** `['myself', 'master']`, `['slave']`, `['master', 'fail?']`, … */
  flags: string[];
  /** For a replica, its master's id; null for a master. */
  masterId: string | null;
  /** Unix ms of the pending PING (0: none), and of the last PONG. */
  pingSent: number;
  pongReceived: number;
  configEpoch: number;
  linkState: 'connected' | 'disconnected';
  slots: [start: number, end: number][];
  /** Slots moving out of (migrating) or into (importing) this node, with the other node's id. */
  migrating: { slot: number; nodeId: string }[];
  importing: { slot: number; nodeId: string }[];
}

/** CLUSTER SHARDS: one node of a shard (fields camelCased from the server's). */
export interface ClusterShardNode {
  id: string;
  /** The plain-text port; `tlsPort` when TLS is on (one of the two at least). */
  port?: number;
  tlsPort?: number;
  ip: string;
  /** What clients should connect to: ip, hostname, or `'?'` when unknown. */
  endpoint: string;
  hostname?: string;
  role: 'master' | 'replica';
  replicationOffset: number;
  /** `'online'`, `'failed'` or `'loading'`. */
  health: string;
}

/** CLUSTER SHARDS: one shard, its slot ranges and nodes. */
export interface ClusterShard {
  slots: [start: number, end: number][];
  nodes: ClusterShardNode[];
}

/** CLUSTER SLOTS: one node serving a range. */
export interface ClusterSlotNode {
  host: string;
  port: number;
  id: string;
  /** Redis ≥ 7.0: `{ hostname }` when announced, … */
  metadata: Record<string, string | number>;
}

/** CLUSTER SLOTS: one slot range and who serves it. */
export interface ClusterSlotRange {
  start: number;
  end: number;
  master: ClusterSlotNode;
  replicas: ClusterSlotNode[];
}

/** CLUSTER LINKS: one cluster-bus connection of the answering node. */
export interface ClusterLink {
  direction: 'to' | 'from';
  /** The peer's node id. */
  node: string;
  /** Unix ms. */
  createTime: number;
  /** `'r'`, `'w'`, `'rw'` */
  events: string;
  sendBufferAllocated: number;
  sendBufferUsed: number;
}

// ---- about the whole cluster: any node answers ----

/** `CLUSTER INFO`: the cluster's state and counters, as the answering node sees them (values as strings). */
export function clusterInfo(): Command<Record<string, string>> {
  return { args: ['CLUSTER', 'INFO'], decode: decodeClusterInfo, flags: READONLY };
}

/** `CLUSTER NODES`: every node known to the answering node. */
export function clusterNodes(): Command<ClusterNodesEntry[]> {
  return { args: ['CLUSTER', 'NODES'], decode: decodeClusterNodes, flags: READONLY };
}

/** `CLUSTER SHARDS` (Redis ≥ 7.0): shards with their slot ranges and nodes. */
export function clusterShards(): Command<ClusterShard[]> {
  return { args: ['CLUSTER', 'SHARDS'], decode: decodeClusterShards, flags: READONLY };
}

/** `CLUSTER SLOTS`: slot ranges with their master and replicas. */
export function clusterSlots(): Command<ClusterSlotRange[]> {
  return { args: ['CLUSTER', 'SLOTS'], decode: decodeClusterSlots, flags: READONLY };
}

/** `CLUSTER KEYSLOT key`: the key's hash slot (respool computes the same locally: `keySlot(key)`). */
export function clusterKeySlot(key: RedisArg): Command<number> {
  return { args: ['CLUSTER', 'KEYSLOT', key], decode: undefined, flags: READONLY };
}

/** `CLUSTER REPLICAS nodeId`: the replicas of a master, as CLUSTER NODES describes them. */
export function clusterReplicas(nodeId: string): Command<ClusterNodesEntry[]> {
  return {
    args: ['CLUSTER', 'REPLICAS', nodeIdArg('clusterReplicas nodeId', nodeId)],
    decode: decodeNodeLines,
    flags: READONLY,
  };
}

// ---- about one slot: its node answers ----

/** `CLUSTER COUNTKEYSINSLOT slot`: how many keys the slot holds (on the node serving it). */
export function clusterCountKeysInSlot(slot: Slot): Command<number> {
  return {
    args: ['CLUSTER', 'COUNTKEYSINSLOT', slotArg('clusterCountKeysInSlot slot', slot)],
    decode: undefined,
    flags: READONLY,
  };
}

/** `CLUSTER GETKEYSINSLOT slot count`: up to `count` keys of the slot (on the node serving it). */
export function clusterGetKeysInSlot(slot: Slot, count: number): Command<string[]> {
  const args = [
    'CLUSTER',
    'GETKEYSINSLOT',
    slotArg('clusterGetKeysInSlot slot', slot),
    integer('clusterGetKeysInSlot count', count, 0),
  ];
  return { args, decode: toStringList, flags: READONLY };
}

// ---- about the node that runs them ----

/** `CLUSTER MYID`: the node's id. */
export function clusterMyId(): Command<string> {
  return { args: ['CLUSTER', 'MYID'], decode: undefined, flags: READONLY };
}

/** `CLUSTER MYSHARDID` (Redis ≥ 7.2): the id of the node's shard. */
export function clusterMyShardId(): Command<string> {
  return { args: ['CLUSTER', 'MYSHARDID'], decode: undefined, flags: READONLY };
}

/** `CLUSTER LINKS` (Redis ≥ 7.0): the node's cluster-bus connections. */
export function clusterLinks(): Command<ClusterLink[]> {
  return { args: ['CLUSTER', 'LINKS'], decode: decodeClusterLinks, flags: READONLY };
}

/** `CLUSTER COUNT-FAILURE-REPORTS nodeId`: how many other nodes this node heard report `nodeId` failing. */
export function clusterCountFailureReports(nodeId: string): Command<number> {
  const args = ['CLUSTER', 'COUNT-FAILURE-REPORTS', nodeIdArg('clusterCountFailureReports nodeId', nodeId)];
  return { args, decode: undefined, flags: READONLY };
}

/** `CLUSTER ADDSLOTS slots`: assigns unassigned slots to this node. */
export function clusterAddSlots(slots: Slot | readonly Slot[]): Command<'OK'> {
  return { args: ['CLUSTER', 'ADDSLOTS', ...slotList('clusterAddSlots slots', slots)], decode: undefined, flags: NONE };
}

/** `CLUSTER ADDSLOTSRANGE start end…` (Redis ≥ 7.0): assigns ranges of slots to this node. */
export function clusterAddSlotsRange(ranges: SlotRange | readonly SlotRange[]): Command<'OK'> {
  const args: RedisArg[] = ['CLUSTER', 'ADDSLOTSRANGE', ...rangeList('clusterAddSlotsRange ranges', ranges)];
  return { args, decode: undefined, flags: NONE };
}

/** `CLUSTER DELSLOTS slots`: makes this node forget it serves these slots. */
export function clusterDelSlots(slots: Slot | readonly Slot[]): Command<'OK'> {
  return { args: ['CLUSTER', 'DELSLOTS', ...slotList('clusterDelSlots slots', slots)], decode: undefined, flags: NONE };
}

/** `CLUSTER DELSLOTSRANGE start end…` (Redis ≥ 7.0). */
export function clusterDelSlotsRange(ranges: SlotRange | readonly SlotRange[]): Command<'OK'> {
  const args: RedisArg[] = ['CLUSTER', 'DELSLOTSRANGE', ...rangeList('clusterDelSlotsRange ranges', ranges)];
  return { args, decode: undefined, flags: NONE };
}

/** `CLUSTER FLUSHSLOTS`: forgets every slot of this node (which must hold no keys). */
export function clusterFlushSlots(): Command<'OK'> {
  return { args: ['CLUSTER', 'FLUSHSLOTS'], decode: undefined, flags: NONE };
}

/**
 * `CLUSTER FAILOVER [FORCE|TAKEOVER]`, run on a replica: it takes over from its master (safely by default;
 * FORCE without the master's agreement, TAKEOVER without the cluster's).
 */
export function clusterFailover(mode?: 'FORCE' | 'TAKEOVER'): Command<'OK'> {
  const args: RedisArg[] = ['CLUSTER', 'FAILOVER'];
  if (mode !== undefined) args.push(oneOf('clusterFailover mode', mode, ['FORCE', 'TAKEOVER']));
  return { args, decode: undefined, flags: NONE };
}

/** `CLUSTER FORGET nodeId`: removes a node from this node's table (for 60 s; run it on every node). */
export function clusterForget(nodeId: string): Command<'OK'> {
  return { args: ['CLUSTER', 'FORGET', nodeIdArg('clusterForget nodeId', nodeId)], decode: undefined, flags: NONE };
}

/** `CLUSTER MEET host port [busPort]`: introduces another node to this one's cluster. */
export function clusterMeet(host: string, port: number, busPort?: number): Command<'OK'> {
  if (typeof host !== 'string' || host.length === 0) invalid('clusterMeet host', 'a host address', host);
  const args: RedisArg[] = ['CLUSTER', 'MEET', host, integer('clusterMeet port', port, 1)];
  if (busPort !== undefined) args.push(integer('clusterMeet busPort', busPort, 1));
  return { args, decode: undefined, flags: NONE };
}

/** `CLUSTER REPLICATE nodeId`: makes this node a replica of that master. */
export function clusterReplicate(nodeId: string): Command<'OK'> {
  return {
    args: ['CLUSTER', 'REPLICATE', nodeIdArg('clusterReplicate nodeId', nodeId)],
    decode: undefined,
    flags: NONE,
  };
}

/** `CLUSTER RESET [HARD|SOFT]`: resets this node's cluster state (HARD also gives it a new id). */
export function clusterReset(mode?: 'HARD' | 'SOFT'): Command<'OK'> {
  const args: RedisArg[] = ['CLUSTER', 'RESET'];
  if (mode !== undefined) args.push(oneOf('clusterReset mode', mode, ['HARD', 'SOFT']));
  return { args, decode: undefined, flags: NONE };
}

/** `CLUSTER SAVECONFIG`: writes this node's nodes.conf now. */
export function clusterSaveConfig(): Command<'OK'> {
  return { args: ['CLUSTER', 'SAVECONFIG'], decode: undefined, flags: NONE };
}

/**
 * `CLUSTER SETSLOT slot IMPORTING|MIGRATING|NODE nodeId` or `… STABLE`: one step of moving a slot
 * (IMPORTING on the target, MIGRATING on the source, NODE on both at the end).
 */
export function clusterSetSlot(
  slot: Slot,
  state: 'IMPORTING' | 'MIGRATING' | 'NODE' | 'STABLE',
  nodeId?: string,
): Command<'OK'> {
  const args: RedisArg[] = [
    'CLUSTER',
    'SETSLOT',
    slotArg('clusterSetSlot slot', slot),
    oneOf('clusterSetSlot state', state, ['IMPORTING', 'MIGRATING', 'NODE', 'STABLE']),
  ];
  if (state === 'STABLE') {
    if (nodeId !== undefined) invalid('clusterSetSlot nodeId', 'left out with STABLE', nodeId);
  } else {
    args.push(nodeIdArg('clusterSetSlot nodeId', nodeId as string));
  }
  return { args, decode: undefined, flags: NONE };
}

/** `CLUSTER BUMPEPOCH`: gives this node a new config epoch if it needs one; whether it did, and the epoch. */
export function clusterBumpEpoch(): Command<{ bumped: boolean; epoch: number }> {
  return { args: ['CLUSTER', 'BUMPEPOCH'], decode: decodeBumpEpoch, flags: NONE };
}

/** `CLUSTER SET-CONFIG-EPOCH epoch`: sets a fresh node's config epoch (cluster creation tools). */
export function clusterSetConfigEpoch(epoch: number | bigint): Command<'OK'> {
  const args = ['CLUSTER', 'SET-CONFIG-EPOCH', integer('clusterSetConfigEpoch epoch', epoch, 0)];
  return { args, decode: undefined, flags: NONE };
}

// ---- arguments ----

function slotArg(name: string, slot: Slot): number {
  if (!Number.isInteger(slot) || slot < 0 || slot > 16383) invalid(name, 'a slot number from 0 to 16383', slot);
  return slot;
}

function slotList(name: string, slots: Slot | readonly Slot[]): number[] {
  const list = Array.isArray(slots) ? (slots as readonly Slot[]) : [slots as Slot];
  if (list.length === 0) invalid(name, 'a non-empty list', slots);
  return list.map((slot, i) => slotArg(Array.isArray(slots) ? `${name}[${i}]` : name, slot));
}

function rangeList(name: string, ranges: SlotRange | readonly SlotRange[]): number[] {
  if (!Array.isArray(ranges) || ranges.length === 0) {
    invalid(name, 'a [start, end] pair or a non-empty list of them', ranges);
  }
  const list = (Array.isArray(ranges[0]) ? ranges : [ranges]) as readonly SlotRange[];
  const out: number[] = [];
  list.forEach((range, i) => {
    if (!Array.isArray(range) || range.length !== 2) invalid(`${name}[${i}]`, 'a [start, end] pair', range);
    const [start, end] = range;
    slotArg(`${name}[${i}] start`, start);
    slotArg(`${name}[${i}] end`, end);
    if (start > end) invalid(`${name}[${i}]`, 'a range whose start is not after its end', range);
    out.push(start, end);
  });
  return out;
}

function nodeIdArg(name: string, nodeId: string): string {
  if (typeof nodeId !== 'string' || !/^[0-9a-f]{40}$/i.test(nodeId)) {
    invalid(name, 'a node id (40 hexadecimal characters, as clusterMyId() or clusterNodes() give it)', nodeId);
  }
  return nodeId;
}

// ---- replies ----

function decodeClusterInfo(reply: RespValue): Record<string, string> {
  return parseInfo(asString(reply ?? ''));
}

/** One CLUSTER NODES line → its fields. */
export function parseClusterNodeLine(line: string): ClusterNodesEntry {
  const [id = '', address = '', flags = '', master = '-', pingSent, pongReceived, epoch, link, ...slotItems] = line
    .trim()
    .split(' ');
  const comma = address.indexOf(',');
  const endpoint = comma === -1 ? address : address.slice(0, comma);
  const at = endpoint.indexOf('@');
  const hostPort = at === -1 ? endpoint : endpoint.slice(0, at);
  const colon = hostPort.lastIndexOf(':');
  const entry: ClusterNodesEntry = {
    id,
    address,
    host: colon === -1 ? hostPort : hostPort.slice(0, colon),
    port: colon === -1 ? 0 : Number(hostPort.slice(colon + 1)),
    busPort: at === -1 ? 0 : Number(endpoint.slice(at + 1)),
    flags: flags.length === 0 ? [] : flags.split(','),
    masterId: master === '-' ? null : master,
    pingSent: Number(pingSent ?? 0),
    pongReceived: Number(pongReceived ?? 0),
    configEpoch: Number(epoch ?? 0),
    linkState: link === 'connected' ? 'connected' : 'disconnected',
    slots: [],
    migrating: [],
    importing: [],
  };
  if (comma !== -1) entry.hostname = address.slice(comma + 1);
  for (const item of slotItems) {
    if (item.length === 0) continue;
    if (item.startsWith('[')) {
      // `[slot->-nodeId]` moves out of this node, `[slot-<-nodeId]` moves in.
      const moving = /^\[(\d+)-([<>])-([0-9a-f]+)\]$/i.exec(item);
      if (moving === null) continue;
      const change = { slot: Number(moving[1]), nodeId: moving[3]! };
      (moving[2] === '>' ? entry.migrating : entry.importing).push(change);
      continue;
    }
    const dash = item.indexOf('-');
    const start = Number(dash === -1 ? item : item.slice(0, dash));
    entry.slots.push([start, dash === -1 ? start : Number(item.slice(dash + 1))]);
  }
  return entry;
}

function decodeClusterNodes(reply: RespValue): ClusterNodesEntry[] {
  return asString(reply ?? '')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map(parseClusterNodeLine);
}

function decodeNodeLines(reply: RespValue): ClusterNodesEntry[] {
  return toArray(reply).map((line) => parseClusterNodeLine(asString(line)));
}

function decodeClusterShards(reply: RespValue): ClusterShard[] {
  return toArray(reply).map((shard) => {
    const out: ClusterShard = { slots: [], nodes: [] };
    for (const [field, value] of mapEntries(shard)) {
      if (field === 'slots') out.slots = slotPairs(value);
      else if (field === 'nodes') {
        out.nodes = toArray(value).map((node) => camelRecord(node, stringOrNumber) as unknown as ClusterShardNode);
      }
    }
    return out;
  });
}

function decodeSlotNode(reply: RespValue): ClusterSlotNode {
  const [host, port, id, metadata] = toArray(reply);
  return {
    host: asString(host ?? ''),
    port: toNumber(port ?? null),
    id: id === undefined ? '' : asString(id),
    metadata: camelRecord(metadata ?? null, stringOrNumber),
  };
}

function decodeClusterSlots(reply: RespValue): ClusterSlotRange[] {
  return toArray(reply).map((row) => {
    const [start, end, master, ...replicas] = toArray(row);
    return {
      start: toNumber(start ?? null),
      end: toNumber(end ?? null),
      master: decodeSlotNode(master ?? null),
      replicas: replicas.map(decodeSlotNode),
    };
  });
}

function decodeClusterLinks(reply: RespValue): ClusterLink[] {
  return toArray(reply).map((link) => camelRecord(link, stringOrNumber) as unknown as ClusterLink);
}

function decodeBumpEpoch(reply: RespValue): { bumped: boolean; epoch: number } {
  const [word = '', epoch = ''] = asString(reply ?? '').split(' ');
  return { bumped: word === 'BUMPED', epoch: Number(epoch) };
}
