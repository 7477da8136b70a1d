// One private redis-server for the whole bench run: free port, own temp dir, no
// persistence; stopped by pid at the end, on error, and on Ctrl-C.
//
//   start() -> running --stop()--> stopped (temp dir removed)
//                   \--process exit--> SIGKILL by pid (last resort, synchronous)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ControlClient } from './control-client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export class PrivateRedisServer {
  host = '127.0.0.1';
  port = 0;
  pid = undefined;
  #child = undefined;
  #dir = undefined;
  #stopping = undefined;
  #killed = false;
  #stderr = '';

  /**
   * `extraArgs`: more redis-server flags, or a function of the server's temp dir returning them
   * (the cluster nodes add cluster mode, see redis-cluster.mjs).
   */
  static async start({ extraArgs = [] } = {}) {
    const server = new PrivateRedisServer();
    await server.#launch(extraArgs);
    return server;
  }

  /** The server's own temp dir (nodes.conf of a cluster node lives there). */
  get dir() {
    return this.#dir;
  }

  async #launch(extraArgs) {
    this.port = await freePort();
    this.#dir = mkdtempSync(path.join(os.tmpdir(), 'respool-bench-redis-'));
    const args = [
      '--port', String(this.port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--dir', this.#dir,
      '--daemonize', 'no',
      '--logfile', path.join(this.#dir, 'redis.log'),
      ...(typeof extraArgs === 'function' ? extraArgs(this.#dir) : extraArgs),
    ]; // prettier-ignore
    this.#child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.pid = this.#child.pid;
    this.#child.stderr.on('data', (d) => (this.#stderr += d));
    // The sync handler kills the server even if the bench dies on an uncaught error.
    process.once('exit', () => this.killSync());
    const spawnFailed = new Promise((_, reject) => {
      this.#child.once('error', (e) => reject(new Error(`cannot start redis-server: ${e.message}`)));
      this.#child.once('exit', (code) => reject(new Error(`redis-server exited early (${code}): ${this.#stderr}`)));
    });
    spawnFailed.catch(() => {});
    await Promise.race([this.#waitForPong(), spawnFailed]);
  }

  async #waitForPong() {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const ctl = await ControlClient.connect(this.host, this.port);
        try {
          if ((await ctl.cmd('PING')) === 'PONG') return;
        } finally {
          ctl.close();
        }
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer within 10 s`);
      await sleep(25);
    }
  }

  /**
   * SIGTERM by pid, SIGKILL if it has not exited within 3 s; removes the temp dir. Idempotent: a second
   * call waits for the same exit (a Ctrl-C during an error path must not leave before the server is gone).
   */
  stop() {
    this.#stopping ??= this.#stopGracefully();
    return this.#stopping;
  }

  async #stopGracefully() {
    const child = this.#child;
    if (!this.#killed && child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // exited in between: `exited` resolves at once
      }
      if ((await Promise.race([exited.then(() => true), sleep(3000).then(() => false)])) === false) {
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  /** Last resort on the way out (process exit): SIGKILL by pid unless it already exited, remove the dir. */
  killSync() {
    if (this.#killed) return;
    this.#killed = true;
    const child = this.#child;
    try {
      if (child && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
