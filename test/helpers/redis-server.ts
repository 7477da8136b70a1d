/**
 * A private redis-server per test file: free port, own temp dir, no persistence, stopped by pid.
 * Never touches the machine's Redis on 6379.
 *
 *   const server = await RedisServer.start();
 *   after(() => server.stop());
 *
 * Fault helpers: kill (SIGKILL), restart on the same port, pause/resume (SIGSTOP/SIGCONT).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serverAtLeast } from './server-version.js';

/** Every server process a test started and has not stopped yet (redis-server here, sentinels too). */
const live = new Set<{ killSync(): void }>();
function killLive(): void {
  for (const s of live) s.killSync();
}
// Last resort: a crashed test file still stops its servers. The runner ends a file that overruns its timeout
// with SIGTERM, which skips 'exit' handlers: stop them there too, then end as the signal would have.
process.once('exit', killLive);
for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  process.once(signal, () => {
    killLive();
    process.exit(code);
  });
}

/** Stops `server` if the test process ends before the test does (see above). */
export function stopWhenProcessEnds(server: { killSync(): void }): void {
  live.add(server);
}

/** The server was stopped by its test: nothing left to do at the end. */
export function forgetStopped(server: { killSync(): void }): void {
  live.delete(server);
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. ['--requirepass', 'secret']. */
  args?: string[];
  port?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  readonly port: number;
  readonly host = '127.0.0.1';
  readonly dir: string;
  private readonly extraArgs: string[];
  private child: ChildProcess | undefined;
  private stopped = false;

  private constructor(port: number, extraArgs: string[]) {
    this.port = port;
    this.extraArgs = extraArgs;
    this.dir = mkdtempSync(path.join(tmpdir(), 'respool-redis-'));
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(options.port ?? (await freePort()), options.args ?? []);
    live.add(server);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get socketPath(): string {
    return path.join(this.dir, 'redis.sock');
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
      '--unixsocket',
      this.socketPath,
      '--unixsocketperm',
      '700',
      // DEBUG (SLEEP, …) is on by default before 7.0, which refuses this flag.
      ...(serverAtLeast(7, 0) ? ['--enable-debug-command', 'yes'] : []),
      '--daemonize',
      'no',
      '--logfile',
      '',
      '--loglevel',
      'warning',
      ...this.extraArgs,
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`redis-server exited early (code ${code}): ${stderr}`))),
    );
    exited.catch(() => {});
    await Promise.race([this.waitUntilAnswering(), exited]);
  }

  /** Polls with PING until the server replies +PONG (or a LOADING-free error), up to 10 s. */
  private async waitUntilAnswering(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const reply = await this.rawCommand(['PING']);
        if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not answer within 10 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Sends one command on a fresh raw socket and returns the first reply's raw text.
   * Independent of respool, so tests can inspect the server without the code under test.
   */
  rawCommand(args: string[], options: { password?: string } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const sock = net.createConnection({ host: this.host, port: this.port });
      sock.setTimeout(5000);
      let out = '';
      let expected = 1;
      const send = (a: string[]) =>
        sock.write(`*${a.length}\r\n` + a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join(''));
      sock.on('connect', () => {
        if (options.password !== undefined) {
          expected = 2;
          send(['AUTH', options.password]);
        }
        send(args);
      });
      sock.on('data', (d) => {
        out += d.toString('latin1');
        const text = completeReplies(out, expected);
        if (text !== undefined) {
          sock.destroy();
          resolve(text);
        }
      });
      sock.on('timeout', () => {
        sock.destroy();
        reject(new Error('raw command timed out'));
      });
      sock.on('error', reject);
    });
  }

  /** INFO section parsed to a record. */
  async info(section = 'all', options: { password?: string } = {}): Promise<Record<string, string>> {
    const text = await this.rawCommand(['INFO', section], options);
    const out: Record<string, string> = {};
    for (const line of text.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0 && !line.startsWith('$')) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
  }

  /** CLIENT LIST parsed to one record per client (excluding the raw connection that asked). */
  async clients(options: { password?: string } = {}): Promise<Record<string, string>[]> {
    const text = await this.rawCommand(['CLIENT', 'LIST'], options);
    const lines = text.split(/\r?\n/).filter((l) => l.startsWith('id='));
    return lines
      .map((line) => {
        const rec: Record<string, string> = {};
        for (const part of line.split(' ')) {
          const eq = part.indexOf('=');
          if (eq > 0) rec[part.slice(0, eq)] = part.slice(eq + 1);
        }
        return rec;
      })
      .filter((c) => c['cmd'] !== 'client|list');
  }

  /** SIGKILL: the server vanishes without closing sockets gracefully. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts the server again on the same port (after kill or stop). */
  async restart(): Promise<void> {
    await this.kill();
    this.stopped = false;
    live.add(this);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.launch();
        return;
      } catch (err) {
        // The port can linger briefly after a kill.
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  killSync(): void {
    try {
      this.child?.kill('SIGCONT');
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

  /** Stops the server by pid and removes its temp dir. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    live.delete(this);
    this.resume();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Returns the text once `count` complete top-level RESP replies are in `text`, else undefined. */
function completeReplies(text: string, count: number): string | undefined {
  let pos = 0;
  for (let i = 0; i < count; i++) {
    const end = skipReply(text, pos);
    if (end < 0) return undefined;
    pos = end;
  }
  return text;
}

function skipReply(text: string, pos: number): number {
  const eol = text.indexOf('\r\n', pos);
  if (eol < 0) return -1;
  const type = text[pos];
  const n = Number(text.slice(pos + 1, eol));
  switch (type) {
    case '$':
    case '=':
    case '!': {
      if (n < 0) return eol + 2;
      const end = eol + 2 + n + 2;
      return text.length >= end ? end : -1;
    }
    case '*':
    case '~':
    case '>':
    case '%': {
      let p = eol + 2;
      const items = type === '%' ? n * 2 : n;
      for (let i = 0; i < Math.max(items, 0); i++) {
        p = skipReply(text, p);
        if (p < 0) return -1;
      }
      return p;
    }
    default:
      return eol + 2;
  }
}
