// Server and admin commands (ACL, LATENCY, MEMORY, SLOWLOG, ROLE, COMMAND, CLIENT, replication) against a
// real redis-server, under RESP2 and RESP3; commands newer than the server are skipped by asking it
// (COMMAND INFO), and their replies are checked against a scripted server instead.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { createClient, InvalidArgumentError, ReplyError, type RedisClient } from '../../src/index.js';
import { FakeServer } from '../helpers/fake-server.js';
import { RedisServer } from '../helpers/redis-server.js';
import { waitFor, within } from '../helpers/wait.js';

const { version: PACKAGE_VERSION } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Whether the server knows a command or subcommand (`'waitaof'`, `'client|setinfo'`), asked with COMMAND INFO. */
async function serverHas(client: RedisClient, name: string): Promise<boolean> {
  const [top = name, sub] = name.split('|');
  const [info] = await client.commandInfo(top);
  if (info === null || info === undefined) return false;
  return sub === undefined || info.subcommands.some((s) => s.name === name);
}

let server: RedisServer;
let aclDir: string;
before(async () => {
  // An ACL file, so that ACL SAVE and ACL LOAD have somewhere to write and read.
  const dir = (aclDir = mkdtempSync(path.join(tmpdir(), 'respool-acl-')));
  const aclFile = path.join(dir, 'users.acl');
  writeFileSync(aclFile, '');
  server = await RedisServer.start({ args: ['--aclfile', aclFile] });
});
after(async () => {
  await server.stop();
  rmSync(aclDir, { recursive: true, force: true });
});

