/**
 * What the sentinel client follows besides `+switch-master`: replicas going down and coming back
 * (`role: 'replica'`), and the sentinels' answers when it cannot hear their announcements at all.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { createSentinel } from '../../src/cluster/index.js';
import { MASTER_NAME, SentinelSetup } from '../helpers/redis-sentinel.js';
import { waitFor, within } from '../helpers/wait.js';

test("role 'replica' leaves a replica reported down, falls back to the master, and returns to a replica", async () => {
  const setup = await SentinelSetup.start({ replicas: 2, downAfterMs: 1000 });
  // RESP2 here (RESP3, the default, elsewhere): the watches read announcements in both.
  const client = createSentinel({
    sentinels: [setup.sentinels[0]!.address],
    masterName: MASTER_NAME,
    role: 'replica',
    protocol: 2,
  });
  try {
    const replicaAddresses = setup.replicas.map((r) => `127.0.0.1:${r.port}`);
    await client.get('warm-up');
    const first = client.address!;
    assert.ok(replicaAddresses.includes(first), `serves a replica, not ${first}`);
    await waitFor('the client to watch every sentinel', () => client.watchedSentinels.length === 3, 10_000);

    // The served replica dies: the sentinels announce +sdown, and the client moves to the other one.
    const firstServer = setup.server(Number(first.split(':')[1]));
    await firstServer.kill();
    const other = replicaAddresses.find((a) => a !== first)!;
    await waitFor('the client to move to the other replica', () => client.address === other, 15_000);
    assert.equal(await client.get('warm-up'), null);
    assert.equal(((await client.sendCommand(['ROLE'])) as unknown[])[0], 'slave');

    // No healthy replica left: the master serves the reads.
    await setup.server(Number(other.split(':')[1])).kill();
    const master = `127.0.0.1:${setup.master.port}`;
    await waitFor('the client to fall back to the master', () => client.address === master, 15_000);
    assert.equal(await client.get('warm-up'), null);

    // A replica comes back (-sdown, then its link to the master is up): the client leaves the master.
    await firstServer.restart();
    await waitFor('the client to return to a replica', () => client.address === first, 30_000);
    assert.equal(((await client.sendCommand(['ROLE'])) as unknown[])[0], 'slave');
  } finally {
    await client.close();
    await setup.stop();
  }
});

test('without announcements (SUBSCRIBE refused), asking the sentinels every second still follows a failover', async () => {
  const setup = await SentinelSetup.start({ replicas: 1, downAfterMs: 1000, failoverTimeoutMs: 3000 });
  for (const s of setup.sentinels) assert.match(await s.command(['ACL', 'SETUSER', 'default', '-subscribe']), /^\+OK/);
  const client = createSentinel({ sentinels: [setup.sentinels[0]!.address], masterName: MASTER_NAME });
  try {
    assert.equal(await client.set('backstop', 'before'), 'OK');
    assert.equal(client.address, `127.0.0.1:${setup.master.port}`);
    assert.match(await setup.sentinels[1]!.command(['SENTINEL', 'FAILOVER', MASTER_NAME]), /^\+OK/);
    const promoted = `127.0.0.1:${setup.replica.port}`;
    await waitFor('the client to follow the failover', () => client.address === promoted, 15_000);
    assert.deepEqual(client.watchedSentinels, [], 'no watch could subscribe');
    assert.equal(await client.set('backstop', 'after'), 'OK');
    assert.equal(((await client.sendCommand(['ROLE'])) as unknown[])[0], 'master');
  } finally {
    await client.close();
    await setup.stop();
  }
});

test('a sentinel that drops every connection is tried again with a backoff while the others are watched', async () => {
  const setup = await SentinelSetup.start({ replicas: 1 });
  const attempts: number[] = [];
  let reached: (() => void) | undefined;
  const broken = net.createServer((socket) => {
    attempts.push(performance.now());
    socket.destroy();
    if (attempts.length === 5) reached?.();
  });
  await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
  const brokenAddress = `127.0.0.1:${(broken.address() as net.AddressInfo).port}`;
  const client = createSentinel({
    sentinels: [setup.sentinels[0]!.address, brokenAddress],
    masterName: MASTER_NAME,
  });
  try {
    assert.equal(await client.set('watched', 'yes'), 'OK');
    await within(
      'five attempts on the broken sentinel',
      new Promise<void>((resolve) => (attempts.length >= 5 ? resolve() : (reached = resolve))),
      20_000,
    );
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    // Not a tight loop: every retry waits at least the minimum backoff (100 ms; 90 allows timer rounding).
    assert.ok(
      gaps.every((gap) => gap >= 90),
      `gaps between attempts: ${gaps.map((g) => g.toFixed(0)).join(', ')} ms`,
    );
    await waitFor('the client to watch the three real sentinels', () => client.watchedSentinels.length === 3, 10_000);
    assert.ok(!client.watchedSentinels.includes(brokenAddress));
  } finally {
    await client.close();
    broken.close();
    await setup.stop();
  }
});
