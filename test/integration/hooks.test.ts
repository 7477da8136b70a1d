import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, ReplyError, type Hook, type PoolEvents } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

test('process hooks wrap each other in the order they were added and can alter commands', async () => {
  await using client = createClient({ port: server.port });
  const order: string[] = [];
  const outer: Hook = {
    process: (next) => async (command, options) => {
      order.push(`outer>${String(command.args[0])}`);
      const result = await next(command, options);
      order.push('outer<');
      return result;
    },
  };
  const inner: Hook = {
    process: (next) => (command, options) => {
      order.push('inner');
      // Rewrites every GET of 'alias' into a GET of 'real'.
      if (command.args[0] === 'GET' && command.args[1] === 'alias') {
        return next({ ...command, args: ['GET', 'real'] }, options);
      }
      return next(command, options);
    },
  };
  client.addHook(outer);
  client.addHook(inner);
  await client.set('real', 'value');
  assert.equal(await client.get('alias'), 'value');
  assert.deepEqual(order, ['outer>SET', 'inner', 'outer<', 'outer>GET', 'inner', 'outer<']);
  client.removeHook(inner);
  assert.equal(await client.get('alias'), null);
});

test('an error thrown in a hook reaches the caller and leaks no connection', async () => {
  await using client = createClient({ port: server.port, poolSize: 2 });
  const failing: Hook = {
    process: (next) => async (command, options) => {
      if (command.args[0] === 'GET') throw new Error('hook refused');
      return next(command, options);
    },
    processPipeline: (next) => async (commands, kind) => {
      const replies = await next(commands, kind);
      if (kind === 'multi') throw new Error('pipeline hook refused');
      return replies;
    },
  };
  client.addHook(failing);
  for (let i = 0; i < 10; i++) await assert.rejects(client.get('k'), /hook refused/);
  for (let i = 0; i < 5; i++) await assert.rejects(client.multi().set('k', '1').exec(), /pipeline hook refused/);
  assert.deepEqual(await client.pipeline().set('k', '2').get('k').exec(), ['OK', '2']);
  const stats = client.poolStats();
  assert.equal(stats.inUse, 0);
  assert.equal(stats.totalConns, stats.idleConns);
  assert.ok(stats.totalConns <= 2);
});

test('pipeline hooks see the commands and the kind', async () => {
  await using client = createClient({ port: server.port });
  const seen: string[] = [];
  client.addHook({
    processPipeline: (next) => (commands, kind) => {
      seen.push(`${kind}:${commands.map((c) => String(c.args[0])).join(',')}`);
      return next(commands, kind);
    },
  });
  await client.pipeline().set('p', '1').get('p').exec();
  await client.multi().incr('p').exec();
  assert.deepEqual(seen, ['pipeline:SET,GET', 'multi:INCR']);
});

test('dial hooks wrap every new connection; pool events report connect, close, stale and dial errors', async () => {
  const events: string[] = [];
  const client = createClient({ port: server.port, connMaxIdleTime: 100 });
  let dials = 0;
  client.addHook({
    dial: (next) => async (info) => {
      dials++;
      const conn = await next(info);
      assert.ok(conn.serverId > 0);
      return conn;
    },
  });
  client.on('connect', (e: PoolEvents['connect']) => events.push(`connect:${e.pool}`));
  client.on('close', (e) => events.push(`close:${e.reason}`));
  client.on('stale', (e) => events.push(`stale:${e.reason}`));
  await client.ping();
  assert.equal(dials, 1);
  // The idle connection expires (connMaxIdleTime 100 ms) and the sweep or the next checkout drops it.
  const deadline = Date.now() + 5000;
  while (!events.includes('stale:idle') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(events.includes('stale:idle'), events.join(' '));
  assert.ok(events.includes('connect:main pool'));
  await client.close();

  const unreachable = createClient({ port: 1, maxRetries: 0, dialerRetries: 1 });
  const errors: PoolEvents['dialError'][] = [];
  unreachable.on('dialError', (e) => errors.push(e));
  await assert.rejects(unreachable.ping(), { code: 'ERR_CONNECTION', duringDial: true });
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.address, /:1$/);
  await unreachable.close();
});

test('poolTimeout events fire when a command waits too long for a turn', async () => {
  const client = createClient({ port: server.port, poolSize: 1, poolTimeout: 100, blockingPoolSize: 0 });
  const timeouts: PoolEvents['poolTimeout'][] = [];
  client.on('poolTimeout', (e) => timeouts.push(e));
  await client.withConn(async () => {
    await assert.rejects(client.get('x'), { code: 'ERR_POOL_TIMEOUT' });
  });
  assert.equal(timeouts.length, 1);
  assert.ok(!(timeouts[0]!.error instanceof ReplyError));
  await client.close();
});

test('the pub/sub connection goes through the dial hooks and shows in the events as pool pubsub', async () => {
  const client = createClient({ port: server.port });
  const dials: string[] = [];
  const events: string[] = [];
  client.addHook({
    dial: (next) => (info) => {
      dials.push(info.pool);
      return next(info);
    },
  });
  client.on('connect', (e) => events.push(`connect:${e.pool}`));
  client.on('close', (e) => events.push(`close:${e.pool}:${e.reason}`));
  const subscription = await client.subscribe('hooked', () => {});
  assert.deepEqual(dials, ['pubsub']);
  assert.deepEqual(events, ['connect:pubsub']);
  await subscription.unsubscribe();
  assert.deepEqual(events, ['connect:pubsub', 'close:pubsub:unsubscribed']);
  await client.close();
});
