/**
 * The client-side cache against a real server, in each mode: invalidation by another client's writes,
 * FLUSHALL, lost tracking (CLIENT KILL), read-your-writes, bounds and getOrLoad.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, type CacheOptions, type RedisClient } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

/** Polls until `check` holds (bounded): invalidations arrive asynchronously. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Kills the server-side connections of a client (by name) that match `pick`. Returns how many. */
async function kill(name: string, pick: (flags: string) => boolean): Promise<number> {
  const victims = (await server.clients()).filter((c) => c['name'] === name && pick(c['flags'] ?? ''));
  for (const c of victims) await server.rawCommand(['CLIENT', 'KILL', 'ID', c['id']!]);
  return victims.length;
}

interface Setup {
  title: string;
  protocol: 2 | 3;
  cache: CacheOptions;
  /** Flags (CLIENT LIST) of the connection(s) whose loss must flush: tracking data connections or the listener. */
  tracking: (flags: string) => boolean;
}

const SETUPS: Setup[] = [
  { title: 'tracking over RESP3', protocol: 3, cache: { mode: 'tracking' }, tracking: (f) => f.includes('t') },
  {
    title: 'tracking over RESP2 (REDIRECT), the invalidation connection killed',
    protocol: 2,
    cache: { mode: 'tracking' },
    tracking: (f) => f.includes('P'),
  },
  {
    title: 'tracking over RESP2 (REDIRECT), the data connections killed',
    protocol: 2,
    cache: { mode: 'tracking' },
    tracking: (f) => f.includes('t') && !f.includes('P'),
  },
  {
    title: 'broadcast over RESP3',
    protocol: 3,
    cache: { mode: 'broadcast', prefixes: ['bc:'] },
    tracking: (f) => f.includes('t'),
  },
  {
    title: 'broadcast over RESP2',
    protocol: 2,
    cache: { mode: 'broadcast', prefixes: ['bc:'] },
    tracking: (f) => f.includes('P'),
  },
];

let clientNumber = 0;

for (const setup of SETUPS) {
  describe(`cache: ${setup.title}`, () => {
    const name = `cached-${++clientNumber}`;
    const prefix = setup.cache.mode === 'broadcast' ? 'bc:' : `t${clientNumber}:`;
    let cached: RedisClient;
    let writer: RedisClient;
    before(() => {
      cached = createClient({ port: server.port, protocol: setup.protocol, clientName: name, cache: setup.cache });
      writer = createClient({ port: server.port, clientName: `${name}-writer` });
    });
    after(async () => {
      await Promise.all([cached.close(), writer.close()]);
    });

    /**
     * Reads until the value is served locally: the first fills may land before tracking is in force, and an
     * older copy stays until the invalidation of the writer's change arrives (after the writer's reply, maybe).
     */
    async function warm(key: string, value: string): Promise<void> {
      await eventually(
        async () => (await cached.get(key)) === value && cached.cache!.peek(['GET', key]) === value,
        `${key} cached`,
      );
    }

    test("another client's write reaches the cache once its invalidation arrives", async () => {
      const key = `${prefix}shared`;
      await writer.set(key, 'v1');
      await warm(key, 'v1');
      const hitsBefore = cached.cacheStats()!.hits;
      assert.equal(await cached.get(key), 'v1');
      assert.equal(cached.cacheStats()!.hits, hitsBefore + 1, 'served locally');
      await writer.set(key, 'v2');
      await eventually(async () => (await cached.get(key)) === 'v2', 'the new value is read');
      assert.ok(cached.cacheStats()!.invalidations >= 1);
    });

    test('FLUSHALL from another client flushes every entry', async () => {
      await writer.set(`${prefix}f1`, 'x');
      await writer.set(`${prefix}f2`, 'y');
      await warm(`${prefix}f1`, 'x');
      await warm(`${prefix}f2`, 'y');
      await writer.flushAll();
      await eventually(async () => cached.cacheStats()!.entries === 0, 'flushed');
      assert.equal(await cached.get(`${prefix}f1`), null);
    });

    test('this client reads its own writes at once', async () => {
      const key = `${prefix}own`;
      await writer.set(key, 'before');
      await warm(key, 'before');
      await cached.set(key, 'after');
      assert.equal(await cached.get(key), 'after');
    });

    test('{ cache: false } reads the server and stores nothing', async () => {
      const key = `${prefix}optout`;
      await writer.set(key, 'x');
      const before = cached.cacheStats()!;
      assert.equal(await cached.with({ cache: false }).get(key), 'x');
      assert.equal(cached.cache!.peek(['GET', key]), undefined);
      assert.equal(cached.cacheStats()!.misses, before.misses);
    });

    test('after CLIENT KILL of the tracking connection, a write from elsewhere is never missed', async () => {
      const key = `${prefix}killed`;
      for (let round = 0; round < 3; round++) {
        await writer.set(key, `old-${round}`);
        await warm(key, `old-${round}`);
        assert.ok((await kill(name, setup.tracking)) >= 1, 'a tracking connection was found and killed');
        await writer.set(key, `new-${round}`);
        assert.equal(await cached.get(key), `new-${round}`, 'never the old value');
      }
    });
  });
}

