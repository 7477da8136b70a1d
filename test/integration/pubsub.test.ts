/**
 * Pub/sub against a private redis-server, under RESP2 and RESP3.
 *
 * maxActiveConns and the subscriber: the dedicated pub/sub connection holds one permit of the client's
 * `maxActiveConns` from its first connection attempt until the last subscription ends (also while it
 * reconnects, so a reconnect never has to queue behind the pool). When the cap is reached, a command waits
 * up to `poolTimeout` (PoolTimeoutError) while the subscriber holds the last permit; a subscribe while idle
 * pool connections hold every permit makes the pool close its oldest idle connection for it. Tested below.
 */
import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { after, before, describe, test } from 'node:test';
import {
  ClientClosedError,
  createClient,
  InvalidArgumentError,
  PoolTimeoutError,
  RedisError,
  ReplyError,
  type PubSubMessage,
  type RedisClient,
  type Subscription,
} from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';
import { unlessServer } from '../helpers/server-version.js';

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
  // Every client was closed: no socket and no ref'd timer of ours may keep the process alive.
  const left = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'Timeout');
  assert.deepEqual(left, [], 'handles left behind');
});

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not met within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A listener that records messages, and a bounded wait for the count to reach n. */
function recorder() {
  const messages: PubSubMessage[] = [];
  const listener = (m: PubSubMessage) => void messages.push(m);
  const until = (n: number) => waitFor(() => messages.length >= n, `${n} messages (have ${messages.length})`);
  return { messages, listener, until };
}

/** Server-side pub/sub connections (flag P) named `name`. */
async function pubsubConns(name: string): Promise<Record<string, string>[]> {
  return (await server.clients()).filter((c) => c['name'] === name && (c['flags'] ?? '').includes('P'));
}

