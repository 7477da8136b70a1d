/**
 * Everything that can go wrong before a connection serves anyone: authentication, database
 * selection, a full server, an unreachable address, bad options. Each gives the caller one
 * clear, typed error naming the cause, and nothing is left waiting.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  ConnectionError,
  createClient,
  InvalidArgumentError,
  RedisError,
  ReplyError,
  type ClientOptions,
  type RedisClient,
} from '../../src/index.js';
import { freePort, RedisServer } from '../helpers/redis-server.js';

const PASSWORD = 'correct horse';
let plain: RedisServer;
let guarded: RedisServer;
let tiny: RedisServer;
const clients: RedisClient[] = [];

before(async () => {
  [plain, guarded, tiny] = await Promise.all([
    RedisServer.start(),
    RedisServer.start({ args: ['--requirepass', PASSWORD] }),
    RedisServer.start({ args: ['--maxclients', '2'] }),
  ]);
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([plain.stop(), guarded.stop(), tiny.stop()]);
});

/** A client that gives up quickly: one dial attempt, no retries. */
function open(server: RedisServer | { host: string; port: number }, options: ClientOptions = {}): RedisClient {
  const client = createClient({ host: server.host, port: server.port, dialerRetries: 1, maxRetries: 0, ...options });
  clients.push(client);
  return client;
}

function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => assert.fail(`expected a rejection, got ${String(value)}`),
    (e: unknown) => e,
  );
}

describe('handshake failures', () => {
  for (const protocol of [2, 3] as const) {
    test(`wrong password: one WRONGPASS ReplyError (RESP${protocol})`, async () => {
      const client = open(guarded, { password: 'wrong', protocol, clientName: 'wrongpass' });
      const err = await failure(client.ping());
      assert.ok(err instanceof ReplyError, `got ${String(err)}`);
      assert.equal(err.code, 'WRONGPASS');
      // Nothing half-open is kept: the pool holds no connection and the next call fails the same way.
      assert.equal(client.poolStats().totalConns, 0);
      const again = await failure(client.get('k'));
      assert.ok(again instanceof ReplyError && again.code === 'WRONGPASS');
      assert.equal((await guarded.clients({ password: PASSWORD })).filter((c) => c['name'] === 'wrongpass').length, 0);
    });

    test(`no password on a protected server: NOAUTH (RESP${protocol})`, async () => {
      const client = open(guarded, { protocol });
      const err = await failure(client.ping());
      assert.ok(err instanceof ReplyError, `got ${String(err)}`);
      assert.equal(err.code, 'NOAUTH');
      assert.match(err.message, /auth/i);
    });

    test(`the right password works (RESP${protocol})`, async () => {
      const client = open(guarded, { password: PASSWORD, protocol });
      assert.equal(await client.ping(), 'PONG');
      const named = open(guarded, { username: 'default', password: PASSWORD, protocol, clientName: 'authed' });
      assert.equal(await named.set('auth:k', 'v'), 'OK');
      assert.equal(await named.get('auth:k'), 'v');
    });
  }

  test('a database that does not exist: the server’s "DB index is out of range"', async () => {
    const client = open(plain, { db: 99 });
    const err = await failure(client.ping());
    assert.ok(err instanceof ReplyError, `got ${String(err)}`);
    assert.match(err.message, /DB index is out of range/);
    assert.equal(client.poolStats().totalConns, 0);
    // An existing db works on the same server.
    const ok = open(plain, { db: 15 });
    assert.equal(await ok.set('db15:k', 'v'), 'OK');
    assert.equal(await open(plain).get('db15:k'), null);
  });

  test('maxclients reached: a clear "max number of clients" error', async () => {
    // Fill the server with raw sockets, each confirmed by a PONG so the server has accepted it.
    const sockets = await Promise.all([0, 1].map(() => rawClient(tiny)));
    try {
      const client = open(tiny, { clientName: 'too-many' });
      const err = await failure(client.ping());
      assert.ok(err instanceof RedisError, `got ${String(err)}`);
      const text = `${err.message} ${String((err as Error).cause ?? '')}`;
      assert.match(text, /max number of clients reached/);
      assert.equal(client.poolStats().totalConns, 0);
    } finally {
      for (const s of sockets) s.destroy();
    }
    // Once a slot frees up, a new client connects.
    const later = open(tiny, { dialerRetries: 5, maxRetries: 3 });
    assert.equal(await later.ping(), 'PONG');
  });

  test('an unreachable address: ConnectionError naming it', async () => {
    const port = await freePort(); // nothing listens there
    const client = open({ host: '127.0.0.1', port });
    const err = await failure(client.ping());
    assert.ok(err instanceof ConnectionError, `got ${String(err)}`);
    assert.equal(err.code, 'ERR_CONNECTION');
    assert.ok(err.message.includes(`127.0.0.1:${port}`), err.message);
    assert.ok(err.cause instanceof Error && (err.cause as NodeJS.ErrnoException).code === 'ECONNREFUSED');
  });
});

describe('bad options and URLs: InvalidArgumentError naming the field', () => {
  const cases: [string, ClientOptions | string, RegExp][] = [
    ['negative poolSize', { poolSize: -1 }, /poolSize/],
    ['misspelt option', { poolsize: 3 } as ClientOptions, /poolsize.*poolSize/],
    ['non-numeric readTimeout', { readTimeout: 'x' } as unknown as ClientOptions, /readTimeout/],
    ['minIdleConns above poolSize', { minIdleConns: 5, poolSize: 2 }, /minIdleConns/],
    ['port out of range', { port: 70000 }, /port/],
    ['unknown URL scheme', 'http://localhost', /scheme/],
    ['URL port out of range', 'redis://localhost:99999', /port/],
    ['URL database not a number', 'redis://localhost/abc', /database/],
    ['URL query parameter of the wrong type', 'redis://localhost?poolSize=abc', /poolSize/],
    ['unknown URL query parameter', 'redis://localhost?bogus=1', /bogus/],
  ];
  for (const [what, input, field] of cases) {
    test(what, () => {
      assert.throws(
        () => createClient(input),
        (err: unknown) => {
          assert.ok(err instanceof InvalidArgumentError, `got ${String(err)}`);
          assert.equal(err.code, 'ERR_INVALID_ARG');
          assert.match(err.message, field);
          return true;
        },
      );
    });
  }
});

/** A raw TCP client that has been accepted by the server (it got +PONG). */
function rawClient(server: RedisServer): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ host: server.host, port: server.port });
    socket.once('error', reject);
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.once('data', (d: Buffer) => {
      if (d.toString().startsWith('+PONG')) resolve(socket);
      else {
        socket.destroy();
        reject(new Error(`unexpected reply ${d.toString()}`));
      }
    });
  });
}
