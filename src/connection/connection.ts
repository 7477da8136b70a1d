/**
 * One socket, one encoder, one decoder, one queue of replies awaited in order.
 *
 *   open ──(socket end / error / protocol error / read timeout / destroy)──▶ closed
 *
 * While open, commands are appended with `enqueue` and written together at the end of the
 * tick (or at once with `flush`). Replies are matched to commands strictly in order. A caller
 * that gave up keeps its place in the queue (`ReplyHandler.onReply` drops the reply), so no
 * reply is ever handed to the wrong command. One timer per connection enforces read timeouts:
 * it looks at the oldest unanswered command only, because replies come back in order, and fires no
 * later than that command's deadline. A command's deadline runs from its write, except behind a
 * command without a limit (BLPOP 0): no reply can come before that one's, so the clocks of the
 * commands behind it start when it is answered.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ConnectionError, ProtocolError, RedisError, TimeoutError } from '../errors.js';
import { Queue } from '../internal/queue.js';
import { CommandEncoder, RespDecoder } from '../resp/index.js';
import type { RedisArg, RespValue } from '../resp/types.js';

/** What the connection needs from whoever awaits a reply (the client's pending command). */
export interface ReplyHandler {
  /** Decode this reply's bulk strings as Buffers. */
  readonly wantsBuffers: boolean;
  /** Longest wait for this reply once written, ms; 0 = no limit (blocking commands). Read once at write time. */
  readonly readTimeoutMs: number;
  /** A blocking command (BLPOP…): close() ends it at once instead of waiting for its reply. */
  readonly blocking?: boolean;
  /** The reply arrived (a ReplyError value for error replies). */
  onReply(reply: RespValue): void;
  /** The connection failed before the reply arrived. `written` tells whether the command reached the socket. */
  onError(error: Error, written: boolean): void;
}

/** The holder of a connection: told when the last awaited reply arrived, and when the connection closed. */
export interface ConnectionOwner {
  /** The last awaited reply has arrived (called each time the queue empties). */
  connectionDrained(conn: Connection): void;
  /** The connection closed for any reason (called once). */
  connectionClosed(conn: Connection, error: Error): void;
}

interface QueuedReply {
  handler: ReplyHandler;
  /** performance.now() deadline, Infinity for none; NaN while not yet written. */
  deadline: number;
}

export interface ConnectionOptions {
  maxBulkLength: number;
  writeTimeout: number;
  /** Human-readable address for error messages. */
  address: string;
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  readonly createdAt = Date.now();
  /** Negotiated protocol; set by the handshake. */
  protocol: 2 | 3 = 2;
  /** Server-side client id (CLIENT ID), when the handshake learned it. */
  serverId = 0;
  /** RESP3 push frames (and, in pub/sub mode, RESP2 message arrays) go here. */
  onPush: ((push: RespValue[]) => void) | undefined;
  /**
   * Whoever holds this connection now: a lease while a caller uses it, the pool while it is idle, or the
   * pub/sub or cache machinery that owns it. The one place that hears about drains and closes.
   */
  owner: ConnectionOwner | undefined;
  /** In pub/sub mode, RESP2 arrays shaped like pub/sub messages are routed to onPush. */
  pubSubMode = false;

  private readonly socket: Duplex;
  private readonly encoder = new CommandEncoder();
  private readonly decoder: RespDecoder;
  private readonly queue = new Queue<QueuedReply>();
  /** Number of queued entries not yet written (they sit at the tail). */
  private unwritten = 0;
  private flushScheduled = false;
  private readTimer: NodeJS.Timeout | undefined;
  /** The deadline readTimer was set for; Infinity while none is set. */
  private readTimerDeadline = Infinity;
  private writeTimer: NodeJS.Timeout | undefined;
  private closedWith: Error | undefined;
  private isClosed = false;
  private unsolicited = false;
  private feeding = false;
  /** Whether the socket holds the process open (sockets start that way). */
  private holdsProcess = true;

