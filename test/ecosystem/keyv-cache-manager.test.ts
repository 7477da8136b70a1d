/** @keyv/redis under cache-manager 7 (its docs: `new KeyvRedis(client)` with a node-redis client), through toNodeRedis. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import KeyvRedis from '@keyv/redis';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { toNodeRedis } from '../../src/compat/index.js';
import { startEcosystem, type Ecosystem } from './harness.js';

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

test('a cached entry is stored in Redis with its TTL, read back, deleted; clear() keeps other namespaces', async () => {
  const face = toNodeRedis(eco.client);
  const store = new KeyvRedis(face as never);
  assert.equal(store.client, face, 'the store uses the face, not a client of its own');
  const cache = createCache({ stores: [new Keyv({ store, namespace: 'app' })] });
  await eco.probe.set('unrelated', 'keep');

  await cache.set('user:1', { name: 'Ada' }, 60_000);
  const keys = await eco.probe.keys('*user:1*');
  assert.equal(keys.length, 1, `stored in this server, got ${JSON.stringify(keys)}`);
  const pttl = await eco.probe.pTtl(keys[0]!);
  assert.ok(pttl > 50_000 && pttl <= 60_000, `the entry has its TTL, got ${pttl}`);
  assert.deepEqual(await cache.get('user:1'), { name: 'Ada' });
  const ttl = await cache.ttl('user:1');
  assert.ok(typeof ttl === 'number' && ttl > Date.now(), 'cache-manager sees the expiry');

  await cache.mset([
    { key: 'a', value: 1, ttl: 60_000 },
    { key: 'b', value: 2, ttl: 60_000 },
  ]);
  assert.deepEqual(await cache.mget(['a', 'b', 'missing']), [1, 2, undefined]);
  await cache.del('a');
  assert.equal(await cache.get('a'), undefined);

  await cache.clear();
  assert.equal(await cache.get('user:1'), undefined);
  assert.equal(await eco.probe.get('unrelated'), 'keep', 'clear() removed only the namespace');
});
