/**
 * The cluster client against a real 6-node cluster (3 masters, 3 replicas) shared by the whole file.
 * Tests that reshape the cluster (slot moves, failovers) come last, the SIGKILL one at the very end.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createCluster, keySlot, type ClusterClient } from '../../src/cluster/index.js';
import { crc16 } from '../../src/cluster/slots.js';
import { parseClusterShards, parseClusterSlots } from '../../src/cluster/topology.js';
import type { Hook } from '../../src/client/hooks.js';
import { CrossSlotError, InvalidArgumentError, ReplyError } from '../../src/errors.js';
import { RedisCluster, sleep } from '../helpers/redis-cluster.js';
import { unlessServer } from '../helpers/server-version.js';
import { waitFor } from '../helpers/wait.js';

/** Sharded pub/sub is Redis 7.0's. */
const NEEDS_SSUBSCRIBE = { skip: unlessServer(7, 0, 'SSUBSCRIBE') };

let cluster: RedisCluster;
let client: ClusterClient;
const sent: string[] = [];
let askingPipelines = 0;
const spy: Hook = {
  process: (next) => (command, options) => {
    sent.push(String(command.args[0]).toUpperCase());
    return next(command, options);
  },
  processPipeline: (next) => (commands, kind) => {
    if (commands.some((c) => String(c.args[0]).toUpperCase() === 'ASKING')) askingPipelines++;
    return next(commands, kind);
  },
};

before(async () => {
  cluster = await RedisCluster.start({ nodeTimeout: 1000 });
  client = createCluster({ rootNodes: [`127.0.0.1:${cluster.ports[0]}`, cluster.rootNodes[1]!] });
  client.addHook(spy);
});
after(async () => {
  await client?.close();
  await cluster?.stop();
});