for (const protocol of [2, 3] as const) {
  describe(`pub/sub over RESP${protocol}`, () => {
    const name = `pubsub-${protocol}`;
    let client: RedisClient;
    let publisher: RedisClient;
    const ch = (s: string) => `${s}:${protocol}`;
    const numSub = async (channel: string) => (await publisher.pubsubNumSub(channel))[channel];

    const options = () => ({ host: server.host, port: server.port, protocol });
    before(() => {
      client = createClient({ ...options(), clientName: name });
      publisher = createClient({ ...options(), clientName: `${name}-pub` });
    });
    after(async () => {
      await Promise.all([client.close(), publisher.close()]);
    });

    test('a published message reaches the listener as { kind, channel, message }', async () => {
      const r = recorder();
      const sub = await client.subscribe(ch('news'), r.listener);
      assert.equal(sub.active, true);
      assert.deepEqual(sub.names, [ch('news')]);
      assert.equal(await publisher.publish(ch('news'), 'hello'), 1, 'subscribed by the time subscribe resolved');
      await r.until(1);
      assert.deepEqual(r.messages, [{ kind: 'channel', channel: ch('news'), message: 'hello' }]);
      await sub.unsubscribe();
      assert.equal(sub.active, false);
    });

    test('two subscriptions on one channel: unsubscribing one keeps the other', async () => {
      const a = recorder();
      const b = recorder();
      const [subA, subB] = await Promise.all([
        client.subscribe(ch('shared'), a.listener),
        client.subscribe([ch('shared'), ch('shared')], b.listener),
      ]);
      assert.deepEqual(subB.names, [ch('shared')], 'duplicate names are folded');
      assert.equal(await publisher.publish(ch('shared'), 'one'), 1, 'one server-side subscriber for both');
      await Promise.all([a.until(1), b.until(1)]);
      await subA.unsubscribe();
      assert.equal(await numSub(ch('shared')), 1, 'still subscribed for subB');
      await publisher.publish(ch('shared'), 'two');
      await b.until(2);
      assert.deepEqual(
        b.messages.map((m) => m.message),
        ['one', 'two'],
      );
      assert.deepEqual(
        a.messages.map((m) => m.message),
        ['one'],
      );
      await subB.unsubscribe();
    });

    test('the README example, 20 times: a message published before unsubscribe() reaches the listener first', async () => {
      for (let run = 0; run < 20; run++) {
        const got: string[] = [];
        const sub = await client.subscribe(ch(`readme-${run}`), ({ message }) => void got.push(message));
        assert.equal(await publisher.publish(ch(`readme-${run}`), `order #${run}`), 1);
        await sub.unsubscribe();
        assert.deepEqual(got, [`order #${run}`], `run ${run}: delivered before unsubscribe() resolved`);
        assert.equal(sub.active, false);
      }
    });

    test('every message sent before the UNSUBSCRIBE confirmation reaches listeners of all three kinds', async () => {
      const channel = recorder();
      const pattern = recorder();
      const shard = recorder();
      const subs = await Promise.all([
        client.subscribe(ch('before-unsub'), channel.listener),
        client.psubscribe(`${ch('before-unsub-p')}.*`, pattern.listener),
        client.ssubscribe(ch('before-unsub-s'), shard.listener),
      ]);
      const sent = Array.from({ length: 30 }, (_, i) => `m${i}`);
      for (const m of sent) {
        assert.equal(await publisher.publish(ch('before-unsub'), m), 1);
        assert.equal(await publisher.publish(`${ch('before-unsub-p')}.x`, m), 1);
        assert.equal(await publisher.sPublish(ch('before-unsub-s'), m), 1);
      }
      await Promise.all(subs.map((s) => s.unsubscribe()));
      for (const r of [channel, pattern, shard]) {
        assert.deepEqual(
          r.messages.map((m) => m.message),
          sent,
        );
      }
    });

    test('the iterator yields every message sent before the UNSUBSCRIBE confirmation, then ends', async () => {
      for (let run = 0; run < 20; run++) {
        const sub = await client.subscribe(ch(`iter-unsub-${run}`));
        const received: string[] = [];
        const loop = (async () => {
          for await (const m of sub) received.push(m.message);
        })();
        assert.equal(await publisher.publish(ch(`iter-unsub-${run}`), 'a'), 1);
        assert.equal(await publisher.publish(ch(`iter-unsub-${run}`), 'b'), 1);
        await sub.unsubscribe();
        await loop;
        assert.deepEqual(received, ['a', 'b'], `run ${run}`);
      }
      // Unread messages stay buffered: an iteration started after unsubscribe() resolved still sees them.
      const late = await client.subscribe(ch('iter-unsub-late'));
      assert.equal(await publisher.publish(ch('iter-unsub-late'), 'kept'), 1);
      await late.unsubscribe();
      const drained: string[] = [];
      for await (const m of late) drained.push(m.message);
      assert.deepEqual(drained, ['kept']);
    });

    test('unsubscribing one of two subscriptions on a channel still delivers what was sent before', async () => {
      for (let run = 0; run < 20; run++) {
        const leaving = recorder();
        const staying = recorder();
        const a = await client.subscribe(ch(`shared-unsub-${run}`), leaving.listener);
        const b = await client.subscribe(ch(`shared-unsub-${run}`), staying.listener);
        assert.equal(await publisher.publish(ch(`shared-unsub-${run}`), 'before'), 1);
        // No UNSUBSCRIBE goes out (b keeps the channel): a PING answered in order marks the point instead.
        await a.unsubscribe();
        assert.deepEqual(
          leaving.messages.map((m) => m.message),
          ['before'],
          `run ${run}`,
        );
        assert.equal(await publisher.publish(ch(`shared-unsub-${run}`), 'after'), 1);
        await staying.until(2);
        assert.deepEqual(
          leaving.messages.map((m) => m.message),
          ['before'],
          'nothing after unsubscribe() resolved',
        );
        await b.unsubscribe();
      }
    });

    test('psubscribe delivers with the matching pattern', async () => {
      const r = recorder();
      const sub = await client.psubscribe(`${ch('news')}.*`, r.listener);
      assert.equal(await publisher.publish(`${ch('news')}.tech`, 'chips'), 1);
      assert.equal(await publisher.publish(`${ch('sport')}.tech`, 'ignored'), 0);
      await r.until(1);
      assert.deepEqual(r.messages, [
        { kind: 'pattern', pattern: `${ch('news')}.*`, channel: `${ch('news')}.tech`, message: 'chips' },
      ]);
      await sub.unsubscribe();
      assert.equal(await publisher.pubsubNumPat(), 0);
    });

    test('ssubscribe receives SPUBLISH', { skip: unlessServer(7, 0, 'SSUBSCRIBE') }, async () => {
      const r = recorder();
      const sub = await client.ssubscribe(ch('shard'), r.listener);
      assert.equal(await publisher.sPublish(ch('shard'), 'sharded'), 1);
      await r.until(1);
      assert.deepEqual(r.messages, [{ kind: 'shard', channel: ch('shard'), message: 'sharded' }]);
      await sub.unsubscribe();
    });

    test('the async iterator yields messages in order, and break unsubscribes', async () => {
      const sub = await client.subscribe(ch('iter'));
      const sent = Array.from({ length: 50 }, (_, i) => `m${i}`);
      await Promise.all(sent.map((m) => publisher.publish(ch('iter'), m)));
      const received: string[] = [];
      for await (const m of sub) {
        assert.equal(m.channel, ch('iter'));
        received.push(m.message);
        if (received.length === sent.length) break;
      }
      assert.deepEqual(received, sent);
      assert.equal(sub.active, false);
      await waitFor(async () => (await numSub(ch('iter'))) === 0, 'UNSUBSCRIBE after break');
    });

    test('unicode and awkward payloads arrive intact', async () => {
      const r = recorder();
      const channel = ch('ünïcødé-頻道-📡');
      const payloads = ['héllo wörld', '日本語テキスト', '🚀🔥💾', 'line\r\nbreak\nand\0nul', '', 'x'.repeat(200_000)];
      const sub = await client.subscribe(channel, r.listener);
      for (const p of payloads) await publisher.publish(channel, p);
      await r.until(payloads.length);
      assert.deepEqual(
        r.messages.map((m) => m.message),
        payloads,
      );
      assert.ok(r.messages.every((m) => m.channel === channel));
      await sub.unsubscribe();
    });

    test('CLIENT KILL TYPE pubsub: the subscriber reconnects, resubscribes and delivers later messages', async () => {
      const r = recorder();
      const sub = await client.subscribe(ch('killed'), r.listener);
      const psub = await client.psubscribe(`${ch('killed-p')}.*`, r.listener);
      const [before] = await pubsubConns(name);
      assert.ok(before !== undefined);
      await publisher.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      // publish counts receivers: it turns 1 once the new connection has resubscribed.
      await waitFor(async () => (await publisher.publish(ch('killed'), 'later')) === 1, 'resubscribed');
      await waitFor(async () => (await publisher.publish(`${ch('killed-p')}.x`, 'later-p')) === 1, 'pattern back');
      await r.until(2);
      assert.equal(r.messages.filter((m) => m.kind === 'channel')[0]?.message, 'later');
      assert.equal(r.messages.filter((m) => m.kind === 'pattern')[0]?.message, 'later-p');
      const after = await pubsubConns(name);
      assert.equal(after.length, 1);
      assert.notEqual(after[0]!['id'], before['id'], 'a new connection');
      await Promise.all([sub.unsubscribe(), psub.unsubscribe()]);
    });

    test('a subscribe issued while the subscriber reconnects resolves once subscribed', async () => {
      const r = recorder();
      const keep = await client.subscribe(ch('keep'), () => {});
      await publisher.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
      // The kill reaches us asynchronously; this subscribe may land before or during the reconnect.
      await waitFor(async () => (await pubsubConns(name)).length === 0, 'killed');
      const late = await client.subscribe(ch('late'), r.listener);
      assert.equal(await publisher.publish(ch('late'), 'x'), 1, 'subscribed when subscribe resolved');
      await r.until(1);
      await Promise.all([keep.unsubscribe(), late.unsubscribe()]);
    });

    test('a throwing or rejecting listener does not stop delivery to it or to others', async () => {
      const reported: unknown[] = [];
      const onError = (event: unknown) => void reported.push((event as { error: unknown }).error);
      diagnosticsChannel.subscribe('respool:pubsub:listener-error', onError);
      try {
        const good = recorder();
        let calls = 0;
        const bad = await client.subscribe(ch('throws'), () => {
          calls++;
          throw new Error(`boom ${calls}`);
        });
        // An async listener whose promise rejects is reported the same way.
        // eslint-disable-next-line @typescript-eslint/no-misused-promises
        const rejecting = await client.subscribe(ch('throws'), () => Promise.reject(new Error('async boom')));
        const fine = await client.subscribe(ch('throws'), good.listener);
        for (let i = 0; i < 5; i++) await publisher.publish(ch('throws'), `m${i}`);
        await good.until(5);
        assert.equal(calls, 5, 'the throwing listener still gets every message');
        await waitFor(() => reported.length === 10, 'ten reported errors');
        assert.ok(reported.some((e) => e instanceof Error && e.message === 'async boom'));
        assert.equal((await pubsubConns(name)).length, 1, 'the connection survived');
        await Promise.all([bad.unsubscribe(), rejecting.unsubscribe(), fine.unsubscribe()]);
      } finally {
        diagnosticsChannel.unsubscribe('respool:pubsub:listener-error', onError);
      }
    });

    test('unsubscribe resolves after the server confirmed; the last one closes the connection', async () => {
      const a = await client.subscribe(ch('last-a'), () => {});
      const b = await client.subscribe(ch('last-b'), () => {});
      assert.equal((await pubsubConns(name)).length, 1, 'one dedicated connection for both');
      await a.unsubscribe();
      assert.equal(await numSub(ch('last-a')), 0, 'UNSUBSCRIBE confirmed when unsubscribe resolved');
      assert.equal(await numSub(ch('last-b')), 1);
      await b.unsubscribe();
      await b.unsubscribe(); // idempotent
      await waitFor(async () => (await pubsubConns(name)).length === 0, 'no pub/sub connection left');
    });

    test('a second subscribe to a channel still being subscribed waits for the confirmation', async () => {
      const a = recorder();
      const b = recorder();
      const first = client.subscribe(ch('racing'), a.listener);
      const second = await client.subscribe(ch('racing'), b.listener);
      assert.equal(await publisher.publish(ch('racing'), 'x'), 1);
      await Promise.all([a.until(1), b.until(1)]);
      await (await first).unsubscribe();
      await second.unsubscribe();
    });

    test('a channel the ACL forbids: NOPERM rejects that subscribe only; the connection lives on', async () => {
      const user = `limited-${protocol}`;
      // resetchannels: before 7.0, `reset` leaves a user allowed on every channel (acl-pubsub-default).
      await publisher.sendCommand([
        'ACL',
        'SETUSER',
        user,
        'reset',
        'on',
        '>pw',
        '~*',
        'resetchannels',
        '&allowed:*',
        '+@all',
      ]);
      const limited = createClient({ ...options(), clientName: user, username: user, password: 'pw' });
      try {
        const r = recorder();
        const ok = await limited.subscribe('allowed:1', r.listener);
        const [conn] = await pubsubConns(user);
        await assert.rejects(
          limited.subscribe(['allowed:2', 'forbidden'], () => {}),
          (err: unknown) => {
            assert.ok(err instanceof ReplyError);
            assert.equal(err.code, 'NOPERM');
            return true;
          },
        );
        await assert.rejects(
          limited.psubscribe('forbidden*', () => {}),
          ReplyError,
        );
        const ok2 = await limited.subscribe('allowed:3', r.listener);
        assert.equal(await publisher.publish('allowed:1', 'one'), 1);
        assert.equal(await publisher.publish('allowed:2', 'none'), 0, 'the refused subscribe left nothing behind');
        assert.equal(await publisher.publish('allowed:3', 'three'), 1);
        await r.until(2);
        assert.equal((await pubsubConns(user))[0]?.['id'], conn?.['id'], 'same connection throughout');
        await Promise.all([ok.unsubscribe(), ok2.unsubscribe()]);
      } finally {
        await limited.close();
      }
    });

    test('a resubscribe the server refuses ends the subscription: the iterator throws the reason', async () => {
      const user = `revoked-${protocol}`;
      await publisher.sendCommand([
        'ACL',
        'SETUSER',
        user,
        'reset',
        'on',
        '>pw',
        '~*',
        'resetchannels',
        '&news:*',
        '+@all',
      ]);
      const revoked = createClient({ ...options(), clientName: user, username: user, password: 'pw' });
      try {
        const sub = await revoked.subscribe('news:1');
        const loop = (async () => {
          for await (const m of sub) void m;
        })();
        // Redis 7 drops subscribers whose channels were revoked; the kill makes sure either way.
        await publisher.sendCommand(['ACL', 'SETUSER', user, 'resetchannels', '&other:*']);
        await publisher.sendCommand(['CLIENT', 'KILL', 'USER', user]).catch(() => {});
        const timeout = new Promise((_, reject) =>
          setTimeout(() => reject(new Error('loop did not end')), 5000).unref(),
        );
        await assert.rejects(Promise.race([loop, timeout]), (err: unknown) => {
          assert.ok(err instanceof ReplyError, String(err));
          assert.equal(err.code, 'NOPERM');
          return true;
        });
        assert.equal(sub.active, false);
        await waitFor(async () => (await pubsubConns(user)).length === 0, 'no subscriber left');
      } finally {
        await revoked.close();
      }
    });

    test('subscribe validates its arguments', async () => {
      await assert.rejects(
        client.subscribe([], () => {}),
        InvalidArgumentError,
      );
      await assert.rejects(client.psubscribe([]), InvalidArgumentError);
    });
  });
}

