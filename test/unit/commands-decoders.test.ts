// Reply decoders: every typed result is fed the RESP2 shape and the RESP3 shape of the same
// reply (as RespDecoder yields them: RESP3 maps are Maps, sets are arrays, doubles are numbers)
// and must give the same value.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from '../../src/commands/command.js';
import * as c from '../../src/commands/builders.js';
import * as d from '../../src/commands/decoders.js';
import { RespDecoder } from '../../src/resp/index.js';
import type { RespValue } from '../../src/resp/types.js';
import type { StreamMessage } from '../../src/commands/index.js';

/** What RespDecoder makes of `parts` (strings are written as latin1, so '\xff' is the byte 0xff). */
function decoded(parts: (string | Buffer)[], buffers = false): RespValue {
  const replies: RespValue[] = [];
  const decoder = new RespDecoder({ onReply: (r) => replies.push(r) });
  decoder.returnBuffers = buffers;
  decoder.feed(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p))));
  assert.equal(replies.length, 1);
  return replies[0]!;
}

function run<T>(cmd: Command<T>, reply: RespValue): T {
  return cmd.decode === undefined ? (reply as T) : cmd.decode(reply);
}

/** The RESP2 and RESP3 shapes decode to `expected`. */
function both<T>(cmd: Command<T>, resp2: RespValue, resp3: RespValue, expected: T): void {
  assert.deepEqual(run(cmd, resp2), expected, `RESP2 ${String(cmd.args[0])}`);
  assert.deepEqual(run(cmd, resp3), expected, `RESP3 ${String(cmd.args[0])}`);
}

const b = (s: string): Buffer => Buffer.from(s);

