/**
 * Failovers the cluster client must follow on its own, under concurrent traffic, on a private 6-node cluster
 * (3 masters, 3 replicas) with a short cluster-node-timeout so that the cluster promotes a replica in seconds:
 *
 * - a hung master (SIGSTOP): its sockets stay open and nothing is answered, so the client only sees
 *   silence and timeouts; it must notice, follow the promotion, and neither lose nor repeat a write;
 * - a killed master (SIGKILL): no caller of the live client ever sees ClientClosedError.
 *
 * The figures (promotion time, how long the slot map took to follow, the slowest command) are printed as
 * test diagnostics; only generous bounds are asserted.
 */
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import { createCluster, keySlot } from '../../src/cluster/index.js';
import { ClientClosedError, RedisError, TimeoutError } from '../../src/errors.js';
import { RedisCluster, sleep } from '../helpers/redis-cluster.js';
import { waitFor, within } from '../helpers/wait.js';

const NODE_TIMEOUT_MS = 1000;

let cluster: RedisCluster;

before(async () => {
  cluster = await RedisCluster.start({ nodeTimeout: NODE_TIMEOUT_MS });
});
after(async () => {
  await cluster?.stop();
});

/** Tally of failures by class and code, e.g. "TimeoutError/ERR_TIMEOUT". */
class Failures {
  readonly byKind = new Map<string, number>();
  readonly samples = new Map<string, string>();
  closedErrors = 0;
  timeouts = 0;
  total = 0;

  add(error: unknown): void {
    this.total++;
    if (error instanceof TimeoutError) this.timeouts++;
    const kind =
      error instanceof RedisError ? `${error.constructor.name}/${error.code}` : (error as Error)?.constructor?.name;
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
    if (!this.samples.has(kind)) this.samples.set(kind, String((error as Error)?.message ?? error));
    if (error instanceof ClientClosedError) this.closedErrors++;
  }

  toString(): string {
    return [...this.byKind].map(([k, n]) => `${k} x${n}`).join(', ') || 'none';
  }
}

interface Timed {
  issuedAt: number;
  /** 0 while in flight. */
  settledAt: number;
}

/** One write of a writer: its value, and whether the client acknowledged it. */
interface WriteRecord extends Timed {
  value: number;
  acked: boolean;
}

/** How long each command still waiting at `since`, or sent after it, waited; sorted. */
function waitsSince(list: Timed[], since: number): number[] {
  return list.flatMap((r) => (r.settledAt >= since ? [r.settledAt - r.issuedAt] : [])).sort((a, b) => a - b);
}

function describeWaits(waits: number[]): string {
  return (
    `${waits.length}, p50 ${percentile(waits, 50)} ms, max ${waits.at(-1) ?? 0} ms, ` +
    `${waits.filter((ms) => ms >= 4500).length} waited 4.5 s or more`
  );
}

