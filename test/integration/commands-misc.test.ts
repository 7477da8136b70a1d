// HyperLogLog, bitmaps, geo, scripting, server/connection and publishing against a real
// redis-server, under RESP2 and RESP3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInfo } from '../../src/commands/index.js';
import { ReplyError } from '../../src/errors.js';
import { respField, unlessServer } from '../helpers/server-version.js';
import { UNICODE_KEY, forEachProtocol } from './commands-harness.js';

forEachProtocol('misc families', ({ client, key, protocol }) => {
  test('hyperloglog', async () => {
    const c = client();
    assert.equal(await c.pfAdd(key('h1'), ['a', 'b', 'c']), true);
    assert.equal(await c.pfAdd(key('h1'), 'a'), false);
    await c.pfAdd(key('h2'), ['c', 'd']);
    assert.equal(await c.pfCount(key('h1')), 3);
    assert.equal(await c.pfCount([key('h1'), key('h2')]), 4);
    assert.equal(await c.pfMerge(key('h3'), [key('h1'), key('h2')]), 'OK');
    assert.equal(await c.pfCount(key('h3')), 4);
  });

  test('bitmaps', async () => {
    const c = client();
    const b = key('bits');
    assert.equal(await c.setBit(b, 7, 1), 0);
    assert.equal(await c.setBit(b, 7, 1), 1);
    assert.equal(await c.getBit(b, 7), 1);
    assert.equal(await c.getBit(b, 100), 0);
    await c.set(key('bc'), 'foobar');
    assert.equal(await c.bitCount(key('bc')), 26);
    assert.equal(await c.bitCount(key('bc'), { start: 1, end: 1 }), 6);
    assert.equal(await c.bitPos(b, 1), 7);
    assert.equal(await c.bitPos(b, 1, { start: 1 }), -1);
    await c.set(key('x1'), '\xff');
    await c.set(key('x2'), 'A');
    assert.equal(await c.bitOp('AND', key('x3'), [key('bc'), key('bc')]), 6);
    assert.equal(await c.bitOp('NOT', key('x4'), key('x2')), 1);
    assert.deepEqual(await c.getBuffer(key('x4')), Buffer.from([~0x41 & 0xff]));
    assert.deepEqual(
      await c.bitField(key('bf'), [
        { op: 'SET', encoding: 'u8', offset: 0, value: 255 },
        { op: 'GET', encoding: 'u8', offset: 0 },
        { op: 'OVERFLOW', behavior: 'FAIL' },
        { op: 'INCRBY', encoding: 'u8', offset: 0, increment: 10 },
      ]),
      [0, 255, null],
    );
    assert.deepEqual(await c.bitFieldRo(key('bf'), [{ op: 'GET', encoding: 'i8', offset: 0 }]), [-1]);
  });

  test('geo', async () => {
    const c = client();
    const g = key('geo');
    assert.equal(
      await c.geoAdd(g, [
        { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' },
        { longitude: 15.087269, latitude: 37.502669, member: UNICODE_KEY },
      ]),
      2,
    );
    assert.equal(await c.geoAdd(g, { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' }, { nx: true }), 0);
    const km = await c.geoDist(g, 'Palermo', UNICODE_KEY, 'km');
    assert.ok(km !== null && Math.abs(km - 166.2742) < 0.001, `distance ${km}`);
    assert.equal(await c.geoDist(g, 'Palermo', 'nope'), null);
    const [pos, missing] = await c.geoPos(g, ['Palermo', 'nope']);
    assert.ok(pos && Math.abs(pos.longitude - 13.361389) < 1e-5 && Math.abs(pos.latitude - 38.115556) < 1e-5);
    assert.equal(missing, null);
    assert.deepEqual(await c.geoHash(g, ['Palermo', 'nope']), ['sqc8b49rny0', null]);
    assert.deepEqual(
      await c.geoSearch(g, { longitude: 15, latitude: 37 }, { radius: 200, unit: 'km' }, { sort: 'ASC' }),
      [UNICODE_KEY, 'Palermo'],
    );
    const rich = await c.geoSearchWith(
      g,
      { member: 'Palermo' },
      { width: 400, height: 400, unit: 'km' },
      { withCoord: true, withDist: true, withHash: true, sort: 'DESC', count: 1 },
    );
    assert.equal(rich.length, 1);
    assert.equal(rich[0]!.member, UNICODE_KEY);
    assert.ok(Math.abs(rich[0]!.distance! - 166.2742) < 0.001);
    assert.equal(typeof rich[0]!.hash, 'number');
    assert.ok(Math.abs(rich[0]!.coordinates!.latitude - 37.502669) < 1e-5);
    const distOnly = await c.geoSearchWith(g, { member: 'Palermo' }, { radius: 1, unit: 'm' }, { withDist: true });
    assert.deepEqual(distOnly, [{ member: 'Palermo', distance: 0 }]);
    assert.equal(await c.geoSearchStore(key('geo2'), g, { member: 'Palermo' }, { radius: 500, unit: 'km' }), 2);
  });

  test('scripting', async () => {
    const c = client();
    assert.equal(await c.eval('return 1'), 1);
    assert.deepEqual(await c.eval('return {KEYS[1], ARGV[1], 3}', [key('k')], ['x']), [key('k'), 'x', 3]);
    const sha = await c.scriptLoad('return ARGV[1] .. "!"');
    assert.match(sha, /^[0-9a-f]{40}$/);
    assert.equal(await c.evalSha(sha, [], ['hi']), 'hi!');
    assert.deepEqual(await c.scriptExists([sha, '0'.repeat(40)]), [true, false]);
    assert.equal(await c.scriptFlush('SYNC'), 'OK');
    await assert.rejects(c.evalSha(sha), (err: unknown) => err instanceof ReplyError && err.code === 'NOSCRIPT');
  });

  test('server and connection', async () => {
    const c = client();
    assert.equal(await c.ping(), 'PONG');
    assert.equal(await c.ping('hello'), 'hello');
    assert.equal(await c.echo(UNICODE_KEY), UNICODE_KEY);
    const text = await c.info('server');
    assert.equal(typeof text, 'string');
    assert.match(parseInfo(text)['redis_version'] ?? '', /^\d+\.\d+/);
    assert.equal(typeof (await c.clientId()), 'number');
    const me = await c.clientInfo();
    assert.equal(me['resp'], respField(protocol));
    assert.equal(me['name'], `commands-resp${protocol}`);
    const list = await c.clientList({ type: 'normal' });
    assert.ok(list.some((r) => r['id'] === me['id']));
    assert.equal((await c.clientList({ ids: [Number(me['id'])] })).length, 1);
    assert.equal(await c.clientGetName(), `commands-resp${protocol}`);
    assert.equal(await c.clientKill({ id: 999_999_999 }), 0);
    const [seconds, micros] = await c.time();
    assert.ok(Math.abs(seconds - Date.now() / 1000) < 60);
    assert.ok(micros >= 0 && micros < 1_000_000);
    assert.deepEqual(await c.configGet('maxmemory-polic*'), { 'maxmemory-policy': 'noeviction' });
    assert.equal(await c.configSet('maxmemory-policy', 'allkeys-lru'), 'OK');
    assert.equal(await c.configSet({ 'maxmemory-policy': 'noeviction' }), 'OK');
    assert.equal(await c.configResetStat(), 'OK');
    assert.equal(await c.wait(0, 10), 0);
    assert.equal(typeof (await c.lastSave()), 'number');
    await c.set(key('mem'), 'x');
    assert.ok(((await c.memoryUsage(key('mem'))) ?? 0) > 0);
    assert.equal(await c.memoryUsage(key('none')), null);
    assert.ok((await c.dbSize()) > 0);
  });

  test('publish and pub/sub introspection', async () => {
    const c = client();
    assert.equal(await c.publish(key('ch'), 'nobody listens'), 0);
    assert.deepEqual(await c.pubsubChannels(key('*')), []);
    assert.deepEqual(await c.pubsubNumSub([key('a'), key('b')]), { [key('a')]: 0, [key('b')]: 0 });
    assert.equal(await c.pubsubNumPat(), 0);
  });

  test(
    'Redis 7.0 additions: BITCOUNT in bits, EVAL_RO, CONFIG GET of several, SPUBLISH',
    { skip: unlessServer(7, 0, 'EVAL_RO and SPUBLISH') },
    async () => {
      const c = client();
      await c.set(key('bc7'), 'foobar');
      assert.equal(await c.bitCount(key('bc7'), { start: 5, end: 30, unit: 'BIT' }), 17);
      await c.set(key('ro'), 'v');
      assert.equal(await c.evalRo('return redis.call("GET", KEYS[1])', [key('ro')]), 'v');
      assert.equal(await c.evalShaRo(await c.scriptLoad('return redis.call("GET", KEYS[1])'), [key('ro')]), 'v');
      await assert.rejects(c.evalRo('return redis.call("SET", KEYS[1], "x")', [key('ro')]), ReplyError);
      const two = await c.configGet(['maxmemory', 'hz']);
      assert.deepEqual(Object.keys(two).sort(), ['hz', 'maxmemory']);
      assert.equal(await c.sPublish(key('ch'), 'x'), 0);
      assert.deepEqual(await c.pubsubShardChannels(), []);
      assert.deepEqual(await c.pubsubShardNumSub(key('a')), { [key('a')]: 0 });
    },
  );
});