for (const protocol of [2, 3] as const) {
  describe(`admin commands over RESP${protocol}`, () => {
    let client: RedisClient;
    const name = `admin-resp${protocol}`;
    const user = `user-resp${protocol}`;
    before(async () => {
      client = createClient({ url: server.url, protocol, clientName: name });
      assert.equal((await client.clientInfo())['resp'], String(protocol));
    });
    after(async () => {
      await client.close();
    });

    test('ACL: users, rules, dry runs, the log, the ACL file', async () => {
      assert.equal(await client.aclSetUser(user, ['on', '>secret', '~k*', '&ch', '+get', '(+set ~foo)']), 'OK');
      const got = await client.aclGetUser(user);
      assert.ok(got !== null);
      // 'on', and whatever else the server adds by default (7.4 adds 'sanitize-payload'); never 'off'.
      assert.ok(got.flags.includes('on') && !got.flags.includes('off'), String(got.flags));
      assert.equal(got.passwords.length, 1);
      assert.match(got.passwords[0]!, /^[0-9a-f]{64}$/);
      assert.equal(got.commands, '-@all +get');
      assert.equal(got.keys, '~k*');
      assert.equal(got.channels, '&ch');
      assert.deepEqual(got.selectors, [{ commands: '-@all +set', keys: '~foo', channels: '' }]);
      assert.equal(await client.aclGetUser('nobody-at-all'), null);
      assert.ok((await client.aclUsers()).includes(user));
      assert.ok((await client.aclList()).some((line) => line.startsWith(`user ${user} on `)));
      assert.ok((await client.aclCat()).includes('read'));
      assert.ok((await client.aclCat('hyperloglog')).includes('pfadd'));
      assert.equal(await client.aclDryRun(user, ['GET', 'kx']), 'OK');
      assert.match(await client.aclDryRun(user, ['SET', 'x', '1']), /no permissions/);
      assert.match(await client.aclGenPass(), /^[0-9a-f]{64}$/);
      assert.match(await client.aclGenPass(32), /^[0-9a-f]{8}$/);
      assert.equal(await client.aclWhoAmI(), 'default');

      assert.equal(await client.aclLogReset(), 'OK');
      assert.match(await server.rawCommand(['AUTH', user, 'wrong']), /WRONGPASS/);
      const [entry] = await client.aclLog(1);
      assert.ok(entry !== undefined);
      assert.equal(entry.reason, 'auth');
      assert.equal(entry.username, user);
      assert.equal(entry.object, 'AUTH');
      assert.equal(entry.context, 'toplevel');
      assert.ok(entry.count >= 1 && entry.ageSeconds >= 0);
      assert.match(entry.clientInfo['addr'] ?? '', /^127\.0\.0\.1:\d+$/);

      assert.equal(await client.aclSave(), 'OK');
      assert.equal(await client.aclDelUser([user, 'nobody-at-all']), 1);
      assert.equal(await client.aclLoad(), 'OK');
      assert.ok((await client.aclUsers()).includes(user), 'ACL LOAD brought the saved user back');
      assert.equal(await client.aclDelUser(user), 1);
      assert.equal(await client.aclSave(), 'OK');
    });

    test('LATENCY: events, history, graph, histogram, reset', async () => {
      await client.configSet('latency-monitor-threshold', '1');
      await client.latencyReset();
      await client.sendCommand(['DEBUG', 'SLEEP', '0.02']);
      const [latest] = await client.latencyLatest();
      assert.equal(latest?.event, 'command');
      assert.ok(latest.latestMs >= 20 && latest.maxMs >= latest.latestMs && latest.timestamp > 1e9);
      const history = await client.latencyHistory('command');
      assert.ok(history.length >= 1 && history[0]!.latencyMs >= 20 && history[0]!.timestamp > 1e9);
      assert.match(await client.latencyGraph('command'), /^command - high \d+ ms/);
      assert.ok((await client.latencyDoctor()).length > 0);
      await client.set(`lat:${protocol}`, 'v');
      const histograms = await client.latencyHistogram(['set', 'config']);
      assert.ok(histograms['set']!.calls >= 1);
      assert.ok(histograms['config|set']!.calls >= 1, 'subcommands are keyed container|sub');
      const buckets = Object.entries(histograms['set']!.histogramUsec);
      assert.ok(buckets.length > 0 && buckets.every(([bound, n]) => /^\d+$/.test(bound) && n >= 1));
      assert.equal(await client.latencyReset('command'), 1);
      assert.deepEqual(await client.latencyLatest(), []);
      await client.configSet('latency-monitor-threshold', '0');
    });

    test('MEMORY: stats with numbers and per-database records, doctor, purge', async () => {
      await client.set(`mem:${protocol}`, 'v');
      const stats = await client.memoryStats();
      assert.equal(typeof stats['keys.count'], 'number');
      assert.ok((stats['keys.count'] as number) >= 1);
      const percentage = stats['dataset.percentage'];
      assert.ok(typeof percentage === 'number' && percentage > 0 && percentage <= 100, 'doubles are numbers');
      const db0 = stats['db.0'];
      assert.ok(typeof db0 === 'object' && typeof db0['overhead.hashtable.main'] === 'number');
      assert.ok((await client.memoryDoctor()).length > 0);
      assert.ok((await client.memoryMallocStats()).length > 0);
      assert.equal(await client.memoryPurge(), 'OK');
    });

    test('SLOWLOG: entries with their command and client, length, reset', async () => {
      await client.configSet('slowlog-log-slower-than', '0');
      try {
        assert.equal(await client.slowlogReset(), 'OK');
        await client.set(`slow:${protocol}`, 'v');
        const entries = await client.slowlogGet(-1);
        const mine = entries.find((e) => e.args[0] === 'SET' && e.args[1] === `slow:${protocol}`);
        assert.ok(mine !== undefined, 'the SET is in the slow log');
        assert.deepEqual(mine.args, ['SET', `slow:${protocol}`, 'v']);
        assert.ok(mine.durationUs >= 0 && mine.timestamp > 1e9 && mine.id >= 0);
        assert.match(mine.clientAddress, /^127\.0\.0\.1:\d+$/);
        assert.equal(mine.clientName, name);
        assert.ok((await client.slowlogLen()) >= 1);
        assert.equal((await client.slowlogGet(1)).length, 1);
      } finally {
        await client.configSet('slowlog-log-slower-than', '10000');
      }
    });

    test('COMMAND: count, info, docs, keys, list', async () => {
      const count = await client.commandCount();
      assert.ok(count > 200);
      const everything = await client.commandInfo();
      assert.equal(everything.length, count);
      const [get, clientCommand, unknown] = await client.commandInfo(['get', 'client', 'no-such-command']);
      assert.equal(unknown, null);
      assert.equal(get?.name, 'get');
      assert.equal(get.arity, 2);
      assert.ok(get.flags.includes('readonly') && get.aclCategories.includes('@read'));
      assert.deepEqual([get.firstKey, get.lastKey, get.step], [1, 1, 1]);
      assert.deepEqual(get.keySpecs[0]?.beginSearch, { type: 'index', spec: { index: 1 } });
      assert.equal(get.keySpecs[0]?.findKeys.type, 'range');
      assert.ok(clientCommand?.subcommands.some((s) => s.name === 'client|kill'));

      const docs = await client.commandDocs(['set', 'object']);
      assert.equal(docs['set']?.group, 'string');
      assert.ok(docs['set']?.history?.every((h) => h.length === 2 && /^\d+\.\d+\.\d+$/.test(h[0])));
      assert.deepEqual(docs['set']?.arguments?.[0], { name: 'key', type: 'key', keySpecIndex: 0, ...keyDisplay(docs) });
      assert.ok(docs['set']?.arguments?.some((a) => a.type === 'oneof' && a.arguments !== undefined));
      assert.ok(docs['object']?.subcommands?.['object|encoding']?.summary !== undefined);

      assert.deepEqual(await client.commandGetKeys(['SET', 'k', 'v']), ['k']);
      assert.deepEqual(await client.commandGetKeysAndFlags(['LMOVE', 'a', 'b', 'LEFT', 'RIGHT']), [
        { key: 'a', flags: ['RW', 'access', 'delete'] },
        { key: 'b', flags: ['RW', 'insert'] },
      ]);
      const all = await client.commandList();
      assert.ok(all.includes('get') && all.includes('client|kill'));
      assert.ok((await client.commandList({ pattern: 'cl*' })).includes('cluster'));
      assert.ok((await client.commandList({ aclCat: 'hyperloglog' })).includes('pfadd'));
      assert.deepEqual(await client.commandList({ module: 'no-such-module' }), []);
    });

    test('CLIENT: tracking info, redirect, pause, unblock', async () => {
      assert.deepEqual(await client.clientTrackingInfo(), { flags: ['off'], redirect: -1, prefixes: [] });
      assert.equal(await client.clientGetRedir(), -1);
      assert.equal(await client.clientPause(5000, 'WRITE'), 'OK');
      assert.equal(await client.clientUnpause(), 'OK');
      assert.equal(await client.get('nothing-paused'), null);

      // A blocked BLPOP on the blocking pool, ended by CLIENT UNBLOCK from the main pool.
      const list = `unblock:${protocol}`;
      const blocked = client.blPop(list, 0);
      let blockedId = '';
      await waitFor('the BLPOP to block', async () => {
        const entry = (await client.clientList()).find((c) => c['cmd'] === 'blpop' && c['name'] === name);
        blockedId = entry?.['id'] ?? '';
        return blockedId !== '';
      });
      assert.equal(await client.clientUnblock(Number(blockedId)), true);
      assert.equal(await within('BLPOP to end', blocked), null, 'unblocked as if it timed out');
      assert.equal(await client.clientUnblock(Number(blockedId)), false, 'no longer blocked');
      const failing = client.blPop(list, 0);
      await waitFor('the BLPOP to block again', async () =>
        (await client.clientList()).some((c) => c['cmd'] === 'blpop' && c['name'] === name),
      );
      const again = (await client.clientList()).find((c) => c['cmd'] === 'blpop' && c['name'] === name)!;
      assert.equal(await client.clientUnblock(Number(again['id']), 'ERROR'), true);
      await assert.rejects(failing, (err: unknown) => err instanceof ReplyError && err.code === 'UNBLOCKED');
    });

    test('pinned connections: tracking, caching, no-evict; their methods are absent elsewhere', async () => {
      const otherId = await client.clientId();
      await client.withConn(async (conn) => {
        // RESP2 connections cannot receive invalidations themselves: they redirect them.
        const redirect = protocol === 2 ? { redirect: otherId } : {};
        assert.equal(await conn.clientTracking(true, { ...redirect, bcast: true, prefixes: ['a:', 'b:'] }), 'OK');
        const info = await conn.clientTrackingInfo();
        assert.ok(info.flags.includes('on') && info.flags.includes('bcast'));
        assert.deepEqual(info.prefixes.sort(), ['a:', 'b:']);
        assert.equal(await conn.clientGetRedir(), protocol === 2 ? otherId : 0);
        assert.equal(await conn.clientTracking(false), 'OK');
        assert.equal(await conn.clientTracking(true, { ...redirect, optIn: true }), 'OK');
        assert.equal(await conn.clientCaching(true), 'OK');
        assert.equal(await conn.get('tracked'), null);
        assert.equal(await conn.clientNoEvict(true), 'OK');
        assert.match((await conn.clientInfo())['flags'] ?? '', /e/);
      });
      assert.equal('clientTracking' in client.pipeline(), false);
    });

    test('refused everywhere: SCRIPT DEBUG and CLIENT REPLY OFF, with the reason', async () => {
      await assert.rejects(client.sendCommand(['SCRIPT', 'DEBUG', 'YES']), /redis-cli --ldb/);
      await client.withConn(async (conn) => {
        await assert.rejects(async () => conn.sendCommand(['CLIENT', 'REPLY', 'OFF']), InvalidArgumentError);
        await assert.rejects(async () => conn.sendCommand(['SCRIPT', 'DEBUG', 'SYNC']), InvalidArgumentError);
        assert.equal(await conn.sendCommand(['CLIENT', 'REPLY', 'ON']), 'OK');
        assert.equal(await conn.ping(), 'PONG', 'the connection still answers');
      });
      assert.throws(() => client.pipeline().sendCommand(['CLIENT', 'REPLY', 'SKIP']), /wrong callers/);
    });

    test('ROLE, CONFIG REWRITE, BGSAVE, BGREWRITEAOF, MODULE LIST, LOLWUT', async () => {
      const role = await client.role();
      assert.equal(role.role, 'master');
      assert.ok(role.role === 'master' && role.replicationOffset >= 0 && Array.isArray(role.replicas));
      // The test server runs without a config file: the server's refusal shows the command reached it.
      await assert.rejects(client.configRewrite(), /config file/i);
      await waitForNoChild(client);
      assert.match(await client.bgSave(), /^Background saving started/);
      await waitForNoChild(client);
      assert.match(await client.bgRewriteAof(), /^Background append only file rewriting/);
      // SCHEDULE waits for the rewrite instead of failing (or starts at once when it is already done).
      assert.match(await client.bgSave({ schedule: true }), /^Background saving (started|scheduled)/);
      await waitForNoChild(client);
      assert.deepEqual(await client.moduleList(), []);
      assert.match(await client.lolwut(), /Redis ver\./);
      assert.match(await client.lolwut(5), /Redis ver\./);
    });

    test('handshake: CLIENT SETINFO names respool and its version where the server knows it', async (t) => {
      if (!(await serverHas(client, 'client|setinfo'))) {
        t.skip('CLIENT SETINFO needs Redis 7.2');
        return;
      }
      const me = await client.clientInfo();
      assert.equal(me['lib-name'], 'respool');
      assert.equal(me['lib-ver'], PACKAGE_VERSION);
      await client.withConn(async (conn) => {
        assert.equal(await conn.clientSetInfo('LIB-NAME', 'respool-app'), 'OK');
        assert.equal((await conn.clientInfo())['lib-name'], 'respool-app');
        assert.equal(await conn.clientNoTouch(true), 'OK');
      });
    });

    test('WAITAOF where the server has it', async (t) => {
      if (!(await serverHas(client, 'waitaof'))) {
        t.skip('WAITAOF needs Redis 7.2');
        return;
      }
      // appendonly is off: no local fsync can be acknowledged, and the server says so.
      await assert.rejects(client.waitAof(1, 0, 100), /appendonly/);
      assert.deepEqual(await client.waitAof(0, 0, 100), [0, 0]);
    });
  });
}

