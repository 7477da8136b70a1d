/**
 * The server vanishes (SIGKILL) and comes back on the same port. Callers get typed errors, nothing
 * hangs, writes are never run twice, reads are retried where that is safe, and the pool recovers
 * by itself: through the dial-error gate's probe when every dial had failed.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { ConnectionError, createClient, type ClientOptions, type RedisClient } from '../../src/index.js';
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

/** The value, or the error it rejected with (a handler is attached at once). */
function outcome<T>(promise: Promise<T>): Promise<T | unknown> {
  return promise.catch((e: unknown) => e);
}

function succeeds(promise: Promise<unknown>): Promise<boolean> {
  return promise.then(
    () => true,
    () => false,
  );
}

describe('server killed and restarted', () => {
  test('under traffic: typed errors only, nothing hangs, the pool recovers by itself', async () => {
    const client = open({
      clientName: 'restart-traffic',
      poolSize: 4,
      readTimeout: 1000,
      dialerRetries: 1,
      maxRetryBackoff: 100,
    });
    let stop = false;
    let successes = 0;
    const errors: unknown[] = [];
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        try {
          const key = `traffic:${w}`;
          await client.set(key, String(i));
          assert.equal(await client.get(key), String(i), 'a read sees its own worker’s last write');
          successes++;
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          errors.push(err);
          await sleep(20);
        }
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    await waitFor('traffic flowing', () => successes >= 40);
    await server.kill();
    await waitFor('callers saw the outage', () => errors.length >= 4);
    const errorsWhileDown = errors.length;
    await server.restart();
    const atRestart = successes;
    await waitFor('traffic flowing again after the restart', () => successes >= atRestart + 40, 5000);
    stop = true;
    const ended = await Promise.race([Promise.all(workers).then(() => 'done'), sleep(5000, 'hung', { ref: false })]);
    assert.equal(ended, 'done', 'every worker’s command settled');

    assert.ok(errorsWhileDown >= 4);
    for (const err of errors) {
      assert.ok(err instanceof ConnectionError, `a typed connection error, got ${String(err)}`);
      assert.equal(err.code, 'ERR_CONNECTION');
    }
    assert.ok(
      errors.some((e) => (e as Error).message.includes(`${server.host}:${server.port}`)),
      'errors name the address',
    );
    const stats = client.poolStats();
    assert.equal(stats.dialErrors, 0, 'the dial-error count was reset by the first successful dial');
    assert.equal(stats.totalConns, stats.idleConns + stats.inUse);
  });

  test('in-flight commands: a write fails with ConnectionError and is not re-run; reads are retried', async () => {
    const client = open({
      clientName: 'restart-inflight',
      readTimeout: 3000,
      maxRetries: 3,
      minRetryBackoff: 100,
      maxRetryBackoff: 400,
    });
    await client.set('inflight:key', 'before');
    server.pause(); // commands written now wait for a reply that the kill turns into a reset
    const read = outcome(client.get('inflight:key'));
    const write = outcome(client.incr('inflight:counter'));
    const markedIdempotent = outcome(client.with({ idempotent: true }).sendCommand(['SET', 'inflight:marked', 'x']));
    await sleep(100);
    await server.kill();

    const writeError = await write;
    assert.ok(writeError instanceof ConnectionError && writeError.cause !== undefined, `got ${String(writeError)}`);
    assert.equal(writeError.duringDial, false, 'it failed on an open connection, after the write');
    await server.restart();
    // The read and the idempotent write were retried, on the new (empty) server.
    assert.equal(await read, null);
    assert.equal(await markedIdempotent, 'OK');
    assert.equal(await client.get('inflight:marked'), 'x');
    // The INCR was written once and failed: it must not have been sent again to the new server.
    assert.equal(await client.get('inflight:counter'), null);
  });

  test('after poolSize failed dials a get fails fast with the last dial error; the probe recovers', async () => {
    const client = open({ clientName: 'restart-gate', poolSize: 2, maxRetries: 0, dialerRetries: 1 });
    assert.equal(await client.ping(), 'PONG');
    await server.kill();
    await waitFor('the idle connection left the pool', () => client.poolStats().totalConns === 0);

    const first = await client.ping().catch((e: unknown) => e);
    const second = await client.ping().catch((e: unknown) => e);
    for (const err of [first, second]) {
      assert.ok(err instanceof ConnectionError, `got ${String(err)}`);
      assert.ok(err.message.includes(`${server.host}:${server.port}`), err.message);
    }
    assert.notEqual(first, second, 'two separate dials failed');
    assert.equal(client.poolStats().dialErrors, 2);
    const missesBefore = client.poolStats().misses;

    // The gate is open: no dial at all, the same error object comes back.
    const third = await client.ping().catch((e: unknown) => e);
    const fourth = await client.get('gate:key').catch((e: unknown) => e);
    assert.equal(third, second);
    assert.equal(fourth, second);
    assert.equal(client.poolStats().misses, missesBefore, 'no dial was attempted');

    await server.restart();
    // Nobody dials but the probe (about once a second); once it connects, gets dial again.
    await waitFor('the probe closed the gate', async () => await succeeds(client.ping()), 5000);
    assert.equal(client.poolStats().dialErrors, 0);
    assert.equal(await client.set('gate:key', 'v'), 'OK');
    assert.equal(await client.get('gate:key'), 'v');
  });
});
