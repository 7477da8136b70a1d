/**
 * The cluster client users call: the single-node command surface (typed commands, sendCommand,
 * pipeline, multi, pub/sub, scripts, scan iterators) over one RedisClient — one pool — per node.
 * Routing, redirects and topology live in ClusterRouter; this class checks and shapes each call.
 *
 *   open ──close()──▶ closed   (node clients closed, subscriptions ended, later calls ClientClosedError)
 *
 * The topology is loaded on the first command (or `refreshTopology()`), then kept fresh by MOVED
 * replies, connection errors, timeouts and silent nodes (see ClusterRouter), and a periodic refresh.
 */
import { CommandView, DispatchingCommands, type CommandDispatcher } from '../client/async-commands.js';
import type { Implements } from '../internal/implements.js';
import type { ClientPoolStats, RedisClient } from '../client/client.js';
import { checkPoolEvent, type Hook, type PoolEventListener, type PoolEventName } from '../client/hooks.js';
import type { CallOptions } from '../client/pending.js';
import type { PinnedConnection } from '../client/pinned.js';
import { sharedPathRefusal } from '../client/client.js';
import { rawCommand } from '../commands/raw.js';
import { ScriptRunner, type ScriptDefinition } from '../client/script.js';
import type { MessageListener, Subscription } from '../client/subscription.js';
import type { Command } from '../commands/command.js';
import type { ScanOptions } from '../commands/keys.js';
import { ClientClosedError, InvalidArgumentError } from '../errors.js';
import { inspectClient, redactOptions } from '../options-secrets.js';
import { inspect, type InspectOptions } from 'node:util';
import type { PoolStats } from '../pool/index.js';
import type { RedisArg } from '../resp/types.js';
import { resolveClusterOptions, type ClusterOptions, type ResolvedClusterOptions } from './cluster-options.js';
import { ClusterPipeline, ClusterTransaction } from './cluster-pipeline.js';
import { MovingSubscriber } from './cluster-pubsub.js';
import { fanOutOf, keysOfArgs, refusedInCluster, slotOfKeyless } from './command-keys.js';
import type { ClusterNode } from './nodes.js';
import { commonSlot, makeJob } from './job.js';
import { ClusterRouter } from './router.js';
import { keySlot } from './slots.js';

export interface ClusterPoolStats {
  /** Every node's main-pool stats added up (blocking pools under `total.blocking`). */
  total: ClientPoolStats;
  /** Per node, by `host:port`, for nodes whose client exists. */
  nodes: Record<string, ClientPoolStats>;
}

export interface ClusterShardInfo {
  master: string;
  replicas: string[];
  slots: [start: number, end: number][];
}

