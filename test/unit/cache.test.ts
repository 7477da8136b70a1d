/**
 * The cache's logic without a server: a scripted "client" whose replies the test delivers by hand,
 * so that every interleaving of replies, invalidations, writes and closes is exact.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { ClientCache } from '../../src/cache/client-cache.js';
import type { CacheEnvironment, CacheSettings, ReplySink, TrackedConnection } from '../../src/cache/contracts.js';
import { InFlight } from '../../src/cache/in-flight.js';
import { cacheKeyOf, canonicalKey, canonicalReportedKey } from '../../src/cache/keys.js';
import { LocalStore } from '../../src/cache/store.js';
import { CommandFlags, type Command } from '../../src/commands/command.js';
import { Connection } from '../../src/connection/connection.js';
import type { RedisArg, RespValue } from '../../src/resp/types.js';

const CACHEABLE = CommandFlags.READONLY | CommandFlags.CACHEABLE;

class FakeConn implements TrackedConnection {
  closed = false;
  onPush: ((push: RespValue[]) => void) | undefined;
  readonly written: { args: readonly RedisArg[]; handler: ReplySink }[] = [];
  enqueue(args: readonly RedisArg[], handler: ReplySink): void {
    this.written.push({ args, handler });
  }
  /** Answers the CLIENT TRACKING ON the tracker put in front of the batch. */
  confirmTracking(reply: RespValue = 'OK'): void {
    const entry = this.written.find((w) => w.args[1] === 'TRACKING');
    assert.ok(entry, 'CLIENT TRACKING was sent');
    entry.handler.onReply(reply);
  }
  push(frame: RespValue[]): void {
    this.onPush?.(frame);
  }
}

interface Sent {
  command: Command;
  reply(raw: RespValue): void;
  fail(error: Error): void;
}

function setup(settings: Partial<CacheSettings> = {}) {
  const sent: Sent[] = [];
  let conn = new FakeConn();
  const env: CacheEnvironment = {
    protocol: 3,
    readTimeout: 1000,
    dialTimeout: 1000,
    poolTimeout: 1000,
    pingInterval: 0,
    limiter: undefined,
    openConnection: () => Promise.reject(new Error('no dedicated connection in these tests')),
    backoff: () => 10,
    dispatch: (command) => cache.run(command, undefined, send),
  };
  const send = <T>(command: Command<T>) => {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const handle = { promise, connection: conn as unknown };
    sent.push({
      command,
      reply: (raw) => {
        try {
          resolve(command.decode === undefined ? (raw as T) : command.decode(raw));
        } catch (err) {
          reject(err);
        }
      },
      fail: (error) => reject(error),
    });
    return handle;
  };
  const cache = new ClientCache(
    { mode: 'tracking', maxEntries: 100, maxBytes: 1 << 20, ttl: 0, prefixes: [], commands: undefined, ...settings },
    env,
  );
  const read = <T = unknown>(command: Command<T>, options?: { cache?: boolean }) => cache.run(command, options, send);
  /** A fresh tracked connection, as the pool binding would prepare it for a batch. */
  const useConnection = (confirm = true): FakeConn => {
    conn = new FakeConn();
    cache.tracker?.prepare(conn);
    if (confirm && cache.tracker !== undefined) conn.confirmTracking();
    return conn;
  };
  return { cache, sent, read, useConnection, last: () => sent[sent.length - 1]! };
}

const get = (key: string): Command<string | null> => ({
  args: ['GET', key],
  decode: undefined,
  flags: CACHEABLE,
  keys: [key],
});
const lrange = (key: string): Command<string[]> => ({
  args: ['LRANGE', key, 0, -1],
  decode: undefined,
  flags: CACHEABLE,
  keys: [key],
});
const set = (key: string, value: string): Command => ({
  args: ['SET', key, value],
  decode: undefined,
  flags: 0,
  keys: [key],
});

describe('keys', () => {
  test('cache keys never collide for different argument lists', () => {
    const a = cacheKeyOf(['HGET', 'a\u00001:b', 'c'], false);
    const b = cacheKeyOf(['HGET', 'a', 'b\u00001:c'], false);
    assert.notEqual(a, b);
    assert.notEqual(
      cacheKeyOf(['GET', 'k'], false),
      cacheKeyOf(['GET', 'k'], true),
      'Buffer replies are their own entry',
    );
    assert.equal(cacheKeyOf(['GETRANGE', 'k', 0, 5], false), cacheKeyOf(['GETRANGE', 'k', '0', '5'], false));
  });

  test('a key maps to one name whether written as a string, a Buffer or reported by the server', () => {
    const bytes = Buffer.from('clé', 'utf8');
    assert.equal(canonicalKey('clé'), canonicalKey(bytes));
    assert.equal(canonicalReportedKey('clé'), canonicalKey(bytes));
    assert.equal(canonicalReportedKey(bytes), canonicalKey('clé'));
    const binary = Buffer.from([0xff, 0x00, 0x80]);
    assert.equal(canonicalReportedKey(binary), canonicalKey(binary));
    // Not valid UTF-8, decoded as a string: the bytes are lost, so the key cannot be named.
    assert.equal(canonicalReportedKey(binary.toString('utf8')), undefined);
  });
});

