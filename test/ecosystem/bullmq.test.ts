/**
 * BullMQ through toIORedis: BullMQ takes an ioredis instance as `connection` (its docs) and wraps it in its
 * own IRedisClient adapter; the worker's blocking connection is `duplicate({ connectionName })`, which the
 * face backs with one named connection of the pool, so CLIENT LIST (getWorkers) counts one worker as one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import { toIORedis } from '../../src/compat/index.js';
import { startEcosystem, waitFor, type Ecosystem } from './harness.js';

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

test('queue, worker and QueueEvents: a job, a delayed job, retries, and getWorkers() counting one worker', async () => {
  const connection = toIORedis(eco.client) as never;
  const queue = new Queue('jobs', { connection });
  const events = new QueueEvents('jobs', { connection });
  const worker = new Worker(
    'jobs',
    async (job: Job<{ n: number }>) => {
      if (job.name === 'flaky' && job.attemptsMade < 2) throw new Error(`attempt ${job.attemptsMade + 1} fails`);
      return { doubled: job.data.n * 2 };
    },
    { connection, drainDelay: 1 },
  );
  const completed: string[] = [];
  events.on('completed', ({ jobId }) => void completed.push(jobId));
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);

    const job = await queue.add('double', { n: 21 });
    assert.deepEqual(await job.waitUntilFinished(events, 10_000), { doubled: 42 });

    const queuedAt = Date.now();
    const delayed = await queue.add('double', { n: 1 }, { delay: 400 });
    assert.equal(await delayed.getState(), 'delayed');
    assert.deepEqual(await delayed.waitUntilFinished(events, 10_000), { doubled: 2 });
    assert.ok(Date.now() - queuedAt >= 400, 'not run before its delay');

    const flaky = await queue.add('flaky', { n: 5 }, { attempts: 3, backoff: { type: 'fixed', delay: 20 } });
    assert.deepEqual(await flaky.waitUntilFinished(events, 10_000), { doubled: 10 });
    assert.equal((await Job.fromId(queue, flaky.id!))?.attemptsMade, 3, 'two failures, then success on the third');

    await waitFor(() => completed.length === 3, 'QueueEvents saw the three completions');
    assert.deepEqual(completed.sort(), [job.id, delayed.id, flaky.id].sort());
    assert.equal((await queue.getWorkers()).length, 1, 'one worker counts as one');
    assert.deepEqual(await queue.getJobCounts('completed', 'failed', 'delayed', 'wait'), {
      completed: 3,
      failed: 0,
      delayed: 0,
      wait: 0,
    });
  } finally {
    await worker.close();
    await events.close();
    await queue.close();
  }
  const probeQueue = new Queue('jobs', { connection: toIORedis(eco.client) });
  assert.equal((await probeQueue.getWorkers()).length, 0, 'the worker’s named connection left with it');
  await probeQueue.close();
  assert.equal(eco.client.closed, false, 'BullMQ closed its faces, not the shared client');
});