export class ClusterClient extends DispatchingCommands {
  readonly options: Readonly<ResolvedClusterOptions>;
  /** @internal */
  protected readonly core: ClusterClient = this;
  /** @internal */
  protected readonly callOptions = undefined;
  private readonly router: ClusterRouter;
  private readonly subscriber: MovingSubscriber<ClusterNode>;
  /** Where classic (SUBSCRIBE/PSUBSCRIBE) subscriptions live while that node stays in the topology. */
  private classicNode: ClusterNode | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: ClusterOptions) {
    super();
    this.options = resolveClusterOptions(options);
    this.router = new ClusterRouter(this.options);
    this.subscriber = new MovingSubscriber<ClusterNode>({
      ready: () => this.router.ready(),
      partOf: (kind, name) => (kind === 'shard' ? keySlot(name) : -1),
      target: (slot, current) => this.subscriptionNode(slot, current),
      retrySoon: () => this.router.scheduleRefresh(),
    });
    this.router.onTopologyChange = () => this.subscriber.rebalance();
  }

  /** Shard channels live on their slot's master; classic ones stay on one master while it lasts. */
  private subscriptionNode(slot: number, current: ClusterNode | undefined): ClusterNode | undefined {
    if (slot >= 0) return this.router.slots.shardOf(slot)?.master ?? current;
    if (current !== undefined && !current.isRetired) return current;
    if (this.classicNode === undefined || this.classicNode.isRetired) this.classicNode = this.router.randomMaster();
    return this.classicNode;
  }

  get closed(): boolean {
    return this.router.isClosed;
  }

  /** What `JSON.stringify` and `util.inspect` show: public facts, secrets `[redacted]`, no internals. */
  toJSON(): Record<string, unknown> {
    return { closed: this.closed, options: redactOptions(this.options) };
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectClient(this, depth, options);
  }

  /** A view whose commands all use these per-call options. */
  with(options: CallOptions): CommandView {
    return new CommandView(this, options);
  }

  /** @internal The send path of every typed command. */
  dispatch<T>(command: Command<T>, options: CallOptions | undefined): Promise<T> {
    if (this.router.isClosed) return Promise.reject(new ClientClosedError());
    const keys = command.keys;
    let slot = -1;
    if (keys !== undefined && keys.length > 0) {
      if (keys.length === 1) slot = keySlot(keys[0]!);
      else {
        try {
          slot = commonSlot(keys, String(command.args[0]));
        } catch (err) {
          return Promise.reject(err);
        }
      }
    } else {
      const keyless = this.keyless(command, options, false);
      if (keyless !== undefined) return keyless as Promise<T>;
      slot = slotOfKeyless(command.args);
    }
    return this.router.run(makeJob(command, options, false, slot));
  }

  /**
   * @internal sendCommand's path: any command, routed by its keys (found by a command-key table; an unknown
   * command by its first argument). Keyless commands go to a random master, or to every master where that is
   * their meaning (DBSIZE, KEYS, FLUSHALL, SCRIPT LOAD…; see README, Redis Cluster and Sentinel).
   */
  dispatchRaw(args: RedisArg[], options: (CallOptions & { buffers?: boolean }) | undefined): Promise<unknown> {
    if (this.router.isClosed) return Promise.reject(new ClientClosedError());
    if (!Array.isArray(args) || args.length === 0) {
      return Promise.reject(new InvalidArgumentError('sendCommand expects a non-empty array of arguments.'));
    }
    const raw = rawCommand(args, options?.buffers === true);
    const refusal = sharedPathRefusal(raw);
    if (refusal !== undefined) return Promise.reject(refusal);
    const keys = keysOfArgs(args);
    const command: Command = keys === undefined ? raw : { ...raw, keys };
    let slot = -1;
    if (keys !== undefined && keys.length > 0) {
      try {
        slot = commonSlot(keys, String(args[0]));
      } catch (err) {
        return Promise.reject(err);
      }
    } else {
      const keyless = this.keyless(command, options, true);
      if (keyless !== undefined) return keyless;
      slot = slotOfKeyless(args);
    }
    return this.router.run(makeJob(command, options, true, slot));
  }

  /** Keyless commands refused in a cluster, or fanned out; undefined for the ones that go to one master. */
  private keyless(
    command: Command,
    options: (CallOptions & { buffers?: boolean }) | undefined,
    raw: boolean,
  ): Promise<unknown> | undefined {
    const refused = refusedInCluster(command.args);
    if (refused !== undefined) return Promise.reject(new InvalidArgumentError(refused));
    const fan = fanOutOf(command.args);
    if (fan === undefined) return undefined;
    return this.router.fanOut(makeJob(command, options, raw, -1), fan);
  }

  /** A pipeline split by node; each entry is its reply or its error, in the order the commands were added. */
  pipeline(): ClusterPipeline {
    return new ClusterPipeline(this.router);
  }

  /** MULTI/EXEC on the master of the one slot all its keys share. */
  multi(): ClusterTransaction {
    return new ClusterTransaction(this.router);
  }

  /**
   * Pins one connection of the master serving `key`'s slot (for WATCH … MULTI/EXEC, or a sequence of
   * commands that must share a connection). Redirects inside the callback are the callback's to handle.
   */
  async withConn<R>(
    key: RedisArg,
    fn: (conn: PinnedConnection) => Promise<R>,
    options?: { signal?: AbortSignal },
  ): Promise<R> {
    if (this.router.isClosed) throw new ClientClosedError();
    await this.router.ready();
    const node = this.router.pick(keySlot(key), false);
    if (node === undefined) throw new ClientClosedError('The cluster has no node to send to.');
    return node.client.withConn(fn, options);
  }

  /** SUBSCRIBE on one master (the cluster broadcasts channel messages to every node). */
  subscribe(channels: string | string[], listener?: MessageListener): Promise<Subscription> {
    return this.subscriber.subscribe('channel', toList(channels), listener);
  }

  /** PSUBSCRIBE on one master. */
  psubscribe(patterns: string | string[], listener?: MessageListener): Promise<Subscription> {
    return this.subscriber.subscribe('pattern', toList(patterns), listener);
  }

  /** SSUBSCRIBE on the master of each channel's slot; moved to the new owner when a slot moves. */
  ssubscribe(channels: string | string[], listener?: MessageListener): Promise<Subscription> {
    return this.subscriber.subscribe('shard', toList(channels), listener);
  }

  /** A Lua script run by EVALSHA (falling back to EVAL), routed by its keys. */
  defineScript(definition: ScriptDefinition): ScriptRunner {
    return new ScriptRunner(this, definition);
  }

  /** Every key of every master (SCAN on each, one after the other). Keys moving during the scan may be missed or repeated. */
  override async *scanIterator(options?: ScanOptions): AsyncIterableIterator<string> {
    await this.router.ready();
    for (const node of this.router.masters()) yield* node.client.scanIterator(options);
  }

  /** Loads the topology now (also the way to fail fast on bad root nodes). Concurrent calls share one load. */
  refreshTopology(): Promise<void> {
    return this.router.refresh();
  }

  /** The shards as last loaded (and patched by MOVED): master, replicas, slot ranges. */
  shards(): ClusterShardInfo[] {
    return this.router.slots.shards.map((shard) => ({
      master: shard.master.address,
      replicas: shard.replicas.map((r) => r.address),
      slots: this.router.slots.ranges(shard),
    }));
  }

  /** The client of each master, for per-node work (SCAN, INFO, CONFIG…). */
  masterClients(): RedisClient[] {
    return this.router.masters().map((n) => n.client);
  }

  /** The client of every master and replica. */
  nodeClients(): RedisClient[] {
    return this.router.topologyNodes().map((n) => n.client);
  }

  /**
   * The client of one node of the topology as last loaded, by the address `shards()` shows (`'host:port'`):
   * for commands that act on that node (CLUSTER MEET, SETSLOT, FAILOVER, MYID…), which the cluster client
   * itself refuses.
   */
  nodeClient(address: string): RedisClient {
    if (this.router.isClosed) throw new ClientClosedError();
    const nodes = this.router.topologyNodes();
    const node = nodes.find((n) => n.address === address);
    if (node === undefined) {
      const known = nodes.map((n) => n.address).join(', ') || 'none: the topology is not loaded yet';
      throw new InvalidArgumentError(
        `nodeClient(): ${JSON.stringify(address)} is not a node of the cluster's topology (known: ${known}). ` +
          'Give an address as cluster.shards() lists it; after `await cluster.refreshTopology()` for a node just added.',
      );
    }
    return node.client;
  }

  /** The client of the master that serves `key` now. */
  async clientForKey(key: RedisArg): Promise<RedisClient> {
    await this.router.ready();
    const node = this.router.pick(keySlot(key), false);
    if (node === undefined) throw new ClientClosedError('The cluster has no node to send to.');
    return node.client;
  }

  /** Adds a hook to every node client, present and future. */
  addHook(hook: Hook): void {
    this.router.nodes.addHook(hook);
  }

  removeHook(hook: Hook): void {
    this.router.nodes.removeHook(hook);
  }

  /** Listens to the pool events of every node client (each event says its node in `address` where it has one). */
  on<E extends PoolEventName>(event: E, listener: PoolEventListener<E>): this {
    checkPoolEvent('on', event, listener); // here too: with no node yet, no node client would check it
    this.router.nodes.on(event, listener);
    return this;
  }

  off<E extends PoolEventName>(event: E, listener: PoolEventListener<E>): this {
    checkPoolEvent('off', event, listener);
    this.router.nodes.off(event, listener);
    return this;
  }

  /** Pool stats per node and summed. */
  poolStats(): ClusterPoolStats {
    const nodes: Record<string, ClientPoolStats> = {};
    const total: ClientPoolStats = emptyStats();
    for (const node of this.router.nodes.all()) {
      if (!node.hasClient || node.isRetired) continue;
      const stats = node.client.poolStats();
      nodes[node.address] = stats;
      addStats(total, stats);
      if (stats.blocking !== undefined) addStats((total.blocking ??= emptyStats()), stats.blocking);
    }
    return { total, nodes };
  }

  /** Closes every node client and ends every subscription. */
  close(): Promise<void> {
    if (this.closing !== undefined) return this.closing;
    this.subscriber.close();
    this.closing = this.router.close();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function toList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** Zeros for the stats fields; fields a newer PoolStats adds are summed in by addStats as they appear. */
function emptyStats(): PoolStats {
  const zero: Record<string, number> = {};
  for (const name of STAT_FIELDS) zero[name] = 0;
  return zero as unknown as PoolStats;
}

const STAT_FIELDS = [
  'hits',
  'misses',
  'timeouts',
  'waitCount',
  'waitDurationMs',
  'totalConns',
  'idleConns',
  'staleConns',
  'pendingRequests',
  'inUse',
  'waiters',
  'dialing',
  'dialErrors',
  'turnsInUse',
];

function addStats(into: PoolStats, from: PoolStats): void {
  const target = into as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(from)) {
    if (typeof value !== 'number') continue;
    const current = target[key];
    target[key] = (typeof current === 'number' ? current : 0) + value;
  }
}

// What `implements CommandDispatcher` would check (see Implements).
type _ClusterClientContracts = Implements<ClusterClient, CommandDispatcher>;

export function createCluster(options: ClusterOptions): ClusterClient {
  return new ClusterClient(options);
}
