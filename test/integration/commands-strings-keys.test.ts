// Strings and keys against a real redis-server, under RESP2 and RESP3: binary, empty, unicode and 10 MB values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyError } from '../../src/errors.js';
import { unlessServer } from '../helpers/server-version.js';
import { ALL_BYTES, UNICODE_KEY, forEachProtocol } from './commands-harness.js';

forEachProtocol('strings and keys', ({ client, key }) => {
  test('set/get: options, NX/XX nulls, GET returns the old value', async () => {
    const c = client();
    const k = key('s');
    assert.equal(await c.set(k, 'v1'), 'OK');
    assert.equal(await c.get(k), 'v1');
    assert.equal(await c.set(k, 'x', { nx: true }), null);
    assert.equal(await c.set(key('missing'), 'x', { xx: true }), null);
    assert.equal(await c.set(k, 'v2', { get: true }), 'v1');
    assert.equal(await c.set(k, 'v3', { ex: 100 }), 'OK');
    const ttl = await c.ttl(k);
    assert.ok(ttl > 0 && ttl <= 100, `ttl ${ttl}`);
    assert.equal(await c.set(k, 'v4', { keepTtl: true }), 'OK');
    assert.ok((await c.pTtl(k)) > 0);
    assert.equal(await c.get(key('nothing')), null);
    assert.equal(await c.setNx(k, 'z'), false);
    assert.equal(await c.setNx(key('fresh'), 'z'), true);
  });

  test('binary, empty and unicode values round-trip', async () => {
    const c = client();
    await c.set(key('bin'), ALL_BYTES);
    assert.deepEqual(await c.getBuffer(key('bin')), ALL_BYTES);
    await c.set(key('empty'), '');
    assert.equal(await c.get(key('empty')), '');
    assert.deepEqual(await c.getBuffer(key('empty')), Buffer.alloc(0));
    await c.set(key(UNICODE_KEY), 'значение ✓');
    assert.equal(await c.get(key(UNICODE_KEY)), 'значение ✓');
    assert.equal(await c.strLen(key(UNICODE_KEY)), Buffer.byteLength('значение ✓'));
    const [text, bytes] = await Promise.all([
      c.mGet([key(UNICODE_KEY), key('none')]),
      c.mGetBuffer([key('bin'), key('none')]),
    ]);
    assert.deepEqual(text, ['значение ✓', null]);
    assert.deepEqual(bytes, [ALL_BYTES, null]);
    assert.deepEqual(await c.getDelBuffer(key('bin')), ALL_BYTES);
    assert.equal(await c.exists(key('bin')), 0);
  });

  test('a 10 MB value', async () => {
    const c = client();
    const big = Buffer.alloc(10 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    big.write('\r\nend', big.length - 5);
    await c.set(key('big'), big);
    const back = await c.getBuffer(key('big'));
    assert.ok(back !== null && back.equals(big));
    assert.equal(await c.strLen(key('big')), big.length);
    const text = 'é'.repeat(5 * 1024 * 1024);
    await c.set(key('bigtext'), text);
    assert.equal(await c.get(key('bigtext')), text);
    await c.del([key('big'), key('bigtext')]);
  });

  test('counters, ranges, appends', async () => {
    const c = client();
    const k = key('n');
    assert.equal(await c.incr(k), 1);
    assert.equal(await c.incrBy(k, 9), 10);
    assert.equal(await c.decr(k), 9);
    assert.equal(await c.decrBy(k, 4), 5);
    assert.equal(await c.incrByFloat(k, 0.5), 5.5);
    await assert.rejects(c.incr(k), (err: unknown) => err instanceof ReplyError && err.code === 'ERR');
    assert.equal(await c.append(key('a'), 'Hello'), 5);
    assert.equal(await c.append(key('a'), ' World'), 11);
    assert.equal(await c.getRange(key('a'), 0, 4), 'Hello');
    assert.deepEqual(await c.getRangeBuffer(key('a'), -5, -1), Buffer.from('World'));
    assert.equal(await c.setRange(key('a'), 6, 'Redis'), 11);
    assert.equal(await c.getDel(key('a')), 'Hello Redis');
    assert.equal(await c.mSet({ [key('m1')]: '1', [key('m2')]: '2' }), 'OK');
    assert.equal(await c.mSetNx([[key('m1'), 'x']]), false);
    assert.deepEqual(await c.mGet([key('m1'), key('m2')]), ['1', '2']);
    assert.equal(await c.getEx(key('m1'), { px: 50_000 }), '1');
    assert.ok((await c.pTtl(key('m1'))) > 0);
    assert.equal(await c.getEx(key('m1'), { persist: true }), '1');
    assert.equal(await c.ttl(key('m1')), -1);
  });

  test('keys: expiry, rename, type, copy, dump/restore, scan pages', async () => {
    const c = client();
    const k = key('k');
    await c.set(k, 'v');
    assert.equal(await c.expire(k, 100), true);
    assert.equal(await c.pExpire(k, 300_000), true);
    assert.equal(await c.persist(k), true);
    assert.equal(await c.persist(k), false);
    assert.equal(await c.expireAt(k, new Date(Date.now() + 60_000)), true);
    assert.equal(await c.pExpireAt(k, Date.now() + 60_000), true);
    assert.equal(await c.expire(key('none'), 1), false);
    assert.equal(await c.ttl(key('none')), -2);
    assert.equal(await c.type(k), 'string');
    assert.equal(await c.type(key('none')), 'none');
    assert.equal(await c.rename(k, key('k2')), 'OK');
    await c.set(key('k3'), 'x');
    assert.equal(await c.renameNx(key('k2'), key('k3')), false);
    assert.equal(await c.copy(key('k2'), key('k4')), true);
    assert.equal(await c.copy(key('k2'), key('k4')), false);
    assert.equal(await c.copy(key('k2'), key('k4'), { replace: true }), true);
    assert.equal(await c.touch([key('k2'), key('k4'), key('none')]), 2);
    assert.equal(await c.exists([key('k2'), key('k2')]), 2);
    const dumped = await c.dump(key('k2'));
    assert.ok(Buffer.isBuffer(dumped));
    assert.equal(await c.restore(key('restored'), 0, dumped), 'OK');
    assert.equal(await c.get(key('restored')), 'v');
    await assert.rejects(
      c.restore(key('restored'), 0, dumped),
      (err: unknown) => err instanceof ReplyError && err.code === 'BUSYKEY',
    );
    assert.equal(await c.restore(key('restored'), 0, dumped, { replace: true }), 'OK');
    assert.equal(await c.dump(key('none')), null);
    assert.equal(await c.unlink([key('k3'), key('k4')]), 2);
    assert.equal(await c.del(key('none')), 0);

    for (let i = 0; i < 30; i++) await c.set(key(`scan:${i}`), 'x');
    await c.hSet(key('scan:hash'), 'f', 'v');
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const page = await c.scan(cursor, { match: key('scan:*'), count: 7, type: 'string' });
      for (const name of page.keys) seen.add(name);
      cursor = page.cursor;
    } while (cursor !== '0');
    assert.equal(seen.size, 30);
    assert.ok(!seen.has(key('scan:hash')));
    assert.equal((await c.keys(key('scan:1*'))).length, 11);
    assert.equal(typeof (await c.randomKey()), 'string');
  });

  test(
    'Redis 7.0 expiry: EXPIRE NX/GT, EXPIRETIME, PEXPIRETIME',
    { skip: unlessServer(7, 0, 'EXPIRETIME and EXPIRE NX|GT') },
    async () => {
      const c = client();
      const k = key('k7');
      await c.set(k, 'v', { ex: 100 });
      assert.equal(await c.expire(k, 200, 'NX'), false);
      assert.equal(await c.expire(k, 200, 'GT'), true);
      assert.ok((await c.expireTime(k)) > Date.now() / 1000 + 150);
      assert.equal(await c.pExpire(k, 300_000), true);
      assert.ok((await c.pExpireTime(k)) > Date.now() + 250_000);
    },
  );
});
