// Hashes, lists, sets and sorted sets against a real redis-server, under RESP2 and RESP3,
// including blocking pops and binary members.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_BYTES, UNICODE_KEY, forEachProtocol } from './commands-harness.js';

forEachProtocol('collections', ({ client, key }) => {
  test('hashes', async () => {
    const c = client();
    const h = key('h');
    assert.equal(await c.hSet(h, 'f', 'v'), 1);
    assert.equal(await c.hSet(h, { g: 'w', [UNICODE_KEY]: 'ü', empty: '' }), 3);
    assert.deepEqual(await c.hGetAll(h), { f: 'v', g: 'w', [UNICODE_KEY]: 'ü', empty: '' });
    assert.deepEqual(await c.hGetAll(key('none')), {});
    assert.equal(await c.hGet(h, 'f'), 'v');
    assert.equal(await c.hGet(h, 'nope'), null);
    assert.deepEqual(await c.hMGet(h, ['f', 'nope', 'empty']), ['v', null, '']);
    assert.equal(await c.hSetNx(h, 'f', 'x'), false);
    assert.equal(await c.hExists(h, 'g'), true);
    assert.equal(await c.hExists(h, 'zz'), false);
    assert.equal(await c.hIncrBy(h, 'n', 5), 5);
    assert.equal(await c.hIncrByFloat(h, 'n', 0.25), 5.25);
    assert.equal(await c.hLen(h), 5);
    assert.equal(await c.hStrLen(h, UNICODE_KEY), 2);
    assert.deepEqual((await c.hKeys(h)).sort(), ['empty', 'f', 'g', 'n', UNICODE_KEY].sort());
    assert.equal((await c.hVals(h)).length, 5);
    assert.equal(typeof (await c.hRandField(h)), 'string');
    assert.equal((await c.hRandFieldCount(h, 2)).length, 2);
    const withValues = await c.hRandFieldWithValues(h, 2);
    assert.equal(withValues.length, 2);
    for (const { field, value } of withValues) assert.equal(await c.hGet(h, field), value);
    assert.equal(await c.hDel(h, ['n', 'nope']), 1);

    const bin = key('hbin');
    await c.hSet(bin, [
      ['raw', ALL_BYTES],
      ['é', ''],
    ]);
    assert.deepEqual(await c.hGetAllBuffer(bin), { raw: ALL_BYTES, é: Buffer.alloc(0) });
    assert.deepEqual(await c.hGetBuffer(bin, 'raw'), ALL_BYTES);
    assert.deepEqual(await c.hMGetBuffer(bin, ['raw', 'none']), [ALL_BYTES, null]);

    for (let i = 0; i < 40; i++) await c.hSet(key('hscan'), `f${i}`, String(i));
    const fields = new Map<string, string>();
    let cursor = '0';
    do {
      const page = await c.hScan(key('hscan'), cursor, { count: 10 });
      for (const { field, value } of page.entries) fields.set(field, value);
      cursor = page.cursor;
    } while (cursor !== '0');
    assert.equal(fields.size, 40);
    assert.equal(fields.get('f7'), '7');
  });

  test('lists', async () => {
    const c = client();
    const l = key('l');
    assert.equal(await c.rPush(l, ['a', 'b', 'c']), 3);
    assert.equal(await c.lPush(l, 'z'), 4);
    assert.deepEqual(await c.lRange(l, 0, -1), ['z', 'a', 'b', 'c']);
    assert.equal(await c.lLen(l), 4);
    assert.equal(await c.lIndex(l, -1), 'c');
    assert.equal(await c.lSet(l, 0, 'y'), 'OK');
    assert.equal(await c.lInsert(l, 'AFTER', 'a', 'a2'), 5);
    assert.equal(await c.lPos(l, 'b'), 3);
    assert.equal(await c.lPos(l, 'nope'), null);
    await c.rPush(l, 'b');
    assert.deepEqual(await c.lPosCount(l, 'b', 0), [3, 5]);
    assert.equal(await c.lPos(l, 'b', { rank: -1 }), 5);
    assert.equal(await c.lRem(l, 0, 'b'), 2);
    assert.equal(await c.lTrim(l, 0, 2), 'OK');
    assert.deepEqual(await c.lRange(l, 0, -1), ['y', 'a', 'a2']);
    assert.equal(await c.lPop(l), 'y');
    assert.equal(await c.rPop(l), 'a2');
    assert.deepEqual(await c.lPopCount(l, 5), ['a']);
    assert.equal(await c.lPopCount(l, 5), null);
    assert.equal(await c.lPop(l), null);
    assert.equal(await c.lPushX(l, 'x'), 0);
    assert.equal(await c.rPushX(l, 'x'), 0);
    await c.rPush(l, ['1', '2', '3']);
    assert.deepEqual(await c.rPopCount(l, 2), ['3', '2']);
    assert.equal(await c.lMove(l, key('l2'), 'LEFT', 'RIGHT'), '1');
    assert.deepEqual(await c.lMPop([key('none'), key('l2')], 'LEFT', { count: 5 }), {
      key: key('l2'),
      elements: ['1'],
    });
    assert.equal(await c.lMPop(key('none'), 'RIGHT'), null);

    const bin = key('lbin');
    await c.rPush(bin, [ALL_BYTES, '', UNICODE_KEY]);
    assert.deepEqual(await c.lRangeBuffer(bin, 0, -1), [ALL_BYTES, Buffer.alloc(0), Buffer.from(UNICODE_KEY)]);
    assert.deepEqual(await c.lIndexBuffer(bin, 0), ALL_BYTES);
    assert.deepEqual(await c.lPopBuffer(bin), ALL_BYTES);
    assert.deepEqual(await c.rPopBuffer(bin), Buffer.from(UNICODE_KEY));
  });

  test('blocking list pops: immediate, woken by a push, timed out', async () => {
    const c = client();
    const q = key('q');
    await c.rPush(q, 'first');
    assert.deepEqual(await c.blPop([key('empty'), q], 1), { key: q, element: 'first' });
    const waiting = c.brPop(q, 5);
    await new Promise((r) => setTimeout(r, 50));
    await c.rPush(q, 'later');
    assert.deepEqual(await waiting, { key: q, element: 'later' });
    assert.equal(await c.blPop(q, 0.05), null);
    await c.rPush(q, ALL_BYTES);
    assert.deepEqual(await c.blPopBuffer(q, 1), { key: q, element: ALL_BYTES });
    await c.rPush(q, ALL_BYTES);
    assert.deepEqual(await c.brPopBuffer(q, 1), { key: q, element: ALL_BYTES });
    await c.rPush(q, ['m1', 'm2']);
    assert.equal(await c.blMove(q, key('q2'), 'LEFT', 'LEFT', 1), 'm1');
    assert.equal(await c.blMove(key('empty'), key('q2'), 'LEFT', 'LEFT', 0.05), null);
    assert.deepEqual(await c.blMPop([key('empty'), q], 'LEFT', 1, { count: 3 }), { key: q, elements: ['m2'] });
    assert.equal(await c.blMPop(q, 'LEFT', 0.05), null);
  });

  test('sets', async () => {
    const c = client();
    const s = key('s');
    assert.equal(await c.sAdd(s, ['a', 'b', 'c']), 3);
    assert.equal(await c.sAdd(s, 'a'), 0);
    assert.deepEqual((await c.sMembers(s)).sort(), ['a', 'b', 'c']);
    assert.deepEqual(await c.sMembers(key('none')), []);
    assert.equal(await c.sIsMember(s, 'a'), true);
    assert.equal(await c.sIsMember(s, 'z'), false);
    assert.deepEqual(await c.smIsMember(s, ['a', 'z']), [true, false]);
    assert.equal(await c.sCard(s), 3);
    await c.sAdd(key('s2'), ['b', 'c', 'd']);
    assert.deepEqual((await c.sInter([s, key('s2')])).sort(), ['b', 'c']);
    assert.deepEqual((await c.sUnion([s, key('s2')])).sort(), ['a', 'b', 'c', 'd']);
    assert.deepEqual(await c.sDiff([s, key('s2')]), ['a']);
    assert.equal(await c.sInterStore(key('si'), [s, key('s2')]), 2);
    assert.equal(await c.sUnionStore(key('su'), [s, key('s2')]), 4);
    assert.equal(await c.sDiffStore(key('sd'), [s, key('s2')]), 1);
    assert.equal(await c.sInterCard([s, key('s2')]), 2);
    assert.equal(await c.sInterCard([s, key('s2')], { limit: 1 }), 1);
    assert.equal(await c.sMove(s, key('s2'), 'a'), true);
    assert.equal(await c.sMove(s, key('s2'), 'a'), false);
    assert.equal(await c.sRem(s, ['b', 'zz']), 1);
    assert.equal(await c.sRandMember(s), 'c');
    assert.deepEqual(await c.sRandMemberCount(s, -2), ['c', 'c']);
    assert.equal(await c.sPop(s), 'c');
    assert.equal(await c.sPop(s), null);
    assert.deepEqual(await c.sPopCount(key('none'), 2), []);
    assert.deepEqual((await c.sPopCount(key('s2'), 10)).sort(), ['a', 'b', 'c', 'd']);

    await c.sAdd(key('sbin'), [ALL_BYTES, '']);
    const members = await c.sMembersBuffer(key('sbin'));
    assert.equal(members.length, 2);
    assert.ok(members.some((m) => m.equals(ALL_BYTES)));
    assert.ok(members.some((m) => m.length === 0));

    for (let i = 0; i < 50; i++) await c.sAdd(key('sscan'), `m${i}`);
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const page = await c.sScan(key('sscan'), cursor, { match: 'm*', count: 10 });
      for (const m of page.members) seen.add(m);
      cursor = page.cursor;
    } while (cursor !== '0');
    assert.equal(seen.size, 50);
  });

  test('sorted sets', async () => {
    const c = client();
    const z = key('z');
    assert.equal(
      await c.zAdd(z, [
        { value: 'a', score: 1.5 },
        { value: 'b', score: 2 },
        { value: 'c', score: Infinity },
        { value: 'm', score: -Infinity },
      ]),
      4,
    );
    assert.equal(await c.zScore(z, 'a'), 1.5);
    assert.equal(await c.zScore(z, 'c'), Infinity);
    assert.equal(await c.zScore(z, 'm'), -Infinity);
    assert.equal(await c.zScore(z, 'nope'), null);
    assert.deepEqual(await c.zmScore(z, ['b', 'nope']), [2, null]);
    assert.deepEqual(await c.zRange(z, 0, -1), ['m', 'a', 'b', 'c']);
    assert.deepEqual(await c.zRangeWithScores(z, 0, 1), [
      { value: 'm', score: -Infinity },
      { value: 'a', score: 1.5 },
    ]);
    assert.deepEqual(await c.zRange(z, '(1.5', Infinity, { by: 'SCORE' }), ['b', 'c']);
    assert.deepEqual(
      await c.zRange(z, Infinity, -Infinity, { by: 'SCORE', rev: true, limit: { offset: 1, count: 2 } }),
      ['b', 'a'],
    );
    assert.deepEqual(await c.zRangeWithScores(z, 0, 0, { rev: true }), [{ value: 'c', score: Infinity }]);
    assert.equal(await c.zAdd(z, { value: 'a', score: 1 }, { gt: true, ch: true }), 0);
    assert.equal(await c.zAdd(z, { value: 'a', score: 3 }, { gt: true, ch: true }), 1);
    assert.equal(await c.zAddIncr(z, { value: 'a', score: 0.5 }), 3.5);
    assert.equal(await c.zAddIncr(z, { value: 'a', score: 1 }, { nx: true }), null);
    assert.equal(await c.zIncrBy(z, -1, 'a'), 2.5);
    assert.equal(await c.zCard(z), 4);
    assert.equal(await c.zCount(z, 2, Infinity), 3);
    assert.equal(await c.zRank(z, 'b'), 1);
    assert.equal(await c.zRevRank(z, 'b'), 2);
    assert.equal(await c.zRank(z, 'nope'), null);
    assert.equal(await c.zRem(z, ['m', 'nope']), 1);
    assert.deepEqual(await c.zPopMin(z), { value: 'b', score: 2 });
    assert.deepEqual(await c.zPopMax(z), { value: 'c', score: Infinity });
    assert.deepEqual(await c.zPopMinCount(z, 5), [{ value: 'a', score: 2.5 }]);
    assert.equal(await c.zPopMin(z), null);
    assert.deepEqual(await c.zPopMaxCount(z, 5), []);

    const lex = key('lex');
    await c.zAdd(
      lex,
      ['a', 'b', 'c', 'd'].map((value) => ({ value, score: 0 })),
    );
    assert.equal(await c.zLexCount(lex, '[b', '+'), 3);
    assert.deepEqual(await c.zRange(lex, '(a', '[c', { by: 'LEX' }), ['b', 'c']);
    assert.equal(await c.zRemRangeByLex(lex, '-', '(b'), 1);
    assert.equal(await c.zRemRangeByRank(lex, 0, 0), 1);
    assert.equal(await c.zRemRangeByScore(lex, -Infinity, Infinity), 2);

    await c.zAdd(key('z1'), [
      { value: 'x', score: 1 },
      { value: 'y', score: 2 },
    ]);
    await c.zAdd(key('z2'), [{ value: 'x', score: 10 }]);
    assert.equal(await c.zUnionStore(key('zu'), [key('z1'), key('z2')], { weights: [1, 2], aggregate: 'SUM' }), 2);
    assert.equal(await c.zScore(key('zu'), 'x'), 21);
    assert.equal(await c.zInterStore(key('zi'), [key('z1'), key('z2')], { aggregate: 'MAX' }), 1);
    assert.equal(await c.zScore(key('zi'), 'x'), 10);
    assert.equal(await c.zDiffStore(key('zd'), [key('z1'), key('z2')]), 1);
    assert.equal(typeof (await c.zRandMember(key('z1'))), 'string');
    assert.deepEqual(await c.zMPop([key('none'), key('z1')], 'MAX', { count: 1 }), {
      key: key('z1'),
      members: [{ value: 'y', score: 2 }],
    });
    assert.equal(await c.zMPop(key('none'), 'MIN'), null);

    await c.zAdd(key('zbin'), [
      { value: ALL_BYTES, score: 1 },
      { value: '', score: 2 },
    ]);
    assert.deepEqual(await c.zRangeBuffer(key('zbin'), 0, -1), [ALL_BYTES, Buffer.alloc(0)]);

    for (let i = 0; i < 30; i++) await c.zAdd(key('zscan'), { value: `m${i}`, score: i / 2 });
    const scores = new Map<string, number>();
    let cursor = '0';
    do {
      const page = await c.zScan(key('zscan'), cursor, { count: 10 });
      for (const { value, score } of page.members) scores.set(value, score);
      cursor = page.cursor;
    } while (cursor !== '0');
    assert.equal(scores.size, 30);
    assert.equal(scores.get('m7'), 3.5);
  });

  test('blocking sorted-set pops', async () => {
    const c = client();
    const z = key('bz');
    await c.zAdd(z, [
      { value: 'a', score: 1 },
      { value: 'b', score: 2 },
      { value: 'c', score: 3 },
    ]);
    assert.deepEqual(await c.bzPopMin([key('none'), z], 1), { key: z, value: 'a', score: 1 });
    assert.deepEqual(await c.bzPopMax(z, 1), { key: z, value: 'c', score: 3 });
    assert.deepEqual(await c.bzMPop(z, 'MIN', 1, { count: 4 }), { key: z, members: [{ value: 'b', score: 2 }] });
    assert.equal(await c.bzPopMin(z, 0.05), null);
    assert.equal(await c.bzMPop(z, 'MAX', 0.05), null);
    const waiting = c.bzPopMax(z, 5);
    await new Promise((r) => setTimeout(r, 50));
    await c.zAdd(z, { value: 'late', score: 0.5 });
    assert.deepEqual(await waiting, { key: z, value: 'late', score: 0.5 });
  });

  test('sorted-set algebra: ZUNION, ZINTER, ZDIFF (with scores), ZINTERCARD, ZRANGESTORE', async () => {
    const c = client();
    const [a, b, none] = [key('alg:a'), key('alg:b'), key('alg:none')];
    await c.zAdd(a, [
      { value: 'x', score: 1 },
      { value: 'y', score: 2 },
      { value: UNICODE_KEY, score: 3 },
    ]);
    await c.zAdd(b, [
      { value: 'y', score: 10 },
      { value: UNICODE_KEY, score: Infinity },
    ]);
    assert.deepEqual(await c.zUnion([a, b]), ['x', 'y', UNICODE_KEY]);
    assert.deepEqual(await c.zUnionWithScores([a, b], { weights: [2, 1] }), [
      { value: 'x', score: 2 },
      { value: 'y', score: 14 },
      { value: UNICODE_KEY, score: Infinity },
    ]);
    assert.deepEqual(await c.zInter([a, b]), ['y', UNICODE_KEY]);
    assert.deepEqual(await c.zInterWithScores([a, b], { aggregate: 'MIN' }), [
      { value: 'y', score: 2 },
      { value: UNICODE_KEY, score: 3 },
    ]);
    assert.deepEqual(await c.zInter([a, none]), []);
    assert.deepEqual(await c.zDiff([a, b]), ['x']);
    assert.deepEqual(await c.zDiffWithScores(a), [
      { value: 'x', score: 1 },
      { value: 'y', score: 2 },
      { value: UNICODE_KEY, score: 3 },
    ]);
    assert.equal(await c.zInterCard([a, b]), 2);
    assert.equal(await c.zInterCard([a, b], { limit: 1 }), 1);
    assert.equal(await c.zInterCard([a, none]), 0);

    const dst = key('alg:dst');
    assert.equal(await c.zRangeStore(dst, a, 0, 1), 2);
    assert.deepEqual(await c.zRangeWithScores(dst, 0, -1), [
      { value: 'x', score: 1 },
      { value: 'y', score: 2 },
    ]);
    assert.equal(
      await c.zRangeStore(dst, a, Infinity, '(1', { by: 'SCORE', rev: true, limit: { offset: 0, count: 1 } }),
      1,
    );
    assert.deepEqual(await c.zRange(dst, 0, -1), [UNICODE_KEY]);
    assert.equal(await c.zRangeStore(dst, none, 0, -1), 0);
    assert.equal(await c.exists(dst), 0, 'an empty result deletes the destination');
  });
});
