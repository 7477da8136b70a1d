import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, InvalidArgumentError, ReplyError, WatchError, type RedisClient } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';
import { respField } from '../helpers/server-version.js';

let server: RedisServer;

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

for (const protocol of [2, 3] as const) {
  describe(`client over RESP${protocol}`, () => {
    let client: RedisClient;
    before(() => {
      client = createClient({ host: server.host, port: server.port, protocol, clientName: `basics-${protocol}` });
    });
    after(async () => {
      await client.close();
    });

    test('ping verifies the connection and the handshake set the name and protocol', async () => {
      assert.equal(await client.ping(), 'PONG');
      const clients = await server.clients();
      const mine = clients.filter((c) => c['name'] === `basics-${protocol}`);
      assert.ok(mine.length >= 1, 'a connection carries clientName');
      assert.equal(mine[0]!['resp'], respField(protocol));
    });

    test('commands issued in one tick all get their own replies', async () => {
      const n = 500;
      const keys = Array.from({ length: n }, (_, i) => `tick:${protocol}:${i}`);
      await Promise.all(keys.map((k, i) => client.set(k, `v${i}`)));
      const values = await Promise.all(keys.map((k) => client.get(k)));
      assert.deepEqual(
        values,
        keys.map((_, i) => `v${i}`),
      );
    });

    test('sendCommand returns the decoded reply and rejects error replies with ReplyError', async () => {
      assert.equal(await client.sendCommand(['SET', `raw:${protocol}`, 'x']), 'OK');
      assert.equal(await client.sendCommand(['GET', `raw:${protocol}`]), 'x');
      await assert.rejects(client.sendCommand(['LPUSH', `raw:${protocol}`, 'y']), (err: unknown) => {
        assert.ok(err instanceof ReplyError);
        assert.equal(err.code, 'WRONGTYPE');
        return true;
      });
      // The connection stays healthy after an error reply.
      assert.equal(await client.sendCommand(['GET', `raw:${protocol}`]), 'x');
    });

    test('sendCommand refuses connection-state commands on shared connections', async () => {
      await assert.rejects(client.sendCommand(['SELECT', '1']), InvalidArgumentError);
      await assert.rejects(client.sendCommand(['MULTI']), InvalidArgumentError);
      assert.throws(() => client.sendCommand([]), InvalidArgumentError); // argument errors throw synchronously
    });

    test('a pipeline returns each reply in order with errors in place', async () => {
      const key = `pipe:${protocol}`;
      const replies = await client
        .pipeline()
        .set(key, 'a')
        .sendCommand(['LPUSH', key, 'x'])
        .get(key)
        .sendCommand(['INCR', `${key}:n`])
        .exec();
      assert.equal(replies.length, 4);
      assert.equal(replies[0], 'OK');
      assert.ok(replies[1] instanceof ReplyError);
      assert.equal(replies[1].code, 'WRONGTYPE');
      assert.equal(replies[2], 'a');
      assert.equal(replies[3], 1);
      assert.deepEqual(await client.pipeline().exec(), []);
    });

    test('multi runs a transaction and decodes each reply', async () => {
      const key = `tx:${protocol}`;
      const replies = await client.multi().set(key, '1').incr(key).get(key).exec();
      assert.deepEqual(replies, ['OK', 2, '2']);
    });

    test('a transaction mixing Buffer and string commands gives each its own type', async () => {
      const key = `txbuf:${protocol}`;
      const [, asString, asBuffer] = await client.multi().set(key, 'v').get(key).getBuffer(key).exec();
      assert.equal(asString, 'v');
      assert.ok(Buffer.isBuffer(asBuffer));
      assert.equal(asBuffer.toString('utf8'), 'v');
    });

    test('typed connection-state commands are refused on pooled connections, allowed when pinned', async () => {
      // Typed only where they are allowed: the shared client has no such methods.
      for (const method of ['select', 'clientSetName', 'clientTracking', 'clientNoEvict', 'clientSetInfo']) {
        assert.equal(method in client, false, method);
      }
      await assert.rejects(client.sendCommand(['SELECT', 1]), InvalidArgumentError);
      const pinnedId = await client.withConn(async (conn) => {
        await conn.select(2);
        await conn.set(`db2:${protocol}`, 'y');
        return conn.id;
      });
      await waitFor(async () => !(await server.clients()).some((c) => c['id'] === String(pinnedId)));
      assert.equal(await client.get(`db2:${protocol}`), null);
    });

    test('a command refused while queueing aborts the transaction with EXECABORT', async () => {
      await assert.rejects(
        client.multi().set(`txa:${protocol}`, '1').sendCommand(['NOTACOMMAND']).exec(),
        (err: unknown) => err instanceof ReplyError && err.code === 'EXECABORT',
      );
      assert.equal(await client.get(`txa:${protocol}`), null);
    });

    test('WATCH conflict from a second client gives WatchError and keeps the connection usable', async () => {
      const key = `watch:${protocol}`;
      await client.set(key, '0');
      const other = createClient({ host: server.host, port: server.port, protocol });
      try {
        await assert.rejects(
          client.withConn(async (conn) => {
            await conn.watch(key);
            const current = Number(await conn.get(key));
            await other.set(key, '100'); // the conflicting write
            return conn
              .multi()
              .set(key, String(current + 1))
              .exec();
          }),
          WatchError,
        );
        assert.equal(await client.get(key), '100');
        // Without a conflict the same pattern succeeds.
        const result = await client.withConn(async (conn) => {
          await conn.watch(key);
          const current = Number(await conn.get(key));
          return conn
            .multi()
            .set(key, String(current + 1))
            .exec();
        });
        assert.deepEqual(result, ['OK']);
        assert.equal(await client.get(key), '101');
      } finally {
        await other.close();
      }
    });

    test('withConn pins one server connection for the whole callback', async () => {
      const ids = await client.withConn(async (conn) => {
        const a = await conn.clientId();
        await Promise.all([conn.set(`pin:${protocol}`, '1'), conn.get(`pin:${protocol}`)]);
        const b = await conn.clientId();
        return [a, b, conn.id];
      });
      assert.equal(ids[0], ids[1]);
      assert.equal(ids[0], ids[2]);
    });

    test('SELECT inside withConn removes that connection instead of returning it to the pool', async () => {
      const before = client.poolStats().totalConns;
      await client.withConn(async (conn) => {
        await conn.sendCommand(['SELECT', '1']);
        await conn.set(`db1:${protocol}`, 'x');
      });
      assert.ok(client.poolStats().totalConns <= before);
      // db 0 connections never saw that key.
      assert.equal(await client.get(`db1:${protocol}`), null);
    });

    test('binary, empty, unicode and 10 MB values round-trip', async () => {
      const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      await client.set(`bin:${protocol}`, binary);
      assert.deepEqual(await client.getBuffer(`bin:${protocol}`), binary);
      await client.set(`empty:${protocol}`, '');
      assert.equal(await client.get(`empty:${protocol}`), '');
      await client.set(`ключ:🔑:${protocol}`, 'значение ✓');
      assert.equal(await client.get(`ключ:🔑:${protocol}`), 'значение ✓');
      const big = Buffer.alloc(10 * 1024 * 1024, 7);
      big[123] = 13;
      big[124] = 10;
      await client.set(`big:${protocol}`, big);
      const back = await client.getBuffer(`big:${protocol}`);
      assert.ok(back !== null && big.equals(back));
    });

    test('defineScript falls back from EVALSHA to EVAL on NOSCRIPT, then uses EVALSHA', async () => {
      const script = client.defineScript({ script: `return redis.call('INCRBY', KEYS[1], ARGV[1])` });
      await client.sendCommand(['SCRIPT', 'FLUSH']);
      assert.equal(await script.run([`script:${protocol}`], ['5']), 5);
      assert.equal(await script.run([`script:${protocol}`], ['5']), 10);
      const exists = await client.sendCommand(['SCRIPT', 'EXISTS', script.sha]);
      assert.deepEqual(exists, [1]);
    });

    test('scan iterators visit every element', async () => {
      const prefix = `scan:${protocol}:`;
      await Promise.all(Array.from({ length: 120 }, (_, i) => client.set(`${prefix}${i}`, 'x')));
      const seen = new Set<string>();
      for await (const key of client.scanIterator({ match: `${prefix}*`, count: 10 })) seen.add(key);
      assert.equal(seen.size, 120);
      await client.sAdd(`${prefix}set`, ['a', 'b', 'c']);
      const members: string[] = [];
      for await (const m of client.sScanIterator(`${prefix}set`)) members.push(m);
      assert.deepEqual(members.sort(), ['a', 'b', 'c']);
      // A pinned connection and a per-call view have the same iterators.
      const pinned = await client.withConn(async (conn) => {
        const out: string[] = [];
        for await (const m of conn.sScanIterator(`${prefix}set`)) out.push(m);
        return out;
      });
      assert.deepEqual(pinned.sort(), ['a', 'b', 'c']);
      await client.zAdd(`${prefix}z`, [{ score: 1.5, value: 'x' }]);
      const scored: { value: string; score: number }[] = [];
      for await (const m of client.with({ timeout: 1000 }).zScanIterator(`${prefix}z`)) scored.push(m);
      assert.deepEqual(scored, [{ value: 'x', score: 1.5 }]);
    });

    test('with() views carry per-call options', async () => {
      const controller = new AbortController();
      const view = client.with({ signal: controller.signal });
      assert.equal(await view.set(`view:${protocol}`, '1'), 'OK');
      controller.abort(new Error('stop'));
      await assert.rejects(view.get(`view:${protocol}`), { name: 'AbortError' });
    });
  });
}
