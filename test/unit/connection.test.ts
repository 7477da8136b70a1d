/**
 * `Connection` against a scripted peer over an in-memory stream pair: the peer reads the commands the
 * connection writes and answers as each test scripts it (in order, late, split across chunks, never, or
 * with garbage). Covers reply matching, error replies, pushes, read and write timeouts (including the
 * commands behind a no-limit BLPOP 0), destroy with commands still unwritten, and unsolicited bytes.
 *
 * The matching property runs from fixed seeds; CONNECTION_SEED=n replays one seed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { Connection, type ConnectionOptions, type ReplyHandler } from '../../src/connection/connection.js';
import { ConnectionError, ProtocolError, ReplyError, TimeoutError } from '../../src/errors.js';
import type { RespValue } from '../../src/resp/types.js';
import { ScriptedPeer, type ScriptedPeerOptions } from '../helpers/scripted-peer.js';
import { waitFor, within } from '../helpers/wait.js';
import { expected, prng, randomChunks, randomNode, writeResp, type Node } from './resp-writer.js';

const ADDRESS = 'scripted-peer:6379';
/** Long enough never to fire in a test that does not wait for it. */
const NO_HURRY = 60_000;

function open(options: Partial<ConnectionOptions> & ScriptedPeerOptions = {}): {
  peer: ScriptedPeer;
  conn: Connection;
} {
  const peer = new ScriptedPeer(options.reading === undefined ? {} : { reading: options.reading });
  const conn = new Connection(peer.socket, {
    maxBulkLength: options.maxBulkLength ?? 1024 * 1024,
    writeTimeout: options.writeTimeout ?? 0,
    address: ADDRESS,
  });
  return { peer, conn };
}

type Outcome = { reply: RespValue } | { error: Error; written: boolean };

/** A ReplyHandler that records what it is given; it must be given exactly one thing. */
class Recorder implements ReplyHandler {
  readonly outcomes: Outcome[] = [];
  readonly settled: Promise<Outcome>;
  private resolve!: (outcome: Outcome) => void;

  constructor(
    readonly readTimeoutMs = NO_HURRY,
    readonly wantsBuffers = false,
  ) {
    this.settled = new Promise((resolve) => (this.resolve = resolve));
  }

  onReply(reply: RespValue): void {
    this.record({ reply });
  }

  onError(error: Error, written: boolean): void {
    this.record({ error, written });
  }

  /** The reply; fails the test if the handler got an error or nothing yet. */
  get reply(): RespValue {
    const outcome = this.only();
    assert.ok('reply' in outcome, `expected a reply, got ${'error' in outcome ? String(outcome.error) : 'nothing'}`);
    return outcome.reply;
  }

  /** The error and whether the command was written; fails the test if the handler got a reply or nothing. */
  get failure(): { error: Error; written: boolean } {
    const outcome = this.only();
    assert.ok(
      'error' in outcome,
      `expected an error, got the reply ${'reply' in outcome ? String(outcome.reply) : ''}`,
    );
    return outcome;
  }

  private only(): Outcome {
    assert.equal(this.outcomes.length, 1, `the handler was called ${this.outcomes.length} times`);
    return this.outcomes[0]!;
  }

  private record(outcome: Outcome): void {
    this.outcomes.push(outcome);
    this.resolve(outcome);
  }
}

/** Waits for every recorder to be called (fails the test after 5 s). */
async function allSettled(what: string, recorders: readonly Recorder[]): Promise<void> {
  await within(what, Promise.all(recorders.map((r) => r.settled)));
}

