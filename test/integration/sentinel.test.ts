import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSentinel, type SentinelClient } from '../../src/cluster/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { MASTER_NAME, SentinelSetup, waitFor } from '../helpers/redis-sentinel.js';

let setup: SentinelSetup;
before(async () => {
  setup = await SentinelSetup.start();
});
after(async () => {
  await setup?.stop();
});

describe('sentinel client', () => {
  let client: SentinelClient;
  let replicaClient: SentinelClient;
  before(() => {
    // The first sentinel listed does not exist: discovery must move on to the next one.
    client = createSentinel({
      sentinels: ['127.0.0.1:1', ...setup.sentinelAddresses],
      masterName: MASTER_NAME,
      dialTimeout: 500,
    });
    replicaClient = createSentinel({ sentinels: setup.sentinelAddresses, masterName: MASTER_NAME, role: 'replica' });
  });
  after(async () => {
    await client.close();
    await replicaClient.close();
  });

  test('options are checked', () => {
    assert.throws(() => createSentinel({ sentinels: [], masterName: 'x' }), InvalidArgumentError);
    assert.throws(() => createSentinel({ sentinels: ['127.0.0.1:1'], masterName: '' }), InvalidArgumentError);
    assert.throws(
      () => createSentinel({ sentinels: ['nonsense'], masterName: 'x' }),
      (err: unknown) => err instanceof InvalidArgumentError && err.message.includes('nonsense'),
    );
  });

  test('discovers the master through a reachable sentinel', async () => {
    assert.equal(await client.set('s:1', 'one'), 'OK');
    assert.equal(await client.get('s:1'), 'one');
    assert.equal(client.address, `127.0.0.1:${setup.master.port}`);
    const role = (await client.sendCommand(['ROLE'])) as unknown[];
    assert.equal(role[0], 'master');
    const results = await client.pipeline().incr('s:n').incr('s:n').exec();
    assert.deepEqual(results, [1, 2]);
  });

  test('the scan iterators walk the master', async () => {
    await client.hSet('s:hash', { a: '1', b: '2', c: '3' });
    const fields: string[] = [];
    for await (const { field } of client.hScanIterator('s:hash')) fields.push(field);
    assert.deepEqual(fields.sort(), ['a', 'b', 'c']);
    const keys: string[] = [];
    for await (const key of client.scanIterator({ match: 's:hash' })) keys.push(key);
    assert.deepEqual(keys, ['s:hash']);
  });

  test("role 'replica' reads from the replica", async () => {
    await client.set('s:replicated', 'yes');
    assert.equal(await client.wait(1, 2000), 1);
    assert.equal(await replicaClient.get('s:replicated'), 'yes');
    assert.equal(replicaClient.address, `127.0.0.1:${setup.replica.port}`);
    const role = (await replicaClient.sendCommand(['ROLE'])) as unknown[];
    assert.equal(role[0], 'slave');
  });

  test('kill the master: the client follows the switch, loses no acknowledged write, and keeps its subscription', async () => {
    const received: string[] = [];
    const subscription = await client.subscribe('s:news', (m) => received.push(m.message));
    await client.publish('s:news', 'before');
    await waitFor('the first message', async () => received.includes('before'), 5000);

    // Writes acknowledged before the kill must be on the new master.
    const acked: string[] = [];
    for (let i = 0; i < 50; i++) {
      await client.set(`s:w:${i}`, String(i));
      acked.push(`s:w:${i}`);
    }
    assert.equal(await client.wait(1, 2000), 1, 'the replica has every acknowledged write');

    const started = Date.now();
    await setup.master.kill();
    // A plain INCR in the outage is sent again only if it never reached the dead master: it succeeds
    // after the switch or fails with the connection error, but never hangs and never runs twice.
    const incr = client.incr('s:counter').then(
      (n) => `ok ${n}`,
      (err: Error) => err.name,
    );
    // A write marked idempotent waits for the new master (bounded by failoverTimeout), then succeeds.
    assert.equal(await client.with({ idempotent: true }).set('s:after', 'x'), 'OK');
    assert.ok(['ok 1', 'ConnectionError'].includes(await incr), `INCR ended with ${await incr}`);
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 20_000, `switched within the failover budget (${elapsed} ms)`);
    await waitFor(
      'the sentinels to name the replica',
      async () => (await setup.reportedMasterPort()) === setup.replica.port,
    );
    await waitFor('the client to switch', async () => client.address === `127.0.0.1:${setup.replica.port}`, 10_000);

    assert.equal(await client.get('s:after'), 'x');
    const values = await Promise.all(acked.map((k) => client.get(k)));
    assert.deepEqual(
      values,
      acked.map((_, i) => String(i)),
    );
    const role = (await client.sendCommand(['ROLE'])) as unknown[];
    assert.equal(role[0], 'master');

    // The subscription moved to the new master with the switch.
    await waitFor(
      'a message after the switch',
      async () => {
        await client.publish('s:news', 'after');
        return received.includes('after');
      },
      10_000,
    );
    assert.ok(subscription.active);
    await subscription.unsubscribe();
  });
});
