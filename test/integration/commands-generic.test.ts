// Generic and string commands against a real redis-server, under RESP2 and RESP3: OBJECT, SORT / SORT_RO,
// LCS, SETEX / PSETEX, MOVE, SWAPDB, and MIGRATE to a second server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../src/index.js';
import { ReplyError } from '../../src/errors.js';
import { RedisServer } from '../helpers/redis-server.js';
import { ALL_BYTES, UNICODE_KEY, forEachProtocol } from './commands-harness.js';

let target: RedisServer;
before(async () => {
  target = await RedisServer.start();
});
after(async () => {
  await target?.stop();
});

forEachProtocol('generic commands', ({ client, key, protocol, server }) => {
  test('OBJECT ENCODING / FREQ / IDLETIME / REFCOUNT', async () => {
    const c = client();
    await c.set(key('int'), '12345');
    await c.set(key('str'), 'x'.repeat(100));
    assert.equal(await c.objectEncoding(key('int')), 'int');
    assert.equal(await c.objectEncoding(key('str')), 'raw');
    assert.equal(await c.objectEncoding(key('none')), null);
    assert.equal(typeof (await c.objectIdleTime(key('str'))), 'number');
    assert.equal(await c.objectIdleTime(key('none')), null);
    assert.ok(((await c.objectRefCount(key('str'))) ?? 0) >= 1);
    assert.equal(await c.objectRefCount(key('none')), null);
    // FREQ needs an LFU policy (and IDLETIME then refuses).
    await assert.rejects(c.objectFreq(key('str')), ReplyError);
    await c.configSet('maxmemory-policy', 'allkeys-lfu');
    try {
      assert.equal(typeof (await c.objectFreq(key('str'))), 'number');
      assert.equal(await c.objectFreq(key('none')), null);
      await assert.rejects(c.objectIdleTime(key('str')), ReplyError);
    } finally {
      await c.configSet('maxmemory-policy', 'noeviction');
    }
  });

  test('SORT and SORT_RO: numeric, alpha, BY, GET (null for missing), LIMIT, STORE', async () => {
    const c = client();
    const l = key('sort:list');
    await c.rPush(l, ['3', '1', '2']);
    assert.deepEqual(await c.sort(l), ['1', '2', '3']);
    assert.deepEqual(await c.sort(l, { order: 'DESC', limit: { offset: 0, count: 2 } }), ['3', '2']);
    assert.deepEqual(await c.sortRo(l, { order: 'DESC' }), ['3', '2', '1']);
    const words = key('sort:words');
    await c.rPush(words, ['pear', 'apple', UNICODE_KEY]);
    assert.deepEqual(await c.sort(words, { alpha: true }), ['apple', 'pear', UNICODE_KEY]);
    await assert.rejects(c.sort(words), ReplyError, 'non-numbers without alpha');
    // BY and GET patterns name other keys: a hash tag keeps them with the list in a cluster.
    const tag = key('sort:');
    await c.mSet({ [`${tag}w_1`]: '30', [`${tag}w_2`]: '10', [`${tag}w_3`]: '20' });
    await c.hSet(`${tag}o_1`, 'name', 'one');
    await c.hSet(`${tag}o_3`, 'name', 'three');
    assert.deepEqual(await c.sort(l, { by: `${tag}w_*` }), ['2', '3', '1']);
    assert.deepEqual(await c.sort(l, { by: 'nosort', get: ['#', `${tag}o_*->name`] }), [
      '3',
      'three',
      '1',
      'one',
      '2',
      null,
    ]);
    assert.deepEqual(await c.sortRo(l, { get: `${tag}o_*->name` }), ['one', null, 'three']);
    const bin = key('sort:bin');
    await c.rPush(bin, [ALL_BYTES, Buffer.from([0xff])]);
    const binary = await c.sortBuffer(bin, { alpha: true });
    assert.equal(binary.length, 2);
    assert.ok(binary.every((v) => Buffer.isBuffer(v)));
    assert.ok(binary.some((v) => v?.equals(ALL_BYTES)));
    assert.deepEqual(await c.sortRoBuffer(l), [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')]);
    const dst = key('sort:dst');
    assert.equal(await c.sortStore(l, dst, { order: 'DESC' }), 3);
    assert.deepEqual(await c.lRange(dst, 0, -1), ['3', '2', '1']);
    assert.deepEqual(await c.sort(key('sort:none')), []);
  });

  test('LCS, LEN and IDX', async () => {
    const c = client();
    const [a, b] = [key('lcs:a'), key('lcs:b')];
    await c.mSet({ [a]: 'ohmytext', [b]: 'mynewtext' });
    assert.equal(await c.lcs(a, b), 'mytext');
    assert.equal(await c.lcsLen(a, b), 6);
    assert.deepEqual(await c.lcsIdx(a, b), {
      matches: [
        { key1: { start: 4, end: 7 }, key2: { start: 5, end: 8 }, length: 4 },
        { key1: { start: 2, end: 3 }, key2: { start: 0, end: 1 }, length: 2 },
      ],
      length: 6,
    });
    assert.deepEqual(await c.lcsIdx(a, b, { minMatchLen: 4 }), {
      matches: [{ key1: { start: 4, end: 7 }, key2: { start: 5, end: 8 }, length: 4 }],
      length: 6,
    });
    assert.equal(await c.lcs(a, key('lcs:none')), '');
  });

  test('SETEX and PSETEX', async () => {
    const c = client();
    assert.equal(await c.setEx(key('sx'), 100, 'v'), 'OK');
    assert.equal(await c.get(key('sx')), 'v');
    const ttl = await c.ttl(key('sx'));
    assert.ok(ttl > 0 && ttl <= 100, `ttl ${ttl}`);
    assert.equal(await c.pSetEx(key('psx'), 100_000, ALL_BYTES), 'OK');
    assert.deepEqual(await c.getBuffer(key('psx')), ALL_BYTES);
    const pttl = await c.pTtl(key('psx'));
    assert.ok(pttl > 0 && pttl <= 100_000, `pttl ${pttl}`);
  });

  test('MOVE between databases, and SWAPDB', async () => {
    const c = client();
    const db = protocol === 2 ? 5 : 7; // one pair per protocol suite
    const other = createClient({ host: server().host, port: server().port, protocol, db });
    const third = createClient({ host: server().host, port: server().port, protocol, db: db + 1 });
    try {
      await other.del(key('mv'));
      await c.set(key('mv'), 'v');
      assert.equal(await c.move(key('mv'), db), true);
      assert.equal(await c.exists(key('mv')), 0);
      assert.equal(await other.get(key('mv')), 'v');
      assert.equal(await c.move(key('mv'), db), false, 'no longer here');
      await c.set(key('mv'), 'again');
      assert.equal(await c.move(key('mv'), db), false, 'exists there');
      await c.del(key('mv'));

      await third.set(key('swapped'), 'from the third');
      assert.equal(await c.swapDb(db, db + 1), 'OK');
      assert.equal(await other.get(key('swapped')), 'from the third');
      assert.equal(await third.get(key('mv')), 'v');
    } finally {
      await other.close();
      await third.close();
    }
  });

  test('MIGRATE one key, several keys, and none', async () => {
    const c = client();
    const remote = createClient({ host: target.host, port: target.port, protocol });
    try {
      await c.set(key('mig:1'), 'one');
      assert.equal(await c.migrate(target.host, target.port, key('mig:1'), 0, 5000), 'OK');
      assert.equal(await c.exists(key('mig:1')), 0);
      assert.equal(await remote.get(key('mig:1')), 'one');

      await c.mSet({ [key('mig:2')]: 'two', [key('mig:3')]: 'three' });
      const keys = [key('mig:2'), key('mig:3')];
      assert.equal(await c.migrate(target.host, target.port, keys, 0, 5000, { copy: true }), 'OK');
      assert.equal(await c.exists(keys), 2, 'copy keeps them here');
      assert.deepEqual(await remote.mGet(keys), ['two', 'three']);
      await assert.rejects(c.migrate(target.host, target.port, keys, 0, 5000), ReplyError, 'BUSYKEY');
      assert.equal(await c.migrate(target.host, target.port, keys, 0, 5000, { replace: true }), 'OK');
      assert.equal(await c.migrate(target.host, target.port, key('mig:none'), 0, 5000), 'NOKEY');
    } finally {
      await remote.close();
    }
  });
});
