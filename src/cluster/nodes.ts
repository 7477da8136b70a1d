/**
 * The cluster's nodes, one RedisClient (and so one pool) each, made on first use.
 *
 *   known (no client) ──first command──▶ open (client, pool) ──left the topology──▶ retired (client closed)
 *
 * A retired node never makes a client again: commands that still hold it fail with ClientClosedError,
 * which the cluster client answers by routing them afresh.
 */
import { RedisClient } from '../client/client.js';
import type { Hook, PoolEventListener, PoolEventName } from '../client/hooks.js';
import type { ConnectHookContext } from '../options.js';
import { formatAddress, type NodeClientOptions } from './cluster-options.js';
import { nodeLeftError } from './job.js';
import type { NodeAddress } from './topology.js';

export class ClusterNode {
  readonly address: string;
  /** Smoothed PING round trip in ms, for routeByLatency; Infinity until measured. */
  latency = Number.POSITIVE_INFINITY;
  /** Until when (Date.now()) this node is avoided for reads after a connection failure. */
  avoidUntil = 0;
  private clientRef: RedisClient | undefined;
  private retired = false;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly makeClient: (node: ClusterNode) => RedisClient,
  ) {
    this.address = formatAddress({ host, port });
  }

  get isRetired(): boolean {
    return this.retired;
  }

  get hasClient(): boolean {
    return this.clientRef !== undefined;
  }

  /** The node's client, made on first use. Throws ClientClosedError once the node is retired. */
  get client(): RedisClient {
    if (this.clientRef !== undefined) return this.clientRef;
    if (this.retired) throw nodeLeftError(this.address, undefined);
    this.clientRef = this.makeClient(this);
    return this.clientRef;
  }

  /** Closes the client: queued commands fail (not sent, so they are re-routed), in-flight ones finish. */
  retire(): Promise<void> {
    this.retired = true;
    const client = this.clientRef;
    return client === undefined ? Promise.resolve() : client.close();
  }
}

/**
 * Every node by address. Addresses are normalised by formatAddress, after the user's mapAddress.
 * Hooks and event listeners added to the cluster are kept here and given to every node client, present and future.
 */
export class NodeSet {
  private readonly byAddress = new Map<string, ClusterNode>();
  private readonly options: NodeClientOptions;
  private readonly hooks: Hook[] = [];
  private readonly listeners: [PoolEventName, PoolEventListener<PoolEventName>][] = [];

  constructor(
    base: NodeClientOptions,
    readOnlyConnections: boolean,
    private readonly mapAddress: (address: NodeAddress) => NodeAddress,
    private readonly onDialError: (node: ClusterNode) => void,
  ) {
    this.options = readOnlyConnections ? withReadOnly(base) : base;
  }

  get(address: NodeAddress): ClusterNode {
    const mapped = this.mapAddress(address);
    const key = formatAddress(mapped);
    let node = this.byAddress.get(key);
    if (node === undefined) {
      node = new ClusterNode(mapped.host, mapped.port, this.makeClient);
      this.byAddress.set(key, node);
    }
    return node;
  }

  all(): ClusterNode[] {
    return [...this.byAddress.values()];
  }

  addHook(hook: Hook): void {
    this.hooks.push(hook);
    for (const node of this.withClients()) node.client.addHook(hook);
  }

  removeHook(hook: Hook): void {
    const at = this.hooks.indexOf(hook);
    if (at !== -1) this.hooks.splice(at, 1);
    for (const node of this.withClients()) node.client.removeHook(hook);
  }

  on<E extends PoolEventName>(event: E, listener: PoolEventListener<E>): void {
    this.listeners.push([event, listener as PoolEventListener<PoolEventName>]);
    for (const node of this.withClients()) node.client.on(event, listener);
  }

  off<E extends PoolEventName>(event: E, listener: PoolEventListener<E>): void {
    const at = this.listeners.findIndex(([e, l]) => e === event && l === listener);
    if (at !== -1) this.listeners.splice(at, 1);
    for (const node of this.withClients()) node.client.off(event, listener);
  }

  /** Retires (and forgets) every node not in `keep`. */
  retireExcept(keep: ReadonlySet<ClusterNode>): Promise<void>[] {
    const closing: Promise<void>[] = [];
    for (const [key, node] of this.byAddress) {
      if (keep.has(node)) continue;
      this.byAddress.delete(key);
      closing.push(node.retire());
    }
    return closing;
  }

  retireAll(): Promise<void>[] {
    return this.retireExcept(new Set());
  }

  private withClients(): ClusterNode[] {
    return this.all().filter((n) => n.hasClient && !n.isRetired);
  }

  private readonly makeClient = (node: ClusterNode): RedisClient => {
    const client = new RedisClient({ ...this.options, host: node.host, port: node.port });
    for (const hook of this.hooks) client.addHook(hook);
    for (const [event, listener] of this.listeners) client.on(event, listener);
    client.on('dialError', () => this.onDialError(node));
    return client;
  };
}

/**
 * Replica reads need `READONLY` on each connection. It is harmless on masters, and a node's role can
 * change under a connection, so every connection of every node sends it when replica reads are on.
 */
function withReadOnly(base: NodeClientOptions): NodeClientOptions {
  const user = base.onConnect;
  return {
    ...base,
    onConnect: async (conn: ConnectHookContext) => {
      await conn.sendCommand(['READONLY']);
      if (user !== undefined) await user(conn);
    },
  };
}
