/**
 * A server that lies: malformed RESP, replies to commands never sent, push frames between replies,
 * a 1 GB bulk length, connections closed the moment they are accepted. The connection that saw the
 * lie is discarded with a ProtocolError (or the matching typed error), nobody receives a reply meant
 * for another command, and the other connections keep serving throughout.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  ConnectionError,
  createClient,
  ProtocolError,
  TimeoutError,
  type ClientOptions,
  type PinnedConnection,
  type RedisClient,
} from '../../src/index.js';
import { bulk, FakeServer } from '../helpers/fake-server.js';

let fake: FakeServer;
const clients: RedisClient[] = [];

before(async () => {
  fake = await FakeServer.start();
});
beforeEach(() => {
  fake.onAccept = undefined;
  fake.onCommand = undefined;
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fake.close();
});

function open(options: ClientOptions = {}): RedisClient {
  const client = createClient({ host: fake.host, port: fake.port, poolSize: 4, maxRetries: 0, ...options });
  clients.push(client);
  return client;
}

async function waitFor(what: string, check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for: ${what}`);
    await sleep(10);
  }
}

function assertStatsConsistent(client: RedisClient): void {
  const s = client.poolStats();
  assert.equal(s.totalConns, s.idleConns + s.inUse, JSON.stringify(s));
  assert.ok(s.inUse >= 0 && s.turnsInUse >= 0 && s.waiters >= 0 && s.pendingRequests >= 0, JSON.stringify(s));
}

/**
 * Pins one connection and keeps it busy with ECHOs until `done` resolves: a bystander that must be
 * served throughout, whatever happens on the other connections.
 */
async function bystander(client: RedisClient, done: Promise<unknown>): Promise<number> {
  return client.withConn(async (conn: PinnedConnection) => {
    let finished = false;
    void done.finally(() => (finished = true));
    let served = 0;
    while (!finished) {
      const token = `bystander:${served}`;
      assert.equal(await conn.echo(token), token);
      served++;
      await sleep(2);
    }
    return served;
  });
}

const outcome = (p: Promise<unknown>) => p.catch((e: unknown) => e);