describe('pub/sub and the client lifecycle', () => {
  const base = () => ({ host: server.host, port: server.port });

  test('close() ends subscriptions: iterators finish, listeners stop, subscribe then rejects', async () => {
    const client = createClient({ ...base(), clientName: 'closing' });
    const iterated = await client.subscribe('closing:iter');
    const listened = await client.subscribe('closing:listen', () => {});
    const got: string[] = [];
    const loop = (async () => {
      for await (const m of iterated) got.push(m.message);
    })();
    const publisher = createClient(base());
    await waitFor(async () => (await publisher.pubsubNumSub('closing:iter'))['closing:iter'] === 1, 'subscribed');
    await publisher.publish('closing:iter', 'before close');
    // Delivery is asynchronous: close only once the message is in, so the assertion below is about close().
    await waitFor(async () => got.length === 1, 'delivered');
    await client.close();
    await loop; // the iteration ends: close() finished it
    assert.deepEqual(got, ['before close']);
    assert.equal(iterated.active, false);
    assert.equal(listened.active, false);
    await assert.rejects(
      client.subscribe('closing:x', () => {}),
      ClientClosedError,
    );
    await waitFor(async () => (await publisher.pubsubNumSub('closing:iter'))['closing:iter'] === 0, 'gone on server');
    await publisher.close();
  });

  test('a subscribe waiting for its connection rejects with ClientClosedError on close()', async () => {
    const client = createClient({ ...base(), clientName: 'closing-early' });
    const pending = client.subscribe('early', () => {});
    await client.close();
    await assert.rejects(pending, ClientClosedError);
    await waitFor(async () => !(await server.clients()).some((c) => c['name'] === 'closing-early'), 'no socket left');
  });

  test('with nobody on the diagnostics channel, a throwing listener yields one process warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => void (w.name === 'RespoolWarning' && warnings.push(w));
    process.on('warning', onWarning);
    const client = createClient(base());
    const publisher = createClient(base());
    try {
      let calls = 0;
      await client.subscribe('warned', () => {
        calls++;
        throw new Error('listener bug');
      });
      for (let i = 0; i < 3; i++) await publisher.publish('warned', 'x');
      await waitFor(() => calls === 3 && warnings.length > 0, 'three calls and a warning');
      assert.equal(warnings.length, 1, 'one warning per subscription');
      assert.match(warnings[0]!.message, /listener bug/);
    } finally {
      process.off('warning', onWarning);
      await Promise.all([client.close(), publisher.close()]);
    }
  });

  test('maxActiveConns counts the subscriber connection', async () => {
    const client = createClient({ ...base(), clientName: 'capped', maxActiveConns: 1, poolTimeout: 300 });
    try {
      const sub = await client.subscribe('capped', () => {});
      await assert.rejects(client.get('capped:key'), PoolTimeoutError, 'the only permit is the subscriber’s');
      await sub.unsubscribe();
      assert.equal(await client.get('capped:key'), null, 'the permit came back with the last unsubscribe');
      // Now an idle pool connection holds the permit: the pool closes it so that the subscribe can connect.
      const idleId = (await server.clients()).find((c) => c['name'] === 'capped')?.['id'];
      assert.ok(idleId !== undefined);
      const again = await client.subscribe('capped', () => {});
      assert.equal(client.poolStats().idleConns, 0, 'the idle connection gave its permit to the subscriber');
      await waitFor(async () => {
        const list = await server.clients();
        return !list.some((c) => c['id'] === idleId) && list.filter((c) => c['name'] === 'capped').length === 1;
      }, 'the idle connection closed; one socket in all');
      await again.unsubscribe();
    } finally {
      await client.close();
    }
    const roomy = createClient({ ...base(), clientName: 'roomy', maxActiveConns: 2, poolTimeout: 300 });
    try {
      const sub = await roomy.subscribe('roomy', () => {});
      assert.equal(await roomy.get('roomy:key'), null);
      assert.equal((await server.clients()).filter((c) => c['name'] === 'roomy').length, 2);
      await sub.unsubscribe();
    } finally {
      await roomy.close();
    }
  });

  test('with pingInterval 0, a subscribe the frozen server never confirms fails within readTimeout + dialTimeout', async () => {
    const client = createClient({ ...base(), pingInterval: 0, readTimeout: 300, dialTimeout: 300 });
    const publisher = createClient(base());
    const r = recorder();
    try {
      const kept = await client.subscribe('frozen:kept', r.listener);
      server.pause();
      const started = Date.now();
      let outcome: unknown;
      try {
        const limit = new Promise((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5000).unref());
        outcome = await Promise.race([client.subscribe('frozen:new', () => {}).catch((err: unknown) => err), limit]);
      } finally {
        server.resume();
      }
      assert.ok(outcome instanceof RedisError && !(outcome instanceof ClientClosedError), String(outcome));
      assert.ok(Date.now() - started < 3000, 'bounded');
      // The older subscription reconnects by itself once the server answers again.
      await waitFor(async () => (await publisher.publish('frozen:kept', 'back')) === 1, 'resubscribed');
      await r.until(1);
      await kept.unsubscribe();
    } finally {
      await Promise.all([client.close(), publisher.close()]);
    }
  });

  test('liveness: a paused server makes the subscriber rebuild its connection, and delivery resumes', async () => {
    const client = createClient({ ...base(), clientName: 'liveness', pingInterval: 100, dialTimeout: 300 });
    const publisher = createClient(base());
    const r = recorder();
    let sub: Subscription | undefined;
    try {
      sub = await client.subscribe('liveness', r.listener);
      const [first] = await pubsubConns('liveness');
      assert.ok(first !== undefined);
      server.pause();
      try {
        // Long enough for the missed PONG (two intervals) and a failed redial against the frozen server.
        await new Promise((resolve) => setTimeout(resolve, 700));
      } finally {
        server.resume();
      }
      await waitFor(async () => {
        const conns = await pubsubConns('liveness');
        return conns.length === 1 && conns[0]!['id'] !== first['id'];
      }, 'old connection dropped, a new one subscribed');
      await waitFor(async () => (await publisher.publish('liveness', 'after')) === 1, 'resubscribed');
      await r.until(1);
      assert.equal(r.messages[0]?.message, 'after');
      // Quiet but healthy: PINGs are answered and the connection stays.
      const [steady] = await pubsubConns('liveness');
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal((await pubsubConns('liveness'))[0]?.['id'], steady?.['id']);
    } finally {
      await sub?.unsubscribe();
      await Promise.all([client.close(), publisher.close()]);
    }
  });
});
