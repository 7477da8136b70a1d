/**
 * Chaos for the paths that hold a connection longer than one batch: transactions, withConn, blocking
 * pops (on the blocking pool), under a small pool with waiters and pool timeouts, a shared socket cap
 * (maxActiveConns), min-idle refill and short lifetimes, over RESP2 — while connections are killed,
 * reset and blackholed and calls are aborted. Seeded and bounded like chaos.test.ts.
 *
 * Invariants: every result belongs to its caller; failures are typed; afterwards both pools are quiet,
 * their stats add up, and the server holds exactly the connections the pools count.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  AbortError,
  ConnectionError,
  createClient,
  PoolTimeoutError,
  RedisError,
  TimeoutError,
  type PoolStats,
  type RedisClient,
} from '../../src/index.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { waitFor } from '../helpers/wait.js';
import { RedisServer } from '../helpers/redis-server.js';
import { prng } from '../unit/resp-writer.js';

const SEED = Number(process.env['CHAOS_SEED'] ?? 0x0b1d);
const CALLERS = 16;
const CHAOS_MS = 3000;
const NAME = 'chaos-pinned';
const EXPECTED = [AbortError, TimeoutError, ConnectionError, PoolTimeoutError];

let server: RedisServer;
let proxy: FaultProxy;

before(async () => {
  server = await RedisServer.start();
  proxy = await FaultProxy.start(server);
});
after(async () => {
  await proxy.close();
  await server.stop();
});

function assertConsistent(s: PoolStats, size: number, label: string): void {
  for (const [name, value] of Object.entries(s)) {
    if (typeof value === 'number') assert.ok(value >= 0, `${label}.${name} = ${value}`);
  }
  assert.equal(s.totalConns, s.idleConns + s.inUse, `${label}: ${JSON.stringify(s)}`);
  assert.ok(s.turnsInUse <= size && s.inUse + s.dialing <= s.turnsInUse, `${label}: ${JSON.stringify(s)}`);
}

function quiet(s: PoolStats): boolean {
  return s.inUse === 0 && s.turnsInUse === 0 && s.waiters === 0 && s.pendingRequests === 0 && s.dialing === 0;
}

async function caller(client: RedisClient, id: number, stop: () => boolean, failures: unknown[]): Promise<number> {
  const random = prng(SEED * 31 + id);
  const key = `pinned:${id}`;
  const list = `pinned:list:${id}`;
  let done = 0;
  for (let seq = 1; !stop(); seq++) {
    const value = `${id}:${seq}`;
    const controller = new AbortController();
    const abortSoon = random() < 0.2;
    const timer = abortSoon ? setTimeout(() => controller.abort(), Math.floor(random() * 30)) : undefined;
    const signal = abortSoon ? controller.signal : undefined;
    const op = random();
    try {
      if (op < 0.3) {
        const replies = await client.multi().set(key, value).get(key).incr(`${key}:n`).exec();
        assert.equal(replies[0], 'OK');
        assert.equal(replies[1], value, `caller ${id}: its transaction read its own write`);
        assert.equal(typeof replies[2], 'number');
      } else if (op < 0.55) {
        await client.withConn(
          async (conn) => {
            assert.equal(await conn.set(key, value), 'OK');
            assert.equal(await conn.get(key), value);
            assert.equal(await conn.echo(value), value);
          },
          signal === undefined ? undefined : { signal },
        );
      } else if (op < 0.8) {
        await client.lPush(list, value);
        const popped = await client.with(signal === undefined ? {} : { signal }).blPop(list, 0.05);
        if (popped !== null) {
          assert.equal(popped.key, list);
          assert.ok(popped.element.startsWith(`${id}:`), `caller ${id} popped ${popped.element}`);
        }
      } else {
        const view = client.with(signal === undefined ? { timeout: 1 + Math.floor(random() * 50) } : { signal });
        assert.equal(await view.set(key, value), 'OK');
        const got = await view.get(key);
        assert.ok(got?.startsWith(`${id}:`), `caller ${id} read ${got}`);
      }
      done++;
    } catch (err) {
      if (err instanceof assert.AssertionError) throw err;
      failures.push(err);
      await sleep(2);
    } finally {
      clearTimeout(timer);
    }
  }
  return done;
}

async function faults(stop: () => boolean): Promise<number> {
  const random = prng(SEED);
  let injected = 0;
  while (!stop()) {
    await sleep(50 + Math.floor(random() * 100));
    const r = random();
    if (r < 0.4) {
      const victims = (await server.clients()).filter((c) => c['name'] === NAME);
      const victim = victims[Math.floor(random() * victims.length)];
      if (victim !== undefined) await server.rawCommand(['CLIENT', 'KILL', 'ID', victim['id']!]).catch(() => {});
    } else if (r < 0.75) {
      proxy.resetOne(random());
    } else {
      proxy.blackhole(random() < 0.5 ? 'both' : 'up');
      await sleep(50 + Math.floor(random() * 200));
      proxy.blackhole('none');
    }
    injected++;
  }
  proxy.heal();
  return injected;
}

describe('chaos on pinned and blocking paths', () => {
  test(`${CALLERS} callers: transactions, withConn, blocking pops, tight pool (seed ${SEED})`, async () => {
    const client = createClient({
      host: proxy.host,
      port: proxy.port,
      protocol: 2,
      clientName: NAME,
      poolSize: 3,
      poolTimeout: 300,
      blockingPoolSize: 2,
      maxActiveConns: 5,
      minIdleConns: 1,
      connMaxLifetime: 400,
      connMaxLifetimeJitter: 100,
      readTimeout: 300,
      maxRetries: 2,
      maxRetryBackoff: 30,
      dialTimeout: 500,
      dialerRetries: 2,
      dialerRetryTimeout: 20,
    });
    const size = client.options.poolSize;
    try {
      let stopped = false;
      const stop = () => stopped;
      const failures: unknown[] = [];
      const callers = Array.from({ length: CALLERS }, (_, i) => caller(client, i + 1, stop, failures));
      const injecting = faults(stop);
      const monitor = (async () => {
        while (!stopped) {
          const s = client.poolStats();
          assertConsistent(s, size, 'main');
          if (s.blocking !== undefined) assertConsistent(s.blocking, 2, 'blocking');
          await sleep(10);
        }
      })();
      await sleep(CHAOS_MS);
      stopped = true;
      const settled = await Promise.race([
        Promise.all([Promise.all(callers), injecting, monitor]),
        sleep(10_000, 'hung' as const, { ref: false }),
      ]);
      assert.notEqual(settled, 'hung', 'every caller’s last call settled');
      const [done, injected] = settled as [number[], number, void];
      const byName: Record<string, number> = {};
      for (const err of failures) {
        const name = err instanceof Error ? err.name : typeof err;
        byName[name] = (byName[name] ?? 0) + 1;
      }
      const ok = done.reduce((a, b) => a + b, 0);
      console.log('chaos pinned:', JSON.stringify({ ok, failures: byName, faults: injected }));
      const unexpected = failures.filter((e) => !(e instanceof RedisError) || !EXPECTED.some((c) => e instanceof c));
      assert.deepEqual(unexpected, [], 'only typed, expected errors');
      assert.ok(ok > 200, `enough work got through (${ok})`);

      await waitFor('both pools settled', () => {
        const s = client.poolStats();
        return quiet(s) && (s.blocking === undefined || quiet(s.blocking));
      });
      const open = () => {
        const s = client.poolStats();
        return s.totalConns + (s.blocking?.totalConns ?? 0);
      };
      await waitFor(
        'server-side connections match the pools',
        async () => (await server.clients()).filter((c) => c['name'] === NAME).length === open(),
      );
      assert.ok(open() <= 5, 'maxActiveConns held');
      // Healthy again without help: every path works.
      assert.deepEqual(await client.multi().set('pinned:after', 'v').get('pinned:after').exec(), ['OK', 'v']);
      assert.equal(await client.withConn((c) => c.echo('pinned')), 'pinned');
      await client.lPush('pinned:after:list', 'x');
      assert.deepEqual(await client.blPop('pinned:after:list', 1), { key: 'pinned:after:list', element: 'x' });
      const s = client.poolStats();
      assertConsistent(s, size, 'main');
      // A last failed dial may still count until the next successful one; the gate must not be failing fast.
      assert.ok(s.dialErrors < size, `dial gate closed (${s.dialErrors} recent failures)`);
    } finally {
      await client.close();
    }
    await waitFor('the server saw every connection go', async () =>
      (await server.clients()).every((c) => c['name'] !== NAME),
    );
  });
});
