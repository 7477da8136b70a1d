/**
 * The cluster's shape: which master (and which replicas) serve each of the 16384 slots.
 * Read from `CLUSTER SHARDS` (Redis 7+) or `CLUSTER SLOTS`, both under RESP2 and RESP3, and
 * patched slot by slot by MOVED replies between full refreshes.
 */
import type { RespValue } from '../resp/types.js';
import { SLOT_COUNT } from './slots.js';

export interface NodeAddress {
  host: string;
  port: number;
}

/** One shard as a node described it: its slot ranges, its master, its usable replicas. */
export interface ShardDescription {
  slots: [start: number, end: number][];
  master: NodeAddress;
  replicas: NodeAddress[];
}

export interface Shard<N> {
  master: N;
  replicas: N[];
}

/** RESP3 maps and RESP2 flat [key, value, …] arrays, read the same way. */
function fields(value: RespValue | undefined): Map<string, RespValue> {
  const out = new Map<string, RespValue>();
  if (value instanceof Map) {
    for (const [k, v] of value) out.set(String(k), v);
  } else if (Array.isArray(value)) {
    for (let i = 0; i + 1 < value.length; i += 2) out.set(String(value[i]), value[i + 1]!);
  }
  return out;
}

/** An endpoint the node could not name ('' or '?', or null) means "the address you asked". */
function hostOr(value: RespValue | undefined, asked: NodeAddress): string {
  if (value === undefined || value === null) return asked.host;
  const text = String(value);
  return text === '' || text === '?' ? asked.host : text;
}

/** Parses `CLUSTER SHARDS`. Failed nodes are left out; a shard without slots is left out. */
export function parseClusterShards(reply: RespValue, asked: NodeAddress, tls: boolean): ShardDescription[] {
  if (!Array.isArray(reply)) throw new TypeError('CLUSTER SHARDS did not return an array');
  const shards: ShardDescription[] = [];
  for (const entry of reply) {
    const shard = fields(entry);
    const flat = shard.get('slots');
    const slots: [number, number][] = [];
    if (Array.isArray(flat)) {
      for (let i = 0; i + 1 < flat.length; i += 2) slots.push([Number(flat[i]), Number(flat[i + 1])]);
    }
    if (slots.length === 0) continue;
    let master: NodeAddress | undefined;
    let failedMaster: NodeAddress | undefined;
    const replicas: NodeAddress[] = [];
    const nodes = shard.get('nodes');
    for (const item of Array.isArray(nodes) ? nodes : []) {
      const node = fields(item);
      const endpoint = node.get('endpoint');
      const host = hostOr(endpoint === undefined ? node.get('ip') : endpoint, asked);
      const tlsPort = node.get('tls-port');
      const port = Number(tls && tlsPort !== undefined ? tlsPort : node.get('port'));
      if (!Number.isInteger(port) || port <= 0) continue;
      const health = String(node.get('health') ?? 'online');
      const failed = health === 'fail' || health === 'failed';
      const address = { host, port };
      if (String(node.get('role')) === 'master') {
        if (!failed) master = address;
        else failedMaster ??= address;
      } else if (!failed) replicas.push(address);
    }
    // A failed master that still owns the slots (its replica not promoted yet) is still the owner.
    const owner = master ?? failedMaster;
    if (owner !== undefined) shards.push({ slots, master: owner, replicas });
  }
  return shards;
}

/** Parses `CLUSTER SLOTS`: one entry per slot range, grouped into shards by master. */
export function parseClusterSlots(reply: RespValue, asked: NodeAddress): ShardDescription[] {
  if (!Array.isArray(reply)) throw new TypeError('CLUSTER SLOTS did not return an array');
  const byMaster = new Map<string, ShardDescription>();
  for (const entry of reply) {
    if (!Array.isArray(entry) || entry.length < 3) continue;
    const [start, end, ...nodes] = entry;
    const addresses: NodeAddress[] = [];
    for (const node of nodes) {
      if (!Array.isArray(node) || node.length < 2) continue;
      addresses.push({ host: hostOr(node[0], asked), port: Number(node[1]) });
    }
    const [master, ...replicas] = addresses;
    if (master === undefined) continue;
    const key = `${master.host}:${master.port}`;
    let shard = byMaster.get(key);
    if (shard === undefined) {
      shard = { slots: [], master, replicas };
      byMaster.set(key, shard);
    }
    shard.slots.push([Number(start), Number(end)]);
  }
  return [...byMaster.values()];
}

/** Slot → shard, for any node type. */
export class SlotMap<N> {
  private owners = new Array<Shard<N> | undefined>(SLOT_COUNT);
  private list: Shard<N>[] = [];

  get shards(): readonly Shard<N>[] {
    return this.list;
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  shardOf(slot: number): Shard<N> | undefined {
    return this.owners[slot];
  }

  /** Replaces the whole map. `shards[i]` serves `ranges[i]`. */
  replace(shards: Shard<N>[], ranges: [number, number][][]): void {
    const owners = new Array<Shard<N> | undefined>(SLOT_COUNT);
    for (let i = 0; i < shards.length; i++) {
      for (const [start, end] of ranges[i]!) {
        for (let slot = Math.max(0, start); slot <= Math.min(end, SLOT_COUNT - 1); slot++) owners[slot] = shards[i];
      }
    }
    this.owners = owners;
    this.list = shards;
  }

  /** MOVED: the slot now belongs to `master` (an existing shard of it, or a new one without replicas). */
  moved(slot: number, master: N): void {
    if (this.owners[slot]?.master === master) return;
    let shard = this.list.find((s) => s.master === master);
    if (shard === undefined) {
      shard = { master, replicas: [] };
      this.list = [...this.list, shard];
    }
    this.owners[slot] = shard;
  }

  /** The slot ranges each shard serves now (for introspection). */
  ranges(shard: Shard<N>): [number, number][] {
    const out: [number, number][] = [];
    let start = -1;
    for (let slot = 0; slot <= SLOT_COUNT; slot++) {
      const mine = slot < SLOT_COUNT && this.owners[slot] === shard;
      if (mine && start === -1) start = slot;
      if (!mine && start !== -1) {
        out.push([start, slot - 1]);
        start = -1;
      }
    }
    return out;
  }
}
