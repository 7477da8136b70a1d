// A bad argument throws synchronously where the caller wrote it, on every path (client, pipeline,
// transaction, pinned connection, raw sendCommand), and leaves nothing behind: nothing is sent, the
// process lives, the pool's turns come back, no connection is left inside MULTI, and the next
// commands work. Options the client would otherwise drop are refused rather than ignored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, InvalidArgumentError, type RedisClient } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

function isInvalidArgument(...parts: string[]): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(err)}`);
    for (const part of parts) assert.ok(err.message.includes(part), `${JSON.stringify(err.message)} lacks ${part}`);
    return true;
  };
}

for (const protocol of [2, 3] as const) {
  describe(`argument errors over RESP${protocol}`, () => {
    let client: RedisClient;
    const key = (name: string): string => `args${protocol}:${name}`;
    let uncaught = 0;
    const countUncaught = (): void => {
      uncaught++;
    };

    before(() => {
      // Two turns: a leaked turn per failed call would show at once.
      client = createClient({ host: server.host, port: server.port, protocol, poolSize: 2, poolTimeout: 2000 });
      process.on('uncaughtException', countUncaught);
    });
    after(async () => {
      process.off('uncaughtException', countUncaught);
      await client.close();
    });

    test('client.set(k, undefined) throws synchronously; commands around it in the same tick settle', async () => {
      const before = client.set(key('a'), '1');
      assert.throws(() => client.set(key('bad'), undefined as never), isInvalidArgument('set(): argument 2 (value)'));
      assert.throws(() => client.get(undefined as never), isInvalidArgument('get(): argument 1 (key)'));
      assert.throws(() => client.hSet(key('h'), { a: undefined } as never), isInvalidArgument('hSet(): argument 2'));
      assert.throws(() => client.mSet({ [key('m')]: undefined } as never), isInvalidArgument('mSet(): argument 1'));
      const afterwards = client.get(key('a'));
      assert.deepEqual(await Promise.all([before, afterwards]), ['OK', '1']);
      // The process is alive and the client healthy: the next write and read work, nothing bad was sent.
      assert.equal(await client.set(key('k'), 'v'), 'OK');
      assert.equal(await client.get(key('k')), 'v');
      assert.equal(await client.exists([key('bad'), key('h'), key('m')]), 0);
      assert.equal(uncaught, 0);
    });

    test('raw sendCommand refuses null and empty commands synchronously', async () => {
      assert.throws(() => client.sendCommand(['SET', key('raw'), null] as never), isInvalidArgument('args[2]'));
      assert.throws(() => client.sendCommand([]), isInvalidArgument('sendCommand()'));
      assert.equal(await client.sendCommand(['SET', key('raw'), 'x']), 'OK');
    });

    test('options other clients take are refused, not dropped', async () => {
      const k = key('ttl');
      assert.throws(() => client.set(k, 'v', { EX: 60 } as never), isInvalidArgument('Did you mean `ex`?'));
      assert.throws(() => client.set(k, 'v', { expire: 60 } as never), isInvalidArgument('Did you mean `ex`?'));
      assert.throws(
        () => (client.set as (...args: unknown[]) => unknown).call(client, k, 'v', 'EX', 60),
        isInvalidArgument('set() takes at most 3 arguments', '{ ex: 60 }'),
      );
      assert.throws(() => client.scanIterator({ MATCH: 'x*' } as never), isInvalidArgument('`match`'));
      assert.equal(await client.exists(k), 0, 'no refused set() reached the server');
      assert.equal(await client.set(k, 'v', { ex: 60 }), 'OK');
      const ttl = await client.ttl(k);
      assert.equal(typeof ttl, 'number');
      assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
    });

    test('pipeline().set(k, undefined) throws at the chaining call; the pipeline and the pool stay usable', async () => {
      for (let i = 0; i < 3; i++) {
        // Abandoned pipelines holding a bad command used to keep a pool turn each.
        const abandoned = client.pipeline().set(key('p'), '1');
        assert.throws(() => abandoned.set(key('p2'), undefined as never), isInvalidArgument('set(): argument 2'));
        assert.equal(abandoned.length, 1, 'the refused command was not queued');
      }
      const pipeline = client.pipeline().set(key('p'), '1');
      assert.throws(() => pipeline.sendCommand(['SET', key('p2'), undefined] as never), isInvalidArgument('args[2]'));
      assert.deepEqual(await pipeline.get(key('p')).exec(), ['OK', '1']);
      assert.equal(await client.exists(key('p2')), 0);
      assert.deepEqual(await Promise.all([client.get(key('p')), client.get(key('p')), client.ping()]), [
        '1',
        '1',
        'PONG',
      ]);
    });

    test('multi().set(k, undefined) throws at the chaining call; no connection is left inside MULTI', async () => {
      const abandoned = client.multi().incr(key('n'));
      assert.throws(() => abandoned.set(key('t'), undefined as never), isInvalidArgument('set(): argument 2'));
      const transaction = client.multi().incr(key('n'));
      assert.throws(() => transaction.set(key('t'), null as never), isInvalidArgument('set(): argument 2'));
      assert.deepEqual(await transaction.incr(key('n')).exec(), [1, 2]);
      // Every pooled connection answers a plain write with OK, not QUEUED.
      const writes = await Promise.all(Array.from({ length: 8 }, (_, i) => client.set(key(`after:${i}`), 'x')));
      assert.deepEqual(new Set(writes), new Set(['OK']));
      assert.equal(await client.get(key('after:7')), 'x');
      assert.equal(await client.exists(key('t')), 0);
    });

    test('a pinned connection refuses bad arguments synchronously and stays usable', async () => {
      const value = await client.withConn(async (conn) => {
        assert.throws(() => conn.set(key('w'), undefined as never), isInvalidArgument('set(): argument 2'));
        assert.throws(() => conn.sendCommand(['GET', {}] as never), isInvalidArgument('args[1]'));
        await conn.set(key('w'), 'pinned');
        return conn.get(key('w'));
      });
      assert.equal(value, 'pinned');
      assert.equal(await client.get(key('w')), 'pinned');
      assert.equal(uncaught, 0);
    });
  });
}
