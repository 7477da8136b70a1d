/**
 * @nest-lab/throttler-storage-redis: its service checks `instanceof Redis` (ioredis) and otherwise builds its
 * own client for localhost:6379; `toIORedis(client, { instanceOf: Redis })` passes that check.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import 'reflect-metadata';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Redis } from 'ioredis';
import { toIORedis } from '../../src/compat/index.js';
import { InvalidArgumentError } from '../../src/index.js';
import { startEcosystem, type Ecosystem } from './harness.js';

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

test('hits count in Redis, the third within the limit of 2 is blocked for the block duration', async () => {
  const face = toIORedis(eco.client, { instanceOf: Redis });
  assert.ok(face instanceof Redis);
  const storage = new ThrottlerStorageRedisService(face as never);
  assert.equal(
    (storage as unknown as { redis: unknown }).redis,
    face,
    'the service uses the face, not a client of its own',
  );
  const results = [];
  for (let i = 0; i < 3; i++) results.push(await storage.increment('ip-1', 60_000, 2, 30_000, 'default'));
  assert.deepEqual(
    results.map((r) => [r.totalHits, r.isBlocked]),
    [
      [1, false],
      [2, false],
      [3, true],
    ],
  );
  assert.ok(results[2]!.timeToBlockExpire > 25 && results[2]!.timeToBlockExpire <= 30);
  const pttl = await eco.probe.pTtl('{ip-1:default}:blocked');
  assert.ok(pttl > 25_000 && pttl <= 30_000, `block key TTL, got ${pttl}`);
  storage.onModuleDestroy();
  // An ioredis method the face does not implement is refused, not run on ioredis internals.
  assert.throws(() => (face as unknown as { sendCommand(): void }).sendCommand(), InvalidArgumentError);
});