/** COMMAND DOCS on 7.2+ adds `display_text`. */
function keyDisplay(docs: Record<string, { arguments?: { displayText?: string }[] }>): { displayText?: string } {
  const text = docs['set']?.arguments?.[0]?.displayText;
  return text === undefined ? {} : { displayText: text };
}

/** Waits until no background save or rewrite runs (they cannot overlap). */
async function waitForNoChild(client: RedisClient): Promise<void> {
  await waitFor(
    'background save and rewrite to finish',
    async () => {
      const text = await client.info('persistence');
      return (
        /rdb_bgsave_in_progress:0/.test(text) &&
        /aof_rewrite_in_progress:0/.test(text) &&
        !/aof_rewrite_scheduled:1/.test(text)
      );
    },
    15_000,
  );
}

describe('replication commands on two servers', () => {
  let primary: RedisServer;
  let secondary: RedisServer;
  before(async () => {
    [primary, secondary] = await Promise.all([RedisServer.start(), RedisServer.start()]);
  });
  after(async () => {
    await Promise.all([primary.stop(), secondary.stop()]);
  });

  for (const protocol of [2, 3] as const) {
    test(`REPLICAOF, ROLE on both sides, FAILOVER, REPLICAOF NO ONE (RESP${protocol})`, async () => {
      const a = createClient({ url: primary.url, protocol });
      const b = createClient({ url: secondary.url, protocol });
      try {
        assert.equal(await b.replicaOf(primary.host, primary.port), 'OK');
        await waitFor(
          'the replica to sync',
          async () => {
            const role = await b.role();
            return role.role === 'replica' && role.state === 'connected';
          },
          15_000,
        );
        const replicaRole = await b.role();
        assert.ok(replicaRole.role === 'replica');
        assert.equal(replicaRole.masterHost, primary.host);
        assert.equal(replicaRole.masterPort, primary.port);
        await waitFor('the master to list its replica', async () => {
          const role = await a.role();
          return role.role === 'master' && role.replicas.some((r) => r.port === secondary.port);
        });

        // FAILOVER hands the master role to the replica; the old master follows it.
        assert.equal(await a.failover({ to: { host: secondary.host, port: secondary.port }, timeout: 10_000 }), 'OK');
        await waitFor(
          'the roles to swap',
          async () => (await b.role()).role === 'master' && (await a.role()).role === 'replica',
          15_000,
        );
        assert.equal(await a.replicaOfNoOne(), 'OK');
        assert.equal((await a.role()).role, 'master');
      } finally {
        await a.close();
        await b.close();
      }
    });
  }
});

