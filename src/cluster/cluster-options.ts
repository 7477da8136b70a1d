/**
 * Options of the cluster client: where to start (`rootNodes`), how to route reads, how far to follow
 * redirects, plus every per-node client option (pool size, timeouts, credentials…), which each node's
 * RedisClient receives unchanged. Checked once, at createCluster.
 */
import { InvalidArgumentError } from '../errors.js';
import { resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from '../options.js';
import { hideSecrets, redactOptions } from '../options-secrets.js';
import type { NodeAddress } from './topology.js';

/** Per-node client options: everything of ClientOptions except the address and the database (always 0). */
export type NodeClientOptions = Omit<ClientOptions, 'url' | 'host' | 'port' | 'path' | 'db'>;

export interface ClusterOptions extends NodeClientOptions {
  /** Nodes to learn the topology from: `'host:port'`, `'redis://[user:pass@]host:port'` or `{ host, port }`. */
  rootNodes: readonly (string | NodeAddress)[];
  /** Read-only commands go to a random replica of the slot's shard (the master when it has none). */
  readFromReplicas?: boolean;
  /** Read-only commands go to the shard's node (master or replica) with the lowest measured latency. */
  routeByLatency?: boolean;
  /** Read-only commands go to a random node (master or replica) of the shard. */
  routeRandomly?: boolean;
  /** How many MOVED/ASK hops, TRYAGAIN/CLUSTERDOWN waits and failover retries one command may take. Default 5. */
  maxRedirects?: number;
  /** Topology refresh period in ms (besides the refreshes MOVED and connection errors trigger). Default 5000; 0 = off. */
  topologyRefreshInterval?: number;
  /** Maps the address a node announces to the one to dial (NAT, containers). */
  mapAddress?: (address: NodeAddress) => NodeAddress;
}

export type ReadRouting = 'master' | 'replica' | 'latency' | 'random';

export interface ResolvedClusterOptions {
  rootNodes: NodeAddress[];
  readRouting: ReadRouting;
  maxRedirects: number;
  topologyRefreshInterval: number;
  mapAddress: (address: NodeAddress) => NodeAddress;
  /** What every node client gets, before host and port are added. */
  nodeOptions: NodeClientOptions;
  /** The first root node's fully resolved options (timeouts, backoff, tls…), as a template. */
  template: ResolvedClientOptions;
}

const CLUSTER_ONLY = new Set([
  'rootNodes',
  'readFromReplicas',
  'routeByLatency',
  'routeRandomly',
  'maxRedirects',
  'topologyRefreshInterval',
  'mapAddress',
]);

export function resolveClusterOptions(input: ClusterOptions): ResolvedClusterOptions {
  if (typeof input !== 'object' || input === null) {
    throw new InvalidArgumentError('createCluster expects an options object with rootNodes.');
  }
  const roots = input.rootNodes as unknown;
  if (!Array.isArray(roots) || roots.length === 0) {
    throw new InvalidArgumentError(
      'Invalid option rootNodes: expected a non-empty array of "host:port" strings, URLs or { host, port }.',
    );
  }
  const nodeOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (CLUSTER_ONLY.has(key) || value === undefined) continue;
    if (key === 'url' || key === 'host' || key === 'port' || key === 'path') {
      throw new InvalidArgumentError(`Invalid option ${key}: a cluster client takes its addresses from rootNodes.`);
    }
    if (key === 'db' && value !== 0) {
      throw new InvalidArgumentError('Invalid option db: Redis Cluster has only database 0.');
    }
    if (key !== 'db') nodeOptions[key] = value;
  }
  const rootNodes = roots.map((root: unknown) => parseRoot(root, nodeOptions));
  const template = resolveClientOptions({ ...(nodeOptions as NodeClientOptions), ...rootNodes[0]! });
  const maxRedirects = input.maxRedirects ?? 5;
  if (!Number.isInteger(maxRedirects) || maxRedirects < 0 || maxRedirects > 100) {
    throw new InvalidArgumentError(
      `Invalid option maxRedirects: expected an integer from 0 to 100, got ${maxRedirects}`,
    );
  }
  const interval = input.topologyRefreshInterval ?? 5000;
  if (!Number.isFinite(interval) || interval < 0 || interval > 2_147_483_647) {
    throw new InvalidArgumentError(
      `Invalid option topologyRefreshInterval: expected milliseconds >= 0 (0 = off), got ${interval}`,
    );
  }
  const mapAddress = input.mapAddress;
  if (mapAddress !== undefined && typeof mapAddress !== 'function') {
    throw new InvalidArgumentError(
      'Invalid option mapAddress: expected a function ({ host, port }) => { host, port }.',
    );
  }
  const readRouting: ReadRouting =
    input.routeByLatency === true
      ? 'latency'
      : input.routeRandomly === true
        ? 'random'
        : input.readFromReplicas === true
          ? 'replica'
          : 'master';
  return hideSecrets({
    rootNodes,
    readRouting,
    maxRedirects,
    topologyRefreshInterval: interval,
    mapAddress: mapAddress ?? ((a) => a),
    nodeOptions: hideSecrets(nodeOptions),
    template,
  });
}

/** A root node; credentials and TLS from a URL become defaults for every node when not given explicitly. */
function parseRoot(root: unknown, nodeOptions: Record<string, unknown>): NodeAddress {
  if (typeof root === 'object' && root !== null) {
    const { host, port } = root as { host?: unknown; port?: unknown };
    if (typeof host === 'string' && host !== '' && Number.isInteger(port) && (port as number) > 0) {
      return { host, port: port as number };
    }
  } else if (typeof root === 'string' && root.includes('://')) {
    const resolved = resolveClientOptions(root);
    if (resolved.path !== undefined)
      throw new InvalidArgumentError('Invalid root node: unix sockets cannot be cluster nodes.');
    if (nodeOptions['username'] === undefined && resolved.username !== undefined)
      nodeOptions['username'] = resolved.username;
    if (nodeOptions['password'] === undefined && resolved.password !== undefined)
      nodeOptions['password'] = resolved.password;
    if (nodeOptions['tls'] === undefined && resolved.tls !== undefined) nodeOptions['tls'] = resolved.tls;
    return { host: resolved.host, port: resolved.port };
  } else if (typeof root === 'string') {
    const address = parseAddress(root);
    if (address !== undefined) return address;
  }
  throw new InvalidArgumentError(
    `Invalid root node ${JSON.stringify(redactOptions(root))}: expected "host:port", a redis:// URL or { host, port }.`,
  );
}

/** `host:port` or `[v6]:port`. */
export function parseAddress(text: string): NodeAddress | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  let host = text.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = Number(text.slice(colon + 1));
  if (host === '' || !Number.isInteger(port) || port <= 0 || port > 65535) return undefined;
  return { host, port };
}

export function formatAddress({ host, port }: NodeAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
