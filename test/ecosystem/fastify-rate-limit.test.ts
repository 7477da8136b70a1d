/** @fastify/rate-limit with `redis:` an ioredis client (its docs): defineCommand scripts with callbacks. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { toIORedis } from '../../src/compat/index.js';
import { startEcosystem, type Ecosystem } from './harness.js';

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

test('the third request in the window gets 429; the counter has the window as TTL', async () => {
  const app = Fastify();
  await app.register(rateLimit, {
    max: 2,
    timeWindow: 60_000,
    redis: toIORedis(eco.client),
    nameSpace: 'frl-',
  });
  app.get('/', async () => 'ok');
  await app.ready();
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.inject({ method: 'GET', url: '/' })).statusCode);
    assert.deepEqual(statuses, [200, 200, 429]);
    const keys = await eco.probe.keys('frl-*');
    assert.equal(keys.length, 1);
    assert.equal(await eco.probe.get(keys[0]!), '3');
    const pttl = await eco.probe.pTtl(keys[0]!);
    assert.ok(pttl > 50_000 && pttl <= 60_000, `window TTL, got ${pttl}`);
  } finally {
    await app.close();
  }
});