describe('local store', () => {
  test('replacing an entry keeps its index right; one key drops every read built on it', () => {
    const store = new LocalStore({ maxEntries: 10, maxBytes: 10_000, ttl: 0 });
    const entry = (reply: string, keys: string[]) => ({ reply, keys, owner: undefined, size: 10 });
    store.set('S GET a', entry('1', ['a']), undefined);
    store.set('S GET a', entry('2', ['a']), undefined);
    store.set('S MGET a b', entry('x', ['a', 'b']), undefined);
    store.set('S GET b', entry('3', ['b']), undefined);
    assert.equal(store.get('S GET a')?.reply, '2');
    assert.equal(store.invalidate('a'), 2);
    assert.equal(store.get('S MGET a b'), undefined);
    assert.equal(store.get('S GET b')?.reply, '3', 'b alone is untouched');
    assert.equal(store.invalidate('a'), 0);
    assert.equal(store.invalidate('b'), 1);
    assert.equal(store.entries, 0);
    assert.equal(store.bytes, 0);
  });
});

describe('in-flight guard', () => {
  test('an invalidation, a write or a flush during a fill makes it dirty; none keeps it clean', () => {
    const f = new InFlight();
    const clean = f.beginFill(['a'], true);
    assert.equal(f.endFill(clean), true);
    const invalidated = f.beginFill(['a'], true);
    f.invalidated('a');
    assert.equal(f.endFill(invalidated), false);
    const flushed = f.beginFill(['a', 'b'], true);
    f.flushed();
    assert.equal(f.endFill(flushed), false);
    const states = f.beginWrite(['c']);
    const duringWrite = f.beginFill(['c'], true);
    f.endWrite(states);
    assert.equal(f.endFill(duringWrite), false);
    assert.equal(f.endFill(clean), false, 'a ticket closes once');
    assert.equal(f.size, 0, 'idle keys are forgotten');
  });
});

