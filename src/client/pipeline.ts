/**
 * Explicit pipelines and MULTI/EXEC transactions. Both collect commands by chaining typed methods,
 * then `exec()` writes them at once on one connection.
 *
 * Pipeline: each entry of the result is that command's reply, or its ReplyError (not thrown);
 * a transport failure rejects exec(). Transaction: MULTI … EXEC on one leased connection;
 * a WATCH conflict (EXEC → null) rejects with WatchError.
 *
 * On the shared client, commands that change connection state (SELECT, WATCH, CLIENT SETNAME…) are
 * refused when added: the connection goes back to the pool afterwards. On a pinned connection they
 * are allowed, and its lease undoes them (UNWATCH) or discards the connection at release.
 */
import { CommandFlags, type Command } from '../commands/command.js';
import { checkCommand } from '../commands/arguments.js';
import { CommandSet, type ExecReplies, type Queued } from '../commands/command-set.js';
import { rawCommand } from '../commands/raw.js';
import { describeRaw } from '../commands/registry.js';
import type { ReplyHandler } from '../connection/connection.js';
import { InvalidArgumentError, ReplyError, WatchError } from '../errors.js';
import type { RedisArg, RespValue } from '../resp/types.js';
import { mapKey } from '../resp/map-key.js';
import { decide, retryBackoff } from './policy.js';
import type { HookRegistry } from './hooks.js';
import type { Lease } from './lease.js';
import type { PoolBinding } from './pool-binding.js';

/** What pipelines need from the client. */
export interface PipelineHost {
  readonly options: { readTimeout: number; maxRetries: number; minRetryBackoff: number; maxRetryBackoff: number };
  readonly hooks: HookRegistry;
}

/** Collects the replies of a run of commands written together. */
class ReplyCollector {
  readonly replies: RespValue[];
  private remaining: number;
  private failure: { error: Error; written: boolean } | undefined;
  private resolveFn!: () => void;
  readonly done: Promise<void>;

  constructor(count: number) {
    this.replies = new Array<RespValue>(count);
    this.remaining = count;
    this.done = new Promise((resolve) => (this.resolveFn = resolve));
    if (count === 0) this.resolveFn();
  }

  handler(index: number, wantsBuffers: boolean, readTimeoutMs: number, blocking = false): ReplyHandler {
    return {
      wantsBuffers,
      readTimeoutMs,
      blocking,
      onReply: (reply) => this.settle(index, reply),
      onError: (error, written) => {
        if (this.failure === undefined || (written && !this.failure.written)) this.failure = { error, written };
        this.settle(index, null);
      },
    };
  }

  get error(): { error: Error; written: boolean } | undefined {
    return this.failure;
  }

  private settle(index: number, reply: RespValue): void {
    this.replies[index] = reply;
    if (--this.remaining === 0) this.resolveFn();
  }
}

function decodeEntry(command: Command, reply: RespValue): unknown {
  if (reply instanceof ReplyError) {
    reply.command = String(command.args[0]);
    return reply;
  }
  if (command.decode === undefined) return reply;
  try {
    return command.decode(reply);
  } catch (err) {
    return err;
  }
}

function readTimeoutFor(command: Command, readTimeout: number): number {
  if ((command.flags & CommandFlags.BLOCKING) !== 0 && command.blockMs !== undefined) {
    return command.blockMs === 0 || readTimeout === 0 ? 0 : command.blockMs + 10_000;
  }
  return readTimeout;
}

/**
 * Collects commands by chaining typed methods; pipelines and transactions of every client build on it.
 * `Q` is the tuple of the replies queued so far (type-level only: see TypedChain in command-set.ts).
 */
export abstract class CommandBatch<Q = []> extends CommandSet<'chain'> {
  protected readonly commands: Command[] = [];
  declare readonly '~queued': Q;
  declare readonly '~next': unknown;

  /**
   * @param pinned the lease of a pinned connection (withConn): state-changing commands are allowed there.
   *   Without one the batch runs on a shared connection, and they are refused when added.
   */
  constructor(protected readonly pinned: Lease | undefined = undefined) {
    super();
  }

  protected submit<T>(command: Command<T>): this {
    this.admit(command);
    this.commands.push(command);
    return this;
  }

  /** Adds any command; its reply is returned undecoded. */
  sendCommand(args: RedisArg[], options?: { buffers?: boolean }): Queued<this, unknown> {
    const command = rawCommand(args, options?.buffers === true);
    this.admit(command);
    this.commands.push(command);
    return this as Queued<this, unknown>;
  }

