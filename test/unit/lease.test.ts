/** Leases (src/client/lease.ts): one holder per connection, ended exactly once on every path. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Lease, type LeaseHost } from '../../src/client/lease.js';
import type { Connection, ConnectionOwner, ReplyHandler } from '../../src/connection/connection.js';
import { ConnectionError } from '../../src/errors.js';
import type { RedisArg, RespValue } from '../../src/resp/types.js';

/** The part of a Connection a lease uses, with replies handed in by the test. */
class FakeConnection {
  owner: ConnectionOwner | undefined;
  closed = false;
  readonly address = 'fake:1';
  readonly sent: string[] = [];
  private readonly queued: ReplyHandler[] = [];
  private unflushed = 0;
  /** Whether the socket would hold the process open; idle pooled connections do not. */
  holdsProcess = false;

  ref(): void {
    this.holdsProcess = true;
  }

  unref(): void {
    this.holdsProcess = false;
  }

  get inFlight(): number {
    return this.queued.length;
  }

  enqueue(args: readonly RedisArg[], handler: ReplyHandler): void {
    if (this.closed) return handler.onError(new ConnectionError('closed'), false);
    this.queued.push(handler);
    this.unflushed++;
    this.sent.push(args.map(String).join(' '));
  }

  flush(): void {
    this.unflushed = 0;
  }

  reply(value: RespValue = 'OK'): void {
    this.queued.shift()!.onReply(value);
    if (this.queued.length === 0) this.owner?.connectionDrained(this as unknown as Connection);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.queued.splice(0)) h.onError(new ConnectionError('closed'), true);
    this.owner?.connectionClosed(this as unknown as Connection, new ConnectionError('closed'));
  }
}

function setup(kind: 'batch' | 'pinned') {
  const conn = new FakeConnection();
  const events: string[] = [];
  const host: LeaseHost = {
    readTimeout: 1000,
    returnLease: () => events.push('returned'),
    removeLease: (_lease, reason) => events.push(`removed:${reason}`),
  };
  const lease = new Lease(conn as unknown as Connection, host, kind);
  const handler = (): ReplyHandler => ({
    wantsBuffers: false,
    readTimeoutMs: 1000,
    onReply: () => {},
    onError: () => {},
  });
  return { conn, events, lease, handler };
}

test('a batch lease ends when its last reply arrives, once', () => {
  const { conn, events, lease, handler } = setup('batch');
  lease.write(['GET', 'a'], handler());
  lease.write(['GET', 'b'], handler());
  lease.flush();
  assert.equal(lease.state, 'awaiting-replies');
  conn.reply();
  assert.deepEqual(events, []);
  conn.reply();
  assert.deepEqual(events, ['returned']);
  assert.equal(lease.state, 'released');
  lease.release();
  conn.destroy();
  assert.deepEqual(events, ['returned'], 'nothing happens after the lease ended');
});

test('a batch lease with nothing written ends at flush', () => {
  const { events, lease } = setup('batch');
  lease.flush();
  assert.deepEqual(events, ['returned']);
});

test('a pinned lease waits for release(), then for the replies still awaited', () => {
  const { conn, events, lease, handler } = setup('pinned');
  lease.write(['GET', 'a'], handler());
  lease.flush();
  conn.reply();
  assert.equal(lease.state, 'leased');
  assert.deepEqual(events, []);
  lease.write(['GET', 'b'], handler());
  lease.flush();
  lease.release();
  assert.deepEqual(events, [], 'a reply is still awaited');
  conn.reply();
  assert.deepEqual(events, ['returned']);
});

test('a WATCH left open is undone with UNWATCH before the connection goes back', () => {
  const { conn, events, lease, handler } = setup('pinned');
  lease.noteEffect('watch');
  lease.write(['WATCH', 'k'], handler());
  lease.flush();
  conn.reply();
  lease.release();
  assert.equal(conn.sent.at(-1), 'UNWATCH');
  assert.deepEqual(events, []);
  conn.reply('OK');
  assert.deepEqual(events, ['returned']);
});

test('UNWATCH, or EXEC ending the transaction, clears the WATCH', () => {
  const { conn, events, lease } = setup('pinned');
  lease.noteEffect('watch');
  lease.noteEffect('unwatch');
  lease.release();
  assert.deepEqual(events, ['returned']);
  assert.deepEqual(conn.sent, []);
  const second = setup('pinned');
  second.lease.noteEffect('watch');
  second.lease.noteEffect('transaction');
  second.lease.transactionEnded();
  second.lease.release();
  assert.deepEqual(second.events, ['returned']);
});

test('a failed UNWATCH discards the connection', () => {
  const { conn, events, lease } = setup('pinned');
  lease.noteEffect('watch');
  lease.release();
  conn.reply(new Error('ERR nope') as never);
  assert.deepEqual(events, ['removed:UNWATCH failed']);
});

for (const effect of ['db', 'name', 'protocol', 'subscribe', 'tracking', 'auth', 'reply', 'readonly'] as const) {
  test(`state that cannot be undone (${effect}) discards the connection at release`, () => {
    const { events, lease } = setup('pinned');
    lease.noteEffect(effect);
    lease.release();
    assert.deepEqual(events, [`removed:state (${effect})`]);
  });
}

test('a transaction left open (MULTI without EXEC reply) discards the connection', () => {
  const { events, lease } = setup('pinned');
  lease.noteEffect('transaction');
  lease.release();
  assert.deepEqual(events, ['removed:state (transaction left open)']);
});

test('discardWhenDone (a READONLY reply) removes a batch connection after its last reply', () => {
  const { conn, events, lease, handler } = setup('batch');
  lease.write(['SET', 'k', 'v'], handler());
  lease.flush();
  lease.discardWhenDone('READONLY');
  conn.reply();
  assert.deepEqual(events, ['removed:READONLY']);
});

test('a connection that closes ends its lease as discarded, once; later writes fail unwritten', () => {
  const { conn, events, lease, handler } = setup('pinned');
  lease.write(['GET', 'a'], handler());
  lease.flush();
  conn.destroy();
  assert.equal(lease.state, 'discarded');
  lease.release();
  lease.discard('again');
  assert.deepEqual(events, ['removed:error']);
  let failure: { error: Error; written: boolean } | undefined;
  lease.write(['GET', 'b'], { ...handler(), onError: (error, written) => (failure = { error, written }) });
  assert.ok(failure?.error instanceof ConnectionError);
  assert.equal(failure.written, false);
});

test('a lease makes its connection hold the process open, so that awaited replies keep a script alive', () => {
  for (const kind of ['batch', 'pinned'] as const) {
    const conn = new FakeConnection();
    const host: LeaseHost = { readTimeout: 1000, returnLease: () => {}, removeLease: () => {} };
    assert.equal(conn.holdsProcess, false);
    new Lease(conn as unknown as Connection, host, kind);
    assert.equal(conn.holdsProcess, true, kind);
  }
});