describe('Connection: replies matched to commands', () => {
  const seeds = process.env.CONNECTION_SEED !== undefined ? [Number(process.env.CONNECTION_SEED)] : [1, 2, 3, 4, 5, 6];

  test(`replies, errors and pushes split at random reach the right handlers (seeds ${seeds.join(', ')})`, async () => {
    let commands = 0;
    for (const seed of seeds) commands += await matchingRun(seed);
    assert.ok(commands > seeds.length * 200, `the runs sent enough commands (${commands})`);
  });

  test('an error reply reaches its handler as a ReplyError value; the connection stays usable', async () => {
    const { peer, conn } = open();
    const failing = new Recorder();
    const after = new Recorder();
    conn.enqueue(['INCR', 'text'], failing);
    conn.enqueue(['GET', 'n'], after);
    await peer.received(2);
    peer.send('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n$1\r\n7\r\n');
    await allSettled('both replies', [failing, after]);
    const reply = failing.reply;
    assert.ok(reply instanceof ReplyError, `got ${String(reply)}`);
    assert.equal(reply.code, 'WRONGTYPE');
    assert.equal(after.reply, '7');
    assert.ok(conn.usable);
  });

  test('call() resolves with a reply and rejects with a ReplyError on an error reply', async () => {
    const { peer, conn } = open();
    const pong = conn.call(['PING'], NO_HURRY);
    const refused = conn.call(['NOSUCH'], NO_HURRY);
    await peer.received(2);
    peer.send("+PONG\r\n-ERR unknown command 'NOSUCH'\r\n");
    assert.equal(await pong, 'PONG');
    await assert.rejects(refused, (err) => err instanceof ReplyError && err.code === 'ERR');
    assert.ok(conn.usable);
  });

  test('a handler that gave up still consumes its reply: the next handler gets its own', async () => {
    const { peer, conn } = open();
    const first = new Recorder();
    const abandonedReplies: RespValue[] = [];
    // What a caller that left (aborted, timed out) leaves behind: a handler that drops whatever it gets.
    const abandoned: ReplyHandler = {
      wantsBuffers: false,
      readTimeoutMs: NO_HURRY,
      onReply: (reply) => abandonedReplies.push(reply),
      onError: () => assert.fail('the connection did not fail'),
    };
    const last = new Recorder();
    conn.enqueue(['GET', 'a'], first);
    conn.enqueue(['GET', 'b'], abandoned);
    conn.enqueue(['GET', 'c'], last);
    await peer.received(3);
    peer.send('$1\r\nA\r\n$1\r\nB\r\n');
    await first.settled;
    assert.equal(conn.usable, false, 'the third reply is still due');
    peer.send('$1\r\nC\r\n');
    await last.settled;
    assert.deepEqual([first.reply, abandonedReplies, last.reply], ['A', ['B'], 'C']);
    assert.ok(conn.usable);
  });

  test('pushes never take a reply’s place, with or without a push listener', async () => {
    for (const listening of [true, false]) {
      const { peer, conn } = open();
      const pushes: RespValue[][] = [];
      if (listening) conn.onPush = (push) => pushes.push(push);
      const a = new Recorder();
      const b = new Recorder(NO_HURRY, true);
      conn.enqueue(['GET', 'a'], a);
      conn.enqueue(['GET', 'b'], b);
      await peer.received(2);
      const push = (key: string) => `>2\r\n+invalidate\r\n*1\r\n$1\r\n${key}\r\n`;
      await peer.sendInChunks(
        [push('a'), '$1\r\nA\r\n', push('b'), push('c'), '$1\r\nB\r\n'].map((s) => Buffer.from(s)),
      );
      await allSettled('both replies', [a, b]);
      assert.equal(a.reply, 'A');
      assert.deepEqual(b.reply, Buffer.from('B'));
      if (listening) {
        assert.deepEqual(
          pushes.map((p) => p.map(String)),
          [
            ['invalidate', 'a'],
            ['invalidate', 'b'],
            ['invalidate', 'c'],
          ],
        );
        // An idle connection that takes pushes stays open when one arrives.
        peer.send(push('d'));
        await waitFor('the push on the idle connection', () => pushes.length === 4);
        assert.ok(conn.usable, 'a whole push on an idle connection leaves it usable');
      }
      assert.ok(!conn.closed);
    }
  });

  test('usable is false while replies are pending (even half-received) and true after', async () => {
    const { peer, conn } = open();
    assert.ok(conn.usable);
    const handler = new Recorder();
    conn.enqueue(['GET', 'k'], handler);
    assert.equal(conn.usable, false, 'enqueued, not yet written');
    assert.equal(conn.inFlight, 1);
    await peer.received(1);
    assert.equal(conn.usable, false, 'written, unanswered');
    peer.send('$5\r\nhel');
    await nextTurn();
    assert.equal(conn.usable, false, 'half a reply arrived');
    peer.send('lo\r\n');
    await handler.settled;
    assert.equal(handler.reply, 'hello');
    assert.equal(conn.inFlight, 0);
    assert.ok(conn.usable);
    conn.close();
    assert.equal(conn.usable, false, 'closed');
  });
});