  /** Adds a command built elsewhere (`commands.get('k')`, or one a cluster client forwards), decoded as usual. */
  add<T>(command: Command<T>): Queued<this, T> {
    checkCommand(command, 'add');
    this.admit(command);
    this.commands.push(command);
    return this as Queued<this, T>;
  }

  get length(): number {
    return this.commands.length;
  }

  /** A shared connection refuses state-changing commands at once, before anything is sent. */
  /** A MULTI … EXEC: commands that would end or break it (MULTI, EXEC, DISCARD, WATCH, RESET) are refused. */
  protected readonly transactional: boolean = false;

  private admit(command: Command): void {
    if ((command.flags & CommandFlags.CONNECTION_STATE) === 0) return;
    const info = describeRaw(command.args);
    if (info.refusal !== undefined) throw new InvalidArgumentError(info.refusal);
    if (this.transactional && BREAKS_TRANSACTION.has(info.state!)) {
      throw new InvalidArgumentError(
        `${info.name} cannot be queued inside multi(): the server would run it at once (RESET, and MULTI, EXEC, ` +
          'DISCARD that end or nest the transaction) or refuse it (WATCH), and the replies would no longer match ' +
          'the commands. WATCH before multi(), on a pinned connection: client.withConn().',
      );
    }
    if (this.pinned !== undefined) return;
    const name = info.name;
    throw new InvalidArgumentError(
      `${name} changes connection state and cannot run in a pipeline or transaction of the shared client: ` +
        'its connection goes back to the pool afterwards. Run it on a pinned connection: ' +
        'client.withConn(async (conn) => conn.pipeline()….exec()).',
    );
  }
}

const BREAKS_TRANSACTION: ReadonlySet<string> = new Set(['transaction', 'watch', 'reset']);

/** Notes on a pinned lease the state the commands leave behind, so that release undoes it or discards it. */
function noteEffects(lease: Lease | undefined, commands: readonly Command[]): void {
  if (lease !== undefined) for (const c of commands) lease.noteCommand(c);
}

export class Pipeline<Q = []> extends CommandBatch<Q> {
  declare readonly '~with': Pipeline<this['~next']>;

  constructor(
    private readonly binding: PoolBinding,
    private readonly host: PipelineHost,
    pinned?: Lease,
  ) {
    super(pinned);
  }

  /** Sends every command at once; resolves with one entry per command (its reply or its ReplyError). */
  exec(): Promise<ExecReplies<Q, ReplyError>> {
    const commands = this.commands.splice(0);
    if (commands.length === 0) return Promise.resolve([] as unknown as ExecReplies<Q, ReplyError>);
    return this.host.hooks.wrapPipeline(this.send)(commands, 'pipeline') as Promise<ExecReplies<Q, ReplyError>>;
  }

  private readonly send = async (commands: readonly Command[]): Promise<unknown[]> => {
    const o = this.host.options;
    const mayRunTwice = commands.every((c) => (c.flags & CommandFlags.READONLY) !== 0);
    for (let attempt = 0; ; attempt++) {
      const lease = this.pinned ?? (await this.binding.lease('batch'));
      const collector = new ReplyCollector(commands.length);
      noteEffects(this.pinned, commands);
      writeAll(lease, () => {
        for (let i = 0; i < commands.length; i++) {
          const c = commands[i]!;
          const wantsBuffers = (c.flags & CommandFlags.BUFFERS) !== 0;
          const blocking = (c.flags & CommandFlags.BLOCKING) !== 0;
          lease.write(c.args, collector.handler(i, wantsBuffers, readTimeoutFor(c, o.readTimeout), blocking));
        }
      });
      await collector.done;
      const failure = collector.error;
      if (failure === undefined) return commands.map((c, i) => decodeEntry(c, collector.replies[i]!));
      const decision = decide(failure.error, {
        written: failure.written,
        mayRunTwice,
        retriesLeft: this.pinned === undefined ? o.maxRetries - attempt : 0,
      });
      if (decision.action !== 'retry' && decision.action !== 'retry-elsewhere') throw failure.error;
      await delay(retryBackoff(attempt, o.minRetryBackoff, o.maxRetryBackoff));
    }
  };
}

export class Transaction<Q = []> extends CommandBatch<Q> {
  declare readonly '~with': Transaction<this['~next']>;
  protected override readonly transactional = true;

