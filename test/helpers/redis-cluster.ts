/**
 * A private Redis Cluster for one test file: N masters with R replicas each, on free ports, built with
 * `redis-cli --cluster create`, torn down by pid. Each node is a RedisServer (test/helpers/redis-server.ts)
 * started with cluster mode on, its own temp dir (nodes.conf lives there) and an explicit bus port.
 *
 *   const cluster = await RedisCluster.start();
 *   after(() => cluster.stop());
 *
 * Also: failover (controlled, by SIGKILL, or by SIGSTOP: a hung node), moving a slot with its keys, and
 * waiting for the cluster to agree on a state. Every wait is bounded.
 */
import { spawn } from 'node:child_process';
import { freePort, RedisServer } from './redis-server.js';

export interface RedisClusterOptions {
  masters?: number;
  replicasPerMaster?: number;
  /** cluster-node-timeout in ms: how fast a dead master is noticed and replaced. */
  nodeTimeout?: number;
}

export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** For a replica, the id of its master. */
  masterId: string | undefined;
  failed: boolean;
  /** Slot ranges, for a master. */
  slots: [number, number][];
}

export class RedisCluster {
  readonly host = '127.0.0.1';
  private constructor(readonly servers: RedisServer[]) {}

  static async start(options: RedisClusterOptions = {}): Promise<RedisCluster> {
    const masters = options.masters ?? 3;
    const replicas = options.replicasPerMaster ?? 1;
    const count = masters * (1 + replicas);
    const servers = await Promise.all(
      Array.from({ length: count }, async () => {
        const busPort = await freePort();
        return RedisServer.start({
          args: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-port',
            String(busPort),
            '--cluster-node-timeout',
            String(options.nodeTimeout ?? 1000),
            // Replicas of a dead master may take over at once, whatever their replication lag.
            '--cluster-replica-validity-factor',
            '0',
          ],
        });
      }),
    );
    const cluster = new RedisCluster(servers);
    try {
      await runRedisCli([
        '--cluster',
        'create',
        ...servers.map((s) => `${s.host}:${s.port}`),
        '--cluster-replicas',
        String(replicas),
        '--cluster-yes',
      ]);
      await cluster.waitUntilStable();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  get ports(): number[] {
    return this.servers.map((s) => s.port);
  }

  /** Addresses usable as root nodes. */
  get rootNodes(): { host: string; port: number }[] {
    return this.servers.slice(0, 2).map((s) => ({ host: s.host, port: s.port }));
  }

  server(port: number): RedisServer {
    const s = this.servers.find((x) => x.port === port);
    if (s === undefined) throw new Error(`no node on port ${port}`);
    return s;
  }

  /** One command on a raw socket to a node; the raw RESP text of the reply. */
  raw(port: number, args: (string | number)[]): Promise<string> {
    return this.server(port).rawCommand(args.map(String));
  }

  /** CLUSTER NODES as seen by `port` (default: the first live node). */
  async nodes(port?: number): Promise<ClusterNodeInfo[]> {
    const text = await this.raw(port ?? (await this.anyLivePort()), ['CLUSTER', 'NODES']);
    return parseClusterNodes(text);
  }

  async masters(port?: number): Promise<ClusterNodeInfo[]> {
    return (await this.nodes(port)).filter((n) => n.role === 'master' && !n.failed);
  }

  /** The live master serving `slot`. */
  async masterOf(slot: number, port?: number): Promise<ClusterNodeInfo> {
    const m = (await this.masters(port)).find((n) => n.slots.some(([a, b]) => slot >= a && slot <= b));
    if (m === undefined) throw new Error(`no live master serves slot ${slot}`);
    return m;
  }

  async replicasOf(masterId: string, port?: number): Promise<ClusterNodeInfo[]> {
    return (await this.nodes(port)).filter((n) => n.role === 'replica' && n.masterId === masterId && !n.failed);
  }

  async slotOf(key: string): Promise<number> {
    const text = await this.raw(await this.anyLivePort(), ['CLUSTER', 'KEYSLOT', key]);
    return Number(text.slice(1, text.indexOf('\r\n')));
  }

  isAlive(port: number): boolean {
    const s = this.server(port);
    return s.pid !== undefined && !this.killed.has(port);
  }

  /** Nodes that do not answer: killed, or paused (SIGSTOP) until resumed. */
  private readonly killed = new Set<number>();

  async anyLivePort(): Promise<number> {
    const s = this.servers.find((x) => !this.killed.has(x.port));
    if (s === undefined) throw new Error('every node is down');
    return s.port;
  }

  /** SIGKILL a node. */
  async kill(port: number): Promise<void> {
    this.killed.add(port);
    await this.server(port).kill();
  }

  /** SIGSTOP a node: its sockets stay open (the kernel even accepts new ones) but nothing is answered. */
  pause(port: number): void {
    this.killed.add(port);
    this.server(port).pause();
  }

  /** SIGCONT a paused node; it rejoins the cluster (as a replica, when it was replaced meanwhile). */
  resume(port: number): void {
    this.server(port).resume();
    this.killed.delete(port);
  }

  /**
   * Waits (bounded) until every live node says cluster_state:ok, knows every slot, and all live nodes
   * agree on which node owns each master's slots.
   */
  async waitUntilStable(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        const live = this.servers.filter((s) => !this.killed.has(s.port));
        const infos = await Promise.all(live.map((s) => s.rawCommand(['CLUSTER', 'INFO'])));
        const ok = infos.every((t) => t.includes('cluster_state:ok') && t.includes('cluster_slots_assigned:16384'));
        const views = await Promise.all(
          live.map(async (s) =>
            (await this.masters(s.port))
              .map((m) => `${m.port}:${m.slots.map((r) => r.join('-')).join(',')}`)
              .sort()
              .join(' '),
          ),
        );
        last = views.join(' | ');
        // A killed or paused master still listed as a live owner means the failover has not happened yet.
        const deadOwner = [...this.killed].some((port) =>
          views.some((v) => v.split(' ').some((e) => e.startsWith(`${port}:`))),
        );
        const replicas = await Promise.all(
          live.map(async (s) => {
            const text = await s.rawCommand(['INFO', 'replication']);
            return !text.includes('role:slave') || text.includes('master_link_status:up');
          }),
        );
        if (ok && !deadOwner && replicas.every(Boolean) && views.every((v) => v === views[0])) return;
      } catch {
        // a node is still starting or just went down
      }
      if (Date.now() > deadline) throw new Error(`cluster did not become stable within ${timeoutMs} ms: ${last}`);
      await sleep(100);
    }
  }

  /** `CLUSTER FAILOVER` on a replica: a controlled promotion without losing writes. Returns the new master's port. */
  async failover(replicaPort: number): Promise<void> {
    const reply = await this.raw(replicaPort, ['CLUSTER', 'FAILOVER']);
    if (!reply.startsWith('+OK')) throw new Error(`CLUSTER FAILOVER failed: ${reply}`);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const me = (await this.nodes(replicaPort)).find((n) => n.port === replicaPort);
      if (me?.role === 'master') break;
      if (Date.now() > deadline) throw new Error('the replica was not promoted within 15 s');
      await sleep(50);
    }
    await this.waitUntilStable();
  }

  /**
   * Moves `slot` with its keys to the master on `targetPort` the way redis-cli --cluster reshard does:
   * IMPORTING/MIGRATING, MIGRATE in batches, then SETSLOT NODE on every master. `betweenBatches` runs after
   * each MIGRATE batch (to let traffic hit a half-moved slot).
   */
  async moveSlot(
    slot: number,
    targetPort: number,
    options: { batch?: number; betweenBatches?: () => Promise<void>; finish?: boolean } = {},
  ): Promise<void> {
    const nodes = await this.nodes(targetPort);
    const source = await this.masterOf(slot, targetPort);
    const target = nodes.find((n) => n.port === targetPort);
    if (target === undefined || target.role !== 'master') throw new Error(`${targetPort} is not a master`);
    if (source.id === target.id) return;
    await this.expectOk(targetPort, ['CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id]);
    await this.expectOk(source.port, ['CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id]);
    for (;;) {
      const text = await this.raw(source.port, ['CLUSTER', 'GETKEYSINSLOT', slot, options.batch ?? 10]);
      const keys = parseBulkArray(text);
      if (keys.length === 0) break;
      const reply = await this.raw(source.port, ['MIGRATE', this.host, targetPort, '', 0, 5000, 'KEYS', ...keys]);
      if (!reply.startsWith('+OK')) throw new Error(`MIGRATE failed: ${reply}`);
      await options.betweenBatches?.();
    }
    if (options.finish === false) return;
    await this.finishMove(slot, targetPort);
  }

  /** Ends a slot move: every master learns the slot's new owner. */
  async finishMove(slot: number, targetPort: number): Promise<void> {
    const target = (await this.nodes(targetPort)).find((n) => n.port === targetPort)!;
    await this.expectOk(targetPort, ['CLUSTER', 'SETSLOT', slot, 'NODE', target.id]);
    for (const m of await this.masters(targetPort)) {
      if (m.port !== targetPort) await this.expectOk(m.port, ['CLUSTER', 'SETSLOT', slot, 'NODE', target.id]);
    }
    await this.waitUntilStable();
  }

  private async expectOk(port: number, args: (string | number)[]): Promise<void> {
    const reply = await this.raw(port, args);
    if (!reply.startsWith('+OK')) throw new Error(`${args.join(' ')} on ${port}: ${reply}`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}

/** Parses `CLUSTER NODES` (a bulk string of lines) into node records. */
export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  const out: ClusterNodeInfo[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(' ');
    if (parts.length < 8 || !/^[0-9a-f]{40}$/.test(parts[0]!)) continue;
    const [id, address, flags, master] = parts as [string, string, string, string];
    const port = Number(address.split('@')[0]!.split(':').pop());
    const flagSet = new Set(flags.split(','));
    const slots: [number, number][] = [];
    for (const range of parts.slice(8)) {
      if (range.startsWith('[')) continue; // a slot being migrated or imported
      const [a, b] = range.split('-');
      slots.push([Number(a), Number(b ?? a)]);
    }
    out.push({
      id,
      port,
      role: flagSet.has('master') ? 'master' : 'replica',
      masterId: master === '-' ? undefined : master,
      failed: flagSet.has('fail') || flagSet.has('fail?'),
      slots,
    });
  }
  return out;
}

/** The elements of a RESP array of bulk strings. */
function parseBulkArray(text: string): string[] {
  const lines = text.split('\r\n');
  const out: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.startsWith('$')) out.push(lines[++i]!);
  }
  return out;
}

function runRedisCli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`redis-cli ${args.join(' ')} failed (${code}): ${output}`));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
