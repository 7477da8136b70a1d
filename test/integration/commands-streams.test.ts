// Streams against a real redis-server, under RESP2 and RESP3: XADD/XREAD (with BLOCK), groups, pending, claims,
// XINFO and XSETID.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyError } from '../../src/errors.js';
import { UNICODE_KEY, forEachProtocol } from './commands-harness.js';

forEachProtocol('streams', ({ client, key }) => {
  test('add, range, read, trim, delete', async () => {
    const c = client();
    const s = key(`s:${UNICODE_KEY}`);
    assert.equal(await c.xAdd(s, '1-1', { f: 'v' }), '1-1');
    assert.equal(
      await c.xAdd(s, '2-1', [
        ['a', 'b'],
        ['c', 'd'],
      ]),
      '2-1',
    );
    const auto = await c.xAdd(
      s,
      '*',
      new Map([
        [UNICODE_KEY, 'ü'],
        ['empty', ''],
      ]),
    );
    assert.match(auto ?? '', /^\d+-\d+$/);
    assert.equal(await c.xAdd(key('none'), '*', { a: '1' }, { noMkStream: true }), null);
    assert.equal(await c.xLen(s), 3);
    assert.deepEqual(await c.xRange(s, '-', '2-1'), [
      { id: '1-1', message: { f: 'v' } },
      { id: '2-1', message: { a: 'b', c: 'd' } },
    ]);
    assert.deepEqual(await c.xRevRange(s, '+', '-', { count: 1 }), [
      { id: auto, message: { [UNICODE_KEY]: 'ü', empty: '' } },
    ]);
    assert.deepEqual(await c.xRange(key('none'), '-', '+'), []);

    assert.deepEqual(await c.xRead([{ key: s, id: '1-1' }], { count: 1 }), [
      { name: s, messages: [{ id: '2-1', message: { a: 'b', c: 'd' } }] },
    ]);
    assert.equal(await c.xRead({ key: s, id: '$' }), null);
    const both = await c.xRead([
      { key: s, id: '2-1' },
      { key: key('none'), id: '0' },
    ]);
    assert.equal(both?.length, 1);
    assert.equal(both?.[0]?.name, s);

    assert.equal(await c.xDel(s, ['1-1', '9-9']), 1);
    await c.xAdd(s, '*', { x: '1' }, { trim: { strategy: 'MAXLEN', threshold: 2 } });
    assert.equal(await c.xLen(s), 2);
    assert.equal(await c.xTrim(s, { strategy: 'MAXLEN', threshold: 0 }), 2);
    const m = key('minid');
    await c.xAdd(m, '5-0', { a: '1' });
    await c.xAdd(m, '6-0', { a: '1' });
    assert.equal(await c.xTrim(m, { strategy: 'MINID', threshold: '6-0' }), 1);
    const trimmed = await c.xTrim(m, { strategy: 'MAXLEN', threshold: 0, approximate: true, limit: 10 });
    assert.equal(await c.xLen(m), 1 - trimmed);
  });

  test('XREAD BLOCK: woken by an add, and null on timeout', async () => {
    const c = client();
    const s = key('blk');
    await c.xAdd(s, '1-0', { a: '1' });
    const waiting = c.xRead({ key: s, id: '$' }, { block: 5000 });
    await new Promise((r) => setTimeout(r, 50));
    await c.xAdd(s, '2-0', { b: '2' });
    assert.deepEqual(await waiting, [{ name: s, messages: [{ id: '2-0', message: { b: '2' } }] }]);
    assert.equal(await c.xRead({ key: s, id: '$' }, { block: 30 }), null);
  });

  test('consumer groups: read, pending, ack, claim, autoclaim', async () => {
    const c = client();
    const s = key('g');
    assert.equal(await c.xGroupCreate(s, 'grp', '$', { mkStream: true }), 'OK');
    assert.equal(await c.xGroupCreateConsumer(s, 'grp', 'c1'), true);
    await c.xAdd(s, '1-1', { f: 'v' });
    await c.xAdd(s, '2-1', { g: 'w' });
    assert.deepEqual(await c.xReadGroup('grp', 'c1', { key: s, id: '>' }, { count: 1 }), [
      { name: s, messages: [{ id: '1-1', message: { f: 'v' } }] },
    ]);
    assert.deepEqual(await c.xReadGroup('grp', 'c2', { key: s, id: '>' }, { block: 100 }), [
      { name: s, messages: [{ id: '2-1', message: { g: 'w' } }] },
    ]);
    assert.equal(await c.xReadGroup('grp', 'c2', { key: s, id: '>' }, { block: 30 }), null);
    const summary = await c.xPending(s, 'grp');
    assert.equal(summary.count, 2);
    assert.equal(summary.minId, '1-1');
    assert.equal(summary.maxId, '2-1');
    assert.deepEqual(
      summary.consumers.sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'c1', count: 1 },
        { name: 'c2', count: 1 },
      ],
    );
    const entries = await c.xPendingRange(s, 'grp', '-', '+', 10, { consumer: 'c1' });
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.id, '1-1');
    assert.equal(entries[0]!.consumer, 'c1');
    assert.equal(entries[0]!.deliveries, 1);
    assert.ok(entries[0]!.idleMs >= 0);

    assert.deepEqual(await c.xClaim(s, 'grp', 'c3', 0, '1-1'), [{ id: '1-1', message: { f: 'v' } }]);
    assert.deepEqual(await c.xClaimJustId(s, 'grp', 'c1', 0, ['1-1'], { retryCount: 5 }), ['1-1']);
    const auto = await c.xAutoClaim(s, 'grp', 'c4', 0, '0-0', { count: 10 });
    assert.equal(auto.nextId, '0-0');
    assert.deepEqual(
      auto.messages.map((m) => m.id),
      ['1-1', '2-1'],
    );
    assert.deepEqual(auto.deletedIds, []);

    // An entry deleted while pending: its history read gives message null.
    await c.xDel(s, '2-1');
    const history = await c.xReadGroup('grp', 'c4', { key: s, id: '0' });
    assert.deepEqual(history, [
      {
        name: s,
        messages: [
          { id: '1-1', message: { f: 'v' } },
          { id: '2-1', message: null },
        ],
      },
    ]);
    assert.equal(await c.xAck(s, 'grp', ['1-1', '2-1']), 2);
    assert.deepEqual(await c.xPending(s, 'grp'), { count: 0, minId: null, maxId: null, consumers: [] });
    assert.equal(await c.xGroupSetId(s, 'grp', '0'), 'OK');
    assert.equal(await c.xGroupDelConsumer(s, 'grp', 'c1'), 0);
    assert.equal(await c.xGroupDestroy(s, 'grp'), true);
    assert.equal(await c.xGroupDestroy(s, 'grp'), false);
  });

  test('XINFO STREAM, STREAM FULL, GROUPS and CONSUMERS', async () => {
    const c = client();
    const s = key('info');
    await c.xAdd(s, '1-1', { f: 'v' });
    await c.xAdd(s, '2-1', { [UNICODE_KEY]: 'ü' });
    await c.xGroupCreate(s, 'grp', '0');
    await c.xReadGroup('grp', 'c1', { key: s, id: '>' }, { count: 1 });
    await c.xGroupCreateConsumer(s, 'grp', 'idle-one');

    const info = await c.xInfoStream(s);
    assert.equal(info.length, 2);
    assert.equal(info.lastGeneratedId, '2-1');
    assert.equal(info.maxDeletedEntryId, '0-0');
    assert.equal(info.entriesAdded, 2);
    assert.equal(info.recordedFirstEntryId, '1-1');
    assert.equal(info.groups, 1);
    assert.ok(info.radixTreeKeys >= 1 && info.radixTreeNodes >= 1);
    assert.deepEqual(info.firstEntry, { id: '1-1', message: { f: 'v' } });
    assert.deepEqual(info.lastEntry, { id: '2-1', message: { [UNICODE_KEY]: 'ü' } });

    const full = await c.xInfoStreamFull(s, { count: 0 });
    assert.equal(full.length, 2);
    assert.deepEqual(
      full.entries.map((e) => e.id),
      ['1-1', '2-1'],
    );
    assert.equal(full.groups.length, 1);
    const group = full.groups[0]!;
    assert.equal(group.name, 'grp');
    assert.equal(group.lastDeliveredId, '1-1');
    assert.equal(group.entriesRead, 1);
    assert.equal(group.lag, 1);
    assert.equal(group.pelCount, 1);
    assert.equal(group.pending.length, 1);
    assert.equal(group.pending[0]!.id, '1-1');
    assert.equal(group.pending[0]!.consumer, 'c1');
    assert.equal(group.pending[0]!.deliveryCount, 1);
    assert.ok(Math.abs(group.pending[0]!.deliveryTime - Date.now()) < 60_000, 'delivery time is unix ms');
    const c1 = group.consumers.find((x) => x.name === 'c1');
    assert.equal(c1?.pelCount, 1);
    assert.deepEqual(
      c1?.pending.map((p) => [p.id, p.deliveryCount]),
      [['1-1', 1]],
    );
    assert.ok(Math.abs((c1?.seenTime ?? 0) - Date.now()) < 60_000);
    // An empty stream has no first or last entry.
    const empty = key('info-empty');
    await c.xAdd(empty, '1-1', { a: '1' });
    await c.xDel(empty, '1-1');
    const none = await c.xInfoStream(empty);
    assert.equal(none.length, 0);
    assert.equal(none.firstEntry, null);
    assert.equal(none.lastEntry, null);
    assert.equal(none.maxDeletedEntryId, '1-1');

    assert.deepEqual(await c.xInfoGroups(s), [
      { name: 'grp', consumers: 2, pending: 1, lastDeliveredId: '1-1', entriesRead: 1, lag: 1 },
    ]);
    const consumers = await c.xInfoConsumers(s, 'grp');
    assert.deepEqual(
      consumers.map((x) => [x.name, x.pending]),
      [
        ['c1', 1],
        ['idle-one', 0],
      ],
    );
    assert.ok(consumers.every((x) => x.idle >= 0));
    assert.deepEqual(await c.xInfoGroups(empty), []);
    await assert.rejects(c.xInfoStream(key('no-stream')), ReplyError);
  });

  test('XSETID moves the last id forward, with the 7.0 counters', async () => {
    const c = client();
    const s = key('setid');
    await c.xAdd(s, '1-1', { a: '1' });
    assert.equal(await c.xSetId(s, '5-0'), 'OK');
    assert.equal((await c.xInfoStream(s)).lastGeneratedId, '5-0');
    assert.equal(await c.xSetId(s, '7-0', { entriesAdded: 10, maxDeletedId: '3-0' }), 'OK');
    const info = await c.xInfoStream(s);
    assert.equal(info.entriesAdded, 10);
    assert.equal(info.maxDeletedEntryId, '3-0');
    // Smaller than the top entry: refused by the server.
    await assert.rejects(c.xSetId(s, '0-1'), ReplyError);
  });
});
