/**
 * Bull through toIORedis, with `createClient(type)` as its docs show for reusing connections: the 'client'
 * type gets the face, 'subscriber' and 'bclient' get duplicates (same pool; BRPOPLPUSH runs on the
 * blocking pool, subscriptions on the client's pub/sub connection).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Queue from 'bull';
import { toIORedis } from '../../src/compat/index.js';
import { startEcosystem, waitFor, type Ecosystem } from './harness.js';

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

test('jobs are processed, a delayed job waits its delay, a failing job is retried, events reach the queue', async () => {
  const face = toIORedis(eco.client);
  const queue = new Queue<{ n: number }>('bull-jobs', {
    createClient: (type) => (type === 'client' ? face : face.duplicate()) as never,
  });
  const completed: string[] = [];
  queue.on('global:completed', (jobId: string) => void completed.push(String(jobId)));
  void queue.process(async (job) => ({ doubled: job.data.n * 2 }));
  void queue.process('flaky', async (job) => {
    if (job.attemptsMade < 2) throw new Error(`attempt ${job.attemptsMade + 1} fails`);
    return { doubled: job.data.n * 2 };
  });
  try {
    await queue.isReady();
    const job = await queue.add({ n: 21 });
    assert.deepEqual(await job.finished(), { doubled: 42 });

    const queuedAt = Date.now();
    const delayed = await queue.add({ n: 1 }, { delay: 400 });
    assert.equal(await delayed.getState(), 'delayed');
    assert.deepEqual(await delayed.finished(), { doubled: 2 });
    assert.ok(Date.now() - queuedAt >= 400, 'not run before its delay');

    const flaky = await queue.add('flaky', { n: 5 }, { attempts: 3, backoff: 20 });
    assert.deepEqual(await flaky.finished(), { doubled: 10 });
    assert.equal((await queue.getJob(flaky.id))?.attemptsMade, 2, 'two failed attempts before the success');

    await waitFor(() => completed.length === 3, 'global:completed for the three jobs');
    assert.deepEqual(completed.sort(), [job.id, delayed.id, flaky.id].map(String).sort());
    assert.equal(await queue.getCompletedCount(), 3);
  } finally {
    await queue.close();
  }
  assert.equal(eco.client.closed, false, 'Bull closed its clients, not the shared respool client');
});