describe('shared decoders', () => {
  test('numbers: doubles as strings or numbers, inf, bigint, Buffer', () => {
    assert.equal(d.toNumber('1.5'), 1.5);
    assert.equal(d.toNumber(1.5), 1.5);
    assert.equal(d.toNumber('inf'), Infinity);
    assert.equal(d.toNumber('+inf'), Infinity);
    assert.equal(d.toNumber('-inf'), -Infinity);
    assert.equal(d.toNumber('1e3'), 1000);
    assert.equal(d.toNumber(12n), 12);
    assert.equal(d.toNumber(b('-2.25')), -2.25);
    assert.ok(Number.isNaN(d.toNumber('nan')));
    assert.equal(d.toNumberOrNull(null), null);
    assert.deepEqual(d.toNumberOrNullArray(['1', null, 'inf']), [1, null, Infinity]);
    assert.deepEqual(d.toNumberOrNullArray([1, null, Infinity]), [1, null, Infinity]);
  });

  test('booleans from 0/1, RESP3 booleans and OK/null', () => {
    assert.equal(d.toBoolean(1), true);
    assert.equal(d.toBoolean(0), false);
    assert.equal(d.toBoolean(true), true);
    assert.equal(d.toBoolean(false), false);
    assert.equal(d.toBoolean('OK'), true);
    assert.equal(d.toBoolean(null), false);
    assert.deepEqual(d.toBooleanArray([1, 0, 1]), [true, false, true]);
  });

  test('records: flat arrays and Maps; __proto__ stays a plain field', () => {
    const flat = ['a', '1', '__proto__', 'x', 'constructor', 'y'];
    const map = new Map<RespValue, RespValue>([
      ['a', '1'],
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    for (const reply of [flat, map]) {
      const rec = d.toRecord(reply);
      assert.equal(Object.getPrototypeOf(rec), Object.prototype);
      assert.deepEqual(Object.keys(rec), ['a', '__proto__', 'constructor']);
      assert.equal(rec['__proto__'], 'x');
      assert.equal(rec['a'], '1');
    }
    assert.deepEqual(d.toRecord(null), {});
    assert.deepEqual(d.toRecord([]), {});
  });

  test('arrays: kept as they are, null becomes []', () => {
    assert.deepEqual(d.toArray(['a', 'b']), ['a', 'b']);
    assert.deepEqual(d.toArray(null), []);
    assert.equal(d.toArrayOrNull(null), null);
    assert.deepEqual(d.toStringArray([b('x'), 'y', 3]), ['x', 'y', '3']);
  });
});

describe('strings and keys', () => {
  test('pass-through replies are the same in both protocols', () => {
    both(c.get('k'), 'v', 'v', 'v');
    both(c.get('k'), null, null, null);
    both(c.set('k', 'v'), 'OK', 'OK', 'OK');
    both(c.set('k', 'v', { nx: true }), null, null, null);
    both(c.set('k', 'v', { get: true }), 'old', 'old', 'old');
    both(c.mGet(['a', 'b']), ['1', null], ['1', null], ['1', null]);
    both(c.del('a'), 1, 1, 1);
  });

  test('numbers and booleans', () => {
    both(c.incr('k'), 5, 5, 5);
    both(c.incrBy('k', 1), 2n ** 60n, 2n ** 60n, 2 ** 60);
    both(c.incrByFloat('k', 0.5), '10.5', '10.5', 10.5);
    both(c.setNx('k', 'v'), 1, 1, true);
    both(c.setNx('k', 'v'), 0, 0, false);
    both(c.mSetNx({ a: '1' }), 0, 0, false);
    both(c.expire('k', 1), 1, 1, true);
    both(c.persist('k'), 0, 0, false);
    both(c.renameNx('a', 'b'), 1, 1, true);
    both(c.copy('a', 'b'), 1, 1, true);
  });

  test('keys and scan pages', () => {
    both(c.keys('*'), ['a', 'b'], ['a', 'b'], ['a', 'b']);
    both(c.scan(0), ['17', ['a', 'b']], ['17', ['a', 'b']], { cursor: '17', keys: ['a', 'b'] });
    both(c.scan(0), ['0', []], ['0', []], { cursor: '0', keys: [] });
  });
});

describe('hashes', () => {
  test('hGetAll: flat array vs Map', () => {
    both(
      c.hGetAll('h'),
      ['f', 'v', 'g', 'w'],
      new Map([
        ['f', 'v'],
        ['g', 'w'],
      ] as [RespValue, RespValue][]),
      { f: 'v', g: 'w' },
    );
    both(c.hGetAll('h'), [], new Map(), {});
  });

  test('hGetAll with binary field names: the same record under RESP2 and RESP3', () => {
    // A record is keyed by text, so two fields that decode to the same text are one field, in both
    // protocols; the raw RESP3 Map keeps them apart (Buffer keys).
    const resp2 = decoded(['*4\r\n$1\r\n\xff\r\n$1\r\n1\r\n$1\r\n\xfe\r\n$1\r\n2\r\n']);
    const resp3 = decoded(['%2\r\n$1\r\n\xff\r\n$1\r\n1\r\n$1\r\n\xfe\r\n$1\r\n2\r\n']);
    assert.equal((resp3 as Map<RespValue, RespValue>).size, 2);
    both(c.hGetAll('h'), resp2, resp3, { '\uFFFD': '2' });
  });

  test('hGetAllBuffer: field names as strings, values as Buffers', () => {
    const v = Buffer.from([0, 13, 10, 255]);
    const expected = { f: v, é: b('x') };
    both(
      c.hGetAllBuffer('h'),
      [b('f'), v, b('é'), b('x')],
      new Map<RespValue, RespValue>([
        [b('f'), v],
        [b('é'), b('x')],
      ]),
      expected,
    );
  });

  test('the rest', () => {
    both(c.hExists('h', 'f'), 1, 1, true);
    both(c.hSetNx('h', 'f', 'v'), 0, 0, false);
    both(c.hIncrByFloat('h', 'f', 1), '2.5', '2.5', 2.5);
    both(c.hIncrBy('h', 'f', 1), 3, 3, 3);
    both(c.hKeys('h'), ['a'], ['a'], ['a']);
    both(c.hVals('h'), ['1'], ['1'], ['1']);
    both(c.hRandFieldCount('h', 2), ['a', 'b'], ['a', 'b'], ['a', 'b']);
    both(
      c.hRandFieldWithValues('h', 2),
      ['a', '1', 'b', '2'],
      [
        ['a', '1'],
        ['b', '2'],
      ],
      [
        { field: 'a', value: '1' },
        { field: 'b', value: '2' },
      ],
    );
    both(c.hScan('h', 0), ['0', ['f', 'v']], ['0', ['f', 'v']], { cursor: '0', entries: [{ field: 'f', value: 'v' }] });
  });
});

describe('lists', () => {
  test('blocking pops', () => {
    both(c.blPop('l', 1), ['l', 'x'], ['l', 'x'], { key: 'l', element: 'x' });
    both(c.blPop('l', 1), null, null, null);
    both(c.brPopBuffer('l', 1), [b('l'), b('\r\n')], [b('l'), b('\r\n')], { key: 'l', element: b('\r\n') });
    both(c.lMPop('l', 'LEFT'), ['l', ['a', 'b']], ['l', ['a', 'b']], { key: 'l', elements: ['a', 'b'] });
    both(c.blMPop('l', 'LEFT', 1), null, null, null);
  });

  test('counts and positions', () => {
    both(c.lPopCount('l', 2), ['a', 'b'], ['a', 'b'], ['a', 'b']);
    both(c.lPopCount('l', 2), null, null, null);
    both(c.lPos('l', 'x'), null, null, null);
    both(c.lPosCount('l', 'x', 0), [0, 3], [0, 3], [0, 3]);
  });
});

describe('sets', () => {
  test('RESP3 sets come as arrays, as in RESP2', () => {
    both(c.sMembers('s'), ['a', 'b'], decoded(['~2\r\n$1\r\na\r\n$1\r\nb\r\n']), ['a', 'b']);
    both(c.sMembersBuffer('s'), [b('a')], decoded(['~1\r\n$1\r\na\r\n'], true), [b('a')]);
    both(c.sInter(['a', 'b']), ['x'], decoded(['~1\r\n$1\r\nx\r\n']), ['x']);
    both(c.sUnion('a'), [], decoded(['~0\r\n']), []);
    both(c.sDiff('a'), ['x'], ['x'], ['x']);
    both(c.sPopCount('s', 2), [], [], []);
    both(c.sRandMemberCount('s', 2), ['a'], ['a'], ['a']);
  });

  test('binary members that decode to the same text stay two members', () => {
    const wire = ['~2\r\n$1\r\n\xff\r\n$1\r\n\xfe\r\n'];
    const resp2 = decoded(['*2\r\n$1\r\n\xff\r\n$1\r\n\xfe\r\n']);
    both(c.sMembers('s'), resp2, decoded(wire), ['\uFFFD', '\uFFFD']);
    both(c.sPopCount('s', 2), resp2, decoded(wire), ['\uFFFD', '\uFFFD']);
    both(c.sInter(['a', 'b']), resp2, decoded(wire), ['\uFFFD', '\uFFFD']);
    const ff = Buffer.from([0xff]);
    const fe = Buffer.from([0xfe]);
    assert.deepEqual(c.sMembersBuffer('s').decode!(decoded(wire, true)), [ff, fe]);
  });

  test('booleans and pages', () => {
    both(c.sIsMember('s', 'a'), 1, 1, true);
    both(c.smIsMember('s', ['a', 'z']), [1, 0], [1, 0], [true, false]);
    both(c.sMove('a', 'b', 'm'), 0, 0, false);
    both(c.sScan('s', 0), ['5', ['a']], ['5', ['a']], { cursor: '5', members: ['a'] });
  });
});

describe('sorted sets', () => {
  test('scores: RESP2 strings, RESP3 doubles, inf', () => {
    both(c.zScore('z', 'a'), '1.5', 1.5, 1.5);
    both(c.zScore('z', 'a'), 'inf', Infinity, Infinity);
    both(c.zScore('z', 'a'), null, null, null);
    both(c.zmScore('z', ['a', 'b']), ['2', null], [2, null], [2, null]);
    both(c.zIncrBy('z', 1, 'a'), '-inf', -Infinity, -Infinity);
    both(c.zAddIncr('z', { value: 'a', score: 1 }), '3', 3, 3);
    both(c.zAddIncr('z', { value: 'a', score: 1 }, { nx: true }), null, null, null);
  });

  test('members with scores: flat vs nested', () => {
    const expected = [
      { value: 'a', score: 1.5 },
      { value: 'c', score: Infinity },
    ];
    both(
      c.zRangeWithScores('z', 0, -1),
      ['a', '1.5', 'c', 'inf'],
      [
        ['a', 1.5],
        ['c', Infinity],
      ],
      expected,
    );
    both(c.zRangeWithScores('z', 0, -1), [], [], []);
    both(
      c.zPopMinCount('z', 2),
      ['a', '1.5', 'c', 'inf'],
      [
        ['a', 1.5],
        ['c', Infinity],
      ],
      expected,
    );
    both(c.zPopMin('z'), ['a', '1'], ['a', 1], { value: 'a', score: 1 });
    both(c.zPopMax('z'), [], [], null);
    both(c.zScan('z', 0), ['0', ['a', '1', 'b', '2']], ['0', ['a', '1', 'b', '2']], {
      cursor: '0',
      members: [
        { value: 'a', score: 1 },
        { value: 'b', score: 2 },
      ],
    });
  });

  test('blocking and multi pops', () => {
    both(c.bzPopMin('z', 1), ['z', 'a', '5'], ['z', 'a', 5], { key: 'z', value: 'a', score: 5 });
    both(c.bzPopMax('z', 1), null, null, null);
    const members = { key: 'z', members: [{ value: 'a', score: 5 }] };
    both(c.zMPop('z', 'MIN'), ['z', [['a', '5']]], ['z', [['a', 5]]], members);
    both(c.bzMPop('z', 'MIN', 1), ['z', [['a', '5']]], ['z', [['a', 5]]], members);
    both(c.zMPop('z', 'MAX'), null, null, null);
  });
});

describe('streams', () => {
  const entries2: RespValue = [
    ['1-1', ['f', 'v']],
    ['2-1', ['a', 'b', 'c', 'd']],
  ];
  const messages: StreamMessage[] = [
    { id: '1-1', message: { f: 'v' } },
    { id: '2-1', message: { a: 'b', c: 'd' } },
  ];

  test('ranges', () => {
    both(c.xRange('s', '-', '+'), entries2, entries2, messages);
    both(c.xRevRange('s', '+', '-'), [], [], []);
  });

  test('xRead: RESP2 pairs vs RESP3 Map, null when nothing', () => {
    const expected = [{ name: 'st', messages }];
    both(c.xRead({ key: 'st', id: '0' }), [['st', entries2]], new Map([['st', entries2]]), expected);
    both(c.xRead({ key: 'st', id: '$' }, { block: 10 }), null, null, null);
    both(
      c.xReadGroup('g', 'c', { key: 'st', id: '0' }),
      [['st', [['1-1', null]]]],
      new Map([['st', [['1-1', null]]]] as [RespValue, RespValue][]),
      [{ name: 'st', messages: [{ id: '1-1', message: null }] }],
    );
  });

  test('xRead/xReadGroup over two binary stream names: both come back, as under RESP2', () => {
    const entry = '*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n';
    const resp2 = decoded([`*2\r\n*2\r\n$1\r\n\xff\r\n${entry}*2\r\n$1\r\n\xfe\r\n${entry}`]);
    const resp3 = decoded([`%2\r\n$1\r\n\xff\r\n${entry}$1\r\n\xfe\r\n${entry}`]);
    assert.ok(resp3 instanceof Map);
    assert.equal(resp3.size, 2, 'the decoder kept both keys');
    const one = { name: '\uFFFD', messages: [{ id: '1-1', message: { f: 'v' } }] };
    both(c.xRead([{ key: 'a', id: '0' }]), resp2, resp3, [one, one]);
    both(c.xReadGroup('g', 'c', [{ key: 'a', id: '>' }]), resp2, resp3, [one, one]);
  });

  test('pending, claims', () => {
    both(c.xPending('s', 'g'), [1, '1-1', '1-1', [['c1', '1']]], [1, '1-1', '1-1', [['c1', '1']]], {
      count: 1,
      minId: '1-1',
      maxId: '1-1',
      consumers: [{ name: 'c1', count: 1 }],
    });
    both(c.xPending('s', 'g'), [0, null, null, null], [0, null, null, null], {
      count: 0,
      minId: null,
      maxId: null,
      consumers: [],
    });
    both(
      c.xPendingRange('s', 'g', '-', '+', 10),
      [['1-1', 'c2', 420, 4]],
      [['1-1', 'c2', 420, 4]],
      [{ id: '1-1', consumer: 'c2', idleMs: 420, deliveries: 4 }],
    );
    both(c.xClaim('s', 'g', 'c', 0, '1-1'), [['1-1', ['f', 'v']]], [['1-1', ['f', 'v']]], [messages[0]]);
    both(c.xClaimJustId('s', 'g', 'c', 0, '1-1'), ['1-1'], ['1-1'], ['1-1']);
    both(
      c.xAutoClaim('s', 'g', 'c', 0, '0'),
      ['0-0', [['1-1', ['f', 'v']]], ['9-9']],
      ['0-0', [['1-1', ['f', 'v']]], ['9-9']],
      {
        nextId: '0-0',
        messages: [messages[0]!],
        deletedIds: ['9-9'],
      },
    );
    both(c.xGroupDestroy('s', 'g'), 1, 1, true);
  });
});

describe('hyperloglog, bitmaps, geo', () => {
  test('pfAdd and bitField', () => {
    both(c.pfAdd('h', 'a'), 1, 1, true);
    both(c.bitField('b', [{ op: 'GET', encoding: 'u8', offset: 0 }]), [255, null], [255, null], [255, null]);
  });

  test('geo: positions as strings (RESP2) or doubles (RESP3)', () => {
    both(
      c.geoPos('g', ['a', 'nope']),
      [['13.5', '38.25'], null],
      [[13.5, 38.25], null],
      [{ longitude: 13.5, latitude: 38.25 }, null],
    );
    both(c.geoDist('g', 'a', 'b'), '166.2742', '166.2742', 166.2742);
    both(c.geoDist('g', 'a', 'nope'), null, null, null);
    both(
      c.geoSearchWith(
        'g',
        { member: 'a' },
        { radius: 1, unit: 'km' },
        { withCoord: true, withDist: true, withHash: true },
      ),
      [['Catania', '56.4413', 3479447370796909, ['15.5', '37.5']]],
      [['Catania', '56.4413', 3479447370796909, [15.5, 37.5]]],
      [
        {
          member: 'Catania',
          distance: 56.4413,
          hash: 3479447370796909,
          coordinates: { longitude: 15.5, latitude: 37.5 },
        },
      ],
    );
    both(
      c.geoSearchWith('g', { member: 'a' }, { radius: 1, unit: 'km' }, { withDist: true }),
      [['a', '0.0000']],
      [['a', '0.0000']],
      [{ member: 'a', distance: 0 }],
    );
  });
});

describe('scripting, server, pub/sub', () => {
  test('scriptExists, time, configGet, numsub', () => {
    both(c.scriptExists(['a', 'b']), [1, 0], [1, 0], [true, false]);
    both(c.time(), ['1795480688', '362068'], ['1795480688', '362068'], [1795480688, 362068]);
    both(
      c.configGet('maxmemory*'),
      ['maxmemory', '0', 'maxmemory-policy', 'noeviction'],
      new Map([
        ['maxmemory', '0'],
        ['maxmemory-policy', 'noeviction'],
      ] as [RespValue, RespValue][]),
      {
        maxmemory: '0',
        'maxmemory-policy': 'noeviction',
      },
    );
    both(c.pubsubNumSub(['a', 'b']), ['a', 0, 'b', 2], ['a', 0, 'b', 2], { a: 0, b: 2 });
    both(c.waitAof(1, 0, 0), [1, 0], [1, 0], [1, 0]);
  });

  test('client list and info text', () => {
    const line = 'id=3 addr=127.0.0.1:50878 name= db=0 cmd=client|info resp=2';
    const text = `${line}\nid=4 addr=127.0.0.1:50879 name=app db=1 cmd=get resp=3\n`;
    const records = [
      { id: '3', addr: '127.0.0.1:50878', name: '', db: '0', cmd: 'client|info', resp: '2' },
      { id: '4', addr: '127.0.0.1:50879', name: 'app', db: '1', cmd: 'get', resp: '3' },
    ];
    both(c.clientList(), text, text, records);
    both(c.clientInfo(), `${line}\n`, `${line}\n`, records[0]);
    assert.deepEqual(
      c.parseInfo('# Server\r\nredis_version:7.0.15\r\nos:Linux 6\r\n\r\n# Clients\r\nconnected_clients:1\r\n'),
      {
        redis_version: '7.0.15',
        os: 'Linux 6',
        connected_clients: '1',
      },
    );
  });
});