  constructor(
    socket: Duplex,
    private readonly options: ConnectionOptions,
  ) {
    this.socket = socket;
    this.decoder = new RespDecoder({
      onReply: (reply) => this.handleReply(reply),
      onPush: (push) => this.handlePush(push),
      maxBulkLength: options.maxBulkLength,
    });
    socket.on('data', (chunk: Buffer) => this.handleData(chunk));
    socket.on('error', (err: Error) =>
      this.closedByPeer(new ConnectionError(`Connection to ${options.address} failed: ${err.message}`, { cause: err })),
    );
    socket.on('close', () =>
      this.closedByPeer(
        new ConnectionError(`Connection to ${options.address} was closed by the server or the network.`),
      ),
    );
    socket.on('drain', () => this.clearWriteTimer());
  }

  /** Open, answered everything it was asked, and holds no stray bytes: fit to hand to a new holder. */
  get usable(): boolean {
    // While a chunk is being decoded, its unread rest still counts as pending; handleData checks it afterwards.
    return (
      !this.isClosed &&
      !this.unsolicited &&
      this.queue.length === 0 &&
      (this.feeding || this.decoder.pendingBytes === 0)
    );
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Replies still awaited (including dropped ones whose callers left). */
  get inFlight(): number {
    return this.queue.length;
  }

  /** A blocking command (BLPOP, XREAD BLOCK…) still awaits its reply here. */
  get awaitingBlocking(): boolean {
    for (let i = 0; i < this.queue.length; i++) if (this.queue.at(i)!.handler.blocking === true) return true;
    return false;
  }

  get address(): string {
    return this.options.address;
  }

  /**
   * The socket holds the process open again: a holder (a lease) took the connection, so replies may be awaited.
   * Cheap when nothing changes: called at every lease, it reaches the socket only when the state flips.
   */
  ref(): void {
    if (this.holdsProcess) return;
    this.holdsProcess = true;
    (this.socket as Partial<Pick<Socket, 'ref'>>).ref?.();
  }

  /**
   * The socket no longer holds the process open: the connection is idle in a pool, or serves in the background
   * (cache invalidations). A script that forgot close() then exits once its work is done.
   */
  unref(): void {
    if (!this.holdsProcess) return;
    this.holdsProcess = false;
    // A Duplex from a `connect` option may have no ref/unref: it then keeps whatever its maker chose.
    (this.socket as Partial<Pick<Socket, 'unref'>>).unref?.();
  }

  /** Appends a command; it is written at the end of this tick together with the others. */
  enqueue(args: readonly RedisArg[], handler: ReplyHandler): void {
    if (this.isClosed) {
      handler.onError(this.closedWith ?? new ConnectionError(`Connection to ${this.address} is closed.`), false);
      return;
    }
    this.encoder.write(args);
    if (this.queue.length === 0) this.decoder.returnBuffers = handler.wantsBuffers;
    this.queue.push({ handler, deadline: NaN });
    this.unwritten++;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(flushConnection, this);
    }
  }

  /**
   * From now on, bulk strings decode as Buffers. For the pub/sub connection, which queues no commands (their
   * replies would each choose), so that payloads arrive byte for byte.
   */
  decodeBulkAsBuffers(): void {
    this.decoder.returnBuffers = true;
  }