describe('newer commands against a scripted server', () => {
  let fake: FakeServer;
  before(async () => {
    fake = await FakeServer.start({
      onCommand: (cmd) => {
        const sub = cmd[1]?.toUpperCase();
        if (cmd[0] === 'WAITAOF') return '*2\r\n:1\r\n:2\r\n';
        if (cmd[0] === 'CLUSTER' && sub === 'MYSHARDID') return '$40\r\n' + 'a'.repeat(40) + '\r\n';
        return undefined; // HELLO, CLIENT … : the fake server's defaults (+OK for CLIENT subcommands)
      },
    });
  });
  after(async () => {
    await fake.close();
  });

  for (const protocol of [2, 3] as const) {
    test(`the handshake sends CLIENT SETINFO with the rest; NO-TOUCH, SETINFO, WAITAOF, MYSHARDID replies (RESP${protocol})`, async () => {
      const before = fake.connections.length;
      const client = createClient({ host: fake.host, port: fake.port, protocol, poolSize: 1 });
      try {
        assert.equal(await client.ping(), 'PONG');
        const conn = fake.connections[before]!;
        const greeting = conn.commands.slice(
          0,
          conn.commands.findIndex((c) => c[0] === 'PING'),
        );
        assert.deepEqual(
          greeting.filter((c) => c[0] === 'CLIENT' && c[1] === 'SETINFO'),
          [
            ['CLIENT', 'SETINFO', 'LIB-NAME', 'respool'],
            ['CLIENT', 'SETINFO', 'LIB-VER', PACKAGE_VERSION],
          ],
        );
        assert.deepEqual(await client.waitAof(1, 1, 50), [1, 2]);
        assert.equal(await client.clusterMyShardId(), 'a'.repeat(40));
        await client.withConn(async (pinned) => {
          assert.equal(await pinned.clientNoTouch(true), 'OK');
          assert.equal(await pinned.clientSetInfo('LIB-VER', '9.9.9'), 'OK');
        });
        const sent = fake.connections.flatMap((c) => c.commands);
        assert.ok(sent.some((c) => c.join(' ') === 'CLIENT NO-TOUCH ON'));
        assert.ok(sent.some((c) => c.join(' ') === 'CLIENT SETINFO LIB-VER 9.9.9'));
        assert.ok(sent.some((c) => c.join(' ') === 'WAITAOF 1 1 50'));
      } finally {
        await client.close();
      }
    });
  }

  test('a server that refuses CLIENT SETINFO (before 7.2) still completes the handshake', async () => {
    const old = await FakeServer.start({
      onCommand: (cmd) =>
        cmd[0] === 'CLIENT' && cmd[1]?.toUpperCase() === 'SETINFO'
          ? "-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n"
          : undefined,
    });
    try {
      for (const protocol of [2, 3] as const) {
        const client = createClient({ host: old.host, port: old.port, protocol, clientName: 'old' });
        assert.equal(await client.ping(), 'PONG');
        await client.set('k', 'v');
        assert.equal(await client.get('k'), 'v', 'replies stay matched to their commands');
        await client.close();
      }
    } finally {
      await old.close();
    }
  });
});
