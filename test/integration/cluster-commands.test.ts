/**
 * CLUSTER subcommands and node-specific admin commands on a real cluster (3 masters, 3 replicas), under RESP2
 * and RESP3: whole-cluster questions from the cluster client, slot questions routed to the slot's node,
 * node commands refused cluster-wide and run through `cluster.nodeClient(address)`, and the admin commands
 * that build a cluster (MEET, ADDSLOTS, REPLICATE, FAILOVER TAKEOVER, RESET, FORGET…) on two lone nodes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCluster, keySlot, type ClusterClient } from '../../src/cluster/index.js';
import { createClient, type RedisClient } from '../../src/index.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { RedisCluster } from '../helpers/redis-cluster.js';
import { freePort, RedisServer } from '../helpers/redis-server.js';
import { unlessServer } from '../helpers/server-version.js';
import { waitFor } from '../helpers/wait.js';

let cluster: RedisCluster;
before(async () => {
  cluster = await RedisCluster.start({ masters: 3, replicasPerMaster: 1 });
});
after(async () => {
  await cluster?.stop();
});

/** A key whose slot is `slot` (found by trying names). */
function keyInSlot(slot: number, prefix: string): string {
  for (let i = 0; ; i++) if (keySlot(`${prefix}${i}`) === slot) return `${prefix}${i}`;
}

/** A cluster-enabled node that belongs to no cluster yet, and its cluster-bus port. */
async function loneNode(): Promise<{ server: RedisServer; busPort: number }> {
  // Two free ports picked one after the other can be the same one, or be taken by a concurrent test before
  // the server binds them: pick distinct ones, and pick again when the server cannot bind.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let busPort = await freePort();
    while (busPort === port) busPort = await freePort();
    try {
      const server = await RedisServer.start({
        port,
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort)],
      });
      return { server, busPort };
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

/** A slot well inside the shard's largest range (earlier tests may have moved single slots around). */
function slotOf(shard: { slots: [number, number][] }, offset: number): number {
  const widest = shard.slots.reduce((a, r) => (r[1] - r[0] > a[1] - a[0] ? r : a));
  return widest[0] + offset;
}

async function myself(client: RedisClient) {
  const me = (await client.clusterNodes()).find((n) => n.flags.includes('myself'));
  assert.ok(me !== undefined, 'CLUSTER NODES lists the answering node');
  return me;
}

