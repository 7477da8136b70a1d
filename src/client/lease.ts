/**
 * A lease: the one holder of one pooled connection at a time. Every path that uses a pooled connection
 * (a batch of commands, a pipeline, a transaction, a blocking command, withConn) holds it through a lease,
 * and every lease ends exactly once, giving the pool turn back.
 *
 *   leased ──write()──▶ writing ──flush()──▶ awaiting-replies ──last reply──▶ leased (pinned)
 *     ▲                                          │                  └──────▶ released (batch, or release() asked)
 *     └──────────────────────────────────────────┘
 *   release(): now when nothing is awaited, else after the last reply; state left on the connection is
 *              undone first (UNWATCH) or, when it cannot be, the connection is discarded
 *   the connection closes, or discard() ──▶ discarded (the pool removes it)
 *
 * A `batch` lease releases itself when its last reply arrives; a `pinned` lease waits for release().
 */
import { CommandFlags, type Command } from '../commands/command.js';
import { describeRaw, type StateEffect } from '../commands/registry.js';
import type { Connection, ConnectionOwner, ReplyHandler } from '../connection/connection.js';
import { ConnectionError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';

export type LeaseState = 'leased' | 'writing' | 'awaiting-replies' | 'released' | 'discarded';

export type LeaseKind = 'batch' | 'pinned';

/** A command waiting to be written, as the lease sees it (the client's PendingCommand). */
export interface WritableCommand extends ReplyHandler {
  readonly command: { readonly args: readonly RedisArg[] };
  readonly settled: boolean;
  written: boolean;
  connection: unknown;
  fail(error: unknown): void;
}

/** What a lease needs from the pool it came from. */
export interface LeaseHost {
  /** The connection goes back to the idle list (it answered everything and carries no state). */
  returnLease(lease: Lease): void;
  /** The connection leaves the pool (closed, or carrying state nobody else may inherit). */
  removeLease(lease: Lease, reason: string): void;
  readonly readTimeout: number;
}

export class Lease implements ConnectionOwner {
  state: LeaseState = 'leased';
  /** Why the connection cannot go back to the pool, once known. */
  private discardReason: string | undefined;
  /** The holder is done: end the lease once the last reply is in. */
  private releaseAsked: boolean;
  /** A WATCH is open: UNWATCH before the connection goes back. */
  private watching = false;
  /** MULTI was written and its EXEC's reply has not arrived: the connection is inside a transaction. */
  private transactionOpen = false;

  constructor(
    readonly conn: Connection,
    private readonly host: LeaseHost,
    readonly kind: LeaseKind,
  ) {
    this.releaseAsked = kind === 'batch';
    conn.owner = this;
    conn.ref(); // held: the process waits for its replies (the pool unrefs it again when it comes back idle)
  }

  get ended(): boolean {
    return this.state === 'released' || this.state === 'discarded';
  }

  /** Queues one command on the connection (written at the next flush). */
  write(args: readonly RedisArg[], handler: ReplyHandler): void {
    if (this.ended) {
      handler.onError(new ConnectionError(`The connection to ${this.conn.address} was already given back.`), false);
      return;
    }
    this.state = 'writing';
    this.conn.enqueue(args, handler);
  }

  /**
   * The hot path's write: queues a batch's commands in one call. A command that cannot be encoded (one built
   * outside the checked builders) fails alone: the encoder drops it whole, so the others still line up.
   */
  writeAll(batch: readonly WritableCommand[]): void {
    if (this.ended) {
      for (const p of batch) if (!p.settled) this.write(p.command.args, p);
      return;
    }
    this.state = 'writing';
    const conn = this.conn;
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i]!;
      if (p.settled) continue;
      p.written = true;
      p.connection = conn;
      try {
        conn.enqueue(p.command.args, p);
      } catch (error) {
        p.fail(error);
      }
    }
  }

  /** Writes what was queued, now. A batch lease with nothing awaited ends here. */
  flush(): void {
    if (this.ended) return;
    this.conn.flush();
    if (this.conn.closed) return; // connectionClosed ended the lease
    if (this.conn.inFlight > 0) this.state = 'awaiting-replies';
    else if (this.releaseAsked) this.settle();
    else this.state = 'leased';
  }

  /**
   * Notes what a command about to be written on this lease does to the connection's state (the registry says):
   * the one place pinned commands, pinned pipelines and pinned transactions report it.
   */
  noteCommand(command: Command): void {
    const stateful = (command.flags & CommandFlags.CONNECTION_STATE) !== 0;
    // UNWATCH carries no CONNECTION_STATE flag (it is harmless on a shared connection), but it clears a WATCH.
    if (!stateful && String(command.args[0]).toUpperCase() !== 'UNWATCH') return;
    const info = describeRaw(command.args);
    if (info.state !== undefined) this.noteEffect(info.state, info.name);
  }

  /**
   * Records that a command changes the connection's state, so that release undoes it or discards the
   * connection. `command` tells MULTI (opens a transaction) from EXEC and DISCARD: those are noted when written,
   * before their reply says whether they ended anything (`EXEC without MULTI` ends nothing, and leaves a WATCH
   * in place), so they change nothing here; only transactionEnded(), called on EXEC's reply, closes one.
   */
  noteEffect(effect: StateEffect, command = ''): void {
    switch (effect) {
      case 'watch':
        this.watching = true;
        return;
      case 'unwatch':
        this.watching = false;
        return;
      case 'transaction':
        if (command !== 'EXEC' && command !== 'DISCARD') this.transactionOpen = true;
        return;
      default:
        this.discardReason ??= `state (${effect})`;
    }
  }

  /** EXEC or DISCARD answered: the connection is out of the transaction, and every WATCH is gone. */
  transactionEnded(): void {
    this.transactionOpen = false;
    this.watching = false;
  }

  /** The connection must not serve anyone else after this holder (a READONLY reply, say). */
  discardWhenDone(reason: string): void {
    this.discardReason ??= reason;
  }

  /** The holder is done. Ends the lease now, or after the replies still awaited. Idempotent. */
  release(): void {
    if (this.ended) return;
    this.releaseAsked = true;
    if (this.conn.inFlight === 0) this.settle();
  }

  /** Removes the connection from the pool now (its replies, if any, fail). Idempotent. */
  discard(reason: string): void {
    if (this.ended) return;
    this.state = 'discarded';
    this.conn.owner = undefined;
    this.host.removeLease(this, reason);
  }

  connectionDrained(): void {
    if (this.ended) return;
    this.state = 'leased';
    if (this.releaseAsked) this.settle();
  }

  connectionClosed(): void {
    if (this.ended) return;
    this.state = 'discarded';
    this.conn.owner = undefined;
    this.host.removeLease(this, 'error');
  }

  /** Nothing is awaited and the holder is done: hand the connection on, undo its state, or discard it. */
  private settle(): void {
    if (this.discardReason !== undefined || this.transactionOpen) {
      this.discard(this.discardReason ?? 'state (transaction left open)');
      return;
    }
    if (this.watching) {
      this.watching = false;
      this.write(['UNWATCH'], {
        wantsBuffers: false,
        readTimeoutMs: this.host.readTimeout,
        onReply: (reply) => {
          if (reply instanceof Error) this.discardWhenDone('UNWATCH failed');
        },
        onError: () => {},
      });
      this.flush(); // the UNWATCH reply drains the connection, and settle runs again
      return;
    }
    this.state = 'released';
    this.host.returnLease(this);
  }
}