/**
 * One seeded run: rounds of pipelined batches with random replies (every RESP3 type, errors included),
 * random Buffer/string modes, no-limit and long read timeouts, handlers that gave up, and pushes in
 * between, all written back in random chunks while the next batch is being written. Returns the number
 * of commands sent.
 */
async function matchingRun(seed: number): Promise<number> {
  const random = prng(seed);
  const { peer, conn } = open();
  conn.protocol = 3;
  const pushes: RespValue[][] = [];
  const expectedPushes: RespValue[][] = [];
  conn.onPush = (push) => pushes.push(push);
  let next = 0;
  const where = (id: number) => `seed ${seed} (CONNECTION_SEED=${seed} replays it), command ${id}`;

  interface Sent {
    id: number;
    node: Node;
    recorder: Recorder;
    gaveUp: boolean;
  }
  for (let round = 0; round < 20; round++) {
    const batches: Sent[][] = [];
    for (let b = 1 + Math.floor(random() * 3); b > 0; b--) {
      const batch: Sent[] = [];
      for (let n = 1 + Math.floor(random() * 25); n > 0; n--) {
        const id = next++;
        const timeout = random() < 0.2 ? 0 : NO_HURRY;
        const recorder = new Recorder(timeout, random() < 0.5);
        batch.push({
          id,
          node: randomNode(random, { resp3: true, binary: random() < 0.5 }),
          recorder,
          gaveUp: random() < 0.1,
        });
      }
      batches.push(batch);
    }
    const enqueue = (batch: Sent[]) => {
      for (const sent of batch) {
        // A large argument now and then: the write crosses the encoder's slab and arrives in pieces.
        const args = random() < 0.05 ? ['ECHO', String(sent.id), 'x'.repeat(70_000)] : ['ECHO', String(sent.id)];
        conn.enqueue(args, sent.gaveUp ? dropping(sent.recorder) : sent.recorder);
      }
    };
    let sentSoFar = peer.commands.length;
    enqueue(batches[0]!);
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i]!;
      sentSoFar += batch.length;
      const read = await peer.received(sentSoFar);
      assert.deepEqual(
        read.slice(sentSoFar - batch.length).map((c) => c[1]),
        batch.map((s) => String(s.id)),
        `${where(batch[0]!.id)}: commands reach the peer in order`,
      );
      // The next batch is written while this one's replies come back.
      if (i + 1 < batches.length) enqueue(batches[i + 1]!);
      const nodes: Node[] = [];
      for (const sent of batch) {
        if (random() < 0.15) {
          const id = -1 - expectedPushes.length;
          nodes.push({
            t: '>',
            items: [
              { t: '+', text: 'invalidate' },
              { t: ':', value: id },
            ],
          });
          expectedPushes.push(['invalidate', id]);
        }
        nodes.push(sent.node);
      }
      const chunks = randomChunks(random, writeResp(nodes));
      for (const chunk of chunks) {
        peer.send(chunk);
        if (random() < 0.3) await nextTurn();
      }
    }
    const all = batches.flat();
    await allSettled(
      `${where(all[0]!.id)}: every reply of round ${round}`,
      all.map((s) => s.recorder),
    );
    for (const sent of all) {
      assert.deepStrictEqual(sent.recorder.reply, expected(sent.node, sent.recorder.wantsBuffers), where(sent.id));
    }
    assert.deepStrictEqual(pushes, expectedPushes, `seed ${seed}: pushes, in order, and only pushes`);
    assert.ok(conn.usable, `seed ${seed}, round ${round}: usable once everything is answered`);
  }
  conn.close();
  return next;
}