for (const protocol of [2, 3] as const) {
  describe(`cluster commands over RESP${protocol}`, () => {
    let client: ClusterClient;
    before(async () => {
      client = createCluster({ rootNodes: cluster.rootNodes, protocol });
      await client.refreshTopology();
    });
    after(async () => {
      await client.close();
    });

    test('whole-cluster questions go to any node', async () => {
      const info = await client.clusterInfo();
      assert.equal(info['cluster_state'], 'ok');
      assert.equal(info['cluster_known_nodes'], '6');
      assert.equal(info['cluster_slots_assigned'], '16384');

      const nodes = await client.clusterNodes();
      assert.equal(nodes.length, 6);
      assert.equal(nodes.filter((n) => n.flags.includes('myself')).length, 1);
      const masters = nodes.filter((n) => n.flags.includes('master'));
      assert.equal(masters.length, 3);
      assert.equal(
        masters.flatMap((m) => m.slots).reduce((total, [start, end]) => total + end - start + 1, 0),
        16384,
      );
      for (const n of nodes) {
        assert.match(n.id, /^[0-9a-f]{40}$/);
        assert.ok(cluster.ports.includes(n.port) && n.busPort > 0 && n.linkState === 'connected');
      }

      const shards = await client.clusterShards();
      assert.equal(shards.length, 3);
      for (const shard of shards) {
        const master = shard.nodes.find((n) => n.role === 'master');
        assert.ok(master !== undefined && masters.some((m) => m.id === master.id && m.port === master.port));
        assert.equal(shard.nodes.length, 2);
        assert.equal(typeof master.replicationOffset, 'number');
        assert.deepEqual(
          shard.slots,
          masters.find((m) => m.id === master.id)!.slots,
          'the shard has its master’s slots',
        );
      }

      const ranges = await client.clusterSlots();
      assert.equal(
        ranges.reduce((total, r) => total + r.end - r.start + 1, 0),
        16384,
      );
      for (const range of ranges) {
        assert.ok(masters.some((m) => m.id === range.master.id && m.port === range.master.port));
        assert.equal(range.master.host, '127.0.0.1');
      }

      assert.equal(await client.clusterKeySlot('foo'), 12182);
      assert.equal(await client.clusterKeySlot(`{resp${protocol}}:x`), keySlot(`{resp${protocol}}:x`));

      for (const master of masters) {
        const replicas = await client.clusterReplicas(master.id);
        assert.equal(replicas.length, 1);
        assert.equal(replicas[0]!.masterId, master.id);
        assert.ok(replicas[0]!.flags.includes('slave'));
      }
    });

    test('slot questions go to the node serving the slot', async () => {
      // One slot on each master, three keys in each.
      const slots = client.shards().map((shard) => slotOf(shard, protocol));
      const keysBySlot = new Map<number, string[]>();
      for (const slot of slots) {
        const keys = [0, 1, 2].map((i) => keyInSlot(slot, `r${protocol}-${i}-`));
        // Keys of one slot may share no hash tag: each is set on its own.
        for (const key of keys) await client.set(key, 'v');
        keysBySlot.set(slot, keys);
      }
      for (const [slot, keys] of keysBySlot) {
        assert.equal(await client.clusterCountKeysInSlot(slot), 3, `slot ${slot}`);
        assert.deepEqual((await client.clusterGetKeysInSlot(slot, 10)).sort(), [...keys].sort());
        assert.deepEqual(await client.clusterGetKeysInSlot(slot, 1).then((k) => k.length), 1);
        assert.equal(await client.sendCommand(['CLUSTER', 'COUNTKEYSINSLOT', String(slot)]), 3, 'raw too');
      }
      const pipeline = client.pipeline();
      for (const slot of slots) pipeline.clusterCountKeysInSlot(slot);
      assert.deepEqual(await pipeline.exec(), [3, 3, 3], 'and in a cluster pipeline');
      for (const keys of keysBySlot.values()) for (const key of keys) await client.del(key);
    });

    test('node commands are refused cluster-wide and run through nodeClient(address)', async () => {
      await assert.rejects(client.clusterMyId(), (err: unknown) => {
        assert.ok(err instanceof InvalidArgumentError);
        assert.match(err.message, /CLUSTER MYID acts on the node that runs it.*cluster\.nodeClient/);
        return true;
      });
      await assert.rejects(client.clusterMeet('127.0.0.1', 1), InvalidArgumentError);
      await assert.rejects(client.sendCommand(['CLUSTER', 'SETSLOT', '1', 'STABLE']), InvalidArgumentError);
      await assert.rejects(client.clientPause(10), /nodeClient/);
      assert.throws(() => client.nodeClient('127.0.0.1:1'), /not a node of the cluster's topology/);

      const nodes = await client.clusterNodes();
      for (const shard of client.shards()) {
        const node = client.nodeClient(shard.master);
        const port = Number(shard.master.split(':').pop());
        assert.equal(await node.clusterMyId(), nodes.find((n) => n.port === port)!.id);
        assert.equal((await node.role()).role, 'master');
        const replica = client.nodeClient(shard.replicas[0]!);
        assert.equal((await replica.role()).role, 'replica');
      }

      const one = client.nodeClient(client.shards()[0]!.master);
      const me = await myself(one);
      const links = await one.clusterLinks();
      assert.equal(links.length, 10, 'one link to and one from each of the 5 other nodes');
      for (const link of links) {
        assert.ok(link.direction === 'to' || link.direction === 'from');
        assert.ok(nodes.some((n) => n.id === link.node));
        assert.ok(link.createTime > 0 && link.sendBufferAllocated >= 0 && link.sendBufferUsed >= 0);
      }
      const other = nodes.find((n) => n.id !== me.id)!;
      assert.equal(await one.clusterCountFailureReports(other.id), 0);
      const bump = await one.clusterBumpEpoch();
      assert.ok(typeof bump.bumped === 'boolean' && bump.epoch >= me.configEpoch);
      assert.equal(await one.clusterSaveConfig(), 'OK');
      assert.equal(await one.clusterSetSlot(me.slots[0]![0], 'STABLE'), 'OK');
      const [info] = await one.commandInfo('cluster');
      if (info?.subcommands.some((s) => s.name === 'cluster|myshardid')) {
        assert.match(await one.clusterMyShardId(), /^[0-9a-f]{40}$/);
      }
    });

    test('ACL SETUSER and DELUSER change every node', async () => {
      const user = `fan-${protocol}`;
      assert.equal(await client.aclSetUser(user, ['on', 'nopass', '+ping']), 'OK');
      for (const node of client.nodeClients()) assert.notEqual(await node.aclGetUser(user), null);
      assert.equal(await client.aclDelUser(user), 1);
      for (const node of client.nodeClients()) assert.equal(await node.aclGetUser(user), null);
    });

    test('SETSLOT moves an empty slot between masters', async () => {
      const [from, to] = client.shards();
      const slot = slotOf(from!, 10 + protocol);
      const source = client.nodeClient(from!.master);
      const target = client.nodeClient(to!.master);
      const sourceId = await source.clusterMyId();
      const targetId = await target.clusterMyId();
      assert.deepEqual(await source.clusterGetKeysInSlot(slot, 10), []);
      assert.equal(await target.clusterSetSlot(slot, 'IMPORTING', sourceId), 'OK');
      assert.equal(await source.clusterSetSlot(slot, 'MIGRATING', targetId), 'OK');
      const moving = await myself(source);
      assert.deepEqual(moving.migrating, [{ slot, nodeId: targetId }]);
      assert.deepEqual((await myself(target)).importing, [{ slot, nodeId: sourceId }]);
      // The target first (it takes a new config epoch), then the source, then the other masters.
      assert.equal(await target.clusterSetSlot(slot, 'NODE', targetId), 'OK');
      assert.equal(await source.clusterSetSlot(slot, 'NODE', targetId), 'OK');
      for (const shard of client.shards().slice(2)) {
        assert.equal(await client.nodeClient(shard.master).clusterSetSlot(slot, 'NODE', targetId), 'OK');
      }
      await cluster.waitUntilStable();
      assert.equal((await cluster.masterOf(slot)).id, targetId);
      const key = keyInSlot(slot, `moved-${protocol}-`);
      assert.equal(await client.set(key, 'v'), 'OK', 'the client follows the move');
      assert.equal(await target.clusterCountKeysInSlot(slot), 1);
      await client.del(key);
    });
  });
}

for (const protocol of [2, 3] as const) {
  describe(
    `building a cluster from two lone nodes (RESP${protocol})`,
    { skip: unlessServer(7, 0, '--cluster-port') },
    () => {
      let a: { server: RedisServer; busPort: number };
      let b: { server: RedisServer; busPort: number };
      let nodeA: RedisClient;
      let nodeB: RedisClient;
      before(async () => {
        [a, b] = await Promise.all([loneNode(), loneNode()]);
        nodeA = createClient({ url: a.server.url, protocol });
        nodeB = createClient({ url: b.server.url, protocol });
      });
      after(async () => {
        await Promise.all([nodeA?.close(), nodeB?.close()]);
        await Promise.all([a?.server.stop(), b?.server.stop()]);
      });

      test('config epoch, slot assignment, MEET, REPLICATE, FAILOVER TAKEOVER, RESET, FORGET', async () => {
        assert.equal(await nodeA.clusterSetConfigEpoch(5), 'OK');
        assert.equal((await nodeA.clusterInfo())['cluster_my_epoch'], '5');

        assert.equal(await nodeA.clusterAddSlots([100, 101]), 'OK');
        assert.equal(await nodeA.clusterAddSlotsRange([[200, 210]]), 'OK');
        assert.equal(await nodeA.clusterDelSlots(100), 'OK');
        assert.equal(await nodeA.clusterDelSlotsRange([200, 205]), 'OK');
        assert.deepEqual((await myself(nodeA)).slots, [
          [101, 101],
          [206, 210],
        ]);
        assert.equal(await nodeA.clusterFlushSlots(), 'OK');
        assert.deepEqual((await myself(nodeA)).slots, []);

        const idA = await nodeA.clusterMyId();
        const idB = await nodeB.clusterMyId();
        assert.equal(await nodeA.clusterMeet(b.server.host, b.server.port, b.busPort), 'OK');
        await waitFor(
          'the nodes to know each other',
          async () => {
            const seen = (await nodeB.clusterNodes()).find((n) => n.id === idA);
            return seen !== undefined && seen.flags.includes('master') && !seen.flags.includes('handshake');
          },
          15_000,
        );

        assert.equal(await nodeB.clusterReplicate(idA), 'OK');
        await waitFor('B to replicate A', async () => (await nodeB.role()).role === 'replica', 15_000);
        await waitFor('A to list B as its replica', async () => {
          const replicas = await nodeA.clusterReplicas(idA);
          return replicas.length === 1 && replicas[0]!.id === idB;
        });

        assert.equal(await nodeB.clusterFailover('TAKEOVER'), 'OK');
        await waitFor('B to take over', async () => (await myself(nodeB)).flags.includes('master'), 15_000);

        // A (a master without slots, so it stays a master) leaves: a hard reset gives it a new id, and B
        // forgets the old one.
        await waitFor(
          'A to see B as a master',
          async () => {
            const seen = (await nodeA.clusterNodes()).find((n) => n.id === idB);
            return seen !== undefined && seen.flags.includes('master');
          },
          15_000,
        );
        assert.equal(await nodeA.clusterReset('HARD'), 'OK');
        assert.notEqual(await nodeA.clusterMyId(), idA);
        assert.equal(await nodeB.clusterForget(idA), 'OK');
        assert.deepEqual(
          (await nodeB.clusterNodes()).map((n) => n.id),
          [idB],
        );
      });
    },
  );
}
