/**
 * A private Sentinel setup for one test file: one master, one replica (RedisServer instances) and three
 * `redis-server --sentinel` processes with generated configs in a temp dir, quick to fail over
 * (down-after-milliseconds 1000). Every process is stopped by pid.
 *
 *   const setup = await SentinelSetup.start();
 *   after(() => setup.stop());
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, RedisServer } from './redis-server.js';

export const MASTER_NAME = 'respool-master';

export class SentinelProcess {
  private child: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(masterPort: number): Promise<SentinelProcess> {
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
        `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
        `sentinel failover-timeout ${MASTER_NAME} 5000`,
        `sentinel parallel-syncs ${MASTER_NAME} 1`,
        '',
      ].join('\n'),
    );
    const sentinel = new SentinelProcess(port, dir);
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

  command(args: string[]): Promise<string> {
    return rawCommand(this.port, args);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class SentinelSetup {
  private constructor(
    readonly master: RedisServer,
    readonly replica: RedisServer,
    readonly sentinels: SentinelProcess[],
  ) {}

  static async start(): Promise<SentinelSetup> {
    const master = await RedisServer.start();
    const replica = await RedisServer.start({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
    const setup = new SentinelSetup(master, replica, []);
    try {
      await waitFor(
        'the replica to sync',
        async () => (await replica.info('replication'))['master_link_status'] === 'up',
      );
      for (let i = 0; i < 3; i++) setup.sentinels.push(await SentinelProcess.start(master.port));
      // Every sentinel must know the replica and the other sentinels before a failover can be authorised.
      await waitFor('the sentinels to agree', async () => {
        for (const s of setup.sentinels) {
          if (!(await s.command(['SENTINEL', 'CKQUORUM', MASTER_NAME])).startsWith('+OK 3 usable')) return false;
          if (!(await s.command(['SENTINEL', 'REPLICAS', MASTER_NAME])).includes(String(replica.port))) return false;
        }
        return true;
      });
    } catch (err) {
      await setup.stop();
      throw err;
    }
    return setup;
  }

  get sentinelAddresses(): { host: string; port: number }[] {
    return this.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
  }

  /** The master's port as the first sentinel reports it. */
  async reportedMasterPort(): Promise<number> {
    const text = await this.sentinels[0]!.command(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME]);
    const lines = text.split('\r\n');
    return Number(lines[4]);
  }

  async stop(): Promise<void> {
    await Promise.all(this.sentinels.map((s) => s.stop()));
    await Promise.all([this.master.stop(), this.replica.stop()]);
  }
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
