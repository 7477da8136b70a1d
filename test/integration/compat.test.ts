/**
 * respool/compat against a private redis-server, under RESP2 and RESP3: the ioredis and node-redis faces
 * translate every call into the raw command it spells, return the shapes those clients return under RESP2,
 * refuse what they cannot map (InvalidArgumentError naming the method), and follow the ownership rule:
 * closing a face never closes a shared client; an owning face closes it once it and its duplicates closed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { toIORedis, toNodeRedis } from '../../src/compat/index.js';
import { ClientClosedError, createClient, InvalidArgumentError, type RedisClient } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(() => server.stop());

async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not met within 5 s: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const isInvalid = (pattern: RegExp) => (e: unknown) => e instanceof InvalidArgumentError && pattern.test(e.message);

for (const protocol of [2, 3] as const) {
  describe(`compat faces over RESP${protocol}`, () => {
    let client: RedisClient;
    const k = (s: string) => `compat:${protocol}:${s}`;
    before(() => {
      client = createClient({ host: server.host, port: server.port, protocol });
    });
    after(() => client.close());

    describe('toIORedis', () => {
      test('positional options go as written: set(k, v, "PX", ms, "NX") is a conditional SET with a TTL', async () => {
        const redis = toIORedis(client);
        assert.equal(await redis.set(k('lock'), 'a', 'PX', 5000, 'NX'), 'OK');
        assert.equal(await redis.set(k('lock'), 'b', 'PX', 5000, 'NX'), null, 'NX held');
        const pttl = (await redis.pttl(k('lock'))) as number;
        assert.ok(pttl > 4000 && pttl <= 5000);
      });

      test('ioredis argument rules: arrays flattened, numbers/booleans as text, undefined as "", objects spread for HSET/MSET', async () => {
        const redis = toIORedis(client);
        await redis.rpush(k('list'), ['a', 'b'], 'c', 1, true);
        assert.deepEqual(await redis.lrange(k('list'), 0, -1), ['a', 'b', 'c', '1', 'true']);
        await redis.set(k('empty'), undefined);
        assert.equal(await redis.get(k('empty')), '');
        await redis.hset(k('hash'), { name: 'Ada', born: 1815 });
        assert.deepEqual(await redis.hgetall(k('hash')), { name: 'Ada', born: '1815' });
        await redis.mset(new Map([[k('m1'), '1']]));
        assert.equal(await redis.get(k('m1')), '1');
        await assert.rejects(redis.set(k('obj'), { a: 1 }), isInvalid(/set\(\): argument 2 is an object/));
      });

      test('replies have the RESP2 shapes ioredis returns: flat score pairs, scores as strings, flat maps, XREAD pairs', async () => {
        const redis = toIORedis(client);
        await redis.zadd(k('z'), 1.5, 'a', 2, 'b');
        assert.deepEqual(await redis.zrange(k('z'), 0, -1, 'WITHSCORES'), ['a', '1.5', 'b', '2']);
        assert.equal(await redis.zscore(k('z'), 'a'), '1.5');
        assert.equal(await redis.zincrby(k('z'), 1, 'a'), '2.5');
        assert.deepEqual(await redis.zpopmin(k('z')), ['b', '2']);
        assert.deepEqual(await redis.config('GET', 'maxmemory'), ['maxmemory', '0']);
        const id = (await redis.xadd(k('s'), '*', 'f', 'v')) as string;
        assert.deepEqual(await redis.xread('STREAMS', k('s'), '0'), [[k('s'), [[id, ['f', 'v']]]]]);
        assert.equal(await redis.sismember(k('nothing'), 'x'), 0);
      });

      test('…Buffer variants return Buffers; callbacks get (null, value) or (error)', async () => {
        const redis = toIORedis(client);
        await redis.set(k('bin'), Buffer.from([0xff, 0x00]));
        assert.deepEqual(await redis.getBuffer(k('bin')), Buffer.from([0xff, 0x00]));
        const viaCallback = await new Promise((resolve, reject) =>
          redis.get(k('bin-missing'), (err: Error | null, value: unknown) => (err ? reject(err) : resolve(value))),
        );
        assert.equal(viaCallback, null);
        const error = await new Promise((resolve) => redis.lpush(k('bin'), 'x', (err: Error | null) => resolve(err)));
        assert.match(String(error), /WRONGTYPE/);
      });

      test('defineCommand: numberOfKeys, a trailing callback, EVALSHA with NOSCRIPT fallback, and inside pipelines', async () => {
        const redis = toIORedis(client);
        redis.defineCommand('incrTwice', { numberOfKeys: 1, lua: "return redis.call('INCRBY', KEYS[1], ARGV[1] * 2)" });
        await redis.script('FLUSH');
        assert.equal(await redis.incrTwice(k('n'), 2), 4, 'NOSCRIPT fell back to EVAL');
        assert.equal(await redis.incrTwice([k('n'), 1]), 6, 'an array argument is flattened');
        const viaCallback = await new Promise((resolve) =>
          redis.incrTwice(k('n'), 1, (_e: unknown, v: unknown) => resolve(v)),
        );
        assert.equal(viaCallback, 8);
        redis.defineCommand('getKeys', { lua: 'return KEYS' });
        assert.deepEqual(
          await redis.getKeys(2, 'a', 'b'),
          ['a', 'b'],
          'without numberOfKeys the first argument counts keys',
        );
        assert.deepEqual(await redis.pipeline().incrTwice(k('n'), 1).get(k('n')).exec(), [
          [null, 10],
          [null, '10'],
        ]);
      });

      test('pipeline and multi results are [[error], [null, value]]; eval takes the key-count form', async () => {
        const redis = toIORedis(client);
        await redis.set(k('str'), 'x');
        const results = await redis.pipeline().get(k('str')).lpush(k('str'), 'y').exec();
        assert.deepEqual(results[0], [null, 'x']);
        assert.match(String(results[1][0]), /WRONGTYPE/);
        assert.equal(results[1].length, 2);
        assert.deepEqual(await redis.multi().incr(k('c')).incr(k('c')).exec(), [
          [null, 1],
          [null, 2],
        ]);
        assert.deepEqual(await redis.eval('return {KEYS[1], ARGV[1]}', 1, 'key', 'arg'), ['key', 'arg']);
        await assert.rejects(redis.multi().set(k('a'), { not: 'text' }).exec(), InvalidArgumentError);
        assert.throws(() => redis.multi({ pipeline: false }), isInvalid(/pipeline: false/));
      });

      test('state changes are refused on the shared face; a duplicate with a name holds one named connection', async () => {
        const redis = toIORedis(client);
        await assert.rejects(redis.select(1), isInvalid(/SELECT/));
        await assert.rejects(redis.client('SETNAME', 'x'), isInvalid(/duplicate/));
        assert.throws(() => redis.duplicate({ host: 'elsewhere' }), isInvalid(/duplicate\(\): option host/));

        const named = redis.duplicate({ connectionName: `named-${protocol}` });
        assert.equal(named.status, 'connecting');
        await new Promise((resolve) => named.once('ready', resolve));
        assert.equal(named.status, 'ready');
        const list = (await redis.client('LIST')) as string;
        assert.equal(list.split('\n').filter((line) => line.includes(` name=named-${protocol} `)).length, 1);
        // WATCH + MULTI on the named face's own connection: a conflicting write makes exec() resolve null.
        await named.watch(k('w'));
        await redis.set(k('w'), 'changed');
        assert.equal(await named.multi().set(k('w'), 'mine').exec(), null);
        await named.quit();
        assert.equal(named.status, 'end');
        const after = (await redis.client('LIST')) as string;
        assert.ok(!after.includes(` name=named-${protocol} `), 'the named connection left the pool with the face');
      });

      test('subscribe emits message and messageBuffer; pmessage carries the pattern', async () => {
        const redis = toIORedis(client);
        const sub = redis.duplicate();
        const got: unknown[][] = [];
        sub.on('message', (...a: unknown[]) => got.push(['message', ...a]));
        sub.on('messageBuffer', (...a: unknown[]) => got.push(['messageBuffer', ...a]));
        sub.on('pmessage', (...a: unknown[]) => got.push(['pmessage', ...a]));
        assert.equal(await sub.subscribe(k('ch')), 1);
        assert.equal(await sub.psubscribe(`${k('p')}*`), 2);
        await redis.publish(k('ch'), Buffer.from([0xff]));
        await redis.publish(`${k('p')}1`, 'hi');
        await waitFor(() => got.length === 3, 'three events');
        assert.deepEqual(got[1], ['messageBuffer', Buffer.from(k('ch')), Buffer.from([0xff])]);
        assert.equal(got[0]![1], k('ch'));
        assert.deepEqual(got[2], ['pmessage', `${k('p')}*`, `${k('p')}1`, 'hi']);
        assert.equal(await sub.unsubscribe(), 1);
        await sub.quit();
        assert.equal(client.closed, false);
      });

      test('disconnect() rejects in-flight commands with "Connection is closed."; blocking ones end at once', async () => {
        const redis = toIORedis(client).duplicate();
        const blocked = redis.blpop(k('never'), 0);
        await waitFor(
          async () =>
            ((await client.clientList({ type: 'normal' })) as { cmd?: string }[]).some((c) => c.cmd === 'blpop'),
          'BLPOP is blocking',
        );
        const ended = new Promise((resolve) => redis.once('end', resolve));
        redis.disconnect();
        await assert.rejects(
          blocked,
          (e: unknown) => e instanceof ClientClosedError && e.message === 'Connection is closed.',
        );
        await ended;
        await assert.rejects(redis.get(k('x')), /Connection is closed\./);
        await redis.connect();
        assert.equal(await redis.ping(), 'PONG', 'connect() opens the face again');
      });
    });

    describe('toNodeRedis', () => {
      const nk = (s: string) => k(`node:${s}`);
      test('set options: v4 upper-case flags and v5 { expiration, condition }; unknown options are refused', async () => {
        const redis = toNodeRedis(client);
        assert.equal(await redis.set(nk('a'), '1', { EX: 60, NX: true }), 'OK');
        assert.equal(await redis.set(nk('a'), '2', { NX: true }), null);
        assert.ok(((await redis.ttl(nk('a'))) as number) > 50);
        await redis.set(nk('b'), '1', { expiration: { type: 'PX', value: 5000 }, condition: 'NX' });
        const pttl = (await redis.pTTL(nk('b'))) as number;
        assert.ok(pttl > 4000 && pttl <= 5000);
        assert.equal(await redis.set(nk('b'), '2', { GET: true, KEEPTTL: true }), '1');
        assert.ok(((await redis.PTTL(nk('b'))) as number) > 0, 'KEEPTTL kept it; upper-case alias works');
        await assert.rejects(redis.set(nk('c'), '1', { ex: 60 }), isInvalid(/set\(\): unknown option ex/));
        await assert.rejects(redis.set(nk('c'), '1', { expiration: { type: 'EX' } }), isInvalid(/expiration/));
        assert.equal(await redis.exists(nk('c')), 0, 'nothing was written');
      });

      test('eval with { keys, arguments }, hGetAll as a record, xRead as [{ name, messages }], zRangeWithScores', async () => {
        const redis = toNodeRedis(client);
        assert.deepEqual(await redis.eval('return {KEYS[1], ARGV[1]}', { keys: ['k1'], arguments: ['a1'] }), [
          'k1',
          'a1',
        ]);
        await redis.hSet(nk('h'), { f: 'v', n: 1 });
        assert.deepEqual(await redis.hGetAll(nk('h')), { f: 'v', n: '1' });
        const id = await redis.xAdd(nk('s'), '*', { field: 'value' });
        assert.deepEqual(await redis.xRead([{ key: nk('s'), id: '0' }], { COUNT: 10 }), [
          { name: nk('s'), messages: [{ id, message: { field: 'value' } }] },
        ]);
        await redis.zAdd(nk('z'), [
          { score: 1, value: 'a' },
          { score: 2.5, value: 'b' },
        ]);
        assert.deepEqual(await redis.zRangeWithScores(nk('z'), 0, -1), [
          { value: 'a', score: 1 },
          { value: 'b', score: 2.5 },
        ]);
        assert.equal(await redis.zScore(nk('z'), 'b'), 2.5);
        assert.deepEqual(await redis.configGet('maxmemory'), { maxmemory: '0' });
      });

      test('scanIterator({ MATCH, COUNT, TYPE }) yields pages; scan() gives { cursor, keys }', async () => {
        const redis = toNodeRedis(client);
        for (let i = 0; i < 30; i++) await redis.set(nk(`scan:${i}`), 'x');
        await redis.hSet(nk('scan:hash'), 'f', 'v');
        const pages: string[][] = [];
        for await (const page of redis.scanIterator({ MATCH: nk('scan:*'), COUNT: 10, TYPE: 'string' }))
          pages.push(page);
        assert.ok(pages.every(Array.isArray), 'pages, not keys');
        assert.equal(new Set(pages.flat()).size, 30, 'every string key once (the hash filtered by TYPE)');
        const first = (await redis.scan('0', { MATCH: nk('scan:*'), COUNT: 5 })) as { cursor: unknown; keys: unknown };
        assert.equal(typeof first.cursor, 'string');
        assert.ok(Array.isArray(first.keys));
      });

      test('multi: exec() resolves the replies and rejects on an error reply; exec(true) runs as a pipeline', async () => {
        const redis = toNodeRedis(client);
        assert.deepEqual(await redis.multi().set(nk('m'), '1').incrBy(nk('m'), 2).pTTL(nk('m')).exec(), ['OK', 3, -1]);
        assert.deepEqual(await redis.multi().get(nk('m')).hGetAll(nk('h2')).exec(true), ['3', {}]);
        await assert.rejects(redis.multi().get(nk('m')).lPush(nk('m'), 'x').exec(), /WRONGTYPE/);
      });

      test('subscribe(channel, (message, channel) => …) with bufferMode; pSubscribe; unsubscribe by listener', async () => {
        const redis = toNodeRedis(client);
        const sub = redis.duplicate();
        await sub.connect();
        const text: unknown[][] = [];
        const binary: unknown[][] = [];
        const onText = (message: unknown, channel: unknown) => void text.push([message, channel]);
        await sub.subscribe(nk('ch'), onText);
        await sub.subscribe(nk('ch'), (message, channel) => void binary.push([message, channel]), true);
        await sub.pSubscribe(`${nk('p')}*`, (message, channel) => void text.push([message, channel]));
        await redis.publish(nk('ch'), Buffer.from([0xc3, 0xa9, 0xff]));
        await redis.publish(`${nk('p')}x`, 'via pattern');
        await waitFor(() => text.length === 2 && binary.length === 1, 'messages');
        assert.deepEqual(binary[0], [Buffer.from([0xc3, 0xa9, 0xff]), Buffer.from(nk('ch'))]);
        assert.deepEqual(text[0], [Buffer.from([0xc3, 0xa9, 0xff]).toString(), nk('ch')]);
        assert.deepEqual(text[1], ['via pattern', `${nk('p')}x`]);
        await sub.unsubscribe(nk('ch'), onText);
        assert.equal((await client.pubsubNumSub(nk('ch')))[nk('ch')], 1, 'the buffer listener keeps the channel');
        await sub.unsubscribe();
        await sub.pUnsubscribe();
        await waitFor(async () => (await client.pubsubNumSub(nk('ch')))[nk('ch')] === 0, 'unsubscribed');
        await sub.quit();
        assert.equal(sub.isOpen, false);
        assert.equal(client.closed, false);
      });

      test('clientSetName is refused on the shared face; sendCommand returns the RESP2 shape', async () => {
        const redis = toNodeRedis(client);
        await assert.rejects(redis.clientSetName('x'), isInvalid(/duplicate/));
        await redis.hSet(nk('raw'), 'f', 'v');
        assert.deepEqual(await redis.sendCommand(['HGETALL', nk('raw')]), ['f', 'v']);
        await assert.rejects(
          redis.sendCommand(['GET', nk('raw')], { returnBufers: true } as never),
          isInvalid(/returnBufers/),
        );
      });
    });
  });
}

test('ownership: a face made from options owns its client, which closes once it and its duplicates closed', async () => {
  const face = toIORedis({ host: server.host, port: server.port });
  const duplicate = face.duplicate();
  const respool = face.respoolClient;
  await face.quit();
  assert.equal(respool.closed, false, 'a duplicate is still open');
  assert.equal(await duplicate.ping(), 'PONG');
  await duplicate.quit();
  assert.equal(respool.closed, true);

  const shared = createClient({ host: server.host, port: server.port });
  const nodeFace = toNodeRedis(shared);
  await nodeFace.close();
  assert.equal(shared.closed, false, 'a face of a shared client leaves it open');
  const owning = toNodeRedis(shared, { ownsClient: true });
  await owning.quit();
  assert.equal(shared.closed, true, 'ownsClient: true closes it');
  assert.throws(() => toIORedis(shared, { owns: true } as never), isInvalid(/unknown option owns/));
});

test('when the client closes, its faces end (a named face lets its connection go, so close() finishes)', async () => {
  const respool = createClient({ host: server.host, port: server.port });
  const named = toIORedis(respool).duplicate({ connectionName: 'held' });
  await new Promise((resolve) => named.once('ready', resolve));
  const ended = new Promise((resolve) => named.once('end', resolve));
  await respool.close();
  await ended;
  assert.equal(named.status, 'end');
});
