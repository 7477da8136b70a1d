/**
 * `--spawn`: a private redis-server for one CLI command, on the port the URL names, with no
 * persistence and its own temp dir. It is stopped by pid when the command ends (normally, on an
 * error, on Ctrl-C, and as a last resort on process exit).
 *
 *   starting ──answers PING──▶ running ──stop()──▶ stopped (dir removed)
 *            └─exits early──▶ failed (its stderr in the error)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** True when `redis-server` can be run from PATH. */
export function redisServerInstalled(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore', timeout: 5000 });
  return probe.error === undefined && probe.status === 0;
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

/** Opens and closes one TCP (or unix socket) connection; resolves undefined when it connected, else the reason. */
export function probe(
  target: { host: string; port: number; path: string | undefined },
  timeoutMs: number,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket =
      target.path !== undefined
        ? net.createConnection({ path: target.path })
        : net.createConnection({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`no answer within ${timeoutMs} ms`);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(err.message);
    });
  });
}

export class SpawnedServer {
  private child: ChildProcess | undefined;
  private readonly dir: string;
  private stopped = false;
  private readonly killOnExit = () => this.killSync();

  private constructor(readonly port: number) {
    this.dir = mkdtempSync(path.join(tmpdir(), 'respool-cli-'));
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts redis-server on 127.0.0.1:`port` and waits (up to 10 s) until it answers. */
  static async start(port: number): Promise<SpawnedServer> {
    const server = new SpawnedServer(port);
    try {
      await server.launch();
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  private async launch(): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
      '--daemonize',
      'no',
      '--logfile',
      '',
      '--loglevel',
      'warning',
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    process.once('exit', this.killOnExit);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new Error(`could not run redis-server: ${err.message}`)));
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited at start (code ${code}): ${stderr.trim().split('\n').pop() ?? ''}`)),
      );
    });
    exited.catch(() => {});
    await Promise.race([this.waitUntilAnswering(), exited]);
  }

  private async waitUntilAnswering(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((await probe({ host: '127.0.0.1', port: this.port, path: undefined }, 500)) !== undefined) {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer within 10 s`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Stops the server (SIGTERM, SIGKILL after 2 s) and removes its dir. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    process.off('exit', this.killOnExit);
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private killSync(): void {
    try {
      this.child?.kill('SIGKILL');
    } catch {
      // already gone
    }
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
}
