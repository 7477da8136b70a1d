/**
 * The race test: two cached clients read and write the same keys concurrently for a few seconds.
 * Afterwards, once invalidations have drained, every value either cache holds must equal the server's.
 * Meanwhile, every writer must read back its own write at once (read-your-writes).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, type CacheOptions, type RedisClient } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';

const RUN_MS = 2000;
const KEYS = 16;
const WRITERS_PER_CLIENT = 4;
const READERS_PER_CLIENT = 8;

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

const MODES: { title: string; protocol: 2 | 3; cache: CacheOptions }[] = [
  { title: 'tracking over RESP3', protocol: 3, cache: { mode: 'tracking' } },
  { title: 'broadcast over RESP3', protocol: 3, cache: { mode: 'broadcast', prefixes: ['race:'] } },
  { title: 'tracking over RESP2 (REDIRECT)', protocol: 2, cache: { mode: 'tracking' } },
];

describe('cache race: two clients, concurrent reads and writes of the same keys', () => {
  for (const [m, mode] of MODES.entries()) {
    test(mode.title, async () => {
      const keys = Array.from({ length: KEYS }, (_, i) => `race:${m}:${i}`);
      const options = { port: server.port, protocol: mode.protocol, cache: { ...mode.cache, ttl: 600_000 } };
      const clients = [createClient(options), createClient(options)];
      const truth = createClient({ port: server.port });
      try {
        await Promise.all(keys.map((k) => truth.set(k, 'initial')));
        const deadline = Date.now() + RUN_MS;
        const ownWriteMisses: string[] = [];
        let writes = 0;
        let reads = 0;

        const writer = async (client: RedisClient, id: number) => {
          // Each writer owns its keys, so the value it wrote is the value until it writes again.
          const owned = keys.filter((_, i) => i % (2 * WRITERS_PER_CLIENT) === id);
          for (let seq = 0; Date.now() < deadline; seq++) {
            const key = owned[seq % owned.length]!;
            const value = `w${id}:${seq}`;
            await client.set(key, value);
            writes++;
            const readBack = await client.get(key);
            if (readBack !== value) ownWriteMisses.push(`${key}: wrote ${value}, read ${readBack}`);
            if (seq % 4 === 0) await new Promise((r) => setImmediate(r));
          }
        };
        const reader = async (client: RedisClient) => {
          while (Date.now() < deadline) {
            const i = (Math.random() * KEYS) | 0;
            if (i % 3 === 0) await client.mGet([keys[i]!, keys[(i + 1) % KEYS]!]);
            else await client.get(keys[i]!);
            reads++;
          }
        };
        const loops: Promise<void>[] = [];
        clients.forEach((client, c) => {
          for (let w = 0; w < WRITERS_PER_CLIENT; w++) loops.push(writer(client, c * WRITERS_PER_CLIENT + w));
          for (let r = 0; r < READERS_PER_CLIENT; r++) loops.push(reader(client));
        });
        await Promise.all(loops);

        if (process.env.CACHE_RACE_DEBUG)
          console.log(
            mode.title,
            writes,
            reads,
            clients.map((c) => c.cacheStats()),
          );
        assert.deepEqual(ownWriteMisses, [], 'every writer read its own write');
        assert.ok(writes > 100 && reads > 1000, `enough traffic: ${writes} writes, ${reads} reads`);

        // Drain: poll (bounded) until every cached value equals the server's; a stale entry never would.
        const server = new Map<string, string | null>();
        for (const k of keys) server.set(k, await truth.get(k));
        const stale = (): string[] => {
          const found: string[] = [];
          clients.forEach((client, c) => {
            keys.forEach((k, i) => {
              const single = client.cache!.peek(['GET', k]);
              if (single !== undefined && single !== server.get(k))
                found.push(`client ${c} GET ${k}: ${String(single)}`);
              const next = keys[(i + 1) % KEYS]!;
              const pair = client.cache!.peek(['MGET', k, next]);
              const want = [server.get(k), server.get(next)];
              if (pair !== undefined && JSON.stringify(pair) !== JSON.stringify(want)) {
                found.push(`client ${c} MGET ${k} ${next}: ${JSON.stringify(pair)}`);
              }
            });
          });
          return found;
        };
        const drainDeadline = Date.now() + 3000;
        let left = stale();
        while (left.length > 0 && Date.now() < drainDeadline) {
          await new Promise((r) => setTimeout(r, 20));
          left = stale();
        }
        assert.deepEqual(left, [], 'no cached value differs from the server once invalidations drained');

        // The cache worked during the storm (it is not trivially empty) and heard the other client.
        for (const client of clients) {
          const s = client.cacheStats()!;
          assert.ok(s.hits > 0, `hits ${s.hits}`);
          assert.ok(s.invalidations > 0, `invalidations ${s.invalidations}`);
        }
        // And it still serves: a fresh read of each key equals the server's value.
        for (const client of clients) for (const k of keys) assert.equal(await client.get(k), server.get(k));
      } finally {
        await Promise.all([...clients.map((c) => c.close()), truth.close()]);
      }
    });
  }
});
