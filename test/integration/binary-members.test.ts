/**
 * Binary set members, hash fields and stream names that are not valid UTF-8, against a private
 * redis-server under RESP2 and RESP3. `\xff` and `\xfe` both decode to U+FFFD as text: under RESP3 they
 * once collapsed into one member of a JS Set / one key of a Map. Typed results must be the same under
 * both protocols, and the raw RESP3 reply must keep every member and key apart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, type RedisClient } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';

const FF = Buffer.from([0xff]);
const FE = Buffer.from([0xfe]);
const LOST = '\uFFFD'; // what either byte reads as in UTF-8 text

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

const sortBuffers = (list: Buffer[]): Buffer[] => [...list].sort((a, b) => Buffer.compare(a, b));

for (const protocol of [2, 3] as const) {
  describe(`binary members over RESP${protocol}`, () => {
    let client: RedisClient;
    let cached: RedisClient;
    const key = (name: string) => `bin:${protocol}:${name}`;
    before(() => {
      client = createClient({ host: server.host, port: server.port, protocol });
      cached = createClient({ host: server.host, port: server.port, protocol, cache: { maxEntries: 100 } });
    });
    after(async () => {
      await Promise.all([client.close(), cached.close()]);
    });

    test('sMembers, sInter and sPopCount return both members', async () => {
      const s = key('s');
      assert.equal(await client.sAdd(s, [FF, FE]), 2);
      assert.deepEqual(await client.sMembers(s), [LOST, LOST]);
      assert.deepEqual(sortBuffers(await client.sMembersBuffer(s)), [FE, FF]);
      await client.sAdd(key('s2'), [FF, FE, 'other']);
      assert.deepEqual(await client.sInter([s, key('s2')]), [LOST, LOST]);
      // Twice through the client-side cache: the stored reply keeps both members too.
      assert.deepEqual(await cached.sMembers(s), [LOST, LOST]);
      assert.deepEqual(await cached.sMembers(s), [LOST, LOST]);
      const raw = await client.sendCommand(['SMEMBERS', s], { buffers: true });
      assert.ok(Array.isArray(raw), 'a RESP3 set is an array, as under RESP2');
      assert.deepEqual(sortBuffers(raw as Buffer[]), [FE, FF]);
      assert.deepEqual(await client.sPopCount(s, 2), [LOST, LOST], 'both removed, both returned');
      assert.equal(await client.sCard(s), 0);
    });

    test('xRead and xReadGroup over two binary stream names return both streams', async () => {
      const a = Buffer.concat([Buffer.from(key('st:')), FF]);
      const b = Buffer.concat([Buffer.from(key('st:')), FE]);
      await client.xAdd(a, '1-1', { f: 'a' });
      await client.xAdd(b, '1-1', { f: 'b' });
      const read = await client.xRead([
        { key: a, id: '0' },
        { key: b, id: '0' },
      ]);
      assert.deepEqual(
        read?.map((s) => s.messages[0]?.message),
        [{ f: 'a' }, { f: 'b' }],
      );
      await client.xGroupCreate(a, 'g', '0');
      await client.xGroupCreate(b, 'g', '0');
      const delivered = await client.xReadGroup('g', 'c', [
        { key: a, id: '>' },
        { key: b, id: '>' },
      ]);
      assert.deepEqual(
        delivered?.map((s) => s.messages.map((m) => m.message)),
        [[{ f: 'a' }], [{ f: 'b' }]],
        'every entry marked delivered is returned',
      );
      assert.equal((await client.xPending(a, 'g')).count, 1);
      assert.equal((await client.xPending(b, 'g')).count, 1);
      const raw = await client.sendCommand(['XREAD', 'STREAMS', a, b, '0', '0']);
      if (protocol === 3) {
        assert.ok(raw instanceof Map);
        assert.deepEqual([...raw.keys()], [a, b], 'keys that are not valid UTF-8 stay Buffers');
      } else assert.equal((raw as unknown[]).length, 2);
    });

    test('hGetAll with binary fields: the same record under both protocols; the raw map keeps both', async () => {
      const h = key('h');
      await client.hSet(h, [
        [FF, '1'],
        [FE, '2'],
        ['plain', '3'],
      ]);
      const record = await client.hGetAll(h);
      // A record is keyed by text: the two binary fields read as one key, whichever came last.
      assert.deepEqual(Object.keys(record).sort(), [LOST, 'plain'].sort());
      assert.equal(record['plain'], '3');
      assert.ok(record[LOST] === '1' || record[LOST] === '2');
      const raw = await client.sendCommand(['HGETALL', h]);
      if (protocol === 3) {
        assert.ok(raw instanceof Map);
        assert.equal(raw.size, 3);
        assert.equal(raw.get('plain'), '3', 'a valid UTF-8 key is a string');
        const binary = [...raw.keys()].filter((k): k is Buffer => Buffer.isBuffer(k));
        assert.deepEqual(sortBuffers(binary), [FE, FF]);
      } else assert.equal((raw as unknown[]).length, 6);
      // Inside a transaction that also asks for Buffers, the string commands' maps keep both keys too.
      const [, map] = (await client.multi().getBuffer(key('none')).sendCommand(['HGETALL', h]).exec()) as [
        unknown,
        unknown,
      ];
      if (protocol === 3) {
        assert.ok(map instanceof Map);
        assert.equal(map.size, 3);
        assert.equal(map.get('plain'), '3');
      }
    });
  });
}
