// Hash-field expiration (Redis 7.4: HEXPIRE & co.) and HGETDEL / HGETEX / HSETEX (Redis 8.0), under RESP2 and
// RESP3. Each suite runs for real only where the server has the commands (COMMAND INFO says so); the 8.0
// commands' replies are also decoded against a scripted server, which runs everywhere.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type RedisClient } from '../../src/index.js';
import { FakeServer } from '../helpers/fake-server.js';
import { forEachProtocol, type CommandClient } from './commands-harness.js';

/** Whether the server knows `command` (COMMAND INFO answers `[null]` for an unknown one). */
async function serverHas(client: CommandClient, command: string): Promise<boolean> {
  const info = (await client.sendCommand(['COMMAND', 'INFO', command])) as unknown[];
  return Array.isArray(info) && info[0] !== null && info[0] !== undefined;
}

forEachProtocol('hash-field expiration (Redis ≥ 7.4)', ({ client, key }) => {
  let supported = false;
  before(async () => {
    supported = await serverHas(client(), 'HEXPIRE');
  });
  /** Skips (returns false) on a server without HEXPIRE. */
  const runs = (t: TestContext): boolean => {
    if (!supported) t.skip('the server has no HEXPIRE (Redis < 7.4)');
    return supported;
  };

  test('HEXPIRE & co. per field: set, condition not met, deleted at once, no such field', async (t) => {
    if (!runs(t)) return;
    const c = client();
    const h = key('hf');
    await c.hSet(h, { a: '1', b: '2', c: '3', d: '4' });
    assert.deepEqual(await c.hExpire(h, 100, ['a', 'b', 'nofield']), [1, 1, -2]);
    assert.deepEqual(await c.hExpire(h, 50, 'a', 'NX'), [0]);
    assert.deepEqual(await c.hExpire(h, 50, 'a', 'GT'), [0]);
    assert.deepEqual(await c.hExpire(h, 50, 'a', 'LT'), [1]);
    assert.deepEqual(await c.hPExpire(h, 200_000, 'b', 'XX'), [1]);
    const ttl = await c.hTtl(h, ['a', 'b', 'c', 'nofield']);
    assert.ok(ttl[0]! > 0 && ttl[0]! <= 50, `a: ${ttl[0]}`);
    assert.ok(ttl[1]! > 50 && ttl[1]! <= 200, `b: ${ttl[1]}`);
    assert.deepEqual(ttl.slice(2), [-1, -2]);
    const pttl = await c.hPTtl(h, 'b');
    assert.ok(pttl[0]! > 50_000 && pttl[0]! <= 200_000, `b: ${pttl[0]} ms`);

    const at = new Date(Date.now() + 3_600_000);
    assert.deepEqual(await c.hExpireAt(h, at, 'c'), [1]);
    assert.deepEqual(await c.hExpireTime(h, ['c', 'd']), [Math.floor(at.getTime() / 1000), -1]);
    assert.deepEqual(await c.hPExpireAt(h, at.getTime(), 'd'), [1]);
    assert.deepEqual(await c.hPExpireTime(h, 'd'), [at.getTime()]);

    assert.deepEqual(await c.hPersist(h, ['c', 'd', 'nofield']), [1, 1, -2]);
    assert.deepEqual(await c.hPersist(h, 'c'), [-1]);
    // A time in the past (or 0) deletes the field at once.
    assert.deepEqual(await c.hExpireAt(h, 1, 'c'), [2]);
    assert.deepEqual(await c.hPExpire(h, 0, 'd'), [2]);
    assert.deepEqual(Object.keys(await c.hGetAll(h)).sort(), ['a', 'b']);
    // A missing key answers -2 for every field.
    assert.deepEqual(await c.hExpire(key('hf:none'), 10, ['a', 'b']), [-2, -2]);
    assert.deepEqual(await c.hTtl(key('hf:none'), 'a'), [-2]);
  });
});

forEachProtocol('HGETDEL / HGETEX / HSETEX (Redis ≥ 8.0)', ({ client, key }) => {
  let supported = false;
  before(async () => {
    supported = await serverHas(client(), 'HGETDEL');
  });

  test('get-and-delete, get-and-expire, set with conditions and expiry', async (t) => {
    if (!supported) {
      t.skip('the server has no HGETDEL (Redis < 8.0); the scripted-server suite below covers the replies');
      return;
    }
    const c = client();
    const h = key('h8');
    assert.equal(await c.hSetEx(h, { a: '1', b: '2' }, { ex: 100 }), true);
    assert.equal(await c.hSetEx(h, { a: 'x', z: 'y' }, { fnx: true }), false, 'a exists');
    assert.equal(await c.hGet(h, 'z'), null);
    assert.equal(await c.hSetEx(h, { a: '3' }, { fxx: true, keepTtl: true }), true);
    const ttl = await c.hTtl(h, 'a');
    assert.ok(ttl[0]! > 0 && ttl[0]! <= 100, 'keepTtl kept the expiry');
    assert.deepEqual(await c.hGetEx(h, ['a', 'none'], { persist: true }), ['3', null]);
    assert.deepEqual(await c.hTtl(h, 'a'), [-1]);
    assert.deepEqual(await c.hGetEx(h, 'b', { px: 50_000 }), ['2']);
    assert.deepEqual(await c.hGetDel(h, ['a', 'none']), ['3', null]);
    assert.deepEqual(await c.hGetDelBuffer(h, 'b'), [Buffer.from('2')]);
    assert.equal(await c.exists(h), 0, 'deleting the last field deletes the key');
  });
});

