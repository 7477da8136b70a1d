/**
 * A private Sentinel setup for one test file: one master, one or more replicas (RedisServer instances)
 * and three `redis-server --sentinel` processes with generated configs in a temp dir, quick to fail over
 * (down-after-milliseconds 1000 by default). Every process is stopped by pid.
 *
 *   const setup = await SentinelSetup.start({ replicas: 2 });
 *   after(() => setup.stop());
 *
 * `watchAnnouncements()` is an observer independent of respool (raw sockets, its own RESP reader): it
 * subscribes on every sentinel and records when each announcement first arrived from any of them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { forgetStopped, freePort, RedisServer, stopWhenProcessEnds } from './redis-server.js';

export const MASTER_NAME = 'respool-master';

export interface SentinelSetupOptions {
  /** Replicas of the master. Default 1. */
  replicas?: number;
  /** `sentinel down-after-milliseconds`. Default 1000. */
  downAfterMs?: number;
  /** `sentinel failover-timeout`. Default 5000. */
  failoverTimeoutMs?: number;
}

export class SentinelProcess {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(
    masterPort: number,
    options: { downAfterMs: number; failoverTimeoutMs: number },
  ): Promise<SentinelProcess> {
    const port = await freePort();
    const dir = mkdtempSync(path.join(tmpdir(), 'respool-sentinel-'));
    const config = path.join(dir, 'sentinel.conf');
    writeFileSync(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        'daemonize no',
        `dir ${dir}`,
        'logfile ""',
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} ${options.downAfterMs}`,
        `sentinel failover-timeout ${MASTER_NAME} ${options.failoverTimeoutMs}`,
        `sentinel parallel-syncs ${MASTER_NAME} 1`,
        '',
      ].join('\n'),
    );
    const sentinel = new SentinelProcess(port, dir);
    stopWhenProcessEnds(sentinel);
    sentinel.child = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((await rawCommand(port, ['PING'])).startsWith('+PONG')) return sentinel;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await sentinel.stop();
        throw new Error(`sentinel on ${port} did not answer within 10 s`);
      }
      await sleep(20);
    }
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    const child = this.child;
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  command(args: string[]): Promise<string> {
    return rawCommand(this.port, args);
  }

  /** SIGKILL: the sentinel vanishes; its sockets are closed by the kernel. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
  }

  killSync(): void {
    try {
      this.child?.kill('SIGKILL');
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  async stop(): Promise<void> {
    forgetStopped(this);
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class SentinelSetup {
  private constructor(
    readonly master: RedisServer,
    readonly replicas: RedisServer[],
    readonly sentinels: SentinelProcess[],
  ) {}

  static async start(options: SentinelSetupOptions = {}): Promise<SentinelSetup> {
    const replicaCount = options.replicas ?? 1;
    const timing = { downAfterMs: options.downAfterMs ?? 1000, failoverTimeoutMs: options.failoverTimeoutMs ?? 5000 };
    const master = await RedisServer.start();
    const setup = new SentinelSetup(master, [], []);
    try {
      for (let i = 0; i < replicaCount; i++) {
        setup.replicas.push(await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(master.port)] }));
      }
      await waitFor('the replicas to sync', async () => {
        for (const replica of setup.replicas) {
          if ((await replica.info('replication'))['master_link_status'] !== 'up') return false;
        }
        return true;
      });
      for (let i = 0; i < 3; i++) setup.sentinels.push(await SentinelProcess.start(master.port, timing));
      // Every sentinel must know the replicas and the other sentinels before a failover can be authorised.
      await waitFor('the sentinels to agree', async () => {
        for (const s of setup.sentinels) {
          if (!(await s.command(['SENTINEL', 'CKQUORUM', MASTER_NAME])).startsWith('+OK 3 usable')) return false;
          const replicas = await s.command(['SENTINEL', 'REPLICAS', MASTER_NAME]);
          if (!setup.replicas.every((r) => replicas.includes(String(r.port)))) return false;
        }
        return true;
      });
    } catch (err) {
      await setup.stop();
      throw err;
    }
    return setup;
  }

  /** The first replica. */
  get replica(): RedisServer {
    return this.replicas[0]!;
  }

  get sentinelAddresses(): { host: string; port: number }[] {
    return this.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  /** The data node listening on `port`. */
  server(port: number): RedisServer {
    const found = [this.master, ...this.replicas].find((s) => s.port === port);
    if (found === undefined) throw new Error(`no server of this setup listens on ${port}`);
    return found;
  }

  /** The master's port as the first running sentinel reports it. */
  async reportedMasterPort(): Promise<number> {
    const sentinel = this.sentinels.find((s) => s.running) ?? this.sentinels[0]!;
    const text = await sentinel.command(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME]);
    const lines = text.split('\r\n');
    return Number(lines[4]);
  }

  /** Subscribes to `channels` on every running sentinel, on raw sockets; resolves once each confirmed. */
  async watchAnnouncements(channels: string[] = ['+switch-master']): Promise<AnnouncementLog> {
    const log = new AnnouncementLog();
    await Promise.all(this.sentinels.filter((s) => s.running).map((s) => log.watch(s.port, channels)));
    return log;
  }

  async stop(): Promise<void> {
    await Promise.all(this.sentinels.map((s) => s.stop()));
    await Promise.all([this.master.stop(), ...this.replicas.map((r) => r.stop())]);
  }
}

export interface Announcement {
  /** performance.now() when it arrived. */
  at: number;
  channel: string;
  message: string;
  /** The port of the sentinel that sent it. */
  sentinelPort: number;
}

/** Every announcement the sentinels published on the watched channels, in arrival order. */
export class AnnouncementLog {
  readonly received: Announcement[] = [];
  private readonly sockets: net.Socket[] = [];
  private readonly waiters: { match: (a: Announcement) => boolean; resolve: (a: Announcement) => void }[] = [];

  /** The first announcement on `channel` (from any sentinel), once it arrives. */
  first(channel: string): Promise<Announcement> {
    const seen = this.received.find((a) => a.channel === channel);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match: (a) => a.channel === channel, resolve }));
  }

  /** @internal */
  watch(port: number, channels: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const sock = net.createConnection({ host: '127.0.0.1', port });
      this.sockets.push(sock);
      let buffered = '';
      let confirmations = 0;
      sock.on('connect', () =>
        sock.write(
          `*${channels.length + 1}\r\n$9\r\nSUBSCRIBE\r\n` +
            channels.map((c) => `$${Buffer.byteLength(c)}\r\n${c}\r\n`).join(''),
        ),
      );
      sock.on('data', (chunk) => {
        const at = performance.now();
        buffered += chunk.toString('latin1');
        for (;;) {
          const parsed = readStringArray(buffered, 0);
          if (parsed === undefined) break;
          buffered = buffered.slice(parsed.end);
          const [kind, channel, message] = parsed.items;
          if (kind === 'subscribe' && ++confirmations === channels.length) resolve();
          if (kind !== 'message' || channel === undefined || message === undefined) continue;
          const announcement = { at, channel, message, sentinelPort: port };
          this.received.push(announcement);
          for (let i = this.waiters.length - 1; i >= 0; i--) {
            if (this.waiters[i]!.match(announcement)) this.waiters.splice(i, 1)[0]!.resolve(announcement);
          }
        }
      });
      sock.on('error', reject);
    });
  }

  close(): void {
    for (const sock of this.sockets) sock.destroy();
  }
}

/** One RESP2 array of bulk strings and integers (a pub/sub frame) at `pos`, or undefined if incomplete. */
function readStringArray(text: string, pos: number): { items: string[]; end: number } | undefined {
  let eol = text.indexOf('\r\n', pos);
  if (eol < 0) return undefined;
  if (text[pos] !== '*') throw new Error(`unexpected frame from a sentinel: ${JSON.stringify(text.slice(pos, eol))}`);
  const count = Number(text.slice(pos + 1, eol));
  const items: string[] = [];
  let p = eol + 2;
  for (let i = 0; i < count; i++) {
    eol = text.indexOf('\r\n', p);
    if (eol < 0) return undefined;
    const head = text.slice(p + 1, eol);
    if (text[p] === ':') {
      items.push(head);
      p = eol + 2;
      continue;
    }
    const end = eol + 2 + Number(head);
    if (text.length < end + 2) return undefined;
    items.push(text.slice(eol + 2, end));
    p = end + 2;
  }
  return { items, end: p };
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** One command on a fresh socket; the raw reply text once the socket has been quiet for a moment. */
function rawCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ host: '127.0.0.1', port });
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      sock.destroy();
      resolve(out);
    };
    sock.setTimeout(5000, () => {
      sock.destroy();
      reject(new Error('raw command timed out'));
    });
    sock.on('connect', () =>
      sock.write(`*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')),
    );
    sock.on('data', (d) => {
      out += d.toString('latin1');
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(finish, 30);
    });
    sock.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