describe('client cache (tracking mode, RESP3)', () => {
  test('a fill is stored and the next read is a hit served as a private copy', async () => {
    const { cache, read, useConnection, last, sent } = setup();
    useConnection();
    const first = read(lrange('l'));
    last().reply(['a', 'b']);
    assert.deepEqual(await first, ['a', 'b']);
    const hit = await read(lrange('l'));
    assert.deepEqual(hit, ['a', 'b']);
    assert.equal(sent.length, 1, 'the hit did not reach the server');
    hit.push('mutated');
    assert.deepEqual(await read(lrange('l')), ['a', 'b'], 'a caller cannot change what the cache serves');
    const s = cache.stats();
    assert.equal(s.hits, 2);
    assert.equal(s.misses, 1);
    assert.equal(s.entries, 1);
    assert.ok(s.bytes > 0);
  });

  test('an invalidation that arrives before the reply keeps the reply out of the cache', async () => {
    const { cache, read, useConnection, last, sent } = setup();
    const conn = useConnection();
    const pending = read(get('k'));
    conn.push(['invalidate', ['k']]); // a write happened after the server read the old value
    last().reply('old');
    assert.equal(await pending, 'old', 'the caller still gets its reply');
    assert.equal(cache.stats().discarded, 1);
    const again = read(get('k'));
    assert.equal(sent.length, 2, 'not a hit: the value was never stored');
    last().reply('new');
    assert.equal(await again, 'new');
    assert.equal(await read(get('k')), 'new');
  });

  test('an invalidation after the reply drops the entry; other keys stay', async () => {
    const { cache, read, useConnection, last, sent } = setup();
    const conn = useConnection();
    for (const key of ['k', 'other']) {
      const p = read(get(key));
      last().reply(`v-${key}`);
      await p;
    }
    conn.push(['invalidate', ['k']]);
    assert.equal(cache.stats().invalidations, 1);
    assert.equal(cache.peek(['GET', 'k']), undefined);
    assert.equal(cache.peek(['GET', 'other']), 'v-other');
    void read(get('k'));
    assert.equal(sent.length, 3);
  });

  test('a null invalidation (FLUSHDB/FLUSHALL) flushes everything, including fills in flight', async () => {
    const { cache, read, useConnection, last } = setup();
    const conn = useConnection();
    const a = read(get('a'));
    last().reply('1');
    await a;
    const b = read(get('b'));
    conn.push(['invalidate', null]);
    last().reply('2');
    await b;
    const s = cache.stats();
    assert.equal(s.entries, 0);
    assert.equal(s.flushes, 1);
    assert.equal(s.discarded, 1);
  });

  test('a reply read on a connection whose tracking is not confirmed, or was refused, is not stored', async () => {
    const { cache, read, useConnection, last } = setup();
    useConnection(false);
    const p = read(get('k'));
    last().reply('v');
    await p;
    assert.equal(cache.stats().entries, 0);
    const refused = useConnection(false);
    refused.confirmTracking(new Error('ERR unknown subcommand') as unknown as RespValue);
    const q = read(get('k'));
    last().reply('v');
    await q;
    assert.equal(cache.stats().entries, 0);
    assert.match(String(cache.stats().lastTrackingError), /unknown subcommand/);
  });

  test('tracking is requested once per connection, in front of its first batch, with a push handler', () => {
    const { cache } = setup();
    const conn = new FakeConn();
    cache.tracker!.prepare(conn);
    cache.tracker!.prepare(conn);
    assert.deepEqual(
      conn.written.map((w) => w.args),
      [['CLIENT', 'TRACKING', 'ON']],
    );
    assert.equal(typeof conn.onPush, 'function');
  });

  test('when a tracking connection closes, the entries it covered go and the others stay', async () => {
    const { cache, read, useConnection, last } = setup();
    const first = useConnection();
    const a = read(get('a'));
    last().reply('1');
    await a;
    useConnection();
    const b = read(get('b'));
    last().reply('2');
    await b;
    first.closed = true; // unreachable from this moment, before the pool even reports the close
    assert.equal(cache.peek(['GET', 'a']), undefined);
    assert.equal(cache.peek(['GET', 'b']), '2');
    assert.equal(cache.stats().entries, 2, 'not freed yet');
    cache.tracker!.closed(first);
    await new Promise((r) => setImmediate(r));
    assert.equal(cache.stats().entries, 1, 'freed in one sweep');
    const again = read(get('a'));
    last().reply('1b');
    assert.equal(await again, '1b', 'read from the server again');
  });

  test('own writes: entries go when the write is sent and answered; overlapping fills are not stored', async () => {
    const { cache, read, useConnection, sent } = setup();
    useConnection();
    const warm = read(get('k'));
    sent[0]!.reply('1');
    await warm;
    const write = read(set('k', '2'));
    assert.equal(cache.peek(['GET', 'k']), undefined, 'dropped when sent');
    const overlapping = read(get('k'));
    sent[2]!.reply('1'); // read before the write was applied
    await overlapping;
    sent[1]!.reply('OK');
    await write;
    assert.equal(cache.peek(['GET', 'k']), undefined, 'a fill that overlapped the write is not stored');
    const after = read(get('k'));
    sent[3]!.reply('2');
    assert.equal(await after, '2');
    assert.equal(cache.peek(['GET', 'k']), '2');
    const flush = read({ args: ['FLUSHALL'], decode: undefined, flags: 0 });
    assert.equal(cache.stats().entries, 0, 'FLUSHALL through this client flushes at once');
    sent[4]!.reply('OK');
    await flush;
  });

  test('{ cache: false }, failed fills and commands outside the list go to the server untouched', async () => {
    const { cache, read, useConnection, last, sent } = setup();
    useConnection();
    const p = read(get('k'), { cache: false });
    last().reply('v');
    await p;
    assert.equal(cache.stats().entries, 0);
    assert.equal(cache.stats().misses, 0);
    const failing = read(get('k'));
    last().fail(new Error('boom'));
    await assert.rejects(failing, /boom/);
    const uncacheable = read({ args: ['TTL', 'k'], decode: undefined, flags: CommandFlags.READONLY, keys: ['k'] });
    last().reply(5);
    await uncacheable;
    assert.equal(cache.stats().entries, 0);
    assert.equal(sent.length, 3);
  });

  test('the commands option decides what is cached by name', async () => {
    const { cache, read, useConnection, last } = setup({ commands: new Set(['TTL']) });
    useConnection();
    const ttl = read({ args: ['TTL', 'k'], decode: undefined, flags: CommandFlags.READONLY, keys: ['k'] });
    last().reply(5);
    await ttl;
    const g = read(get('k'));
    last().reply('v');
    await g;
    assert.equal(cache.stats().entries, 1);
    assert.equal(cache.peek(['TTL', 'k']), 5);
  });
});