  /** Writes a command that expects no reply of its own (pub/sub SUBSCRIBE family; replies arrive as pushes). */
  writeWithoutReply(args: readonly RedisArg[]): void {
    if (this.isClosed) return;
    this.encoder.write(args);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(flushConnection, this);
    }
  }

  /** Writes everything enqueued so far, now. */
  flush(): void {
    this.flushScheduled = false;
    // A socket destroyed this tick (a reset) reports it on a later one: what waits here was never written.
    if (this.isClosed || this.socket.destroyed || this.encoder.length === 0) return;
    const bytes = this.encoder.take();
    if (this.unwritten > 0) {
      const now = performance.now();
      const n = this.queue.length;
      for (let i = n - this.unwritten; i < n; i++) {
        const entry = this.queue.at(i)!;
        const t = entry.handler.readTimeoutMs;
        entry.deadline = t > 0 ? now + t : Infinity;
      }
      this.unwritten = 0;
      this.armReadTimer(now);
    }
    const ok = this.socket.write(bytes);
    if (!ok && this.options.writeTimeout > 0 && this.writeTimer === undefined) {
      this.writeTimer = setTimeout(() => {
        this.writeTimer = undefined;
        this.destroy(
          new TimeoutError(
            `Write to ${this.address} did not complete within writeTimeout (${this.options.writeTimeout} ms); the connection was closed.`,
          ),
        );
      }, this.options.writeTimeout);
      this.writeTimer.unref();
    }
  }

  /** One command, outside any batch; for the handshake and hooks. Rejects with ReplyError on an error reply. */
  call(args: readonly RedisArg[], readTimeoutMs: number): Promise<RespValue> {
    return new Promise((resolve, reject) => {
      this.enqueue(args, {
        wantsBuffers: false,
        readTimeoutMs,
        onReply: (reply) => (reply instanceof Error ? reject(reply) : resolve(reply)),
        onError: (err) => reject(err),
      });
    });
  }

  /** Graceful close: no more commands; the socket ends. Pending replies fail. */
  close(): void {
    this.destroy(new ConnectionError(`Connection to ${this.address} was closed by the client.`));
  }

  /**
   * Closes at once; every awaited reply fails with `error` (the oldest with `headError` when given), or, after a
   * timeout, with a ConnectionError caused by it.
   */
  destroy(error: Error, headError: Error = error): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closedWith = error;
    this.clearReadTimer();
    this.clearWriteTimer();
    this.socket.destroy();
    const pending = this.queue.drain();
    const firstUnwritten = pending.length - this.unwritten;
    this.unwritten = 0;
    for (let i = 0; i < pending.length; i++) {
      const written = i < firstUnwritten;
      const err =
        i === 0
          ? headError
          : !(error instanceof TimeoutError)
            ? error
            : new ConnectionError(`Connection to ${this.address} was closed after an earlier command timed out.`, {
                cause: error,
              });
      pending[i]!.handler.onError(err, written);
    }
    this.owner?.connectionClosed(this, error);
  }

  /**
   * The server or the network ended the connection. When part of the oldest reply had arrived, the server
   * ran the command and then dropped the client, which is what an output-buffer limit does to a reply too big
   * for it: that command gets an error saying so, and is not sent again (it would only close another connection).
   */
  private closedByPeer(error: ConnectionError): void {
    if (this.isClosed) return;
    const received = this.decoder.pendingBytes;
    const head = this.queue.peek();
    if (head === undefined || Number.isNaN(head.deadline)) {
      this.destroy(error);
      return;
    }
    if (received === 0) {
      this.destroy(error, new ConnectionError(error.message, { cause: error.cause, replyDue: true }));
      return;
    }
    this.destroy(
      error,
      new ConnectionError(
        `Connection to ${this.address} closed while the reply to this command was arriving (${received} bytes ` +
          'received). The reply was probably larger than the server allows a client to hold ' +
          "(CONFIG GET client-output-buffer-limit, class 'normal'); it is not retried. Read big values in parts " +
          '(GETRANGE, HSCAN, LRANGE with limits) or raise the limit.',
        { cause: error, replyCutOff: true },
      ),
    );
  }

  private handleData(chunk: Buffer): void {
    this.feeding = true;
    try {
      this.decoder.feed(chunk);
    } catch (err) {
      this.feeding = false;
      this.destroy(
        err instanceof RedisError
          ? err
          : new ProtocolError(`Could not decode the reply from ${this.address}: ${String(err)}`),
      );
      return;
    }
    this.feeding = false;
    // A connection that takes server pushes (client-side cache tracking) may be idle halfway through one.
    if (this.queue.length === 0 && this.decoder.pendingBytes > 0 && !this.pubSubMode && this.onPush === undefined) {
      // Bytes nobody asked for: this connection can no longer be trusted to line replies up.
      this.unsolicited = true;
      this.destroy(new ProtocolError(`Unsolicited data from ${this.address} on an idle connection.`));
    }
  }

  private handleReply(reply: RespValue): void {
    if (this.isClosed) return;
    if (this.pubSubMode && (this.queue.length === 0 || (Array.isArray(reply) && isPubSubFrame(reply)))) {
      // RESP2 pub/sub frames, and error replies to SUBSCRIBE-family commands, which have no queued handler.
      this.onPush?.(Array.isArray(reply) ? reply : [reply]);
      return;
    }
    const entry = this.queue.shift();
    if (entry === undefined || Number.isNaN(entry.deadline)) {
      this.unsolicited = true;
      this.destroy(new ProtocolError(`Reply from ${this.address} to a command that was never sent.`));
      return;
    }
    const next = this.queue.peek();
    this.decoder.returnBuffers = next !== undefined && next.handler.wantsBuffers;
    if (next !== undefined) {
      if (entry.deadline === Infinity) this.restartDeadlinesAfterNoLimitReply();
      // The timer may be set for the answered command's later deadline, or not at all (no limit).
      if (next.deadline < this.readTimerDeadline) this.armReadTimer(performance.now());
    }
    entry.handler.onReply(reply);
    if (this.queue.length === 0 && !this.isClosed) {
      this.encoder.park();
      this.owner?.connectionDrained(this);
    }
  }

  private handlePush(push: RespValue[]): void {
    if (this.onPush !== undefined) this.onPush(push);
    // Otherwise (e.g. a tracking message with no cache attached) the frame is consumed and ignored:
    // pushes never take the place of a reply.
  }

  /** Makes the read timer fire no later than the oldest command's deadline (none while it has no limit). */
  private armReadTimer(now: number): void {
    const head = this.queue.peek();
    // False for no head, for no limit (Infinity), for not yet written (NaN), and when the timer fires early enough.
    if (head === undefined || !(head.deadline < this.readTimerDeadline)) return;
    this.clearReadTimer();
    this.readTimerDeadline = head.deadline;
    this.readTimer = setTimeout(onReadTimer, Math.max(1, head.deadline - now), this);
    this.readTimer.unref();
  }

  /** The commands written behind a just-answered no-limit command start their read clocks now. */
  private restartDeadlinesAfterNoLimitReply(): void {
    const now = performance.now();
    const written = this.queue.length - this.unwritten;
    for (let i = 0; i < written; i++) {
      const entry = this.queue.at(i)!;
      // The next no-limit command holds back the ones behind it in turn; their clocks start at its reply.
      if (entry.deadline === Infinity) break;
      entry.deadline = now + entry.handler.readTimeoutMs;
    }
  }

  private clearReadTimer(): void {
    if (this.readTimer !== undefined) clearTimeout(this.readTimer);
    this.readTimer = undefined;
    this.readTimerDeadline = Infinity;
  }

  /** @internal called by the read timer. */
  checkReadDeadline(): void {
    this.readTimer = undefined;
    this.readTimerDeadline = Infinity;
    if (this.isClosed) return;
    const now = performance.now();
    const head = this.queue.peek();
    if (head === undefined) return;
    if (head.deadline <= now) {
      this.destroy(
        new TimeoutError(
          `No reply from ${this.address} within ${head.handler.readTimeoutMs} ms (readTimeout); the connection was closed so that no later reply can be mistaken for it.`,
        ),
      );
      return;
    }
    this.armReadTimer(now);
  }

  private clearWriteTimer(): void {
    if (this.writeTimer !== undefined) {
      clearTimeout(this.writeTimer);
      this.writeTimer = undefined;
    }
  }
}

function flushConnection(conn: Connection): void {
  conn.flush();
}

function onReadTimer(conn: Connection): void {
  conn.checkReadDeadline();
}

const PUBSUB_KINDS = new Set([
  'message',
  'pmessage',
  'smessage',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'unsubscribe',
  'punsubscribe',
  'sunsubscribe',
  'pong',
]);

function isPubSubFrame(reply: RespValue[]): boolean {
  const kind = reply[0];
  return (typeof kind === 'string' || Buffer.isBuffer(kind)) && PUBSUB_KINDS.has(kind.toString());
}
