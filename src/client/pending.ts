/**
 * One command on its way: the caller's promise, its options, and what happens to its reply.
 *
 *   queued ──write──▶ written ──reply──▶ settled
 *     │  ▲               │
 *     │  └──retry────────┤ (policy.ts's decide() says retry; the sender resends it with its batch)
 *     └──abort/timeout───┴──▶ settled (caller rejected; a written command's late reply is read and dropped)
 *
 * It is its own ReplyHandler, so the hot path allocates one object and one promise per command.
 */
import { CommandFlags, type Command } from '../commands/command.js';
import type { ReplyHandler } from '../connection/connection.js';
import { AbortError, ConnectionError, ReplyError, TimeoutError } from '../errors.js';
import { offAbort, onAbort } from '../internal/abort-fanout.js';
import type { RespValue } from '../resp/types.js';
import { decide } from './policy.js';

export interface CallOptions {
  /** Abort the call: it rejects at once with AbortError, at any stage. */
  signal?: AbortSignal;
  /** Reject with TimeoutError after this many ms (covers waiting for a connection too). */
  timeout?: number;
  /** The command may safely run twice: allow retries after it was written. */
  idempotent?: boolean;
  /** false: this read skips the client-side cache (asks the server, stores nothing). */
  cache?: boolean;
}

/** What a pending command needs from whoever sends it (the client, or a pinned connection). */
export interface Resender {
  /** Send again after a backoff (`pending.attempts` counts the retries so far, from 1). */
  retry(pending: PendingCommand): void;
  /** A written blocking command was abandoned: its connection must go, the reply may come at any time. */
  abandonBlocking(pending: PendingCommand): void;
  /** The connection that answered must not serve anyone else after this batch. */
  discardConnection(pending: PendingCommand, reason: string): void;
  readonly maxRetries: number;
}

