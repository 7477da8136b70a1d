/** cache-manager-redis-yet's redisInsStore (a node-redis v4 client) under its cache-manager 5, through toNodeRedis. */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { redisInsStore } from 'cache-manager-redis-yet';
import { toNodeRedis } from '../../src/compat/index.js';
import { startEcosystem, type Ecosystem } from './harness.js';

// The cache-manager major this store is written for (5), as installed under it.
const { caching } = createRequire(import.meta.resolve('cache-manager-redis-yet'))('cache-manager') as {
  caching: (store: unknown) => Promise<{
    set(key: string, value: unknown, ttl?: number): Promise<void>;
    get(key: string): Promise<unknown>;
    del(key: string): Promise<void>;
    store: { ttl(key: string): Promise<number>; mset(pairs: [string, unknown][], ttl?: number): Promise<void> };
  }>;
};

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

test('entries are stored with the TTL (PX), read back, deleted', async () => {
  const cache = await caching(redisInsStore(toNodeRedis(eco.client) as never, { ttl: 60_000 }));
  await cache.set('greeting', { text: 'hello' });
  const pttl = await eco.probe.pTtl('greeting');
  assert.ok(pttl > 50_000 && pttl <= 60_000, `the default TTL is set, got ${pttl}`);
  assert.deepEqual(await cache.get('greeting'), { text: 'hello' });

  await cache.set('short', 'x', 5_000);
  const shortTtl = await cache.store.ttl('short');
  assert.ok(shortTtl > 4_000 && shortTtl <= 5_000, `a per-call TTL wins, got ${shortTtl}`);

  await cache.store.mset(
    [
      ['m1', 1],
      ['m2', 2],
    ],
    30_000,
  );
  assert.ok((await eco.probe.pTtl('m1')) > 20_000, 'mset with a TTL (MULTI of SET PX) sets it');

  await cache.del('greeting');
  assert.equal(await eco.probe.exists('greeting'), 0);
  assert.equal(await cache.get('greeting'), undefined);
});
