/**
 * Timeouts and aborts at every stage of a command: waiting for a turn, queued, written, blocking.
 * DEBUG SLEEP stalls the server so that a reply is late; the server's own counters and CLIENT LIST
 * show whether a connection was kept or replaced.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import {
  AbortError,
  ClientClosedError,
  createClient,
  PoolTimeoutError,
  TimeoutError,
  type ClientOptions,
  type RedisClient,
} from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

let server: RedisServer;
const clients: RedisClient[] = [];

before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.stop();
});

function open(options: ClientOptions): RedisClient {
  const client = createClient({ host: server.host, port: server.port, ...options });
  clients.push(client);
  return client;
}

async function blockedIn(name: string, command: string): Promise<number> {
  return (await server.clients()).filter((c) => c['name'] === name && c['cmd'] === command).length;
}

async function connectionsReceived(): Promise<number> {
  return Number((await server.info('stats'))['total_connections_received']);
}

/** Settles with 'pending' if `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([promise, sleep(ms, 'pending' as const, { ref: false })]);
}

/** Tells whether a promise has settled by the time the microtask queue drains. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setImmediate(r));
  return settled;
}

describe('timeouts', () => {
  test('no reply within readTimeout: TimeoutError, the connection is replaced, later replies are correct', async () => {
    const client = open({ clientName: 'to-read', readTimeout: 200, poolSize: 2 });
    await client.set('read:key', 'value');
    const firstId = await client.clientId();

    const err = await client.sendCommand(['DEBUG', 'SLEEP', '0.6']).catch((e: unknown) => e);
    assert.ok(err instanceof TimeoutError, `got ${String(err)}`);
    assert.equal(err.code, 'ERR_TIMEOUT');
    assert.match(err.message, /readTimeout/);
    // No reply came in time: the connection had to go so that its late "+OK" cannot reach anyone.
    assert.equal(client.poolStats().totalConns, 0);

    await server.rawCommand(['PING']); // returns once the server woke up
    assert.equal(await client.get('read:key'), 'value');
    assert.deepEqual(await Promise.all([client.incr('read:n'), client.get('read:key'), client.incr('read:n')]), [
      1,
      'value',
      2,
    ]);
    assert.notEqual(await client.clientId(), firstId);
  });

  test('a per-call timeout shorter than readTimeout keeps the connection; its late reply is dropped', async () => {
    const client = open({ clientName: 'to-call', readTimeout: 3000, poolSize: 1 });
    await client.set('call:key', 'value');
    const id = await client.clientId();
    const received = await connectionsReceived();

    const slow = client.with({ timeout: 50 }).sendCommand(['DEBUG', 'SLEEP', '0.3']);
    // Same tick, same connection, queued behind the slow one: it must get its own reply, not "+OK".
    const behind = client.get('call:key');
    await assert.rejects(slow, (err: unknown) => err instanceof TimeoutError && /late reply/.test(err.message));
    assert.equal(await isSettled(behind), false, 'the caller was released before the server answered');
    assert.equal(await behind, 'value');
    assert.deepEqual(await Promise.all([client.incr('call:n'), client.get('call:key')]), [1, 'value']);

    assert.equal(await client.clientId(), id, 'the same server connection served everything');
    // Only the INFO probe itself connected since: respool opened no new connection.
    assert.equal(await connectionsReceived(), received + 1);
    assert.equal(client.poolStats().staleConns, 0);
  });

  test('a pool timeout gives PoolTimeoutError with the pool figures, and is not retried', async () => {
    const client = open({ clientName: 'to-pool', poolSize: 1, poolTimeout: 200, maxRetries: 3 });
    const results = await client.withConn(async (conn) => {
      await conn.ping();
      const first = client.get('pool:key');
      await new Promise((r) => setImmediate(r)); // a separate batch: a second waiter
      const second = client.get('pool:key');
      const perCall = client.with({ timeout: 50 }).get('pool:key');
      return Promise.all(
        [first, second, perCall].map((p) =>
          p.then(
            () => undefined,
            (e: unknown) => e,
          ),
        ),
      );
    });
    const [first, second, perCall] = results;
    assert.ok(first instanceof PoolTimeoutError, `got ${String(first)}`);
    assert.ok(second instanceof PoolTimeoutError, `got ${String(second)}`);
    assert.equal(first.code, 'ERR_POOL_TIMEOUT');
    assert.equal(first.poolSize, 1);
    assert.equal(first.inUse, 1);
    assert.equal(first.idle, 0);
    assert.equal(first.timeoutMs, 200);
    assert.equal(first.waiters, 1, 'the second get was still waiting when the first timed out');
    assert.equal(second.waiters, 0);
    assert.match(first.message, /poolSize|turns/);
    // The per-call timeout is shorter than poolTimeout and ends the wait as a TimeoutError.
    assert.ok(perCall instanceof TimeoutError, `got ${String(perCall)}`);
    // One PoolTimeoutError per get: a retried get would have timed out again.
    assert.equal(client.poolStats().timeouts, 2);
    assert.equal(await client.ping(), 'PONG');
  });
});

describe('aborts', () => {
  test('a queued command aborted before it is written never runs', async () => {
    const client = open({ clientName: 'ab-queued', poolSize: 1 });
    // Aborted in the same tick: it never left the client's queue.
    const sameTick = new AbortController();
    const early = client.with({ signal: sameTick.signal }).incr('queued:a');
    sameTick.abort(new Error('changed my mind'));
    await assert.rejects(early, AbortError);

    // Aborted while waiting for a turn held by someone else.
    const waiting = new AbortController();
    let late: Promise<number> | undefined;
    await client.withConn(async (conn) => {
      late = client.with({ signal: waiting.signal }).incr('queued:b');
      await waitFor('the INCR to wait for the turn', () => client.poolStats().waiters === 1);
      waiting.abort();
      await assert.rejects(late, (err: unknown) => err instanceof AbortError && err.code === 'ABORT_ERR');
      // Its batch had nobody left to serve: the wait for a turn is cancelled, not kept until poolTimeout.
      assert.equal(client.poolStats().waiters, 0);
      await conn.ping();
    });
    assert.equal(await client.get('queued:a'), null, 'the first INCR never ran');
    assert.equal(await client.get('queued:b'), null, 'the second INCR never ran');
    assert.equal(await client.incr('queued:b'), 1);
  });

  test('a written command aborted: AbortError at once, the connection is kept and later replies are correct', async () => {
    const client = open({ clientName: 'ab-written', poolSize: 1, readTimeout: 3000 });
    const id = await client.clientId();
    const controller = new AbortController();
    const slow = client.sendCommand(['DEBUG', 'SLEEP', '0.3'], { signal: controller.signal });
    const behind = client.incr('written:n');
    await sleep(50); // written, the server is asleep
    controller.abort();
    await assert.rejects(slow, AbortError);
    assert.equal(await isSettled(behind), false, 'rejected before the server answered');
    assert.equal(await behind, 1);
    assert.deepEqual(await Promise.all([client.incr('written:n'), client.get('written:n')]), [2, '2']);
    assert.equal(await client.clientId(), id);
  });

  test('an aborted BLPOP rejects promptly and does not consume a later LPUSH', async () => {
    const name = 'ab-blocking';
    const client = open({ clientName: name });
    const controller = new AbortController();
    const popped = client.with({ signal: controller.signal }).blPop('blocking:list', 0);
    await waitFor('the BLPOP reached the server', async () => (await blockedIn(name, 'blpop')) === 1);
    controller.abort();
    const outcome = await within(
      popped.then(
        () => 'resolved',
        (e: unknown) => e,
      ),
      2000,
    );
    assert.ok(outcome instanceof AbortError, `got ${String(outcome)}`);
    // Its connection is closed (its reply could come at any time) and the server sees it go.
    await waitFor('the abandoned BLPOP connection closed', async () => (await blockedIn(name, 'blpop')) === 0);
    assert.equal(client.poolStats().blocking?.totalConns, 0);
    // A BLPOP still blocked on the server would be served during the LPUSH, before its reply.
    assert.equal(await client.lPush('blocking:list', 'item'), 1);
    assert.equal(await client.lLen('blocking:list'), 1, 'the item is still there');
    assert.equal(await client.lPop('blocking:list'), 'item');
  });

  test('close() while a BLPOP 0 is pending rejects it with ClientClosedError at once and resolves', async () => {
    const name = 'close-blocking';
    const client = open({ clientName: name });
    await client.ping();
    const popped = client.blPop('close:list', 0).then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await waitFor('the BLPOP reached the server', async () => (await blockedIn(name, 'blpop')) === 1);
    const closing = client.close();
    const outcome = await within(popped, 2000);
    assert.ok(outcome instanceof ClientClosedError, `got ${String(outcome)}`);
    assert.equal(await within(closing, 2000), undefined, 'close() resolved');
    assert.equal(client.poolStats().totalConns, 0);
    assert.equal(client.poolStats().blocking?.totalConns, 0);
    await assert.rejects(client.ping(), ClientClosedError);
    await waitFor('the server saw every connection go', async () => (await blockedIn(name, 'blpop')) === 0);
  });
});