export class PendingCommand<T = unknown> implements ReplyHandler {
  readonly command: Command<T>;
  readonly wantsBuffers: boolean;
  readonly readTimeoutMs: number;
  readonly blocking: boolean;
  promise: Promise<T>;
  /** The caller left (aborted, timed out) or the result is in: later replies are dropped. */
  settled = false;
  written = false;
  attempts = 0;
  /** Runs alone on a connection of its own: the server hung up while this command's reply was due. */
  alone = false;
  /** performance.now() when its retry began waiting for the pool's failing dial gate; NaN when not waiting. */
  gateWaitStart = NaN;
  /** Opaque slot for the sender (e.g. the connection it was written to). */
  connection: unknown = undefined;
  /** The batch wait this command counts down while its batch waits for a connection. */
  waitingIn: BatchWait | undefined = undefined;
  // Typed loosely so that a PendingCommand<T> is usable wherever a PendingCommand<unknown> is expected.
  private resolveFn!: (value: unknown) => void;
  private rejectFn!: (reason: unknown) => void;
  private readonly sender: Resender;
  private readonly idempotent: boolean;
  private signal: AbortSignal | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(sender: Resender, command: Command<T>, readTimeoutMs: number, options: CallOptions | undefined) {
    this.sender = sender;
    this.command = command;
    this.wantsBuffers = (command.flags & CommandFlags.BUFFERS) !== 0;
    this.blocking = (command.flags & CommandFlags.BLOCKING) !== 0;
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolveFn = resolve as (value: unknown) => void;
      this.rejectFn = reject;
    });
    let readTimeout = readTimeoutMs;
    if ((command.flags & CommandFlags.BLOCKING) !== 0 && command.blockMs !== undefined) {
      // A blocking command may legitimately wait for its own timeout; give it 10 s more, or no limit for "forever".
      readTimeout = command.blockMs === 0 || readTimeoutMs === 0 ? 0 : command.blockMs + 10_000;
    }
    this.idempotent = options?.idempotent === true;
    if (options !== undefined) {
      if (options.timeout !== undefined && options.timeout > 0) {
        if (readTimeout !== 0) readTimeout = Math.max(readTimeout, options.timeout);
        this.timer = setTimeout(onCallTimeout, options.timeout, this, options.timeout);
      }
      const signal = options.signal;
      if (signal !== undefined) {
        if (signal.aborted) {
          this.abandon(new AbortError(signal.reason));
        } else {
          this.signal = signal;
          onAbort(signal, this);
        }
      }
    }
    this.readTimeoutMs = readTimeout;
  }

  /** AbortSignal listener (an object listener avoids a closure per command). */
  handleEvent(): void {
    this.abandon(new AbortError(this.signal?.reason));
  }

  onReply(reply: RespValue): void {
    if (this.settled) return;
    if (reply instanceof ReplyError) {
      const decision = decide(reply, this.failureContext(true));
      if (decision.discardConnection) this.sender.discardConnection(this, decision.rule);
      if (decision.action === 'retry' || decision.action === 'retry-elsewhere') {
        this.requeue();
        return;
      }
      reply.command = String(this.command.args[0]);
      this.finish();
      this.rejectFn(reply);
      return;
    }
    let value: T;
    try {
      const decode = this.command.decode;
      value = decode === undefined ? (reply as T) : decode(reply);
    } catch (err) {
      this.finish();
      this.rejectFn(err);
      return;
    }
    this.finish();
    this.resolveFn(value);
  }

  onError(error: Error, written: boolean): void {
    if (this.settled) return;
    const action = decide(error, this.failureContext(written)).action;
    if (action === 'retry' || action === 'retry-elsewhere') {
      // Its own reply may be what the server refuses to send (output-buffer limit): retry it where it can
      // take down no other caller's commands.
      if (error instanceof ConnectionError && error.replyDue) this.alone = true;
      this.requeue();
      return;
    }
    if (error instanceof ConnectionError && error.replyDue && this.alone) {
      this.fail(
        new ConnectionError(
          `The server closed the connection while the reply to ${String(this.command.args[0])} was due, twice, ` +
            'the second time with the command alone on its connection: the reply is probably larger than the ' +
            "server lets a client hold (CONFIG GET client-output-buffer-limit, class 'normal'). Read big values " +
            'in parts (GETRANGE, HSCAN, LRANGE with limits) or raise the limit.',
          { cause: error, replyCutOff: true },
        ),
      );
      return;
    }
    this.fail(error);
  }

  /** Rejects the caller now; a written command keeps its place and its reply is dropped. */
  abandon(error: Error): void {
    if (this.settled) return;
    this.fail(error);
    if (this.written && (this.command.flags & CommandFlags.BLOCKING) !== 0) this.sender.abandonBlocking(this);
  }

  fail(error: unknown): void {
    if (this.settled) return;
    this.finish();
    this.rejectFn(error);
  }

  private failureContext(written: boolean) {
    return {
      written,
      mayRunTwice: this.idempotent || (this.command.flags & CommandFlags.READONLY) !== 0,
      retriesLeft: this.sender.maxRetries - this.attempts,
      alone: this.alone,
    };
  }

  private requeue(): void {
    this.attempts++;
    this.written = false;
    this.connection = undefined;
    this.sender.retry(this);
  }

  private finish(): void {
    this.settled = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.signal !== undefined) offAbort(this.signal, this);
    const wait = this.waitingIn;
    if (wait !== undefined) {
      this.waitingIn = undefined;
      if (--wait.unsettled === 0) wait.controller.abort();
    }
  }
}

/**
 * A batch waiting for a connection: when every command in it has settled (aborted, timed out) before the
 * connection came, the wait is cancelled, so it neither keeps its place in the pool's queue nor dials.
 */
export class BatchWait {
  readonly controller = new AbortController();
  unsettled = 0;

  constructor(batch: readonly PendingCommand[]) {
    for (const p of batch) {
      if (p.settled) continue;
      p.waitingIn = this;
      this.unsettled++;
    }
  }

  /** The connection came (or the wait failed): the commands no longer count down this wait. */
  end(batch: readonly PendingCommand[]): void {
    for (const p of batch) if (p.waitingIn === this) p.waitingIn = undefined;
  }
}

function onCallTimeout(pending: PendingCommand, ms: number): void {
  pending.abandon(
    new TimeoutError(
      `${String(pending.command.args[0])} did not complete within its timeout of ${ms} ms.` +
        (pending.written ? ' Its late reply will be read and dropped.' : ''),
    ),
  );
}