describe('identical reads while a fill is in flight', () => {
  test('they wait for it instead of asking the server, each with its own copy', async () => {
    const { cache, read, useConnection, last, sent } = setup();
    useConnection();
    const first = read(lrange('l'));
    const second = read(lrange('l'));
    assert.equal(sent.length, 1, 'one request for both');
    last().reply(['x']);
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual(a, ['x']);
    assert.deepEqual(b, ['x']);
    assert.notEqual(a, b, 'separate copies');
    const s = cache.stats();
    assert.equal(s.joined, 1);
    assert.equal(s.misses, 1);
    assert.equal(s.hitRate, 0.5);
  });

  test('not once the fill is dirty (invalidated or written since), nor for calls with a signal or timeout', async () => {
    const { read, useConnection, sent, cache } = setup();
    const conn = useConnection();
    void read(get('k'));
    conn.push(['invalidate', ['k']]);
    void read(get('k'));
    assert.equal(sent.length, 2, 'a dirty fill is not shared');
    void read(set('k', 'v'));
    void read(get('k'));
    assert.equal(sent.length, 4, 'nor one overlapping this client’s write');
    void read(get('j'));
    void read(get('j'), { timeout: 50 } as never);
    void read(get('j'), { signal: new AbortController().signal } as never);
    assert.equal(sent.length, 7);
    assert.equal(cache.stats().joined, 0);
  });

  test('a failed fill fails the reads that waited for it', async () => {
    const { read, useConnection, last } = setup();
    useConnection();
    const first = read(get('k'));
    const second = read(get('k'));
    last().fail(new Error('connection lost'));
    await assert.rejects(first, /connection lost/);
    await assert.rejects(second, /connection lost/);
  });
});

describe('bounds', () => {
  test('eviction by entries and by bytes, least recently used first', async () => {
    const { cache, read, last } = setup({ mode: 'ttl', ttl: 60_000, maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) {
      const p = read(get(key));
      last().reply('x');
      await p;
    }
    assert.equal(cache.stats().entries, 3);
    assert.equal(cache.stats().evictions, 1);
    assert.equal(cache.peek(['GET', 'a']), undefined, 'the least recently used went');

    const small = setup({ mode: 'ttl', ttl: 60_000, maxBytes: 1000 });
    for (let i = 0; i < 10; i++) {
      const p = small.read(get(`k${i}`));
      small.last().reply('v'.repeat(200));
      await p;
    }
    const s = small.cache.stats();
    assert.ok(s.bytes <= 1000, `bytes ${s.bytes}`);
    assert.ok(s.entries < 10 && s.entries > 0);
    assert.ok(s.evictions >= 10 - s.entries);
    const huge = small.read(get('huge'));
    small.last().reply('v'.repeat(5000));
    await huge;
    assert.equal(small.cache.peek(['GET', 'huge']), undefined, 'larger than maxBytes: never stored');
  });

  test('entries expire at their TTL', async () => {
    const { cache, read, last } = setup({ mode: 'ttl', ttl: 20 });
    const p = read(get('k'));
    last().reply('v');
    await p;
    assert.equal(cache.peek(['GET', 'k']), 'v');
    await new Promise((r) => setTimeout(r, 60));
    const again = read(get('k'));
    assert.equal(cache.stats().expirations, 1);
    last().reply('w');
    assert.equal(await again, 'w');
  });

  test('clear() drops everything and keeps reads in flight out', async () => {
    const { cache, read, last } = setup({ mode: 'ttl', ttl: 60_000 });
    const a = read(get('a'));
    last().reply('1');
    await a;
    const b = read(get('b'));
    cache.clear();
    last().reply('2');
    await b;
    assert.equal(cache.stats().entries, 0);
  });
});

test('a tracking connection may sit idle halfway through an invalidation push', () => {
  const socket = new PassThrough();
  const conn = new Connection(socket, { maxBulkLength: 1 << 20, writeTimeout: 0, address: 'test' });
  const pushes: RespValue[][] = [];
  conn.onPush = (push) => pushes.push(push);
  const frame = Buffer.from('>2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nkey\r\n');
  socket.emit('data', frame.subarray(0, 20));
  assert.equal(conn.closed, false, 'not mistaken for unsolicited bytes');
  socket.emit('data', frame.subarray(20));
  assert.deepEqual(pushes, [['invalidate', ['key']]]);
  conn.onPush = undefined;
  socket.emit('data', Buffer.from('+OK'));
  assert.equal(conn.closed, true, 'without a push handler, stray bytes still close it');
});
