/**
 * A scripted Redis peer for `Connection` unit tests, over an in-memory stream pair: no socket, no server.
 *
 *   const peer = new ScriptedPeer();
 *   const conn = new Connection(peer.socket, { address: 'scripted', maxBulkLength: 1024, writeTimeout: 0 });
 *   conn.enqueue(['GET', 'k'], handler);
 *   assert.deepEqual(await peer.received(1), [['GET', 'k']]);
 *   peer.send('$1\r\nv\r\n');          // or sendInChunks(…), or nothing at all, or garbage
 *
 * `socket` is the connection's end. The peer decodes the commands written to it and writes whatever the test
 * scripts. Created with `{ reading: false }`, it reads nothing until startReading(), so the connection's
 * writes back up as they do when a server stops reading. hangUp() closes both ends, as a dropped TCP
 * connection does (an in-memory pair does not pass a close from one end to the other by itself).
 */
import * as stream from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseCommand } from './fake-server.js';
import { within } from './wait.js';

export interface ScriptedPeerOptions {
  /** Read what the connection writes from the start (default true). */
  reading?: boolean;
}

export class ScriptedPeer {
  /** The connection's end of the pair. */
  readonly socket: stream.Duplex;
  /** Every complete command the peer has read, in order. */
  readonly commands: string[][] = [];
  /** Bytes the peer has read. */
  bytesRead = 0;
  /** Resolves once the connection's end has closed (the connection destroyed it, or hangUp()). */
  readonly socketClosed: Promise<void>;

  private readonly end: stream.Duplex;
  private unparsed: Buffer = Buffer.alloc(0);
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  constructor(options: ScriptedPeerOptions = {}) {
    [this.socket, this.end] = makePair();
    this.socketClosed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    // A destroyed end may still be written to by a test; such errors are not what the tests look at.
    this.end.on('error', () => {});
    if (options.reading ?? true) this.startReading();
  }

  startReading(): void {
    if (this.end.listenerCount('data') > 0) return;
    this.end.on('data', (chunk: Buffer) => this.take(chunk));
  }

  /** Resolves with every command read so far once at least `count` have arrived (fails the test after 5 s). */
  async received(count: number): Promise<string[][]> {
    if (this.commands.length < count) {
      await within(
        `the peer to read ${count} commands (it has ${this.commands.length})`,
        new Promise<void>((resolve) => this.waiters.push({ count, resolve })),
      );
    }
    return this.commands;
  }

  /** Writes bytes to the connection as one chunk. */
  send(bytes: string | Buffer): void {
    if (!this.end.destroyed) this.end.write(bytes);
  }

  /** Writes `chunks` one by one, letting the event loop turn between them, so each arrives on its own. */
  async sendInChunks(chunks: readonly Buffer[]): Promise<void> {
    for (const chunk of chunks) {
      this.send(chunk);
      await nextTurn();
    }
  }

  /** Closes both ends; with `error`, the connection's end reports it first (as a reset socket does). */
  hangUp(error?: Error): void {
    this.end.destroy();
    this.socket.destroy(error);
  }

  private take(chunk: Buffer): void {
    this.bytesRead += chunk.length;
    this.unparsed = this.unparsed.length === 0 ? chunk : Buffer.concat([this.unparsed, chunk]);
    let at = 0;
    for (let parsed = parseCommand(this.unparsed, at); parsed !== undefined; parsed = parseCommand(this.unparsed, at)) {
      this.commands.push(parsed.args);
      at = parsed.end;
    }
    this.unparsed = this.unparsed.subarray(at);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const waiter = this.waiters[i]!;
      if (this.commands.length >= waiter.count) {
        this.waiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

/** Node's in-memory duplex pair (node:stream since 20.17), or an equivalent for older Node 20 releases. */
function makePair(): [stream.Duplex, stream.Duplex] {
  const native = (stream as { duplexPair?: () => [stream.Duplex, stream.Duplex] }).duplexPair;
  return native !== undefined ? native() : crossedDuplexes();
}

/**
 * Two duplexes whose writes become each other's reads. A write completes only once the other end asks for
 * more data, so an end that is not read applies backpressure, as a full TCP window does.
 */
function crossedDuplexes(): [stream.Duplex, stream.Duplex] {
  const ends: stream.Duplex[] = [];
  const heldWrite: ((() => void) | undefined)[] = [undefined, undefined];
  const make = (self: number): stream.Duplex =>
    new stream.Duplex({
      read() {
        const release = heldWrite[1 - self];
        heldWrite[1 - self] = undefined;
        release?.();
      },
      write(chunk: Buffer, _encoding, done) {
        heldWrite[self] = () => done();
        ends[1 - self]!.push(chunk);
      },
      final(done) {
        ends[1 - self]!.push(null);
        done();
      },
    });
  ends.push(make(0), make(1));
  return [ends[0]!, ends[1]!];
}
