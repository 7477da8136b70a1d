/**
 * The cluster's nodes, one RedisClient (and so one pool) each, made on first use.
 *
 *   known (no client) ──first command──▶ open (client, pool) ──left the topology──▶ retired (client closed)
 *                                         │  ▲
 *               a timeout, or no reply    ▼  │ it answered (a command or the router's PING)
 *               for ~1 s while waited on: suspect ──left the topology──▶ retired and abandoned
 *
 * A retired node never makes a client again: commands that still hold it fail with ClientClosedError,
 * which the cluster client answers by routing them afresh. A suspect node that leaves the topology (a hung
 * master the cluster replaced) is abandoned: its connections are destroyed so that no late reply from it is
 * taken for an acknowledgement, and the commands they carried fail as "sent, outcome unknown".
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
  /** Since when (Date.now()) this node is suspected of hanging; 0 when it is not. Set and cleared by the router. */
  suspectSince = 0;
  /** Commands the router sent here that have not settled (blocking commands, which may wait on purpose, excepted). */
  waiting = 0;
  /** A reply (a value or an error reply) came since the router's last stall check. */
  answeredSinceCheck = false;
  /** Consecutive stall checks that found commands waiting here and no new reply. */
  quietChecks = 0;
  /** The router's PING to a suspect node is in flight. */
  probing = false;
  private clientRef: RedisClient | undefined;
  private retired = false;
  private abandoned = false;

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

  get isSuspect(): boolean {
    return this.suspectSince !== 0;
  }

  /** Retired while suspect: its connections were destroyed, so a ClientClosedError from it may follow a write. */
  get wasAbandoned(): boolean {
    return this.abandoned;
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

  /**
   * Closes the client: queued commands fail (not sent, so they are re-routed), in-flight ones finish. With
   * `abandonIfSuspect`, a suspect node's in-flight commands are not awaited: its connections are destroyed.
   */
  retire(abandonIfSuspect: boolean): Promise<void> {
    this.retired = true;
    const client = this.clientRef;
    if (client === undefined) return Promise.resolve();
    const closing = client.close();
    if (!abandonIfSuspect || !this.isSuspect) return closing;
    // close() failed the queued commands (not sent) a few microtasks from now; once those failures have
    // been seen as "not sent", whatever still fails with ClientClosedError was in flight on a connection.
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        this.abandoned = true;
        resolve(client.destroy());
      }),
    );
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

  /** Retires (and forgets) every node not in `keep`; suspect ones are abandoned (see ClusterNode.retire). */
  retireExcept(keep: ReadonlySet<ClusterNode>, abandonSuspects = true): Promise<void>[] {
    const closing: Promise<void>[] = [];
    for (const [key, node] of this.byAddress) {
      if (keep.has(node)) continue;
      this.byAddress.delete(key);
      closing.push(node.retire(abandonSuspects));
    }
    return closing;
  }

  /** Closing the cluster client: every node retired, in-flight commands allowed to finish. */
  retireAll(): Promise<void>[] {
    return this.retireExcept(new Set(), false);
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