// The 8.0 replies, decoded under both protocols from a scripted server that records what it was sent.
for (const protocol of [2, 3] as const) {
  describe(`HGETDEL / HGETEX / HSETEX against a scripted server, RESP${protocol}`, () => {
    let fake: FakeServer;
    let client: RedisClient;
    const nil = protocol === 3 ? '_\r\n' : '$-1\r\n';
    before(async () => {
      fake = await FakeServer.start({
        onCommand: (command) => {
          switch (command[0]) {
            case 'HGETDEL':
            case 'HGETEX':
              // One value per field asked: 'v', then nil, then two bytes that are not UTF-8.
              return Buffer.from(`*3\r\n$1\r\nv\r\n${nil}$2\r\n\xff\x00\r\n`, 'latin1');
            case 'HSETEX':
              return command.includes('FNX') ? ':0\r\n' : ':1\r\n';
            default:
              return undefined;
          }
        },
      });
      client = createClient({ host: fake.host, port: fake.port, protocol });
      await client.ping();
    });
    after(async () => {
      await client?.close();
      await fake?.close();
    });

    /** The last command the scripted server received. */
    const lastSent = (): string[] => {
      const all = fake.connections.flatMap((c) => c.commands);
      return all[all.length - 1] ?? [];
    };

    test('HGETDEL: the values, null for missing fields; Buffers in the binary variant', async () => {
      const values = await client.hGetDel('h', ['a', 'b', 'c']);
      assert.deepEqual(lastSent(), ['HGETDEL', 'h', 'FIELDS', '3', 'a', 'b', 'c']);
      assert.equal(values[0], 'v');
      assert.equal(values[1], null);
      assert.equal(typeof values[2], 'string');
      assert.deepEqual(await client.hGetDelBuffer('h', ['a', 'b', 'c']), [
        Buffer.from('v'),
        null,
        Buffer.from([0xff, 0x00]),
      ]);
    });

    test('HGETEX: expiry or PERSIST before FIELDS', async () => {
      const values = await client.hGetEx('h', ['a', 'b', 'c'], { ex: 60 });
      assert.deepEqual(lastSent(), ['HGETEX', 'h', 'EX', '60', 'FIELDS', '3', 'a', 'b', 'c']);
      assert.deepEqual(values.slice(0, 2), ['v', null]);
      await client.hGetEx('h', 'a', { persist: true });
      assert.deepEqual(lastSent(), ['HGETEX', 'h', 'PERSIST', 'FIELDS', '1', 'a']);
      await client.hGetEx('h', 'a');
      assert.deepEqual(lastSent(), ['HGETEX', 'h', 'FIELDS', '1', 'a']);
      const at = new Date(1_900_000_000_500);
      assert.deepEqual(await client.hGetExBuffer('h', ['a', 'b', 'c'], { exAt: at }), [
        Buffer.from('v'),
        null,
        Buffer.from([0xff, 0x00]),
      ]);
      assert.deepEqual(lastSent(), ['HGETEX', 'h', 'EXAT', '1900000000', 'FIELDS', '3', 'a', 'b', 'c']);
    });

    test('HSETEX: a condition, an expiry, then FIELDS with pairs; 1/0 as a boolean', async () => {
      assert.equal(await client.hSetEx('h', { a: '1', b: '2' }, { fxx: true, px: 1500 }), true);
      assert.deepEqual(lastSent(), ['HSETEX', 'h', 'FXX', 'PX', '1500', 'FIELDS', '2', 'a', '1', 'b', '2']);
      assert.equal(await client.hSetEx('h', [['a', '1']], { fnx: true, keepTtl: true }), false);
      assert.deepEqual(lastSent(), ['HSETEX', 'h', 'FNX', 'KEEPTTL', 'FIELDS', '1', 'a', '1']);
      assert.equal(await client.hSetEx('h', new Map([['f', 'v']])), true);
      assert.deepEqual(lastSent(), ['HSETEX', 'h', 'FIELDS', '1', 'f', 'v']);
    });
  });
}
