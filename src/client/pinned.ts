/**
 * One connection held by one caller for a sequence of commands (`client.withConn`).
 * Commands go straight to this connection (written together at the end of each tick), never retried:
 * the connection's state (WATCH, SELECT…) is the caller's to manage.
 *
 *   held ──release()──▶ returned to the pool   (after UNWATCH if a WATCH is open)
 *        └────────────▶ removed                (closed, or its state cannot be handed on: SELECT, …)
 */
import { CommandFlags, type Command } from '../commands/command.js';
import type { Connection } from '../connection/connection.js';
import { checkRawArgs } from '../commands/arguments.js';
import { ClientClosedError, InvalidArgumentError, RedisError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';
import { AsyncCommands } from './async-commands.js';
import { PendingCommand, type CallOptions, type Resender } from './pending.js';
import { Pipeline, Transaction, type PipelineHost } from './pipeline.js';
import type { PoolBinding } from './pool-binding.js';

/** Commands after which the connection cannot be handed to another holder. */
const POISONING = new Set(['SELECT', 'SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'MONITOR', 'HELLO', 'AUTH', 'RESET']);

export class PinnedConnection extends AsyncCommands implements Resender {
  readonly maxRetries = 0;
  private watching = false;
  private poisoned = false;
  private released = false;

  constructor(
    private readonly conn: Connection,
    private readonly host: PipelineHost,
    private readonly binding: PoolBinding,
    private readonly callOptions?: CallOptions,
  ) {
    super();
  }

  /** The server-side client id of this connection (from the handshake). */
  get id(): number {
    return this.conn.serverId;
  }

  protected submit<T>(command: Command<T>): Promise<T> {
    if (this.released) {
      return Promise.reject(new ClientClosedError('This pinned connection was released when withConn() returned.'));
    }
    if ((command.flags & CommandFlags.CONNECTION_STATE) !== 0) this.poisoned = true;
    const pending = new PendingCommand<T>(this, command, this.host.options.readTimeout, this.callOptions);
    if (pending.settled) return pending.promise;
    pending.written = true;
    pending.connection = this.conn;
    this.conn.enqueue(command.args, pending);
    return pending.promise;
  }

  /** Any command, including connection-state ones (SELECT makes this connection leave the pool afterwards). */
  sendCommand(args: RedisArg[], options?: { buffers?: boolean }): Promise<unknown> {
    checkRawArgs(args, 'sendCommand');
    const name = String(args[0]).toUpperCase();
    if (POISONING.has(name)) this.poisoned = true;
    if (name === 'WATCH') this.watching = true;
    if (name === 'UNWATCH' || name === 'EXEC' || name === 'DISCARD') this.watching = false;
    return this.execute({ args, decode: undefined, flags: options?.buffers === true ? CommandFlags.BUFFERS : 0 });
  }

  /** WATCH keys for the next multi() on this connection. */
  watch(...keys: RedisArg[]): Promise<'OK'> {
    if (keys.length === 0) return Promise.reject(new InvalidArgumentError('watch() needs at least one key.'));
    this.watching = true;
    return this.execute<'OK'>({ args: ['WATCH', ...keys], decode: (r) => r as 'OK', flags: 0, keys });
  }

  unwatch(): Promise<'OK'> {
    this.watching = false;
    return this.execute<'OK'>({ args: ['UNWATCH'], decode: (r) => r as 'OK', flags: 0 });
  }

  /** MULTI/EXEC on this connection; a WATCH set before applies. */
  multi(): Transaction {
    this.watching = false; // EXEC (or its failure) ends every WATCH
    return new Transaction(this.binding, this.host, this.conn);
  }

  /** A pipeline on this connection. */
  pipeline(): Pipeline {
    return new Pipeline(this.binding, this.host, this.conn);
  }

  /** Resender: pinned commands are never retried. */
  retry(pending: PendingCommand): void {
    pending.fail(new RedisError('Pinned commands are not retried.', 'ERR_NO_RETRY'));
  }

  /** Resender: an abandoned blocking command makes the connection unusable. */
  abandonBlocking(): void {
    this.conn.destroy(new RedisError('A blocking command was abandoned by its caller.', 'ERR_ABANDONED'));
  }

  /** @internal Called by withConn when the callback settles. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.conn.closed) return;
    if (this.poisoned) {
      this.binding.discard(this.conn, 'state');
      return;
    }
    if (this.watching) {
      try {
        await this.conn.call(['UNWATCH'], this.host.options.readTimeout);
      } catch {
        if (!this.conn.closed) this.binding.discard(this.conn, 'error');
        return;
      }
    }
    this.binding.release(this.conn);
  }
}