/** A key with the given hash tag prefix whose slot a master other than `avoidPorts` serves. */
async function tagServedBy(predicate: (port: number) => boolean, prefix: string): Promise<string> {
  const masters = await cluster.masters();
  for (let i = 0; i < 1000; i++) {
    const tag = `{${prefix}${i}}`;
    const slot = keySlot(tag);
    const owner = masters.find((m) => m.slots.some(([a, b]) => slot >= a && slot <= b));
    if (owner !== undefined && predicate(owner.port)) return tag;
  }
  throw new Error('no tag found');
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

function report(t: TestContext, line: string): void {
  t.diagnostic(line);
  console.log(`# ${line}`);
}

test('a call timeout marks its node suspect: the topology is read again, the timed-out write is not sent again', async () => {
  const client = createCluster({ rootNodes: cluster.rootNodes, topologyRefreshInterval: 0 });
  let topologyReads = 0;
  client.addHook({
    process: (next) => (command, options) => {
      if (String(command.args[0]).toUpperCase() === 'CLUSTER') topologyReads++;
      return next(command, options);
    },
  });
  try {
    const key = '{slow}:counter';
    await client.set(key, '0');
    const readsBefore = topologyReads;
    // The key's master holds writes for half a second: the INCR is sent, and runs when the pause ends.
    const port = Number((await client.clientForKey(key)).options.port);
    assert.match(await cluster.raw(port, ['CLIENT', 'PAUSE', 500, 'WRITE']), /^\+OK/);
    await assert.rejects(client.with({ timeout: 100 }).incr(key), TimeoutError);
    // The node answers the router's PING (not a write), so the next INCR goes to it and runs second.
    assert.equal(await client.incr(key), 2, 'the timed-out INCR ran once: it was not sent again');
    await waitFor('a topology read caused by the timeout', () => topologyReads > readsBefore, 5000);
  } finally {
    await client.close();
  }
});

test('a topology load does not wait on a hung node: a second node is asked', async (t) => {
  const master = (await cluster.masters())[0]!;
  const [replica] = await cluster.replicasOf(master.id);
  assert.ok(replica !== undefined);
  // The first root node is hung; the client knows no topology yet, so it asks the root nodes in order.
  const client = createCluster({
    rootNodes: [
      { host: cluster.host, port: replica.port },
      { host: cluster.host, port: master.port },
    ],
  });
  cluster.pause(replica.port);
  try {
    const started = Date.now();
    await client.refreshTopology();
    const elapsed = Date.now() - started;
    report(t, `topology loaded in ${elapsed} ms with the first root node hung`);
    assert.equal(client.shards().length, 3);
    // Waiting for the hung node's answer would take its 2 s topology timeout.
    assert.ok(elapsed < 1500, `the load did not wait for the hung node (${elapsed} ms)`);
  } finally {
    cluster.resume(replica.port);
    await client.close();
    await cluster.waitUntilStable();
  }
});

test('SIGSTOP a master: the client follows the promotion, keeps every acknowledged write in order, never says closed', async (t) => {
  const client = createCluster({ rootNodes: cluster.rootNodes });
  const writeFailures = new Failures();
  const readFailures = new Failures();
  const otherFailures = new Failures();
  let stop = false;
  try {
    await client.refreshTopology();
    const tag = await tagServedBy(() => true, 'hung');
    const slot = keySlot(tag);
    const master = await cluster.masterOf(slot);
    const [replica] = await cluster.replicasOf(master.id);
    assert.ok(replica !== undefined, 'the shard has a replica');
    const observer = (await cluster.masters()).find((m) => m.port !== master.port)!;
    const otherTag = await tagServedBy((port) => port !== master.port, 'calm');

    // Keys the readers check, replicated before the stop.
    const readKeys = Array.from({ length: 8 }, (_, i) => `${tag}:r${i}`);
    await client.withConn(tag, async (conn) => {
      for (const k of readKeys) await conn.set(k, `value-of-${k}`);
      assert.equal(await conn.wait(1, 2000), 1, 'the replica has the read keys');
    });

    // Writers append increasing numbers to their own list, one at a time; readers check fixed keys.
    const writers = 8;
    const lists = Array.from({ length: writers }, (_, w) => `${tag}:w${w}`);
    const writes: WriteRecord[][] = lists.map(() => []);
    const reads: Timed[] = [];
    const otherLatencies: number[] = [];
    let wrongReads = 0;
    const writerLoops = lists.map(async (list, w) => {
      for (let value = 0; !stop; value++) {
        const record: WriteRecord = { value, issuedAt: Date.now(), settledAt: 0, acked: false };
        writes[w]!.push(record);
        try {
          await client.rPush(list, String(value));
          record.acked = true;
        } catch (err) {
          writeFailures.add(err);
        }
        record.settledAt = Date.now();
      }
    });
    // Pipelined writers: three appends per cluster pipeline, each entry acknowledged on its own.
    const pipelineLists = [`${tag}:p0`, `${tag}:p1`];
    const pipelineWrites: WriteRecord[][] = pipelineLists.map(() => []);
    const pipelineFailures = new Failures();
    const pipelineLoops = pipelineLists.map(async (list, p) => {
      for (let value = 0; !stop; value += 3) {
        const batch = [value, value + 1, value + 2].map((v) => ({
          value: v,
          issuedAt: Date.now(),
          settledAt: 0,
          acked: false,
        }));
        pipelineWrites[p]!.push(...batch);
        const pipeline = client.pipeline();
        for (const r of batch) pipeline.rPush(list, String(r.value));
        try {
          const results = await pipeline.exec();
          results.forEach((result, i) => {
            if (result instanceof Error) pipelineFailures.add(result);
            else batch[i]!.acked = true;
          });
        } catch (err) {
          pipelineFailures.add(err);
        }
        for (const r of batch) r.settledAt = Date.now();
      }
    });
    const readerLoops = Array.from({ length: 4 }, async (_, r) => {
      for (let i = r; !stop; i++) {
        const key = readKeys[i % readKeys.length]!;
        const issuedAt = Date.now();
        try {
          if ((await client.get(key)) !== `value-of-${key}`) wrongReads++;
        } catch (err) {
          readFailures.add(err);
        }
        reads.push({ issuedAt, settledAt: Date.now() });
      }
    });
    // Traffic to a healthy shard (it sees CLUSTERDOWN while the cluster has a failed master and no promotion).
    const otherLoops = Array.from({ length: 2 }, async (_, o) => {
      for (let i = 0; !stop; i++) {
        const started = Date.now();
        try {
          await client.set(`${otherTag}:${o}`, String(i));
        } catch (err) {
          otherFailures.add(err);
        }
        otherLatencies.push(Date.now() - started);
        await sleep(2);
      }
    });
    const acked = () => writes.reduce((n, list) => n + list.filter((r) => r.acked).length, 0);
    await waitFor('writes flowing before the stop', () => acked() >= 200, 15_000);

    cluster.pause(master.port);
    const stoppedAt = Date.now();
    t.after(() => cluster.resume(master.port));

    // When the replica calls itself master, when another master agrees, when the client's slot map follows.
    const promotedOn = async (port: number): Promise<number> => {
      for (;;) {
        const nodes = await cluster.nodes(port).catch(() => []);
        if (nodes.some((n) => n.port === replica.port && n.role === 'master' && !n.failed)) return Date.now();
        await sleep(10);
      }
    };
    const newMaster = `127.0.0.1:${replica.port}`;
    const followed = (async () => {
      for (;;) {
        const owner = client.shards().find((s) => s.slots.some(([a, b]) => slot >= a && slot <= b));
        if (owner?.master === newMaster) return Date.now();
        await sleep(5);
      }
    })();
    const [selfPromotedAt, promotedAt, followedAt] = await within(
      'the promotion, seen by the replica, another master and the client',
      Promise.all([promotedOn(replica.port), promotedOn(observer.port), followed]),
      30_000,
    );

    // Traffic goes on through the new master: every writer gets writes through.
    const ackedSince = (w: number, at: number) => writes[w]!.filter((r) => r.acked && r.issuedAt >= at).length;
    await waitFor('writes on the new master', () => lists.every((_, w) => ackedSince(w, followedAt) >= 10), 30_000);
    stop = true;
    await within(
      'the traffic to stop',
      Promise.all([...writerLoops, ...pipelineLoops, ...readerLoops, ...otherLoops]),
      30_000,
    );

    // Before its promotion the replica acknowledges no write (it answers MOVED): earlier acknowledgements
    // came from the old master, and asynchronous replication may lose those (counted, not asserted).
    // Every write acknowledged after it must be there. Each list keeps its writer's order, without repeats.
    let lostFromOldMaster = 0;
    let lostFromNewMaster = 0;
    let ackedByOldAfterStop = 0;
    const allLists = [...lists, ...pipelineLists];
    const allWrites = [...writes, ...pipelineWrites];
    for (let w = 0; w < allLists.length; w++) {
      const stored = (await client.lRange(allLists[w]!, 0, -1)).map(Number);
      for (let i = 1; i < stored.length; i++) {
        assert.ok(
          stored[i]! > stored[i - 1]!,
          `${allLists[w]} in order, no repeats: ${stored[i - 1]} then ${stored[i]}`,
        );
      }
      const present = new Set(stored);
      for (const r of allWrites[w]!) {
        if (!r.acked) continue;
        const byOldMaster = r.settledAt < selfPromotedAt;
        if (byOldMaster && r.settledAt >= stoppedAt) ackedByOldAfterStop++;
        if (present.has(r.value)) continue;
        if (byOldMaster) lostFromOldMaster++;
        else lostFromNewMaster++;
      }
    }

    const writeWaits = waitsSince(writes.flat(), stoppedAt);
    const readWaits = waitsSince(reads, stoppedAt);
    otherLatencies.sort((a, b) => a - b);
    const firstAckByNew = Math.min(
      ...writes.flat().flatMap((r) => (r.acked && r.settledAt >= selfPromotedAt ? [r.settledAt] : [])),
    );
    report(
      t,
      `SIGSTOP ${master.port}: replica ${replica.port} promoted itself ${selfPromotedAt - stoppedAt} ms after the stop; another master saw it after ${promotedAt - stoppedAt} ms`,
    );
    report(
      t,
      `slot map followed ${followedAt - promotedAt} ms after the promotion was visible on another master (${followedAt - selfPromotedAt} ms after the replica's own view)`,
    );
    report(t, `first write acknowledged by the new master ${firstAckByNew - promotedAt} ms after the promotion`);
    report(t, `shard writes waiting at the stop or sent after it: ${describeWaits(writeWaits)}`);
    report(t, `shard reads waiting at the stop or sent after it: ${describeWaits(readWaits)}`);
    report(
      t,
      `other shard: p99 ${percentile(otherLatencies, 99)} ms, max ${otherLatencies.at(-1) ?? 0} ms; failures: ${otherFailures}`,
    );
    report(
      t,
      `writes acknowledged ${acked()} (old master after the stop signal: ${ackedByOldAfterStop}); lost: ${lostFromOldMaster} acknowledged by the old master, ${lostFromNewMaster} by the new`,
    );
    report(t, `failures: writes ${writeFailures}; pipeline entries ${pipelineFailures}; reads ${readFailures}`);
    for (const f of [writeFailures, pipelineFailures, readFailures]) {
      for (const [kind, message] of f.samples) report(t, `  ${kind}: ${message}`);
    }

    assert.equal(lostFromNewMaster, 0, 'every write acknowledged after the promotion is on the new master');
    assert.equal(wrongReads, 0, 'every read answered its own key');
    for (const f of [writeFailures, pipelineFailures, readFailures, otherFailures]) {
      assert.equal(f.closedErrors, 0, `no ClientClosedError reached a caller (${f})`);
    }
    assert.equal(client.closed, false);
    if (followedAt - stoppedAt < 4500) {
      // The switch came within readTimeout (5 s): commands in flight on the hung master were let go at the
      // switch (reads sent again, writes failed as "outcome unknown"), held ones were sent to the new master.
      // Each writer had at most one write in flight there; nothing it sent later may fail, nor any read.
      assert.ok(writeFailures.total <= writers, `at most one failed write per writer (${writeFailures})`);
      assert.ok(
        pipelineFailures.total <= 3 * pipelineLists.length,
        `at most one failed pipeline per pipelined writer (${pipelineFailures})`,
      );
      assert.equal(writeFailures.timeouts, 0, `no write waited out a timeout (${writeFailures})`);
      assert.equal(readFailures.total, 0, `reads are sent again or wait for the new master (${readFailures})`);
    } else {
      report(t, `the switch came ${followedAt - stoppedAt} ms after the stop: held commands may have timed out`);
    }
    assert.ok(followedAt - promotedAt < 5000, `the slot map followed within 5 s (${followedAt - promotedAt} ms)`);
  } finally {
    stop = true;
    await client.close();
  }
});

test('SIGKILL a master under 50 callers: no ClientClosedError reaches a caller of the live client', async (t) => {
  await cluster.waitUntilStable();
  const client = createCluster({ rootNodes: cluster.rootNodes });
  const failures = new Failures();
  let stop = false;
  try {
    await client.refreshTopology();
    const masters = await cluster.masters();
    let victim: { port: number; replicaPort: number } | undefined;
    for (const m of masters) {
      const [replica] = await cluster.replicasOf(m.id);
      if (replica !== undefined) victim = { port: m.port, replicaPort: replica.port };
    }
    assert.ok(victim !== undefined, 'a master with a replica');
    const tag = await tagServedBy((port) => port === victim.port, 'victim');
    let done = 0;
    // Plain commands, pipelines and transactions, on the victim's shard and everywhere else.
    const callers = Array.from({ length: 50 }, async (_, c) => {
      for (let i = 0; !stop; i++) {
        const key = c % 2 === 0 ? `${tag}:${c}` : `spread:${c}:${i % 50}`;
        try {
          switch (i % 4) {
            case 0:
              await client.set(key, String(i));
              break;
            case 1:
              await client.get(key);
              break;
            case 2: {
              const results = await client.pipeline().incr(`${key}:n`).get(key).get(`other:${i}`).exec();
              for (const r of results) if (r instanceof Error) failures.add(r);
              break;
            }
            default:
              await client.multi().incr(`{${key}}:a`).incr(`{${key}}:b`).exec();
          }
          done++;
        } catch (err) {
          failures.add(err);
          await sleep(5);
        }
      }
    });
    await waitFor('traffic before the kill', () => done >= 2000, 15_000);
    const killedAt = Date.now();
    await cluster.kill(victim.port);
    const newMaster = `127.0.0.1:${victim.replicaPort}`;
    const slot = keySlot(tag);
    await waitFor(
      'the client slot map pointing at the promoted replica',
      () => client.shards().some((s) => s.master === newMaster && s.slots.some(([a, b]) => slot >= a && slot <= b)),
      30_000,
    );
    const followedAt = Date.now();
    const doneAtFollow = done;
    await waitFor('traffic after the failover', () => done >= doneAtFollow + 2000, 30_000);
    stop = true;
    await within('the callers to stop', Promise.all(callers), 30_000);
    report(t, `SIGKILL: slot map followed ${followedAt - killedAt} ms after the kill; failures: ${failures}`);
    for (const [kind, message] of failures.samples) report(t, `  ${kind}: ${message}`);
    assert.equal(failures.closedErrors, 0, `no ClientClosedError reached a caller (${failures})`);
    assert.equal(client.closed, false);
  } finally {
    stop = true;
    await client.close();
  }
});
