/** connect-redis (express-session store) through toNodeRedis, as its docs pass a node-redis client. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RedisStore } from 'connect-redis';
import { toNodeRedis } from '../../src/compat/index.js';
import { startEcosystem, type Ecosystem } from './harness.js';

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

test('a session is stored with its TTL, read back, touched, and clear() deletes only the store’s keys', async () => {
  const store = new RedisStore({ client: toNodeRedis(eco.client) as never, prefix: 'sess:' });
  await eco.probe.set('other:1', 'keep');
  await eco.probe.set('sessions-not-ours', 'keep');
  const session = { cookie: { expires: new Date(Date.now() + 120_000), originalMaxAge: 120_000 }, user: 'ada' };
  await store.set('abc', session);
  await store.set('def', session);

  const ttl = await eco.probe.ttl('sess:abc');
  assert.ok(ttl > 100 && ttl <= 120, `TTL from the cookie's expiry, got ${ttl}`);
  const read = (await store.get('abc')) as unknown as { user: string };
  assert.equal(read.user, 'ada');
  assert.equal(await store.length(), 2);
  assert.deepEqual((await store.ids())?.sort(), ['abc', 'def']);

  const shorter = { cookie: { expires: new Date(Date.now() + 30_000), originalMaxAge: 30_000 } };
  await store.touch('abc', shorter);
  assert.ok((await eco.probe.ttl('sess:abc')) <= 30, 'touch() reset the TTL');

  await store.clear();
  assert.equal(await eco.probe.exists(['sess:abc', 'sess:def']), 0, 'the sessions are gone');
  assert.equal(await eco.probe.get('other:1'), 'keep', 'an unrelated key survived clear()');
  assert.equal(await eco.probe.get('sessions-not-ours'), 'keep');

  await store.set('gone', session);
  await store.destroy('gone');
  assert.equal(await eco.probe.exists('sess:gone'), 0);
});