describe('cache: ttl mode (no server help)', () => {
  let cached: RedisClient;
  let writer: RedisClient;
  before(() => {
    cached = createClient({ port: server.port, cache: { mode: 'ttl', ttl: 150 } });
    writer = createClient({ port: server.port });
  });
  after(async () => {
    await Promise.all([cached.close(), writer.close()]);
  });

  test('entries are served until their TTL, then read again; nothing tracks', async () => {
    await writer.set('ttl:k', 'a');
    assert.equal(await cached.get('ttl:k'), 'a');
    await writer.set('ttl:k', 'b');
    assert.equal(await cached.get('ttl:k'), 'a', 'stale within the TTL: the documented trade-off');
    await eventually(async () => (await cached.get('ttl:k')) === 'b', 'expired and read again', 2000);
    assert.equal(cached.cacheStats()!.listening, false);
    const tracking = (await server.clients()).filter((c) => (c['flags'] ?? '').includes('t'));
    assert.equal(tracking.length, 0, 'no CLIENT TRACKING in ttl mode');
  });
});

describe('cache: bounds and getOrLoad', () => {
  let cached: RedisClient;
  let other: RedisClient;
  before(() => {
    cached = createClient({ port: server.port, cache: { maxEntries: 5, maxBytes: 64 * 1024 } });
    other = createClient({ port: server.port, cache: true });
  });
  after(async () => {
    await Promise.all([cached.close(), other.close()]);
  });

  test('eviction by entries and by bytes', async () => {
    for (let i = 0; i < 10; i++) await cached.set(`ev:${i}`, 'x');
    for (let round = 0; round < 2; round++) for (let i = 0; i < 10; i++) await cached.get(`ev:${i}`);
    let s = cached.cacheStats()!;
    assert.equal(s.entries, 5);
    assert.ok(s.evictions >= 5, `evictions ${s.evictions}`);
    await cached.set('ev:big', 'x'.repeat(40 * 1024));
    await cached.set('ev:big2', 'y'.repeat(40 * 1024));
    for (let round = 0; round < 3; round++) {
      await cached.get('ev:big');
      await cached.get('ev:big2');
    }
    s = cached.cacheStats()!;
    assert.ok(s.bytes <= 64 * 1024, `bytes ${s.bytes}`);
    assert.ok(
      cached.cache!.peek(['GET', 'ev:big']) === undefined || cached.cache!.peek(['GET', 'ev:big2']) === undefined,
    );
  });

  test('100 concurrent getOrLoad calls run the loader once; the value lands in Redis and locally', async () => {
    let calls = 0;
    const loader = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return { id: 7, tags: ['a', 'b'] };
    };
    const results = await Promise.all(
      Array.from({ length: 100 }, () => other.cache!.getOrLoad('user:7', { ttl: 60_000 }, loader)),
    );
    assert.equal(calls, 1);
    for (const r of results) assert.deepEqual(r, { id: 7, tags: ['a', 'b'] });
    assert.equal(await other.get('user:7'), '{"id":7,"tags":["a","b"]}');
    const pttl = await other.pTtl('user:7');
    assert.ok(pttl > 0 && pttl <= 60_000, `pttl ${pttl}`);
    await eventually(
      async () => other.cache!.peek(['GET', 'user:7'], { buffers: true }) !== undefined,
      'stored locally',
    );
    const loadsBefore = other.cacheStats()!.loads;
    assert.deepEqual(await other.cache!.getOrLoad('user:7', { ttl: 60_000 }, loader), { id: 7, tags: ['a', 'b'] });
    assert.equal(other.cacheStats()!.loads, loadsBefore, 'no second load');
    assert.equal(calls, 1);
  });

  test('getOrLoad: a value already in Redis is not loaded; a failing loader is retried by the next call', async () => {
    await other.set('user:8', '"from redis"');
    assert.equal(await other.cache!.getOrLoad('user:8', undefined, () => 'from loader'), 'from redis');
    let attempts = 0;
    const flaky = async () => {
      if (attempts++ === 0) throw new Error('db down');
      return Buffer.from([1, 2, 3]);
    };
    await assert.rejects(other.cache!.getOrLoad('blob:1', { serializer: 'buffer' }, flaky), /db down/);
    const blob = await other.cache!.getOrLoad('blob:1', { serializer: 'buffer' }, flaky);
    assert.deepEqual([...blob], [1, 2, 3]);
    assert.equal(attempts, 2);
  });
});