  constructor(
    private readonly binding: PoolBinding,
    private readonly host: PipelineHost,
    pinned?: Lease,
  ) {
    super(pinned);
  }

  /**
   * MULTI, the commands, EXEC — written at once. Resolves with each command's decoded reply
   * (a ReplyError in place for a command that failed at run time). Rejects with WatchError when a
   * watched key changed, or with the server's EXECABORT error when a command was refused while queueing.
   */
  exec(): Promise<ExecReplies<Q, ReplyError>> {
    return this.host.hooks.wrapPipeline(this.send)(this.commands.splice(0), 'multi') as Promise<
      ExecReplies<Q, ReplyError>
    >;
  }

  private readonly send = async (commands: readonly Command[]): Promise<unknown[]> => {
    const lease = this.pinned ?? (await this.binding.lease('pinned'));
    try {
      noteEffects(this.pinned, commands);
      return await runTransaction(lease, commands, this.host.options.readTimeout);
    } finally {
      if (this.pinned === undefined) lease.release();
    }
  };
}

/** MULTI … EXEC on `lease`. The lease knows the connection is inside a transaction until EXEC's reply arrives. */
export async function runTransaction(
  lease: Lease,
  commands: readonly Command[],
  readTimeout: number,
): Promise<unknown[]> {
  const wantsBuffers = commands.some((c) => (c.flags & CommandFlags.BUFFERS) !== 0);
  const total = commands.length + 2;
  const collector = new ReplyCollector(total);
  let timeout = readTimeout;
  for (const c of commands) timeout = readTimeout === 0 ? 0 : Math.max(timeout, readTimeoutFor(c, readTimeout));
  const execHandler = collector.handler(total - 1, wantsBuffers, timeout);
  lease.noteEffect('transaction');
  writeAll(lease, () => {
    lease.write(['MULTI'], collector.handler(0, false, timeout));
    for (let i = 0; i < commands.length; i++) lease.write(commands[i]!.args, collector.handler(i + 1, false, timeout));
    lease.write(['EXEC'], {
      wantsBuffers,
      readTimeoutMs: timeout,
      onReply: (reply) => {
        lease.transactionEnded(); // any reply to EXEC (result, null, EXECABORT) ends the transaction and its WATCHes
        execHandler.onReply(reply);
      },
      onError: (error, written) => execHandler.onError(error, written),
    });
  });
  await collector.done;
  if (collector.error !== undefined) throw collector.error.error;
  const exec = collector.replies[total - 1];
  if (exec instanceof ReplyError) {
    // EXECABORT: say which command was refused while queueing.
    const refused = collector.replies.findIndex((r, i) => i > 0 && i < total - 1 && r instanceof ReplyError);
    if (refused > 0) {
      const cause = collector.replies[refused] as ReplyError;
      exec.refusedWith = cause;
      exec.message += ` (command ${refused} ${String(commands[refused - 1]!.args[0])}: ${cause.message})`;
    }
    throw exec;
  }
  if (exec === null) throw new WatchError();
  if (!Array.isArray(exec)) throw new ReplyError(`Unexpected EXEC reply: ${String(exec)}`, 'ERR');
  // A command the server refused while queueing without aborting the transaction (WATCH or MULTI inside
  // MULTI) has no EXEC entry: it gets its refusal, and the EXEC entries go to the commands that were queued.
  let next = 0;
  return commands.map((c, i) => {
    const queued = collector.replies[i + 1];
    if (queued instanceof ReplyError) return decodeEntry(c, queued);
    let reply = exec[next++] as RespValue;
    // EXEC decoded everything as Buffers if any command wanted them; give the others strings back.
    if (wantsBuffers && (c.flags & CommandFlags.BUFFERS) === 0) reply = buffersToStrings(reply);
    return decodeEntry(c, reply);
  });
}

/**
 * Queues a run of commands and writes them. Arguments are checked when commands are added, so a write
 * cannot fail half-way; if one ever did, the half-queued connection must not reach anyone else.
 */
function writeAll(lease: Lease, queue: () => void): void {
  try {
    queue();
  } catch (error) {
    lease.discard('a command could not be encoded');
    throw error;
  }
  lease.flush();
}

function buffersToStrings(value: RespValue): RespValue {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(buffersToStrings);
  if (value instanceof Map) {
    const out = new Map<RespValue, RespValue>();
    for (const [k, v] of value) out.set(Buffer.isBuffer(k) ? mapKey(k) : k, buffersToStrings(v));
    return out;
  }
  return value;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
