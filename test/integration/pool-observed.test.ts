/**
 * Pool sizing and connection lifecycle, observed from the server's side (CLIENT LIST, INFO) through
 * raw sockets that bypass respool. Each test uses its own clientName so it only counts its own connections.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { createClient, type ClientOptions, type RedisClient } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { respField } from '../helpers/server-version.js';

let server: RedisServer;
const clients: RedisClient[] = [];

before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.stop();
});

function open(options: ClientOptions): RedisClient {
  const client = createClient({ host: server.host, port: server.port, ...options });
  clients.push(client);
  return client;
}

/** The server's view of the connections that carry `name`. */
async function named(name: string): Promise<Record<string, string>[]> {
  return (await server.clients()).filter((c) => c['name'] === name);
}

describe('pool sizing seen from the server', () => {
  test('poolSize is respected: 5 blocking calls on a pool of 3 use 3 server connections, 2 wait', async () => {
    const name = 'observed-poolsize';
    const client = open({ clientName: name, poolSize: 3, blockingPoolSize: 0, poolTimeout: 5000 });
    const started = Date.now();
    const calls = Array.from({ length: 5 }, (_, i) => client.blPop(`poolsize:empty:${i}`, 0.5));

    await waitFor(
      '3 connections blocked in BLPOP',
      async () => (await named(name)).filter((c) => c['cmd'] === 'blpop').length === 3,
    );
    assert.equal((await named(name)).length, 3, 'no fourth connection');
    const stats = client.poolStats();
    assert.equal(stats.inUse, 3);
    assert.equal(stats.waiters, 2, 'the other two calls wait for a turn');

    const results = await Promise.all(calls);
    assert.deepEqual(results, [null, null, null, null, null]);
    // The waiting pair could only start after a first round had timed out on the server.
    assert.ok(Date.now() - started >= 900, 'two rounds of 0.5 s');
    const seen = await named(name);
    assert.ok(seen.length <= 3, `never more than poolSize connections (saw ${seen.length})`);
    assert.equal(client.poolStats().totalConns, seen.length);
  });

  for (const protocol of [2, 3] as const) {
    test(`minIdleConns connections appear without any command, handshaken (RESP${protocol})`, async () => {
      const name = `observed-minidle-${protocol}`;
      const client = open({ clientName: name, protocol, minIdleConns: 2, poolSize: 4 });
      await waitFor('2 idle connections named by the handshake', async () => (await named(name)).length === 2);
      const seen = await named(name);
      for (const c of seen) assert.equal(c['resp'], respField(protocol));
      const stats = client.poolStats();
      assert.equal(stats.idleConns, 2);
      assert.equal(stats.totalConns, 2);
      assert.equal(stats.hits + stats.misses, 0, 'no command has run');
      // The first command is served by one of them: no dial, no new server connection.
      const id = await client.clientId();
      assert.ok(
        seen.some((c) => c['id'] === String(id)),
        'served by a pre-dialed connection',
      );
      assert.equal(client.poolStats().misses, 0);
    });
  }

  for (const fifo of [false, true]) {
    test(`${fifo ? 'FIFO' : 'LIFO'} reuse is visible through CLIENT ID`, async () => {
      const name = `observed-${fifo ? 'fifo' : 'lifo'}`;
      const client = open({ clientName: name, poolSize: 3, minIdleConns: 3, poolFIFO: fifo });
      await waitFor('3 idle connections', () => client.poolStats().idleConns === 3);
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) ids.push(await client.clientId());
      const serverIds = new Set((await named(name)).map((c) => Number(c['id'])));
      assert.equal(serverIds.size, 3);
      for (const id of ids) assert.ok(serverIds.has(id));
      if (fifo) {
        assert.equal(new Set(ids.slice(0, 3)).size, 3, `rotates over the idle connections: ${ids.join(',')}`);
        assert.deepEqual(ids.slice(3), ids.slice(0, 3), 'in the same order each round');
      } else {
        assert.equal(new Set(ids).size, 1, `the most recently returned connection every time: ${ids.join(',')}`);
      }
    });
  }

  test('connMaxIdleTime replaces idle connections: the old one leaves the server', async () => {
    const name = 'observed-maxidle';
    const client = open({ clientName: name, connMaxIdleTime: 300 });
    const first = await client.clientId();
    assert.equal((await named(name)).length, 1);
    // The background sweep closes it without any command.
    await waitFor('the idle connection closed by the sweep', async () => (await named(name)).length === 0);
    assert.equal(client.poolStats().totalConns, 0);
    assert.ok(client.poolStats().staleConns >= 1);
    const second = await client.clientId();
    assert.notEqual(second, first);
    assert.deepEqual(
      (await named(name)).map((c) => Number(c['id'])),
      [second],
    );
  });

  test('server-side idle timeout (CONFIG SET timeout 1) closes idle connections; no command fails', async () => {
    const name = 'observed-server-timeout';
    const client = open({ clientName: name, poolSize: 4 });
    assert.match(await server.rawCommand(['CONFIG', 'SET', 'timeout', '1']), /^\+OK/);
    try {
      // Three connections at once: each withConn pins its own until all three are held.
      let held = 0;
      await Promise.all(
        [0, 1, 2].map(() =>
          client.withConn(async (conn) => {
            held++;
            await conn.ping();
            while (held < 3) await sleep(5);
          }),
        ),
      );
      assert.equal((await named(name)).length, 3);
      assert.equal(client.poolStats().idleConns, 3);
      await waitFor('the server closed the idle connections', async () => (await named(name)).length === 0);
      // The pool notices the closed sockets by itself, before anyone asks for a connection.
      await waitFor('the pool dropped them', () => client.poolStats().totalConns === 0, 2000);
      assert.equal(client.poolStats().staleConns, 3);
    } finally {
      assert.match(await server.rawCommand(['CONFIG', 'SET', 'timeout', '0']), /^\+OK/);
    }
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? client.set(`srvtimeout:${i}`, String(i)) : client.ping())),
    );
    assert.equal(results.length, 20);
    assert.equal(await client.get('srvtimeout:4'), '4');
  });

  test('CLIENT KILL of an idle connection: it leaves the pool at once and every later command succeeds', async () => {
    const name = 'observed-kill';
    const client = open({ clientName: name, poolSize: 2, maxRetries: 3 });
    const victim = await client.clientId();
    assert.equal(await client.set('kill:key', 'before'), 'OK');
    assert.match(await server.rawCommand(['CLIENT', 'KILL', 'ID', String(victim)]), /^:1/);
    // The idle socket's close is noticed without any command asking for it.
    await waitFor('the killed idle connection left the pool', () => client.poolStats().totalConns === 0, 2000);
    assert.equal(client.poolStats().staleConns, 1);
    for (let i = 0; i < 10; i++) assert.equal(await client.incr('kill:counter'), i + 1);
    const next = await client.clientId();
    assert.notEqual(next, victim);
    assert.ok(!(await named(name)).some((c) => c['id'] === String(victim)));

    // Reads issued right after a kill, racing the close: a read written to the dying socket is retried.
    assert.match(await server.rawCommand(['CLIENT', 'KILL', 'ID', String(next)]), /^:1/);
    const reads = await Promise.all(Array.from({ length: 10 }, () => client.get('kill:key')));
    assert.deepEqual(reads, Array(10).fill('before'));
    assert.notEqual(await client.clientId(), next);
  });

  test('BLPOP on several blocking-pool connections while GETs keep flowing on the main pool', async () => {
    const name = 'observed-blocking';
    const client = open({ clientName: name, poolSize: 2 });
    const keys = [0, 1, 2, 3].map((i) => `blocking:list:${i}`);
    const blockers = keys.map((k) => client.blPop(k, 5));
    await waitFor(
      '4 connections blocked in BLPOP',
      async () => (await named(name)).filter((c) => c['cmd'] === 'blpop').length === 4,
    );
    await client.set('blocking:value', 'v');
    for (let i = 0; i < 50; i++) {
      const [value, n] = await Promise.all([client.get('blocking:value'), client.incr('blocking:counter')]);
      assert.equal(value, 'v');
      assert.equal(n, i + 1);
    }
    const stats = client.poolStats();
    assert.equal(stats.blocking?.inUse, 4, 'each BLPOP holds its own blocking-pool connection');
    assert.ok(stats.totalConns <= 2, 'the main pool stayed within poolSize');
    assert.equal(stats.timeouts, 0);
    await Promise.all(keys.map((k, i) => client.lPush(k, `item${i}`)));
    const popped = await Promise.all(blockers);
    assert.deepEqual(
      popped,
      keys.map((key, i) => ({ key, element: `item${i}` })),
    );
    assert.equal(client.poolStats().blocking?.idleConns, 4);
  });

  test('poolStats stays consistent with the server and moves hits/misses as expected', async () => {
    const name = 'observed-stats';
    const client = open({ clientName: name, poolSize: 4 });
    const initial = client.poolStats();
    assert.deepEqual(
      [initial.hits, initial.misses, initial.totalConns, initial.idleConns, initial.inUse],
      [0, 0, 0, 0, 0],
    );
    await client.ping();
    let s = client.poolStats();
    assert.deepEqual([s.hits, s.misses, s.totalConns, s.idleConns, s.inUse], [0, 1, 1, 1, 0]);
    await client.ping();
    s = client.poolStats();
    assert.deepEqual([s.hits, s.misses, s.totalConns], [1, 1, 1], 'the second command reused the idle connection');

    await client.withConn(async (conn) => {
      await conn.ping();
      const inside = client.poolStats();
      assert.deepEqual([inside.inUse, inside.idleConns, inside.totalConns], [1, 0, 1]);
      // A command while the only connection is pinned needs a second one.
      await client.ping();
      const during = client.poolStats();
      assert.equal(during.misses, 2);
      assert.equal(during.totalConns, during.idleConns + during.inUse);
      assert.deepEqual([during.inUse, during.idleConns], [1, 1]);
    });
    s = client.poolStats();
    assert.equal(s.totalConns, s.idleConns + s.inUse);
    assert.deepEqual([s.totalConns, s.idleConns, s.inUse, s.hits, s.misses], [2, 2, 0, 2, 2]);
    assert.equal((await named(name)).length, s.totalConns);
    const info = await server.info('clients');
    assert.ok(Number(info['connected_clients']) >= s.totalConns + 1, 'INFO clients counts ours and the probe');
  });
});
