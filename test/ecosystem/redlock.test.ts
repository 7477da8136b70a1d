/** redlock v4 and v5 and @sesamecare-oss/redlock, each with an ioredis client (their docs), through toIORedis. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redlock as SesameRedlock } from '@sesamecare-oss/redlock';
import Redlock4 from 'redlock4';
import Redlock5 from 'redlock5';
import { toIORedis } from '../../src/compat/index.js';
import { startEcosystem, type Ecosystem } from './harness.js';
import { contend } from './locks.js';

let eco: Ecosystem;
// redlock 4 releases a failed attempt's votes with `unlock(callback)`; when none voted, that unlock's
// Bluebird promise rejects with "Unable to fully release", and Bluebird reports it on process
// 'unhandledRejection' (with any client: it is redlock 4's retry path), possibly after the test ended.
// Those reports are expected in this file; the runner's own handlers are put back at the end, and
// anything else still fails.
const runnerHandlers = process.listeners('unhandledRejection');
const unexpected: unknown[] = [];
before(async () => {
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', (error) => {
    if (!(error instanceof Error && /Unable to fully release/.test(error.message))) unexpected.push(error);
  });
  eco = await startEcosystem();
});
after(async () => {
  await eco.stop();
  process.removeAllListeners('unhandledRejection');
  for (const handler of runnerHandlers) process.on('unhandledRejection', handler);
  assert.deepEqual(unexpected, [], 'only redlock 4’s known unhandled release rejections');
});

const settings = { retryCount: 200, retryDelay: 10, retryJitter: 5 };

test('redlock v4 (callbacks, evalsha with an args array): exclusive under contention, released', async () => {
  const redlock = new Redlock4([toIORedis(eco.client)], settings);
  const { entered, maxInside } = await contend(5, async (critical) => {
    const lock = await redlock.lock('locks:v4', 5_000);
    assert.ok((await eco.probe.pTtl('locks:v4')) > 0, 'the lock key has the lock TTL');
    await critical();
    await lock.unlock();
  });
  assert.deepEqual({ entered, maxInside }, { entered: 5, maxInside: 1 });
  const held = await redlock.lock('locks:v4', 5_000);
  await assert.rejects(new Redlock4([toIORedis(eco.client)], { retryCount: 0 }).lock('locks:v4', 5_000), /attempts/);
  await held.unlock();
  assert.equal(await eco.probe.exists('locks:v4'), 0, 'released');
});

test('redlock v5 (evalsha with a key count): exclusive under contention, released', async () => {
  const redlock = new Redlock5([toIORedis(eco.client)], settings);
  const { entered, maxInside } = await contend(5, async (critical) => {
    const lock = await redlock.acquire(['locks:v5'], 5_000);
    await critical();
    await lock.release();
  });
  assert.deepEqual({ entered, maxInside }, { entered: 5, maxInside: 1 });
  const held = await redlock.acquire(['locks:v5'], 5_000);
  await assert.rejects(new Redlock5([toIORedis(eco.client)], { retryCount: 0 }).acquire(['locks:v5'], 5_000));
  await held.release();
  assert.equal(await eco.probe.exists('locks:v5'), 0, 'released');
});

test('@sesamecare-oss/redlock (defineCommand without numberOfKeys): exclusive under contention, released', async () => {
  const redlock = new SesameRedlock([toIORedis(eco.client) as never], settings);
  const { entered, maxInside } = await contend(5, async (critical) => {
    await redlock.using(['locks:sesame'], 5_000, async () => {
      assert.ok((await eco.probe.pTtl('locks:sesame')) > 0);
      await critical();
    });
  });
  assert.deepEqual({ entered, maxInside }, { entered: 5, maxInside: 1 });
  const held = await redlock.acquire(['locks:sesame'], 5_000);
  await assert.rejects(
    new SesameRedlock([toIORedis(eco.client) as never], { retryCount: 0 }).acquire(['locks:sesame'], 5_000),
  );
  await redlock.release(held);
  assert.equal(await eco.probe.exists('locks:sesame'), 0, 'released');
});