/** Waits (bounded) until `check` passes. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

describe('slots', () => {
  test('CRC16 and hash tags match known values', () => {
    assert.equal(crc16(Buffer.from('123456789')), 0x31c3);
    assert.equal(keySlot('foo'), 12182);
    assert.equal(keySlot('{user1000}.following'), keySlot('{user1000}.followers'));
    assert.equal(keySlot('{}a'), keySlot(Buffer.from('{}a')), 'an empty tag hashes the whole key');
    assert.notEqual(keySlot('{}a'), keySlot('a'));
    assert.equal(keySlot('a{b}c{d}'), keySlot('b'));
    assert.equal(keySlot(12345), keySlot('12345'));
  });

  test('keySlot agrees with the server for 300 keys (tags, unicode, buffers)', async () => {
    const keys: (string | Buffer)[] = [];
    for (let i = 0; i < 100; i++) keys.push(`key:${i}:${(i * 7919).toString(36)}`);
    for (let i = 0; i < 60; i++) keys.push(`{tag${i % 7}}:${i}`, `x{${i}}y{z}`);
    for (let i = 0; i < 40; i++) keys.push(`ключ:${i}`, `{日本${i % 3}}語`);
    for (let i = 0; i < 40; i++) keys.push(`}{${i}{`, `{{${i}}}`);
    const port = cluster.ports[0]!;
    for (const key of keys) {
      const reply = await cluster.server(port).rawCommand(['CLUSTER', 'KEYSLOT', key.toString()]);
      assert.equal(keySlot(key), Number(reply.slice(1, reply.indexOf('\r\n'))), `slot of ${key.toString()}`);
    }
  });
});

describe('topology replies', () => {
  const asked = { host: '10.0.0.9', port: 7000 };

  test('CLUSTER SHARDS (RESP3 maps): failed replicas left out, unknown endpoints are the asked node', () => {
    const node = (fields: Record<string, unknown>) => new Map(Object.entries(fields));
    const reply = [
      node({
        slots: [0, 100, 200, 300],
        nodes: [
          node({ id: 'a', port: 7001, ip: '10.0.0.1', endpoint: '10.0.0.1', role: 'master', health: 'online' }),
          node({ id: 'b', port: 7002, ip: '10.0.0.2', endpoint: '?', role: 'replica', health: 'online' }),
          node({ id: 'c', port: 7003, ip: '10.0.0.3', endpoint: '10.0.0.3', role: 'replica', health: 'fail' }),
        ],
      }),
      // A failed master alone, without slots: not a shard.
      node({ slots: [], nodes: [node({ id: 'd', port: 7004, ip: '10.0.0.4', role: 'master', health: 'fail' })] }),
    ];
    assert.deepEqual(parseClusterShards(reply as never, asked, false), [
      {
        slots: [
          [0, 100],
          [200, 300],
        ],
        master: { host: '10.0.0.1', port: 7001 },
        replicas: [{ host: '10.0.0.9', port: 7002 }],
      },
    ]);
  });

  test('CLUSTER SHARDS (RESP2 flat arrays) and CLUSTER SLOTS give the same shards', () => {
    const shards = [
      [
        'slots',
        [0, 16383],
        'nodes',
        [['id', 'a', 'port', 7001, 'ip', '10.0.0.1', 'endpoint', '', 'role', 'master', 'health', 'online']],
      ],
    ];
    const slots = [[0, 16383, ['', 7001, 'a', []]]];
    const expected = [{ slots: [[0, 16383]], master: { host: '10.0.0.9', port: 7001 }, replicas: [] }];
    assert.deepEqual(parseClusterShards(shards as never, asked, false), expected);
    assert.deepEqual(parseClusterSlots(slots as never, asked), expected);
    const split = [
      [0, 10, ['10.0.0.1', 7001, 'a'], ['10.0.0.2', 7002, 'b']],
      [20, 30, ['10.0.0.1', 7001, 'a'], ['10.0.0.2', 7002, 'b']],
    ];
    assert.deepEqual(parseClusterSlots(split as never, asked), [
      {
        slots: [
          [0, 10],
          [20, 30],
        ],
        master: { host: '10.0.0.1', port: 7001 },
        replicas: [{ host: '10.0.0.2', port: 7002 }],
      },
    ]);
  });
});

describe('cluster client', () => {
  test('options are checked at creation', () => {
    assert.throws(() => createCluster({ rootNodes: [] }), InvalidArgumentError);
    assert.throws(() => createCluster({ rootNodes: ['127.0.0.1:7000'], db: 1 } as never), InvalidArgumentError);
    assert.throws(
      () => createCluster({ rootNodes: ['127.0.0.1:7000'], url: 'redis://x' } as never),
      InvalidArgumentError,
    );
    assert.throws(() => createCluster({ rootNodes: ['no-port'] }), InvalidArgumentError);
    assert.throws(() => createCluster({ rootNodes: ['127.0.0.1:7000'], maxRedirects: -1 }), InvalidArgumentError);
  });

  test('loads the topology: 3 masters with one replica each covering every slot', async () => {
    await client.refreshTopology();
    const shards = client.shards();
    assert.equal(shards.length, 3);
    const covered = shards.flatMap((s) => s.slots).reduce((n, [a, b]) => n + b - a + 1, 0);
    assert.equal(covered, 16384);
    for (const s of shards) assert.equal(s.replicas.length, 1);
    const asked = () => sent.filter((c) => c === 'CLUSTER').length;
    const before = asked();
    await Promise.all(Array.from({ length: 5 }, () => client.refreshTopology()));
    // One load; it asks a second node only when the first is slow to answer (TOPOLOGY_HEDGE_MS).
    const askedNow = asked() - before;
    assert.ok(askedNow >= 1 && askedNow <= 2, `concurrent refreshes share one load (${askedNow} CLUSTER SHARDS)`);
  });

  test('routes 10k keys to the masters that own them', async () => {
    await client.flushAll();
    const n = 10_000;
    await Promise.all(Array.from({ length: n }, (_, i) => client.set(`r:${i}`, `v${i}`)));
    const values = await Promise.all(Array.from({ length: n }, (_, i) => client.get(`r:${i}`)));
    assert.ok(values.every((v, i) => v === `v${i}`));
    assert.equal(await client.dbSize(), n, 'DBSIZE sums every master');
    // Each key sits on the master that owns its slot (checked without the client).
    const masters = await cluster.masters();
    for (let i = 0; i < n; i += 250) {
      const slot = keySlot(`r:${i}`);
      const owner = masters.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b))!;
      const reply = await cluster.raw(owner.port, ['GET', `r:${i}`]);
      assert.ok(reply.includes(`v${i}`), `r:${i} on ${owner.port}`);
    }
    const perNode = await Promise.all(client.masterClients().map((c) => c.dbSize()));
    assert.equal(perNode.length, 3);
    assert.ok(
      perNode.every((count) => count > n / 6),
      `keys spread over masters: ${perNode.join(', ')}`,
    );
  });

  test('RESP2 and mapAddress', async () => {
    const other = createCluster({
      rootNodes: cluster.rootNodes,
      protocol: 2,
      mapAddress: ({ port }) => ({ host: 'localhost', port }),
    });
    try {
      assert.equal(await other.set('resp2', 'x'), 'OK');
      assert.equal(await other.get('resp2'), 'x');
      const shards = other.shards();
      assert.equal(shards.length, 3);
      assert.ok(shards.every((s) => s.master.startsWith('localhost:') && s.replicas.length === 1));
    } finally {
      await other.close();
    }
  });

  test('hash tags keep multi-key commands on one slot', async () => {
    await client.mSet({ '{user:1}:name': 'ann', '{user:1}:mail': 'a@x' });
    assert.deepEqual(await client.mGet(['{user:1}:name', '{user:1}:mail']), ['ann', 'a@x']);
    assert.equal(await client.sendCommand(['EVAL', 'return redis.call("GET", KEYS[1])', 1, '{user:1}:name']), 'ann');
    assert.deepEqual(await client.sendCommand(['MGET', '{user:1}:name', '{user:1}:mail']), ['ann', 'a@x']);
  });

  test('cross-slot commands and transactions fail before sending, naming keys and slots', async () => {
    const before = sent.length;
    await assert.rejects(client.mGet(['a', 'b']), (err: unknown) => {
      assert.ok(err instanceof CrossSlotError);
      assert.match(err.message, /"a" \(slot 15495\), "b" \(slot 3300\)/);
      return true;
    });
    await assert.rejects(client.sendCommand(['DEL', 'a', 'b']), CrossSlotError);
    await assert.rejects(client.multi().set('a', '1').set('b', '2').exec(), CrossSlotError);
    assert.equal(sent.length, before, 'nothing reached a node');
  });

  test('pipelines split by node, keep the caller order, errors in place', async () => {
    const pipeline = client.pipeline();
    for (let i = 0; i < 300; i++) pipeline.set(`p:${i}`, String(i)).get(`p:${i}`);
    pipeline.lPush('p:0', 'x'); // WRONGTYPE
    pipeline.mGet(['a', 'b']); // cross-slot
    pipeline.dbSize(); // fans out
    const results = await pipeline.exec();
    assert.equal(results.length, 603);
    for (let i = 0; i < 300; i++) {
      assert.equal(results[2 * i], 'OK');
      assert.equal(results[2 * i + 1], String(i));
    }
    assert.ok(results[600] instanceof ReplyError && results[600].code === 'WRONGTYPE');
    assert.ok(results[601] instanceof CrossSlotError);
    assert.equal(results[602], await client.dbSize());
  });

  test('transactions run on the slot owner; WATCH through withConn', async () => {
    assert.deepEqual(await client.multi().set('{tx}a', '1').incr('{tx}a').get('{tx}a').exec(), ['OK', 2, '2']);
    const result = await client.withConn('{tx}a', async (conn) => {
      await conn.watch('{tx}a');
      const value = Number(await conn.get('{tx}a'));
      return conn
        .multi()
        .set('{tx}a', String(value + 1))
        .exec();
    });
    assert.deepEqual(result, ['OK']);
    assert.equal(await client.get('{tx}a'), '3');
  });

  test('keyless commands: one master, or every master where that is the meaning', async () => {
    assert.equal(await client.ping(), 'PONG');
    const sha = await client.scriptLoad('return 42');
    for (const master of client.masterClients()) assert.deepEqual(await master.scriptExists([sha]), [true]);
    assert.deepEqual(await client.scriptExists([sha, 'f'.repeat(40)]), [true, false]);
    const names = Array.from({ length: 12 }, (_, i) => `kx:${i}`);
    await Promise.all(names.map((k) => client.set(k, '1')));
    const keys = await client.keys('kx:*');
    assert.deepEqual(keys.sort(), names.sort(), 'KEYS joins every master');
    await assert.rejects(client.scan('0'), InvalidArgumentError);
    await assert.rejects(client.wait(1, 100), InvalidArgumentError);
  });

  test('scanIterator visits every key of every master once', async () => {
    await client.flushAll();
    assert.equal(await client.dbSize(), 0);
    const expected = new Set(Array.from({ length: 500 }, (_, i) => `scan:${i}`));
    await Promise.all([...expected].map((k) => client.set(k, '1')));
    const seen: string[] = [];
    for await (const key of client.scanIterator({ match: 'scan:*', count: 100 })) seen.push(key);
    assert.equal(seen.length, 500);
    assert.deepEqual(new Set(seen), expected);
  });

  test('blocking commands route by key', async () => {
    const popped = client.blPop('{q}list', 5);
    await sleep(50);
    await client.rPush('{q}list', 'job');
    assert.deepEqual(await popped, { key: '{q}list', element: 'job' });
  });

  test('pool stats per node and summed', async () => {
    const stats = client.poolStats();
    const nodes = Object.values(stats.nodes);
    assert.ok(nodes.length >= 3);
    assert.equal(
      stats.total.totalConns,
      nodes.reduce((n, s) => n + s.totalConns, 0),
    );
    assert.equal(
      stats.total.hits,
      nodes.reduce((n, s) => n + s.hits, 0),
    );
    assert.ok(stats.total.totalConns >= 3);
  });

  test('readFromReplicas and routeRandomly serve reads from replicas', async () => {
    // Every read below must see the write: WAIT counts the replicas that acknowledged the writes of *its own*
    // connection, so the SET and the WAIT share one (on another connection WAIT proves nothing), and it is asked
    // again until the replica has acknowledged (a WAIT that times out on a loaded machine returns 0).
    await client.withConn('rr:key', async (conn) => {
      await conn.set('rr:key', 'v');
      await waitFor('the replica to acknowledge the write', async () => (await conn.wait(1, 1000)) >= 1, 15_000);
    });
    const owner = client
      .shards()
      .find((s) => s.slots.some(([a, b]) => keySlot('rr:key') >= a && keySlot('rr:key') <= b))!;
    for (const options of [{ readFromReplicas: true }, { routeRandomly: true }, { routeByLatency: true }]) {
      const reader = createCluster({ rootNodes: cluster.rootNodes, ...options });
      try {
        for (let i = 0; i < 20; i++) assert.equal(await reader.get('rr:key'), 'v');
        await assert.rejects(
          reader.lPush('rr:key', 'x'),
          (e: unknown) => e instanceof ReplyError && e.code === 'WRONGTYPE',
        );
        if ('readFromReplicas' in options) {
          const replicaStats = reader.poolStats().nodes[owner.replicas[0]!];
          assert.ok(
            replicaStats !== undefined && replicaStats.hits + replicaStats.misses >= 20,
            'reads went to the replica',
          );
        }
      } finally {
        await reader.close();
      }
    }
  });

  test('sharded pub/sub routes by slot', NEEDS_SSUBSCRIBE, async () => {
    const received: string[] = [];
    const channels = ['news:{a}', 'news:{b}', 'news:{c}'];
    const subscription = await client.ssubscribe(channels, (m) => received.push(`${m.channel}=${m.message}`));
    for (const c of channels) assert.equal(await client.sPublish(c, 'hi'), 1);
    await eventually('three shard messages', async () => received.length === 3);
    assert.deepEqual(received.sort(), channels.map((c) => `${c}=hi`).sort());
    const classic: string[] = [];
    const sub2 = await client.subscribe('classic', (m) => classic.push(m.message));
    await client.publish('classic', 'one');
    await eventually('a classic message', async () => classic.length === 1);
    await sub2.unsubscribe();
    await subscription.unsubscribe();
  });
});

describe('cluster client while the cluster changes', () => {
  test('resharding a slot with keys while traffic runs: MOVED followed, no command lost or answered wrongly', async () => {
    const slot = keySlot('{mig}');
    const keys = Array.from({ length: 40 }, (_, i) => `{mig}:${i}`);
    await Promise.all(keys.map((k) => client.set(k, '0')));
    const source = await cluster.masterOf(slot);
    const target = (await cluster.masters()).find((m) => m.id !== source.id)!;
    const acked = new Map(keys.map((k) => [k, 0]));
    const errors: unknown[] = [];
    const incrsSentBefore = sent.filter((c) => c === 'INCR').length;
    const asksBefore = askingPipelines;
    let stop = false;
    const traffic = Array.from({ length: 4 }, async (_, worker) => {
      for (let i = worker; !stop; i += 4) {
        const key = keys[i % keys.length]!;
        try {
          const value = await client.incr(key);
          acked.set(key, acked.get(key)! + 1);
          if (value !== acked.get(key))
            errors.push(new Error(`${key}: INCR answered ${value}, expected ${acked.get(key)}`));
        } catch (err) {
          errors.push(err);
        }
      }
    });
    await cluster.moveSlot(slot, target.port, { batch: 4, betweenBatches: () => sleep(20) });
    await sleep(100);
    stop = true;
    await Promise.all(traffic);
    assert.deepEqual(errors, []);
    const total = [...acked.values()].reduce((a, b) => a + b, 0);
    assert.ok(total > 40, `traffic ran during the move (${total} INCRs)`);
    const redirected =
      sent.filter((c) => c === 'INCR').length - incrsSentBefore - total + (askingPipelines - asksBefore);
    assert.ok(redirected > 0, 'some INCRs met MOVED or ASK and were sent again');
    for (const key of keys) assert.equal(await client.get(key), String(acked.get(key)), key);
    await client.refreshTopology();
    const owner = client.shards().find((s) => s.slots.some(([a, b]) => slot >= a && slot <= b))!;
    assert.equal(owner.master, `127.0.0.1:${target.port}`);
  });

  test('ASK during a migration: ASKING + command on the target, the slot map unchanged', async () => {
    const slot = keySlot('{ask}');
    await client.set('{ask}:old', 'moved-early');
    const source = await cluster.masterOf(slot);
    const target = (await cluster.masters()).find((m) => m.id !== source.id)!;
    await client.refreshTopology();
    // Every key moves, but the slot stays MIGRATING on the source and IMPORTING on the target.
    await cluster.moveSlot(slot, target.port, { finish: false });
    const asksBefore = askingPipelines;
    assert.equal(await client.get('{ask}:old'), 'moved-early');
    assert.equal(await client.set('{ask}:new', 'created'), 'OK');
    assert.equal(await client.get('{ask}:new'), 'created');
    assert.ok(askingPipelines >= asksBefore + 3, 'each command went through ASKING');
    // In a pipeline too: ASK entries are sent again with ASKING, in order, beside a normal entry.
    assert.deepEqual(await client.pipeline().get('{ask}:old').set('{ask}:p', '1').incr('{ask}:p').get('x').exec(), [
      'moved-early',
      'OK',
      2,
      null,
    ]);
    const count = await cluster.raw(target.port, ['CLUSTER', 'COUNTKEYSINSLOT', slot]);
    assert.equal(count, ':3\r\n', 'every key lives on the target');
    const owner = client.shards().find((s) => s.slots.some(([a, b]) => slot >= a && slot <= b))!;
    assert.equal(owner.master, `127.0.0.1:${source.port}`, 'ASK does not change the map');
    await cluster.finishMove(slot, target.port);
    assert.equal(await client.get('{ask}:new'), 'created');
  });

  test('a client with a stale map: pipelines and transactions follow MOVED, in order', async () => {
    const stale = createCluster({ rootNodes: cluster.rootNodes, topologyRefreshInterval: 0 });
    try {
      await stale.refreshTopology();
      const slot = keySlot('{stale}');
      const source = await cluster.masterOf(slot);
      const target = (await cluster.masters()).find((m) => m.id !== source.id)!;
      await cluster.moveSlot(slot, target.port);
      const results = await stale
        .pipeline()
        .set('{stale}:k', '1')
        .incr('{stale}:k')
        .get('other-key')
        .incr('{stale}:k')
        .get('{stale}:k')
        .exec();
      assert.deepEqual(results, ['OK', 2, null, 3, '3']);
      await cluster.moveSlot(slot, source.port);
      assert.deepEqual(await stale.multi().incr('{stale}:k').get('{stale}:k').exec(), [4, '4']);
      const owner = stale.shards().find((s) => s.slots.some(([a, b]) => slot >= a && slot <= b))!;
      assert.equal(owner.master, `127.0.0.1:${source.port}`, 'MOVED patched the map');
    } finally {
      await stale.close();
    }
  });

  test('a shard subscription follows its slot to another master', NEEDS_SSUBSCRIBE, async () => {
    const channel = 'moving:{chan}';
    const slot = keySlot(channel);
    const received: string[] = [];
    const subscription = await client.ssubscribe(channel, (m) => received.push(m.message));
    await client.sPublish(channel, 'one');
    await eventually('the first message', async () => received.includes('one'));
    const source = await cluster.masterOf(slot);
    const target = (await cluster.masters()).find((m) => m.id !== source.id)!;
    await cluster.moveSlot(slot, target.port);
    await client.refreshTopology();
    await eventually('a message after the move', async () => {
      await client.sPublish(channel, 'two');
      return received.includes('two');
    });
    assert.ok(subscription.active);
    await subscription.unsubscribe();
  });

  test('controlled failover (CLUSTER FAILOVER): writes keep succeeding on the promoted replica', async () => {
    const key = 'failover:controlled';
    const slot = keySlot(key);
    await client.set(key, 'before');
    const master = await cluster.masterOf(slot);
    const [replica] = await cluster.replicasOf(master.id);
    assert.ok(replica !== undefined);
    await cluster.failover(replica.port);
    // The old master is a replica now: the first write meets MOVED and follows it.
    assert.equal(await client.set(key, 'after'), 'OK');
    assert.equal(await client.get(key), 'after');
    await client.refreshTopology();
    const owner = client.shards().find((s) => s.slots.some(([a, b]) => slot >= a && slot <= b))!;
    assert.equal(owner.master, `127.0.0.1:${replica.port}`);
  });

  test('SIGKILL a master: the replica is promoted, the client recovers and loses no acknowledged write', async () => {
    const key = 'failover:killed';
    const slot = keySlot(key);
    const master = await cluster.masterOf(slot);
    const [replica] = await cluster.replicasOf(master.id);
    assert.ok(replica !== undefined);
    // Acknowledged = written and confirmed by the replica (WAIT), the only durable write in Redis.
    const acked = new Map<string, string>();
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const k = `{${key}}:${i}`;
        try {
          const copies = await client.withConn(k, async (conn) => {
            await conn.set(k, String(i));
            return conn.wait(1, 200);
          });
          if (copies >= 1) acked.set(k, String(i));
        } catch {
          await sleep(20); // the master is gone: not acknowledged
        }
      }
    })();
    await eventually('some acknowledged writes', async () => acked.size >= 20);
    const killedAt = Date.now();
    await cluster.kill(master.port);
    // The plain send path: retries, refreshes, and succeeds once the replica is promoted.
    await eventually('a write to the failed shard', async () => (await client.set(key, 'recovered')) === 'OK', 20_000);
    const recoveredAfter = Date.now() - killedAt;
    stop = true;
    await writer;
    await cluster.waitUntilStable();
    await client.refreshTopology();
    const owner = client.shards().find((s) => s.slots.some(([a, b]) => slot >= a && slot <= b))!;
    assert.equal(owner.master, `127.0.0.1:${replica.port}`);
    assert.equal(await client.get(key), 'recovered');
    for (const [k, v] of acked) assert.equal(await client.get(k), v, `${k} survived`);
    assert.ok(recoveredAfter < 20_000, `recovered after ${recoveredAfter} ms`);
    assert.ok(
      Object.keys(client.poolStats().nodes).every((a) => a !== `127.0.0.1:${master.port}`),
      'the dead node left the topology and its pool was closed',
    );
  });
});
