// A private Redis Cluster for the --cluster part of the bench: N masters, no replicas, each a
// PrivateRedisServer (free port, own temp dir, no persistence) started with cluster mode on and an
// explicit free bus port, joined by `redis-cli --cluster create`. Stopped by pid at the end, on error
// and on Ctrl-C, like the single server.
//
//   start(): nodes up -> redis-cli --cluster create -> every node says cluster_state:ok -> running
//   running --stop()--> stopped (every node SIGTERM, SIGKILL after 3 s; temp dirs removed)
//   any step fails --> stop() then rethrow, so a half-built cluster never outlives the bench
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ControlClient } from './control-client.mjs';
import { freePort, PrivateRedisServer } from './redis-server.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const SLOTS = 16384;

export class PrivateRedisCluster {
  host = '127.0.0.1';
  /** @type {PrivateRedisServer[]} */
  nodes = [];
  #cli = undefined;
  #stopped = false;
  /** A node whose start is in flight: stop() waits for it, so that it is stopped (and reaped) too. */
  #startingNode = undefined;

  /** Starts `masters` nodes and joins them into one cluster. */
  static async start(options) {
    const cluster = new PrivateRedisCluster();
    await cluster.start(options);
    return cluster;
  }

  /** The same on an instance the caller already holds, so that a Ctrl-C during start-up can stop it. */
  async start({ masters = 3 } = {}) {
    try {
      for (let i = 0; i < masters; i++) {
        // The bus port is explicit: redis' default (port + 10000) may be taken on a shared machine.
        const busPort = await freePort();
        if (this.#stopped) throw new Error('cluster stopped during start-up');
        this.#startingNode = PrivateRedisServer.start({
          extraArgs: (dir) => [
            '--cluster-enabled', 'yes',
            '--cluster-config-file', path.join(dir, 'nodes.conf'),
            '--cluster-port', String(busPort),
          ], // prettier-ignore
        });
        const node = await this.#startingNode;
        this.#startingNode = undefined;
        if (!this.nodes.includes(node)) this.nodes.push(node);
        if (this.#stopped) throw new Error('cluster stopped during start-up');
      }
      await this.#runRedisCli([
        '--cluster', 'create', ...this.nodes.map((n) => `${n.host}:${n.port}`),
        '--cluster-replicas', '0', '--cluster-yes',
      ]); // prettier-ignore
      await this.#waitUntilOk();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** The first node: the root node given to the clients and the harness's default address. */
  get port() {
    return this.nodes[0].port;
  }

  get pids() {
    return this.nodes.map((n) => n.pid);
  }

  get addresses() {
    return this.nodes.map((n) => ({ host: n.host, port: n.port }));
  }

  #runRedisCli(args) {
    return new Promise((resolve, reject) => {
      const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.#cli = child;
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run redis-cli: ${e.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        this.#cli = undefined;
        if (code === 0) resolve();
        else reject(new Error(`redis-cli ${args.join(' ')} failed (${code ?? signal}): ${output.trim().slice(-500)}`));
      });
    });
  }

  /** Bounded wait until every node reports cluster_state:ok, all slots assigned and every other node known. */
  async #waitUntilOk(timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      try {
        const states = await Promise.all(this.nodes.map((n) => clusterInfo(n.host, n.port)));
        last = states.map((s) => `${s.cluster_state}/${s.cluster_slots_ok}/${s.cluster_known_nodes}`).join(' ');
        const ok = states.every(
          (s) =>
            s.cluster_state === 'ok' &&
            Number(s.cluster_slots_ok) === SLOTS &&
            Number(s.cluster_known_nodes) === this.nodes.length,
        );
        if (ok) return;
      } catch (e) {
        last = String(e?.message ?? e);
      }
      if (Date.now() > deadline) throw new Error(`cluster not ok within ${timeoutMs} ms: ${last}`);
      await sleep(100);
    }
  }

  /** Stops every node by pid (and a redis-cli still running). Idempotent. */
  async stop() {
    this.#stopped = true;
    this.#cli?.kill('SIGKILL');
    const starting = await this.#startingNode?.catch(() => undefined);
    if (starting && !this.nodes.includes(starting)) this.nodes.push(starting);
    await Promise.all(this.nodes.map((n) => n.stop()));
  }

  killSync() {
    this.#stopped = true;
    try {
      this.#cli?.kill('SIGKILL');
    } catch {
      // already gone
    }
    for (const n of this.nodes) n.killSync();
  }
}

async function clusterInfo(host, port) {
  const ctl = await ControlClient.connect(host, port);
  try {
    const out = {};
    for (const line of String(await ctl.cmd('CLUSTER', 'INFO')).split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
  } finally {
    ctl.close();
  }
}

/**
 * One ControlClient per master, and the owner of each slot (from CLUSTER SLOTS), so that the harness
 * can send a key's command to the node that serves it without a cluster-aware client under test.
 */
export async function connectClusterControl(cluster) {
  const ctls = new Map();
  for (const n of cluster.nodes) ctls.set(n.port, await ControlClient.connect(n.host, n.port));
  const owner = new Array(SLOTS);
  const first = ctls.get(cluster.port);
  for (const [start, end, master] of await first.cmd('CLUSTER', 'SLOTS')) {
    const ctl = ctls.get(Number(master[1]));
    if (!ctl) throw new Error(`CLUSTER SLOTS names an unknown node ${master[0]}:${master[1]}`);
    for (let slot = start; slot <= end; slot++) owner[slot] = ctl;
  }
  return {
    /** The control connection to the master serving `key` (the slot asked of the server: CLUSTER KEYSLOT). */
    async forKey(key) {
      return owner[await first.cmd('CLUSTER', 'KEYSLOT', key)];
    },
    all: [...ctls.values()],
    close() {
      for (const c of ctls.values()) c.close();
    },
  };
}
