/** redis-semaphore's Mutex and Semaphore with an ioredis client (its docs), through toIORedis. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Mutex, Semaphore } from 'redis-semaphore';
import { toIORedis } from '../../src/compat/index.js';
import { startEcosystem, type Ecosystem } from './harness.js';
import { contend } from './locks.js';

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

const timing = { lockTimeout: 5_000, acquireTimeout: 10_000, retryInterval: 5, refreshInterval: 0 };

test('Mutex: set(k, v, "PX", ms, "NX") keeps it exclusive under contention; a second holder cannot take it', async () => {
  const face = toIORedis(eco.client);
  const { entered, maxInside } = await contend(5, async (critical) => {
    const mutex = new Mutex(face as never, 'sem-mutex', timing);
    await mutex.acquire();
    await critical();
    await mutex.release();
  });
  assert.deepEqual({ entered, maxInside }, { entered: 5, maxInside: 1 });

  const first = new Mutex(face as never, 'sem-mutex', timing);
  await first.acquire();
  const pttl = await eco.probe.pTtl('mutex:sem-mutex');
  assert.ok(pttl > 4_000 && pttl <= 5_000, `the lock has lockTimeout as TTL, got ${pttl}`);
  const second = new Mutex(face as never, 'sem-mutex', { ...timing, acquireAttemptsLimit: 3 });
  assert.equal(await second.tryAcquire(), false, 'the second holder is refused while the first holds it');
  await first.release();
  assert.equal(await eco.probe.exists('mutex:sem-mutex'), 0, 'released');
  assert.equal(await second.tryAcquire(), true, 'free again');
  await second.release();
});

test('Semaphore(limit 2): never more than 2 inside', async () => {
  const face = toIORedis(eco.client);
  let inside = 0;
  let maxInside = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      const semaphore = new Semaphore(face as never, 'sem-2', 2, timing);
      await semaphore.acquire();
      inside++;
      maxInside = Math.max(maxInside, inside);
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      inside--;
      await semaphore.release();
    }),
  );
  assert.equal(maxInside, 2);
  assert.equal(await eco.probe.zCard('semaphore:sem-2'), 0, 'every holder released');
});