describe('hostile server', () => {
  test('malformed RESP: that caller gets a ProtocolError, its connection is discarded, others keep serving', async () => {
    fake.onCommand = (cmd) => (cmd[0] === 'GET' && cmd[1] === 'poison' ? '?this is not RESP\r\n' : undefined);
    const client = open();
    await client.set('fine', 'value');
    const poisoned = outcome(sleep(30).then(() => client.get('poison')));
    const served = bystander(client, poisoned);
    const err = await poisoned;
    assert.ok(err instanceof ProtocolError, `got ${String(err)}`);
    assert.equal(err.code, 'ERR_PROTOCOL');
    assert.ok((await served) > 0, 'the bystander connection served meanwhile');
    const seen = fake.connections.find((c) => c.commands.some((cmd) => cmd[1] === 'poison'));
    await waitFor('the poisoned connection was closed by the client', () => seen?.closed === true);
    assert.deepEqual(await Promise.all([client.get('fine'), client.echo('after'), client.get('fine')]), [
      'value',
      'after',
      'value',
    ]);
    assertStatsConsistent(client);
  });

  test('a command batched behind the malformed reply fails too, never with a wrong value', async () => {
    fake.onCommand = (cmd) => (cmd[0] === 'GET' && cmd[1] === 'poison' ? '$3\r\nabcXY' : undefined);
    const client = open({ poolSize: 1 });
    await client.set('fine', 'value');
    const [a, poisoned, b] = await Promise.all([
      outcome(client.get('fine')),
      outcome(client.get('poison')),
      outcome(client.get('fine')),
    ]);
    assert.equal(a, 'value', 'the reply before the bad bytes was good');
    assert.ok(poisoned instanceof ProtocolError, `got ${String(poisoned)}`);
    assert.ok(b instanceof ProtocolError || b instanceof ConnectionError, `got ${String(b)}`);
    assert.equal(await client.get('fine'), 'value');
    assertStatsConsistent(client);
  });

  test('a reply to a command never sent (in the same chunk): the caller gets its own, the connection goes', async () => {
    fake.onCommand = (cmd) => (cmd[0] === 'ECHO' && cmd[1] === 'twice' ? bulk('twice') + bulk('stray') : undefined);
    const closes: string[] = [];
    const client = open({ onClose: ({ reason }) => closes.push(reason) });
    assert.equal(await client.echo('twice'), 'twice');
    await waitFor('the connection with the stray reply was closed', () => closes.length === 1);
    assert.equal(client.poolStats().totalConns, 0);
    assert.equal(await client.echo('next'), 'next', 'the stray reply never reaches the next command');
    assertStatsConsistent(client);
  });

  // Regression: the reply freed the connection for a waiter within the same chunk, then the stray bytes closed
  // it; the pool saw it in use and kept it, so its turn leaked and (poolSize 1) every later call timed out.
  test('stray bytes right behind the reply that hands the connection to a waiter: no turn leaks', async () => {
    fake.onCommand = (cmd) => (cmd[0] === 'ECHO' && cmd[1] === 'split' ? `${bulk('split')}$5\r\nst` : undefined);
    const client = open({ poolSize: 1, poolTimeout: 1000 });
    assert.equal(await client.ping(), 'PONG');
    const first = client.echo('split');
    await new Promise((r) => setImmediate(r));
    const waiting = client.echo('waiting'); // a second batch: it waits for the only turn
    assert.equal(await first, 'split');
    assert.equal(await waiting, 'waiting', 'served by a fresh connection, not the poisoned one');
    assert.equal(await client.echo('later'), 'later');
    assertStatsConsistent(client);
    assert.equal(client.poolStats().turnsInUse, 0);
    assert.equal(client.poolStats().totalConns, 1);
  });

  test('a stray reply on an idle connection: discarded before anyone uses it', async () => {
    const client = open({ poolSize: 1 });
    assert.equal(await client.echo('one'), 'one');
    const idle = fake.connections[fake.connections.length - 1]!;
    idle.write(bulk('stray'));
    await waitFor('the idle connection was dropped', () => idle.closed);
    assert.equal(client.poolStats().totalConns, 0);
    assert.equal(await client.echo('two'), 'two');
    assert.equal(client.poolStats().staleConns, 1);
    assertStatsConsistent(client);
  });

  test('push frames between the replies of a pipeline are consumed; every entry gets its own reply', async () => {
    const push = '>3\r\n+message\r\n+chan\r\n+payload\r\n';
    fake.onCommand = (cmd) => (cmd[0] === 'ECHO' ? push + bulk(cmd[1] ?? '') + push : undefined);
    const client = open({ poolSize: 1 });
    const replies = await client.pipeline().echo('a').get('none').echo('b').echo('c').exec();
    assert.deepEqual(replies, ['a', null, 'b', 'c']);
    const batched = await Promise.all([client.echo('x'), client.echo('y'), client.get('none')]);
    assert.deepEqual(batched, ['x', 'y', null]);
    // RESP3 allows pushes at any time (tracking, pub/sub): the connection stays in service.
    assert.equal(client.poolStats().totalConns, 1);
    assert.equal(client.poolStats().staleConns, 0);
  });

  test('a 1 GB bulk length: ProtocolError at once, nothing allocated, others keep serving', async () => {
    fake.onCommand = (cmd) => (cmd[0] === 'GET' && cmd[1] === 'huge' ? `$${2 ** 30}\r\nstart of it` : undefined);
    const client = open();
    const before = process.memoryUsage().arrayBuffers;
    const huge = outcome(sleep(30).then(() => client.get('huge')));
    const served = bystander(client, huge);
    const err = await huge;
    assert.ok(err instanceof ProtocolError, `got ${String(err)}`);
    assert.match(err.message, /maxBulkLength/);
    assert.ok((await served) > 0);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20, 'no large buffer was allocated');
    assert.equal(await client.echo('after'), 'after');
    assertStatsConsistent(client);
  });

  test('a 1 GB bulk within a raised maxBulkLength that never arrives: TimeoutError, memory stays flat', async () => {
    const chunk = Buffer.alloc(256 * 1024, 'x');
    fake.onCommand = (cmd, conn) => {
      if (cmd[0] !== 'GET' || cmd[1] !== 'huge') return undefined;
      conn.write(`$${2 ** 30}\r\n`);
      for (let i = 0; i < 8; i++) conn.write(chunk); // 2 MB of the promised 1 GB, then silence
      return null;
    };
    const client = open({ maxBulkLength: 2 ** 31, readTimeout: 300 });
    const before = process.memoryUsage().arrayBuffers;
    const err = await outcome(client.get('huge'));
    assert.ok(err instanceof TimeoutError, `got ${String(err)}`);
    assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 2 ** 20, 'memory grew with the bytes received only');
    assert.equal(await client.echo('after'), 'after');
    assertStatsConsistent(client);
  });

  test('every connection closed right after accept: ConnectionError, bounded attempts, recovery after', async () => {
    fake.onAccept = (conn) => conn.close();
    const client = open({ poolSize: 2, dialerRetries: 3, dialerRetryTimeout: 20 });
    const acceptedBefore = fake.accepted;
    const errors = await Promise.all(Array.from({ length: 20 }, () => outcome(client.ping())));
    for (const err of errors) {
      assert.ok(err instanceof ConnectionError, `got ${String(err)}`);
      assert.match(err.message, new RegExp(`${fake.host}:${fake.port}`));
    }
    // 20 calls in one tick are one batch: one dial of 3 attempts, not 20 × 3.
    assert.ok(fake.accepted - acceptedBefore <= 3, `${fake.accepted - acceptedBefore} attempts`);
    const spread = [];
    for (let i = 0; i < 10; i++) spread.push(await outcome(client.ping()));
    assert.ok(spread.every((e) => e instanceof ConnectionError));
    // poolSize (2) failed dials trip the gate: from then on only the probe dials, once a second.
    assert.ok(fake.accepted - acceptedBefore <= 2 * 3 + 1, `${fake.accepted - acceptedBefore} attempts`);
    fake.onAccept = undefined;
    await waitFor('the probe reopened the pool', () => client.poolStats().dialErrors === 0, 3000);
    assert.equal(await client.ping(), 'PONG');
  });

  // Regression: the retry backoff timer was unref'ed, so a script whose only work was that command exited
  // (code 13, "unsettled top-level await") in the middle of the backoff instead of retrying.
  test('a command waiting out a retry backoff keeps the process alive', async () => {
    let firstRefused = false;
    fake.onAccept = (conn) => {
      if (firstRefused) return;
      firstRefused = true;
      conn.close();
    };
    const src = new URL('../../src/index.ts', import.meta.url).href;
    const script = [
      `import { createClient } from ${JSON.stringify(src)};`,
      `const client = createClient({ host: '127.0.0.1', port: ${fake.port}, dialerRetries: 1, maxRetries: 2,`,
      `  minRetryBackoff: 300, maxRetryBackoff: 300 });`,
      `console.log(await client.ping());`,
      `await client.close();`,
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.ok(firstRefused, 'the first connection was refused');
    assert.equal(code, 0, output);
    assert.equal(output.trim(), 'PONG');
  });
});