/** Wraps a recorder as a caller that gave up would: it still receives (and here, records) its reply. */
function dropping(recorder: Recorder): ReplyHandler {
  return {
    wantsBuffers: recorder.wantsBuffers,
    readTimeoutMs: recorder.readTimeoutMs,
    onReply: (reply) => recorder.onReply(reply),
    onError: (error, written) => recorder.onError(error, written),
  };
}

describe('Connection: read timeouts', () => {
  test('no reply in time: TimeoutError naming the address, connection closed, every queued handler fails', async () => {
    const { peer, conn } = open();
    const timed = new Recorder(30);
    const behindLong = new Recorder(NO_HURRY);
    const behindBlocking = new Recorder(0);
    conn.enqueue(['GET', 'slow'], timed);
    conn.enqueue(['GET', 'next'], behindLong);
    conn.enqueue(['BLPOP', 'q', '0'], behindBlocking);
    await peer.received(3);
    await allSettled('the read timeout', [timed, behindLong, behindBlocking]);

    const first = timed.failure;
    assert.ok(first.error instanceof TimeoutError, `got ${String(first.error)}`);
    assert.match(first.error.message, new RegExp(`${ADDRESS}.*30 ms`));
    assert.equal(first.written, true);
    for (const later of [behindLong, behindBlocking]) {
      const { error, written } = later.failure;
      assert.ok(error instanceof ConnectionError && error.cause === first.error, `got ${String(error)}`);
      assert.match(error.message, new RegExp(ADDRESS));
      assert.equal(written, true);
    }
    assert.ok(conn.closed);
    await within('the socket to close', peer.socketClosed);

    // A reply that arrives now is not mistaken for anything, and nothing more is written.
    peer.send('$4\r\nlate\r\n');
    const afterwards = new Recorder();
    conn.enqueue(['GET', 'after'], afterwards);
    assert.deepEqual(afterwards.failure, { error: first.error, written: false });
    await nextTurn();
    assert.equal(peer.commands.length, 3);
  });

  test('after the reply to a no-limit head (BLPOP 0), the next command’s read deadline is armed again', async () => {
    const { peer, conn } = open();
    const blocking = new Recorder(0);
    const next = new Recorder(30);
    conn.enqueue(['BLPOP', 'q', '0'], blocking);
    conn.enqueue(['GET', 'k'], next);
    await peer.received(2);
    peer.send('*2\r\n$1\r\nq\r\n$1\r\nv\r\n');
    await within('the second command to time out', next.settled);
    assert.deepEqual(blocking.reply, ['q', 'v']);
    const { error, written } = next.failure;
    assert.ok(error instanceof TimeoutError, `got ${String(error)}`);
    assert.equal(written, true);
    assert.ok(conn.closed);
  });

  test('a command behind one with a longer timeout times out at its own deadline', async () => {
    const { peer, conn } = open();
    const patient = new Recorder(NO_HURRY);
    const hasty = new Recorder(30);
    conn.enqueue(['GET', 'a'], patient);
    conn.enqueue(['GET', 'b'], hasty);
    await peer.received(2);
    peer.send('$1\r\nA\r\n');
    await within('the second command to time out (not at the first one’s deadline)', hasty.settled);
    assert.equal(patient.reply, 'A');
    assert.ok(hasty.failure.error instanceof TimeoutError);
  });

  test('commands behind a no-limit command start their read clocks when it is answered', async () => {
    const READ_TIMEOUT = 300;
    const { peer, conn } = open();
    const witness = open();
    const blocking = new Recorder(0);
    const behind = new Recorder(READ_TIMEOUT);
    conn.enqueue(['BLPOP', 'q', '0'], blocking);
    conn.enqueue(['GET', 'k'], behind);
    // The same read timeout on a connection with nothing ahead, written just after: when it fires, the
    // deadline `behind` would have had, counted from its write, has passed.
    const alone = new Recorder(READ_TIMEOUT);
    witness.conn.enqueue(['GET', 'k'], alone);
    await peer.received(2);
    await within('the witness to time out', alone.settled);
    assert.ok(alone.failure.error instanceof TimeoutError);
    assert.equal(behind.outcomes.length, 0, 'no reply can come before the BLPOP’s: the GET is still waiting');

    peer.send('*2\r\n$1\r\nq\r\n$1\r\nv\r\n');
    // A deadline counted from the write would now be overdue: its timer (1 ms) would fire before this one.
    await sleep(1);
    peer.send('$1\r\nv\r\n');
    await within('the GET’s reply', behind.settled);
    assert.deepEqual(blocking.reply, ['q', 'v']);
    assert.equal(behind.reply, 'v');
    assert.ok(conn.usable);
  });
});

