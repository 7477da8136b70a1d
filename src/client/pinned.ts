/**
 * One connection held by one caller for a sequence of commands (`client.withConn`), through a pinned lease.
 * Commands go straight to this connection (written together at the end of each tick), never retried:
 * the connection's state (WATCH, SELECT…) is the caller's to manage. Every command that changes that
 * state is noted on the lease, which undoes it (UNWATCH) or discards the connection at release.
 *
 *   held ──release()──▶ returned to the pool   (after UNWATCH if a WATCH is open)
 *        └────────────▶ removed                (closed, or its state cannot be handed on: SELECT, …)
 */
import { CommandFlags, type Command } from '../commands/command.js';
import { rawCommand } from '../commands/raw.js';
import { describeRaw } from '../commands/registry.js';
import { ClientClosedError, InvalidArgumentError, RedisError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';
import type { Lease } from './lease.js';
import { PendingCommand, type CallOptions, type Resender } from './pending.js';
import { PinnedCommands } from './pinned-commands.js';
import { Pipeline, Transaction, type PipelineHost } from './pipeline.js';
import type { PoolBinding } from './pool-binding.js';
import type { Implements } from '../internal/implements.js';

export class PinnedConnection extends PinnedCommands {
  /** @internal */
  readonly maxRetries = 0;
  private released = false;

  constructor(
    private readonly lease: Lease,
    private readonly host: PipelineHost,
    private readonly binding: PoolBinding,
    private readonly callOptions?: CallOptions,
  ) {
    super();
  }

  /** The server-side client id of this connection (from the handshake). */
  get id(): number {
    return this.lease.conn.serverId;
  }

  protected submit<T>(command: Command<T>): Promise<T> {
    if (this.released) {
      return Promise.reject(new ClientClosedError('This pinned connection was released when withConn() returned.'));
    }
    if ((command.flags & CommandFlags.CONNECTION_STATE) !== 0) {
      const refusal = describeRaw(command.args).refusal;
      if (refusal !== undefined) throw new InvalidArgumentError(refusal);
    }
    this.lease.noteCommand(command);
    const pending = new PendingCommand<T>(this, command, this.host.options.readTimeout, this.callOptions);
    if (pending.settled) return pending.promise;
    pending.written = true;
    pending.connection = this.lease.conn;
    this.lease.write(command.args, pending);
    return pending.promise;
  }

  /** Any command, including connection-state ones (the lease undoes or discards their state at release). */
  sendCommand(args: RedisArg[], options?: { buffers?: boolean }): Promise<unknown> {
    return this.submit(rawCommand(args, options?.buffers === true));
  }

  /** WATCH keys for the next multi() on this connection. */
  watch(...keys: RedisArg[]): Promise<'OK'> {
    if (keys.length === 0) return Promise.reject(new InvalidArgumentError('watch() needs at least one key.'));
    return this.execute<'OK'>({
      args: ['WATCH', ...keys],
      decode: (r) => r as 'OK',
      flags: CommandFlags.CONNECTION_STATE,
      keys,
    });
  }

  unwatch(): Promise<'OK'> {
    return this.execute<'OK'>({ args: ['UNWATCH'], decode: (r) => r as 'OK', flags: 0 });
  }

  /** MULTI/EXEC on this connection; a WATCH set before applies. */
  multi(): Transaction {
    return new Transaction(this.binding, this.host, this.lease);
  }

  /** A pipeline on this connection. */
  pipeline(): Pipeline {
    return new Pipeline(this.binding, this.host, this.lease);
  }

  /** @internal Resender: pinned commands are never retried. */
  retry(pending: PendingCommand): void {
    pending.fail(new RedisError('Pinned commands are not retried.', 'ERR_NO_RETRY'));
  }

  /** @internal Resender: an abandoned blocking command makes the connection unusable. */
  abandonBlocking(): void {
    this.lease.conn.destroy(new RedisError('A blocking command was abandoned by its caller.', 'ERR_ABANDONED'));
  }

  /** @internal Resender: the connection must not go back to the pool. */
  discardConnection(_pending: PendingCommand, reason: string): void {
    this.lease.discardWhenDone(reason);
  }

  /** @internal Called by withConn when the callback settles: the lease ends after the last reply. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.lease.release();
  }
}

// What `implements Resender` would check (see Implements).
type _PinnedContracts = Implements<PinnedConnection, Resender>;
