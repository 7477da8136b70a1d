/**
 * Issue 12, one test per reported case: what one caller does never reaches another caller of the shared pool.
 * Each test reproduces the report against a real redis-server (or a scripted one where a server cannot be
 * made to misbehave), and asserts the outcome a user relies on.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  ClientClosedError,
  commands,
  ConnectionError,
  createClient,
  InvalidArgumentError,
  TimeoutError,
  type RedisClient,
} from '../../src/index.js';
import { FakeServer } from '../helpers/fake-server.js';
import { RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

/** CLIENT LIST entries of connections named `name`. */
async function connectionsNamed(name: string): Promise<Record<string, string>[]> {
  return (await server.clients()).filter((c) => c['name'] === name);
}

for (const protocol of [2, 3] as const) {
  describe(`shared connections stay clean (RESP${protocol})`, () => {
    let client: RedisClient;
    const name = `shared-${protocol}`;
    before(() => {
      client = createClient({ url: server.url, protocol, poolSize: 2, clientName: name, maxRetries: 0 });
    });
    after(async () => {
      await client.close();
    });

    test('state-changing commands are refused in shared pipelines and transactions, before anything is sent', () => {
      // SELECT has no typed method there (pinned connections only); a built one is refused too.
      assert.throws(() => client.pipeline().add(commands.select(1)), InvalidArgumentError);
      assert.throws(() => client.multi().add(commands.clientSetName('x')), InvalidArgumentError);
      assert.throws(() => client.pipeline().sendCommand(['MULTI']), InvalidArgumentError);
      assert.throws(() => client.pipeline().sendCommand(['watch', 'k']), InvalidArgumentError);
      assert.throws(() => client.multi().sendCommand(['SUBSCRIBE', 'ch']), InvalidArgumentError);
      assert.throws(() => client.pipeline().sendCommand(['CLIENT', 'SETNAME', 'x']), /CLIENT SETNAME/);
    });

    test('sendCommand refuses CLIENT SETNAME, SELECT, MULTI, WATCH on the shared client, naming what to use', async () => {
      await assert.rejects(client.sendCommand(['CLIENT', 'SETNAME', 'x']), /clientName/);
      await assert.rejects(client.sendCommand(['SELECT', '1']), /`db` option/);
      await assert.rejects(client.sendCommand(['MULTI']), /client\.multi\(\)/);
      await assert.rejects(client.sendCommand(['WATCH', 'k']), /withConn/);
      assert.equal(await client.sendCommand(['UNWATCH']), 'OK', 'UNWATCH leaves no state and is allowed');
    });

    test('state changed on a pinned connection does not reach the next holder', async () => {
      await client.withConn(async (conn) => {
        await conn.sendCommand(['CLIENT', 'SETNAME', 'renamed']);
        await conn.select(1);
        await conn.sendCommand(['WATCH', 'watched']);
      });
      await client.withConn(async (conn) => {
        await conn.watch('watched'); // UNWATCHed at release, the connection goes back
      });
      // Every later write lands in db 0, on connections with the configured name.
      const key = `after-pinned-${protocol}`;
      await Promise.all(Array.from({ length: 20 }, (_, i) => client.set(key, String(i))));
      assert.equal(await server.rawCommand(['GET', key]).then((r) => r.split('\r\n')[1]), '19');
      const mine = await connectionsNamed(name);
      assert.ok(mine.length >= 1);
      for (const c of mine) {
        assert.equal(c['db'], '0');
        assert.equal(c['multi'], '-1');
        assert.equal(c['watch'] ?? '0', '0');
      }
      assert.deepEqual(await connectionsNamed('renamed'), []);
      const stats = client.poolStats();
      assert.equal(stats.inUse, 0);
      assert.equal(stats.idleConns, stats.totalConns);
    });

    test('a pinned MULTI left without EXEC does not leave its connection inside a transaction', async () => {
      await client.withConn(async (conn) => {
        await conn.sendCommand(['MULTI']);
        await conn.sendCommand(['SET', 'inside', '1']);
      });
      const key = `after-multi-${protocol}`;
      for (let i = 0; i < 5; i++) assert.equal(await client.set(key, String(i)), 'OK');
      assert.equal(await client.get(key), '4');
    });

    test('a pipeline or transaction that cannot be built leaks no turn and leaves no MULTI open', async () => {
      for (let i = 0; i < 3; i++) {
        await assert.rejects(
          async () =>
            client
              .pipeline()
              .set('k', undefined as never)
              .exec(),
          InvalidArgumentError,
        );
        await assert.rejects(
          async () =>
            client
              .multi()
              .set('k', undefined as never)
              .exec(),
          InvalidArgumentError,
        );
      }
      const key = `after-bad-${protocol}`;
      await Promise.all(Array.from({ length: 20 }, (_, i) => client.set(key, String(i))));
      assert.equal(await client.get(key), '19');
      const stats = client.poolStats();
      assert.equal(stats.turnsInUse, 0);
      for (const c of await connectionsNamed(name)) assert.equal(c['multi'], '-1');
    });
  });
}

