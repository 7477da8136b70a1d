// Builders of the data commands added for full coverage (XINFO, XSETID, FUNCTION *, sorted-set algebra,
// OBJECT, SORT, LCS, SETEX, MOVE, SWAPDB, MIGRATE, hash-field expiration, HGETDEL/HGETEX/HSETEX): exact
// arguments, flags and keys, argument refusals, and replies decoded the same from RESP2 and RESP3 bytes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandFlags as F, type Command } from '../../src/commands/command.js';
import * as c from '../../src/commands/builders.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { RespDecoder } from '../../src/resp/index.js';
import type { RespValue } from '../../src/resp/types.js';

const R = F.READONLY;

function check(cmd: Command<unknown>, args: unknown[], flags: number, keys?: unknown[]): void {
  assert.deepEqual(cmd.args, args);
  assert.equal(cmd.flags, flags, `flags of ${cmd.args.map(String).join(' ')}`);
  assert.deepEqual(cmd.keys, keys, `keys of ${String(cmd.args[0])}`);
  assert.equal(cmd.blockMs, undefined);
}

/** Asserts an InvalidArgumentError whose message names `name`. */
function rejects(fn: () => unknown, name: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(err)}`);
    assert.ok(err.message.includes(name), `message ${JSON.stringify(err.message)} should name ${name}`);
    return true;
  });
}

/** What RespDecoder makes of `text` (latin1, so '\xff' is the byte 0xff). */
function decoded(text: string): RespValue {
  const replies: RespValue[] = [];
  const decoder = new RespDecoder({ onReply: (r) => replies.push(r) });
  decoder.feed(Buffer.from(text, 'latin1'));
  assert.equal(replies.length, 1, 'one complete reply');
  return replies[0]!;
}

/** The RESP2 and RESP3 bytes of one reply decode to `expected`. */
function both<T>(cmd: Command<T>, resp2: string, resp3: string, expected: T): void {
  const run = (text: string) => {
    const reply = decoded(text);
    return cmd.decode === undefined ? (reply as T) : cmd.decode(reply);
  };
  assert.deepEqual(run(resp2), expected, `RESP2 ${String(cmd.args[0])}`);
  assert.deepEqual(run(resp3), expected, `RESP3 ${String(cmd.args[0])}`);
}

const bulk = (s: string) => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
const int = (n: number) => `:${n}\r\n`;
const arr = (...items: string[]) => `*${items.length}\r\n${items.join('')}`;
const map = (...pairs: string[]) => `%${pairs.length / 2}\r\n${pairs.join('')}`;
const set = (...items: string[]) => `~${items.length}\r\n${items.join('')}`;
/** A RESP2 map: the same pairs, flat. */
const flat = (...pairs: string[]) => arr(...pairs);

describe('streams: XINFO and XSETID', () => {
  test('arguments', () => {
    check(c.xInfoStream('s'), ['XINFO', 'STREAM', 's'], R, ['s']);
    check(c.xInfoStreamFull('s'), ['XINFO', 'STREAM', 's', 'FULL'], R, ['s']);
    check(c.xInfoStreamFull('s', { count: 0 }), ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', 0], R, ['s']);
    check(c.xInfoGroups('s'), ['XINFO', 'GROUPS', 's'], R, ['s']);
    check(c.xInfoConsumers('s', 'g'), ['XINFO', 'CONSUMERS', 's', 'g'], R, ['s']);
    check(c.xSetId('s', '5-0'), ['XSETID', 's', '5-0'], F.NONE, ['s']);
    check(
      c.xSetId('s', '5-0', { entriesAdded: 9, maxDeletedId: '2-0' }),
      ['XSETID', 's', '5-0', 'ENTRIESADDED', 9, 'MAXDELETEDID', '2-0'],
      F.NONE,
      ['s'],
    );
    rejects(() => c.xInfoStreamFull('s', { count: -1 }), 'xInfoStreamFull options.count');
    rejects(() => c.xInfoStreamFull('s', { cout: 1 } as never), 'Did you mean `count`');
    rejects(() => c.xSetId('s', '1-0', { entriesAdded: 1.5 }), 'xSetId options.entriesAdded');
    rejects(() => c.xSetId('s', '1-0', { maxDeletedID: '1-0' } as never), 'Did you mean `maxDeletedId`');
  });

  test('XINFO STREAM: counters and entries, null first/last entry for an empty stream', () => {
    const entry = (id: string, f: string, v: string) => arr(bulk(id), arr(bulk(f), bulk(v)));
    const fields = (first: string, last: string) => [
      bulk('length'),
      int(2),
      bulk('radix-tree-keys'),
      int(1),
      bulk('radix-tree-nodes'),
      int(2),
      bulk('last-generated-id'),
      bulk('2-1'),
      bulk('max-deleted-entry-id'),
      bulk('0-0'),
      bulk('entries-added'),
      int(2),
      bulk('recorded-first-entry-id'),
      bulk('1-1'),
      bulk('groups'),
      int(1),
      bulk('first-entry'),
      first,
      bulk('last-entry'),
      last,
    ];
    const expected = {
      length: 2,
      radixTreeKeys: 1,
      radixTreeNodes: 2,
      lastGeneratedId: '2-1',
      maxDeletedEntryId: '0-0',
      entriesAdded: 2,
      recordedFirstEntryId: '1-1',
      groups: 1,
      firstEntry: { id: '1-1', message: { a: '1' } },
      lastEntry: { id: '2-1', message: { b: '2' } },
    };
    const first = entry('1-1', 'a', '1');
    const last = entry('2-1', 'b', '2');
    both(c.xInfoStream('s'), flat(...fields(first, last)), map(...fields(first, last)), expected);
    both(c.xInfoStream('s'), flat(...fields('$-1\r\n', '$-1\r\n')), map(...fields('_\r\n', '_\r\n')), {
      ...expected,
      firstEntry: null,
      lastEntry: null,
    });
    // Redis 6.2 sends no 7.0 counters: they are null, not undefined or NaN.
    const old = flat(bulk('length'), int(0), bulk('groups'), int(0), bulk('last-generated-id'), bulk('0-0'));
    const info = c.xInfoStream('s').decode!(decoded(old));
    assert.equal(info.entriesAdded, null);
    assert.equal(info.maxDeletedEntryId, null);
    assert.equal(info.recordedFirstEntryId, null);
  });

  test('XINFO STREAM FULL: groups, pending entries and consumers', () => {
    const consumer = (m: (...p: string[]) => string) =>
      m(
        bulk('name'),
        bulk('c1'),
        bulk('seen-time'),
        int(1700000000000),
        bulk('active-time'),
        int(1700000000001),
        bulk('pel-count'),
        int(1),
        bulk('pending'),
        arr(arr(bulk('1-1'), int(1700000000000), int(2))),
      );
    const group = (m: (...p: string[]) => string) =>
      m(
        bulk('name'),
        bulk('g'),
        bulk('last-delivered-id'),
        bulk('1-1'),
        bulk('entries-read'),
        int(1),
        bulk('lag'),
        m === map ? '_\r\n' : '$-1\r\n',
        bulk('pel-count'),
        int(1),
        bulk('pending'),
        arr(arr(bulk('1-1'), bulk('c1'), int(1700000000000), int(2))),
        bulk('consumers'),
        arr(consumer(m)),
      );
    const full = (m: (...p: string[]) => string) =>
      m(
        bulk('length'),
        int(1),
        bulk('radix-tree-keys'),
        int(1),
        bulk('radix-tree-nodes'),
        int(2),
        bulk('last-generated-id'),
        bulk('1-1'),
        bulk('max-deleted-entry-id'),
        bulk('0-0'),
        bulk('entries-added'),
        int(1),
        bulk('recorded-first-entry-id'),
        bulk('1-1'),
        bulk('entries'),
        arr(arr(bulk('1-1'), arr(bulk('f'), bulk('v')))),
        bulk('groups'),
        arr(group(m)),
      );
    both(c.xInfoStreamFull('s'), full(flat), full(map), {
      length: 1,
      radixTreeKeys: 1,
      radixTreeNodes: 2,
      lastGeneratedId: '1-1',
      maxDeletedEntryId: '0-0',
      entriesAdded: 1,
      recordedFirstEntryId: '1-1',
      entries: [{ id: '1-1', message: { f: 'v' } }],
      groups: [
        {
          name: 'g',
          lastDeliveredId: '1-1',
          entriesRead: 1,
          lag: null,
          pelCount: 1,
          pending: [{ id: '1-1', consumer: 'c1', deliveryTime: 1700000000000, deliveryCount: 2 }],
          consumers: [
            {
              name: 'c1',
              seenTime: 1700000000000,
              activeTime: 1700000000001,
              pelCount: 1,
              pending: [{ id: '1-1', deliveryTime: 1700000000000, deliveryCount: 2 }],
            },
          ],
        },
      ],
    });
  });

  test('XINFO GROUPS and CONSUMERS', () => {
    const group = (m: (...p: string[]) => string, nil: string) =>
      m(
        bulk('name'),
        bulk('g'),
        bulk('consumers'),
        int(2),
        bulk('pending'),
        int(1),
        bulk('last-delivered-id'),
        bulk('1-1'),
        bulk('entries-read'),
        nil,
        bulk('lag'),
        int(3),
      );
    both(c.xInfoGroups('s'), arr(group(flat, '$-1\r\n')), arr(group(map, '_\r\n')), [
      { name: 'g', consumers: 2, pending: 1, lastDeliveredId: '1-1', entriesRead: null, lag: 3 },
    ]);
    const consumer = (m: (...p: string[]) => string) =>
      m(bulk('name'), bulk('c1'), bulk('pending'), int(1), bulk('idle'), int(10), bulk('inactive'), int(-1));
    both(c.xInfoConsumers('s', 'g'), arr(consumer(flat)), arr(consumer(map)), [
      { name: 'c1', pending: 1, idle: 10, inactive: -1 },
    ]);
    // Before Redis 7.2 there is no `inactive`.
    const old = arr(flat(bulk('name'), bulk('c1'), bulk('pending'), int(0), bulk('idle'), int(5)));
    assert.deepEqual(c.xInfoConsumers('s', 'g').decode!(decoded(old)), [
      { name: 'c1', pending: 0, idle: 5, inactive: null },
    ]);
    both(c.xInfoGroups('s'), arr(), arr(), []);
  });
});

describe('functions', () => {
  test('arguments', () => {
    check(c.functionLoad('#!lua name=x\n'), ['FUNCTION', 'LOAD', '#!lua name=x\n'], F.NONE, undefined);
    check(c.functionLoad('code', { replace: true }), ['FUNCTION', 'LOAD', 'REPLACE', 'code'], F.NONE, undefined);
    check(c.functionList(), ['FUNCTION', 'LIST'], R, undefined);
    check(c.functionList({ libraryName: 'a*' }), ['FUNCTION', 'LIST', 'LIBRARYNAME', 'a*'], R, undefined);
    check(c.functionListWithCode({ libraryName: 'a*' }), ['FUNCTION', 'LIST', 'LIBRARYNAME', 'a*', 'WITHCODE'], R);
    check(c.functionDelete('lib'), ['FUNCTION', 'DELETE', 'lib'], F.NONE);
    check(c.functionDump(), ['FUNCTION', 'DUMP'], R | F.BUFFERS);
    const payload = Buffer.from([0xf5, 0]);
    check(c.functionRestore(payload), ['FUNCTION', 'RESTORE', payload], F.NONE);
    check(c.functionRestore(payload, 'FLUSH'), ['FUNCTION', 'RESTORE', payload, 'FLUSH'], F.NONE);
    check(c.functionFlush(), ['FUNCTION', 'FLUSH'], F.NONE);
    check(c.functionFlush('ASYNC'), ['FUNCTION', 'FLUSH', 'ASYNC'], F.NONE);
    check(c.functionKill(), ['FUNCTION', 'KILL'], F.NONE);
    check(c.functionStats(), ['FUNCTION', 'STATS'], R);
    rejects(() => c.functionLoad(''), 'functionLoad code');
    rejects(() => c.functionLoad('code', { REPLACE: true } as never), 'Did you mean `replace`');
    rejects(() => c.functionLoad('code', { replace: 'yes' } as never), 'true or false');
    rejects(() => c.functionList({ withCode: true } as never), 'unknown key "withCode"');
    rejects(() => c.functionRestore('payload' as never), 'functionRestore serialized');
    rejects(() => c.functionRestore(payload, 'MERGE' as never), 'functionRestore policy');
    rejects(() => c.functionFlush('LATER' as never), 'functionFlush mode');
  });

  test('FUNCTION LIST: flags (a RESP3 set), a null description, the code', () => {
    const lib = (m: (...p: string[]) => string, flags: (...i: string[]) => string, nil: string, code: boolean) =>
      m(
        bulk('library_name'),
        bulk('mylib'),
        bulk('engine'),
        bulk('LUA'),
        bulk('functions'),
        arr(
          m(bulk('name'), bulk('f1'), bulk('description'), bulk('d'), bulk('flags'), flags(bulk('no-writes'))),
          m(bulk('name'), bulk('f2'), bulk('description'), nil, bulk('flags'), flags()),
        ),
        ...(code ? [bulk('library_code'), bulk('#!lua name=mylib')] : []),
      );
    const functions = [
      { name: 'f1', description: 'd', flags: ['no-writes'] },
      { name: 'f2', description: null, flags: [] },
    ];
    both(c.functionList(), arr(lib(flat, arr, '$-1\r\n', false)), arr(lib(map, set, '_\r\n', false)), [
      { libraryName: 'mylib', engine: 'LUA', functions },
    ]);
    both(c.functionListWithCode(), arr(lib(flat, arr, '$-1\r\n', true)), arr(lib(map, set, '_\r\n', true)), [
      { libraryName: 'mylib', engine: 'LUA', functions, libraryCode: '#!lua name=mylib' },
    ]);
  });

  test('FUNCTION STATS: idle, and with a running function', () => {
    const engines = (m: (...p: string[]) => string) =>
      m(bulk('LUA'), m(bulk('libraries_count'), int(1), bulk('functions_count'), int(2)));
    const idle = { runningScript: null, engines: { LUA: { librariesCount: 1, functionsCount: 2 } } };
    both(
      c.functionStats(),
      flat(bulk('running_script'), '$-1\r\n', bulk('engines'), engines(flat)),
      map(bulk('running_script'), '_\r\n', bulk('engines'), engines(map)),
      idle,
    );
    const running = (m: (...p: string[]) => string) =>
      m(
        bulk('name'),
        bulk('spin'),
        bulk('command'),
        arr(bulk('FCALL'), bulk('spin'), bulk('0')),
        bulk('duration_ms'),
        int(120),
      );
    both(
      c.functionStats(),
      flat(bulk('running_script'), running(flat), bulk('engines'), engines(flat)),
      map(bulk('running_script'), running(map), bulk('engines'), engines(map)),
      { ...idle, runningScript: { name: 'spin', command: ['FCALL', 'spin', '0'], durationMs: 120 } },
    );
  });
});

describe('sorted sets: ZUNION, ZINTER, ZDIFF, ZINTERCARD, ZRANGESTORE', () => {
  test('arguments', () => {
    check(c.zUnion(['a', 'b']), ['ZUNION', 2, 'a', 'b'], R, ['a', 'b']);
    check(
      c.zUnionWithScores(['a', 'b'], { weights: [1, 2.5], aggregate: 'MAX' }),
      ['ZUNION', 2, 'a', 'b', 'WEIGHTS', 1, 2.5, 'AGGREGATE', 'MAX', 'WITHSCORES'],
      R,
      ['a', 'b'],
    );
    check(c.zInter('a'), ['ZINTER', 1, 'a'], R, ['a']);
    check(c.zInterWithScores(['a', 'b']), ['ZINTER', 2, 'a', 'b', 'WITHSCORES'], R, ['a', 'b']);
    check(c.zDiff(['a', 'b']), ['ZDIFF', 2, 'a', 'b'], R, ['a', 'b']);
    check(c.zDiffWithScores(['a', 'b']), ['ZDIFF', 2, 'a', 'b', 'WITHSCORES'], R, ['a', 'b']);
    check(c.zInterCard(['a', 'b'], { limit: 0 }), ['ZINTERCARD', 2, 'a', 'b', 'LIMIT', 0], R, ['a', 'b']);
    check(c.zRangeStore('d', 's', 0, -1), ['ZRANGESTORE', 'd', 's', 0, -1], F.NONE, ['d', 's']);
    check(
      c.zRangeStore('d', 's', '[a', '+', { by: 'LEX', rev: true, limit: { offset: 1, count: 2 } }),
      ['ZRANGESTORE', 'd', 's', '[a', '+', 'BYLEX', 'REV', 'LIMIT', 1, 2],
      F.NONE,
      ['d', 's'],
    );
    check(
      c.zRangeStore('d', 's', -Infinity, 5, { by: 'SCORE' }),
      ['ZRANGESTORE', 'd', 's', '-inf', 5, 'BYSCORE'],
      F.NONE,
      ['d', 's'],
    );
    rejects(() => c.zUnion([]), 'zUnion keys');
    rejects(() => c.zInter(['a', 'b'], { weights: [1] }), 'one weight per key (2)');
    rejects(() => c.zUnion(['a'], { aggregate: 'AVG' as never }), 'zUnion options.aggregate');
    rejects(() => c.zInterWithScores(['a'], { withScores: true } as never), 'unknown key "withScores"');
    rejects(() => c.zInterCard(['a'], { limit: -1 }), 'zInterCard options.limit');
    rejects(() => c.zRangeStore('d', 's', '(1', 5), 'zRange start');
    rejects(() => c.zRangeStore('d', 's', 0, 5, { limit: { offset: 0, count: 1 } }), 'zRange options.limit');
  });

  test('WITHSCORES replies: RESP2 flat strings, RESP3 pairs of doubles', () => {
    both(
      c.zUnionWithScores(['a', 'b']),
      arr(bulk('x'), bulk('1.5'), bulk('y'), bulk('inf')),
      arr(arr(bulk('x'), ',1.5\r\n'), arr(bulk('y'), ',inf\r\n')),
      [
        { value: 'x', score: 1.5 },
        { value: 'y', score: Infinity },
      ],
    );
  });
});

describe('keys: OBJECT, SORT, MOVE, SWAPDB, MIGRATE', () => {
  test('OBJECT', () => {
    check(c.objectEncoding('k'), ['OBJECT', 'ENCODING', 'k'], R, ['k']);
    check(c.objectFreq('k'), ['OBJECT', 'FREQ', 'k'], R, ['k']);
    check(c.objectIdleTime('k'), ['OBJECT', 'IDLETIME', 'k'], R, ['k']);
    check(c.objectRefCount('k'), ['OBJECT', 'REFCOUNT', 'k'], R, ['k']);
  });

  test('SORT, SORT_RO and STORE', () => {
    check(c.sort('l'), ['SORT', 'l'], F.NONE, ['l']);
    check(
      c.sort('l', { by: 'w_*', limit: { offset: 0, count: 10 }, get: ['#', 'o_*->f'], order: 'DESC', alpha: true }),
      ['SORT', 'l', 'BY', 'w_*', 'LIMIT', 0, 10, 'GET', '#', 'GET', 'o_*->f', 'DESC', 'ALPHA'],
      F.NONE,
      ['l'],
    );
    check(c.sortBuffer('l', { get: 'o_*' }), ['SORT', 'l', 'GET', 'o_*'], F.BUFFERS, ['l']);
    check(c.sortRo('l', { order: 'ASC' }), ['SORT_RO', 'l', 'ASC'], R, ['l']);
    check(c.sortRoBuffer('l'), ['SORT_RO', 'l'], R | F.BUFFERS, ['l']);
    check(c.sortStore('l', 'd', { by: 'nosort' }), ['SORT', 'l', 'BY', 'nosort', 'STORE', 'd'], F.NONE, ['l', 'd']);
    rejects(() => c.sort('l', { get: [] }), 'sort options.get');
    rejects(() => c.sort('l', { order: 'desc' as never }), 'sort options.order');
    rejects(() => c.sort('l', { desc: true } as never), 'unknown key "desc"');
    rejects(() => c.sort('l', { limit: { offset: -1, count: 1 } }), 'sort options.limit.offset');
    rejects(() => c.sort('l', { limit: { start: 0, count: 1 } } as never), 'unknown key "start"');
    rejects(() => c.sortRo('l', { alpha: 1 } as never), 'true or false');
  });

  test('MOVE, SWAPDB, MIGRATE', () => {
    check(c.move('k', 3), ['MOVE', 'k', 3], F.NONE, ['k']);
    assert.equal(c.move('k', 3).decode!(1), true);
    assert.equal(c.move('k', 3).decode!(false), false);
    check(c.swapDb(0, 1), ['SWAPDB', 0, 1], F.NONE);
    rejects(() => c.move('k', -1), 'move db');
    rejects(() => c.swapDb(0, 1.5), 'swapDb index2');
    check(c.migrate('h', 6380, 'k', 0, 1000), ['MIGRATE', 'h', 6380, 'k', 0, 1000], F.NONE, ['k']);
    check(
      c.migrate('h', 6380, ['a', 'b'], 2, 0, { copy: true, replace: true, auth: { password: 'pw' } }),
      ['MIGRATE', 'h', 6380, '', 2, 0, 'COPY', 'REPLACE', 'AUTH', 'pw', 'KEYS', 'a', 'b'],
      F.NONE,
      ['a', 'b'],
    );
    check(
      c.migrate('h', 6380, ['a'], 0, 10, { auth: { username: 'u', password: 'pw' } }),
      ['MIGRATE', 'h', 6380, '', 0, 10, 'AUTH2', 'u', 'pw', 'KEYS', 'a'],
      F.NONE,
      ['a'],
    );
    rejects(() => c.migrate('h', 6380, [], 0, 10), 'migrate keys');
    rejects(() => c.migrate('h', 0, 'k', 0, 10), 'migrate port');
    rejects(() => c.migrate('h', 6380, 'k', 0, -1), 'migrate timeout');
    rejects(
      () => c.migrate('h', 6380, 'k', 0, 10, { auth: { user: 'u', password: 'p' } } as never),
      'unknown key "user"',
    );
    rejects(() => c.migrate('h', 6380, 'k', 0, 10, { auth: { username: 'u' } } as never), 'auth.password');
  });
});

describe('strings: SETEX, PSETEX, LCS', () => {
  test('arguments', () => {
    check(c.setEx('k', 10, 'v'), ['SETEX', 'k', 10, 'v'], F.NONE, ['k']);
    check(c.pSetEx('k', 1500, 'v'), ['PSETEX', 'k', 1500, 'v'], F.NONE, ['k']);
    rejects(() => c.setEx('k', 0, 'v'), 'setEx seconds');
    rejects(() => c.pSetEx('k', 1.5, 'v'), 'pSetEx milliseconds');
    check(c.lcs('a', 'b'), ['LCS', 'a', 'b'], R, ['a', 'b']);
    check(c.lcsLen('a', 'b'), ['LCS', 'a', 'b', 'LEN'], R, ['a', 'b']);
    check(c.lcsIdx('a', 'b'), ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'], R, ['a', 'b']);
    check(c.lcsIdx('a', 'b', { minMatchLen: 3 }), ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', 3, 'WITHMATCHLEN'], R, [
      'a',
      'b',
    ]);
    rejects(() => c.lcsIdx('a', 'b', { minmatchlen: 3 } as never), 'Did you mean `minMatchLen`');
    rejects(() => c.lcsIdx('a', 'b', { minMatchLen: -1 }), 'lcsIdx options.minMatchLen');
  });

  test('LCS IDX: matches and length from RESP2 and RESP3', () => {
    const match = arr(arr(int(4), int(7)), arr(int(5), int(8)), int(4));
    both(
      c.lcsIdx('a', 'b'),
      flat(bulk('matches'), arr(match), bulk('len'), int(6)),
      map(bulk('matches'), arr(match), bulk('len'), int(6)),
      { matches: [{ key1: { start: 4, end: 7 }, key2: { start: 5, end: 8 }, length: 4 }], length: 6 },
    );
  });
});

describe('hashes: field expiration (7.4), HGETDEL / HGETEX / HSETEX (8.0)', () => {
  test('HEXPIRE family: time, condition, FIELDS n', () => {
    check(c.hExpire('h', 10, 'f'), ['HEXPIRE', 'h', 10, 'FIELDS', 1, 'f'], F.NONE, ['h']);
    check(c.hExpire('h', 10, ['f', 'g'], 'NX'), ['HEXPIRE', 'h', 10, 'NX', 'FIELDS', 2, 'f', 'g'], F.NONE, ['h']);
    check(c.hPExpire('h', 0, 'f', 'LT'), ['HPEXPIRE', 'h', 0, 'LT', 'FIELDS', 1, 'f'], F.NONE, ['h']);
    check(
      c.hExpireAt('h', new Date(1_900_000_000_999), 'f'),
      ['HEXPIREAT', 'h', 1_900_000_000, 'FIELDS', 1, 'f'],
      F.NONE,
      ['h'],
    );
    check(c.hPExpireAt('h', new Date(5), 'f', 'GT'), ['HPEXPIREAT', 'h', 5, 'GT', 'FIELDS', 1, 'f'], F.NONE, ['h']);
    check(c.hTtl('h', ['f', 'g']), ['HTTL', 'h', 'FIELDS', 2, 'f', 'g'], R, ['h']);
    check(c.hPTtl('h', 'f'), ['HPTTL', 'h', 'FIELDS', 1, 'f'], R, ['h']);
    check(c.hExpireTime('h', 'f'), ['HEXPIRETIME', 'h', 'FIELDS', 1, 'f'], R, ['h']);
    check(c.hPExpireTime('h', 'f'), ['HPEXPIRETIME', 'h', 'FIELDS', 1, 'f'], R, ['h']);
    check(c.hPersist('h', 'f'), ['HPERSIST', 'h', 'FIELDS', 1, 'f'], F.NONE, ['h']);
    rejects(() => c.hExpire('h', -1, 'f'), 'hExpire time');
    rejects(() => c.hExpire('h', 1.5, 'f'), 'hExpire time');
    rejects(() => c.hExpire('h', 10, [], 'NX'), 'hExpire fields');
    rejects(() => c.hExpire('h', 10, 'f', 'nx' as never), 'hExpire mode');
    rejects(() => c.hTtl('h', []), 'hTtl fields');
    both(c.hTtl('h', ['a', 'b']), arr(int(10), int(-2)), arr(int(10), int(-2)), [10, -2]);
  });

  test('HGETDEL and HGETEX: FIELDS last, at most one expiry or PERSIST', () => {
    check(c.hGetDel('h', ['a', 'b']), ['HGETDEL', 'h', 'FIELDS', 2, 'a', 'b'], F.NONE, ['h']);
    check(c.hGetDelBuffer('h', 'a'), ['HGETDEL', 'h', 'FIELDS', 1, 'a'], F.BUFFERS, ['h']);
    check(c.hGetEx('h', 'a'), ['HGETEX', 'h', 'FIELDS', 1, 'a'], F.NONE, ['h']);
    check(c.hGetEx('h', ['a', 'b'], { px: 500 }), ['HGETEX', 'h', 'PX', 500, 'FIELDS', 2, 'a', 'b'], F.NONE, ['h']);
    check(c.hGetEx('h', 'a', { pxAt: new Date(7) }), ['HGETEX', 'h', 'PXAT', 7, 'FIELDS', 1, 'a'], F.NONE, ['h']);
    check(c.hGetExBuffer('h', 'a', { persist: true }), ['HGETEX', 'h', 'PERSIST', 'FIELDS', 1, 'a'], F.BUFFERS, ['h']);
    rejects(() => c.hGetDel('h', []), 'hGetDel fields');
    rejects(() => c.hGetEx('h', 'a', { ex: 1, px: 1 }), 'at most one of ex, px, exAt, pxAt');
    rejects(() => c.hGetEx('h', 'a', { ex: 1, persist: true }), 'either an expiry');
    rejects(() => c.hGetEx('h', 'a', { ex: 0 }), 'hGetEx options.ex');
    rejects(() => c.hGetEx('h', 'a', { keepTtl: true } as never), 'unknown key "keepTtl"');
    rejects(() => c.hGetEx('h', 'a', { EX: 5 } as never), 'Did you mean `ex`');
    both(c.hGetDel('h', ['a', 'b']), arr(bulk('v'), '$-1\r\n'), arr(bulk('v'), '_\r\n'), ['v', null]);
  });

  test('HSETEX: FNX/FXX, then an expiry or KEEPTTL, then FIELDS n field value…', () => {
    check(c.hSetEx('h', { a: '1' }), ['HSETEX', 'h', 'FIELDS', 1, 'a', '1'], F.NONE, ['h']);
    check(
      c.hSetEx('h', { a: '1', b: 2 }, { fnx: true, ex: 60 }),
      ['HSETEX', 'h', 'FNX', 'EX', 60, 'FIELDS', 2, 'a', '1', 'b', 2],
      F.NONE,
      ['h'],
    );
    check(
      c.hSetEx('h', [['a', '1']], { fxx: true, keepTtl: true }),
      ['HSETEX', 'h', 'FXX', 'KEEPTTL', 'FIELDS', 1, 'a', '1'],
      F.NONE,
      ['h'],
    );
    check(
      c.hSetEx('h', new Map([['a', 'x']]), { exAt: 1_900_000_000 }),
      ['HSETEX', 'h', 'EXAT', 1_900_000_000, 'FIELDS', 1, 'a', 'x'],
      F.NONE,
      ['h'],
    );
    rejects(() => c.hSetEx('h', {}), 'hSetEx fields');
    rejects(() => c.hSetEx('h', { a: '1' }, { fnx: true, fxx: true }), 'not both fnx and fxx');
    rejects(() => c.hSetEx('h', { a: '1' }, { ex: 1, keepTtl: true }), 'either an expiry');
    rejects(() => c.hSetEx('h', { a: '1' }, { nx: true } as never), 'unknown key "nx"');
    rejects(() => c.hSetEx('h', ['a', '1'] as never), 'a [field, value] pair');
    assert.equal(c.hSetEx('h', { a: '1' }).decode!(1), true);
    assert.equal(c.hSetEx('h', { a: '1' }).decode!(0), false);
  });
});