describe('Connection: writes, destroy and hang-ups', () => {
  test('write timeout: a peer that stops reading closes the connection with TimeoutError', async () => {
    const { peer, conn } = open({ reading: false, writeTimeout: 50 });
    const big = new Recorder();
    conn.enqueue(['SET', 'big', 'x'.repeat(1024 * 1024)], big);
    await within('the write timeout', big.settled);
    const { error, written } = big.failure;
    assert.ok(error instanceof TimeoutError, `got ${String(error)}`);
    assert.match(error.message, new RegExp(`Write to ${ADDRESS} did not complete within writeTimeout \\(50 ms\\)`));
    assert.equal(written, true);
    assert.ok(conn.closed);
    assert.equal(peer.commands.length, 0);
  });

  test('a peer that reads again in time: the backed-up write completes and the reply arrives', async () => {
    const { peer, conn } = open({ reading: false, writeTimeout: NO_HURRY });
    const big = new Recorder();
    conn.enqueue(['SET', 'big', 'x'.repeat(1024 * 1024)], big);
    await waitFor('the write to back up', () => peer.socket.writableNeedDrain);
    peer.startReading();
    await peer.received(1);
    peer.send('+OK\r\n');
    await big.settled;
    assert.equal(big.reply, 'OK');
    assert.ok(conn.usable);
  });

  test('destroy mid-write: written commands fail with written=true, unwritten ones with written=false', async () => {
    const { peer, conn } = open({ reading: false });
    const inSocket = new Recorder();
    conn.enqueue(['SET', 'a', 'x'.repeat(256 * 1024)], inSocket);
    await waitFor('the first write to sit in the socket', () => peer.socket.writableLength > 0);
    const queuedB = new Recorder();
    const queuedC = new Recorder();
    conn.enqueue(['SET', 'b', '1'], queuedB);
    conn.enqueue(['SET', 'c', '1'], queuedC);
    const reason = new ConnectionError('closed by the test');
    conn.destroy(reason);

    assert.deepEqual(inSocket.failure, { error: reason, written: true });
    assert.deepEqual(queuedB.failure, { error: reason, written: false });
    assert.deepEqual(queuedC.failure, { error: reason, written: false });
    peer.startReading();
    await within('the socket to close', peer.socketClosed);
    await nextTurn();
    assert.ok(!peer.commands.some((c) => c[1] === 'b' || c[1] === 'c'), 'unwritten commands never reach the peer');
  });

  test('the peer resets the connection: written commands fail with written=true, queued ones with written=false', async () => {
    const { peer, conn } = open();
    const written = new Recorder();
    conn.enqueue(['GET', 'a'], written);
    await peer.received(1);
    const queued = new Recorder();
    conn.enqueue(['GET', 'b'], queued);
    // The reset arrives before the queued command's write turn: it must not count as written.
    peer.hangUp(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await allSettled('both handlers', [written, queued]);

    const first = written.failure;
    assert.ok(first.error instanceof ConnectionError, `got ${String(first.error)}`);
    assert.match(first.error.message, new RegExp(`${ADDRESS}.*ECONNRESET`));
    assert.equal(first.written, true);
    assert.equal(first.error.replyDue, true, 'the server hung up while this reply was the next one due');
    const second = queued.failure;
    assert.equal(second.written, false);
    assert.ok(second.error instanceof ConnectionError);
    assert.equal(second.error.message, first.error.message);
    assert.equal(second.error.replyDue, false);
    assert.ok(conn.closed);
  });

  test('the peer closes the connection: pending handlers fail with a ConnectionError naming the address', async () => {
    const { peer, conn } = open();
    const waiting = new Recorder();
    conn.enqueue(['GET', 'a'], waiting);
    await peer.received(1);
    peer.hangUp();
    await within('the handler', waiting.settled);
    const { error, written } = waiting.failure;
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, new RegExp(`${ADDRESS} was closed`));
    assert.equal(written, true);
  });

  test('enqueue on a closed connection fails the handler at once with written=false; nothing is sent', async () => {
    const { peer, conn } = open();
    conn.close();
    const late = new Recorder();
    conn.enqueue(['SET', 'k', 'v'], late);
    const { error, written } = late.failure;
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, new RegExp(`${ADDRESS} was closed by the client`));
    assert.equal(written, false);
    await within('the socket to close', peer.socketClosed);
    assert.equal(peer.bytesRead, 0);
  });
});