describe('ordering, shutdown and time budget', () => {
  test('writes issued together stay in order after a failed dial (one retry timer per batch)', async () => {
    for (let run = 0; run < 5; run++) {
      let dials = 0;
      const client = createClient({
        dialerRetries: 1,
        minRetryBackoff: 5,
        maxRetryBackoff: 50,
        dialer: async () => {
          if (dials++ === 0) throw new Error('the first dial fails');
          return net.connect(server.port, server.host);
        },
      });
      try {
        const key = `ordered-${run}`;
        await Promise.all(Array.from({ length: 10 }, (_, i) => client.set(key, String(i + 1))));
        assert.equal(await client.get(key), '10');
        assert.ok(dials >= 2, 'the first dial failed and a second one served the retry');
      } finally {
        await client.close();
      }
    }
  });

  for (const path of ['plain', 'pipeline', 'withConn'] as const) {
    test(`close() ends a BLPOP 0 held by a ${path} call at once and resolves`, async () => {
      const client = createClient({ url: server.url });
      await client.ping();
      const key = `never-${path}`;
      const blocked =
        path === 'plain'
          ? client.blPop(key, 0)
          : path === 'pipeline'
            ? client.pipeline().blPop(key, 0).exec()
            : client.withConn((conn) => conn.blPop(key, 0));
      await waitFor('the BLPOP is blocked on the server', async () =>
        (await server.clients()).some((c) => c['cmd'] === 'blpop'),
      );
      await client.close();
      await assert.rejects(blocked, ClientClosedError);
    });
  }

  test('destroy() closes every connection now and rejects what is pending', async () => {
    const fake = await FakeServer.start({
      onCommand: (cmd) => (cmd[0] === 'GET' && cmd[1] === 'hang' ? null : undefined),
    });
    const client = createClient({ host: '127.0.0.1', port: fake.port, readTimeout: 0 });
    try {
      await client.ping();
      const pinned = client.withConn((conn) => conn.get('hang'));
      const pipelined = client.pipeline().get('hang').exec();
      const plain = client.get('hang');
      await waitFor(
        'three GETs reached the server',
        () => fake.connections.reduce((n, c) => n + c.commands.filter((cmd) => cmd[0] === 'GET').length, 0) === 3,
      );
      await client.destroy(); // close() alone would wait for the replies (readTimeout 0: forever)
      await assert.rejects(pinned, ClientClosedError);
      await assert.rejects(pipelined, ClientClosedError);
      await assert.rejects(plain, ClientClosedError);
      await assert.rejects(client.get('x'), ClientClosedError);
    } finally {
      await fake.close();
    }
  });

  test('a server that accepts but never answers: one dial, a ConnectionError naming the address', async () => {
    let accepted = 0;
    const silent = net.createServer((socket) => {
      accepted++;
      socket.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const client = createClient({ host: '127.0.0.1', port, dialTimeout: 200 });
    try {
      const error = await client.ping().then(
        () => assert.fail('ping answered'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.match(error.message, /dialTimeout/);
      // Before: dialerRetries × (1 + maxRetries) = 20 dials of dialTimeout each.
      assert.equal(accepted, 1, 'a dial that timed out is neither redialed nor retried');
    } finally {
      await client.close();
      silent.close();
    }
  });

  test('a per-call timeout bounds the whole call, dial included', async () => {
    const silent = net.createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const client = createClient({ host: '127.0.0.1', port, dialTimeout: 60_000 });
    try {
      await assert.rejects(client.with({ timeout: 100 }).ping(), TimeoutError);
    } finally {
      await client.destroy();
      silent.close();
    }
  });

  test('a READONLY reply retires its connection; the retry dials a fresh one', async () => {
    const fake = await FakeServer.start({
      onCommand: (cmd, conn) =>
        cmd[0] === 'SET' && conn.index === 0 ? "-READONLY You can't write against a read only replica.\r\n" : undefined,
    });
    const client = createClient({ host: '127.0.0.1', port: fake.port, minRetryBackoff: 1, maxRetryBackoff: 5 });
    try {
      assert.equal(await client.set('k', 'v'), 'OK');
      await waitFor('the first connection is closed', () => fake.connections[0]!.closed);
      assert.equal(fake.connections.length, 2);
    } finally {
      await client.close();
      await fake.close();
    }
  });
});

describe('a reply larger than the server will send (issue 15)', () => {
  // Servers (6.2, 7.0, 7.4, Valkey 8) close such a client before sending any byte of the reply, so the client
  // cannot tell it from a kill: the command is retried once, alone on a connection of its own, where the second
  // close hurts nobody else; then it fails with an error that names the limit.
  test('a GET past client-output-buffer-limit: one retry alone, then a clear error; other callers unharmed', async () => {
    const big = await RedisServer.start();
    await big.rawCommand(['CONFIG', 'SET', 'client-output-buffer-limit', 'normal 1mb 256kb 1']);
    const client = createClient({ url: big.url, minRetryBackoff: 1, maxRetryBackoff: 5 });
    let connects = 0;
    client.on('connect', () => connects++);
    try {
      await client.set('huge', Buffer.alloc(4 * 1024 * 1024, 'x'));
      const connectsBefore = connects;
      // Writes issued with the GET share its first connection; they fail with it (their outcome is unknown).
      const [get, ...writes] = await Promise.allSettled([
        client.getBuffer('huge'),
        ...Array.from({ length: 5 }, (_, i) => client.incr(`counter-${i}`)),
      ]);
      assert.equal(get.status, 'rejected');
      const error = get.reason as unknown;
      assert.ok(error instanceof ConnectionError, String(error));
      assert.equal(error.replyCutOff, true);
      assert.match(error.message, /client-output-buffer-limit/);
      assert.equal(connects, connectsBefore + 1, 'one retry, on a connection of its own (4 with per-batch retries)');
      assert.ok(writes.every((w) => w.status === 'fulfilled' || w.reason instanceof ConnectionError));
      // Later callers are served on a fresh connection.
      assert.equal(await client.get('small'), null);
      assert.equal(await client.incr('after'), 1);
    } finally {
      await client.close();
      await big.stop();
    }
  });
});
