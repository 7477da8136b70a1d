/** The pure conversions of respool/compat: ioredis's argument rules and RESP3 → RESP2 reply shapes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ioredisArgs, toRecord } from '../../src/compat/convert.js';
import { toResp2 } from '../../src/compat/resp2.js';
import { InvalidArgumentError } from '../../src/index.js';

test('ioredis arguments: one level flattened; null/undefined as ""; numbers, bigints, booleans as text', () => {
  const bytes = Buffer.from([0xff]);
  assert.deepEqual(ioredisArgs('rpush', ['k', ['a', 'b'], null, undefined, 1.5, 10n, false, bytes]), [
    'k',
    'a',
    'b',
    '',
    '',
    '1.5',
    '10',
    'false',
    bytes,
  ]);
});

test('ioredis arguments: objects and Maps are spread for MSET and HSET, refused elsewhere', () => {
  assert.deepEqual(ioredisArgs('mset', [{ a: 1, b: 'x' }]), ['a', '1', 'b', 'x']);
  assert.deepEqual(ioredisArgs('hset', ['h', new Map([['f', 2]])]), ['h', 'f', '2']);
  assert.throws(
    () => ioredisArgs('set', ['k', { a: 1 }]),
    (e: unknown) => e instanceof InvalidArgumentError && /set\(\): argument 2 is an object/.test(e.message),
  );
  assert.throws(() => ioredisArgs('rpush', ['k', [['deep']]]), /a nested array/);
});

test('RESP3 replies in their RESP2 shapes; RESP2 replies unchanged', () => {
  assert.deepEqual(toResp2('hgetall', ['HGETALL', 'h'], new Map([['f', 'v']])), ['f', 'v']);
  assert.deepEqual(toResp2('hgetall', ['HGETALL', 'h'], ['f', 'v']), ['f', 'v']);
  assert.deepEqual(
    toResp2(
      'zrange',
      ['ZRANGE', 'z', 0, -1, 'WITHSCORES'],
      [
        ['a', 1.5],
        ['b', Infinity],
      ],
    ),
    ['a', '1.5', 'b', 'inf'],
  );
  assert.deepEqual(toResp2('zrange', ['ZRANGE', 'z', 0, -1, 'WITHSCORES'], ['a', '1.5']), ['a', '1.5']);
  assert.equal(toResp2('zscore', ['ZSCORE', 'z', 'a'], 2), '2');
  assert.equal(toResp2('zadd', ['ZADD', 'z', 1, 'a'], 1), 1, 'a count stays a number');
  assert.equal(toResp2('zadd', ['ZADD', 'z', 'INCR', 1, 'a'], 3), '3', 'INCR gives a score');
  assert.deepEqual(toResp2('bzpopmin', ['BZPOPMIN', 'z', 0], ['z', 'a', 1]), ['z', 'a', '1']);
  assert.deepEqual(toResp2('xread', ['XREAD', 'STREAMS', 's', '0'], new Map([['s', [['1-0', ['f', 'v']]]]])), [
    ['s', [['1-0', ['f', 'v']]]],
  ]);
  assert.equal(toResp2('sismember', ['SISMEMBER', 's', 'm'], true), 1);
  assert.equal(toResp2('incr', ['INCR', 'k'], 2n ** 60n), String(2n ** 60n));
  assert.deepEqual(toResp2('eval', ['EVAL', 's', 0], [1, [true, null]]), [1, [1, null]]);
});

test('toRecord reads flat field/value arrays', () => {
  assert.deepEqual(toRecord(['a', '1', 'b', '2']), { a: '1', b: '2' });
  assert.deepEqual(toRecord(null), {});
});