describe('Connection: bytes nobody asked for', () => {
  const cases: [string, string, RegExp][] = [
    ['a whole reply', '+OK\r\n', /Reply from scripted-peer:6379 to a command that was never sent/],
    ['half a reply', '$5\r\nhe', /Unsolicited data from scripted-peer:6379 on an idle connection/],
  ];
  for (const [what, bytes, message] of cases) {
    test(`${what} on an idle connection: ProtocolError, and the connection closes`, async () => {
      const { peer, conn } = open();
      assert.ok(conn.usable);
      peer.send(bytes);
      await within('the socket to close', peer.socketClosed);
      assert.ok(conn.closed);
      assert.equal(conn.usable, false);
      const probe = new Recorder();
      conn.enqueue(['PING'], probe);
      const { error, written } = probe.failure;
      assert.ok(error instanceof ProtocolError, `got ${String(error)}`);
      assert.match(error.message, message);
      assert.equal(written, false);
    });
  }

  test('bytes after the last reply in the same chunk: the reply is delivered, then ProtocolError', async () => {
    const { peer, conn } = open();
    const handler = new Recorder();
    conn.enqueue(['GET', 'k'], handler);
    await peer.received(1);
    peer.send('$1\r\nv\r\n+stray');
    await within('the socket to close', peer.socketClosed);
    assert.equal(handler.reply, 'v');
    const probe = new Recorder();
    conn.enqueue(['PING'], probe);
    assert.ok(probe.failure.error instanceof ProtocolError);
  });

  test('garbage instead of a reply: the waiting handler fails with ProtocolError (written=true)', async () => {
    const { peer, conn } = open();
    const handler = new Recorder();
    const behind = new Recorder();
    conn.enqueue(['GET', 'k'], handler);
    conn.enqueue(['GET', 'j'], behind);
    await peer.received(2);
    peer.send('?what\r\n');
    await allSettled('both handlers', [handler, behind]);
    for (const r of [handler, behind]) {
      assert.ok(r.failure.error instanceof ProtocolError, `got ${String(r.failure.error)}`);
      assert.equal(r.failure.written, true);
    }
    assert.ok(conn.closed);
  });
});

test('ref() and unref() reach the socket only when the state changes; a stream without them is left alone', () => {
  const { peer, conn } = open();
  assert.doesNotThrow(() => (conn.unref(), conn.ref())); // the in-memory stream has no ref/unref
  const calls: string[] = [];
  const socket = new ScriptedPeer().socket;
  Object.assign(socket, { ref: () => calls.push('ref'), unref: () => calls.push('unref') });
  const counted = new Connection(socket, { maxBulkLength: 1024, writeTimeout: 0, address: ADDRESS });
  counted.ref(); // a new socket already holds the process
  counted.unref();
  counted.unref();
  counted.ref();
  counted.ref();
  assert.deepEqual(calls, ['unref', 'ref']);
  conn.close();
  counted.close();
  peer.hangUp();
});
