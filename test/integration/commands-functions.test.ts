// Redis functions managed through the typed methods (LOAD, LIST, DELETE, DUMP, RESTORE, FLUSH, KILL, STATS)
// against a real redis-server, under RESP2 and RESP3. Libraries are server-wide: each protocol's suite
// names its own and flushes them when done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyError } from '../../src/errors.js';
import { waitFor } from '../helpers/wait.js';
import { forEachProtocol, openClient } from './commands-harness.js';

function library(name: string): string {
  return [
    `#!lua name=${name}`,
    `redis.register_function{function_name='${name}_echo', callback=function(keys, args) return args[1] end,` +
      ` flags={'no-writes'}, description='echoes its argument'}`,
    `redis.register_function('${name}_get', function(keys, args) return redis.call('GET', keys[1]) end)`,
  ].join('\n');
}

forEachProtocol('functions', ({ client, key, protocol, server }) => {
  const lib = `lib${protocol}`;

  test('load, list, call, delete', async () => {
    const c = client();
    assert.equal(await c.functionLoad(library(lib)), lib);
    await assert.rejects(c.functionLoad(library(lib)), ReplyError, 'a second load without replace is refused');
    assert.equal(await c.functionLoad(library(lib), { replace: true }), lib);
    assert.equal(await c.fCallRo(`${lib}_echo`, [], ['hi']), 'hi');
    await c.set(key('k'), 'v');
    assert.equal(await c.fCall(`${lib}_get`, [key('k')]), 'v');

    const listed = await c.functionList({ libraryName: lib });
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.libraryName, lib);
    assert.equal(listed[0]!.engine, 'LUA');
    // Functions come in the server's (hash) order.
    assert.deepEqual(
      listed[0]!.functions.sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: `${lib}_echo`, description: 'echoes its argument', flags: ['no-writes'] },
        { name: `${lib}_get`, description: null, flags: [] },
      ],
    );
    const withCode = await c.functionListWithCode({ libraryName: lib });
    assert.equal(withCode.length, 1);
    assert.equal(withCode[0]!.libraryCode, library(lib));
    assert.deepEqual(await c.functionList({ libraryName: 'no-such-lib*' }), []);
    assert.ok((await c.functionList()).some((l) => l.libraryName === lib));

    const stats = await c.functionStats();
    assert.equal(stats.runningScript, null);
    assert.ok((stats.engines['LUA']?.librariesCount ?? 0) >= 1);
    assert.ok((stats.engines['LUA']?.functionsCount ?? 0) >= 2);

    assert.equal(await c.functionDelete(lib), 'OK');
    await assert.rejects(c.functionDelete(lib), ReplyError);
    await assert.rejects(c.fCallRo(`${lib}_echo`, [], ['hi']), ReplyError);
  });

  test('dump, flush, restore with a policy; kill when nothing runs', async () => {
    const c = client();
    await c.functionLoad(library(lib));
    const dump = await c.functionDump();
    assert.ok(Buffer.isBuffer(dump) && dump.length > 0);
    assert.equal(await c.functionFlush('SYNC'), 'OK');
    assert.deepEqual(await c.functionList(), []);
    assert.equal(await c.functionRestore(dump), 'OK');
    assert.equal(await c.fCallRo(`${lib}_echo`, [], ['back']), 'back');
    // APPEND (the default) refuses a library that exists; REPLACE and FLUSH do not.
    await assert.rejects(c.functionRestore(dump, 'APPEND'), ReplyError);
    assert.equal(await c.functionRestore(dump, 'REPLACE'), 'OK');
    assert.equal(await c.functionRestore(dump, 'FLUSH'), 'OK');
    assert.deepEqual(
      (await c.functionList()).map((l) => l.libraryName),
      [lib],
    );
    await assert.rejects(c.functionKill(), (err: unknown) => err instanceof ReplyError && err.code === 'NOTBUSY');
    assert.equal(await c.functionFlush(), 'OK');
  });

  test('a running function shows in FUNCTION STATS, and FUNCTION KILL stops it', async () => {
    const c = client();
    const busy = `busy${protocol}`;
    await c.functionLoad(
      `#!lua name=${busy}\nredis.register_function{function_name='${busy}_spin',` +
        " callback=function(keys, args) while true do end end, flags={'no-writes'}}",
    );
    // Past this many ms the server answers FUNCTION STATS and KILL while the function runs.
    const previous = (await c.configGet('busy-reply-threshold'))['busy-reply-threshold'] ?? '5000';
    await c.configSet('busy-reply-threshold', '50');
    const runner = openClient(server(), protocol);
    try {
      await runner.ping(); // connected: the call below goes out at once
      const spinning = runner.fCallRo(`${busy}_spin`, [], ['an-arg']);
      spinning.catch(() => {}); // awaited below; not unhandled meanwhile
      let stats = await c.functionStats();
      await waitFor('the function to run', async () => {
        stats = await c.functionStats();
        return stats.runningScript !== null;
      });
      assert.equal(stats.runningScript?.name, `${busy}_spin`);
      assert.deepEqual(stats.runningScript?.command, ['FCALL_RO', `${busy}_spin`, '0', 'an-arg']);
      assert.ok((stats.runningScript?.durationMs ?? -1) >= 0);
      assert.equal(await c.functionKill(), 'OK');
      await assert.rejects(spinning, ReplyError);
    } finally {
      await runner.close();
      await c.configSet('busy-reply-threshold', previous);
      await c.functionFlush();
    }
  });
});
