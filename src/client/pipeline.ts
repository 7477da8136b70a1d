/**
 * Explicit pipelines and MULTI/EXEC transactions. Both collect commands by chaining typed methods,
 * then `exec()` writes them at once on one connection.
 *
 * Pipeline: each entry of the result is that command's reply, or its ReplyError (not thrown);
 * a transport failure rejects exec(). Transaction: MULTI … EXEC on one pinned connection;
 * a WATCH conflict (EXEC → null) rejects with WatchError.
 */
import { CommandFlags, type Command } from '../commands/command.js';
import { checkCommand, checkRawArgs } from '../commands/arguments.js';
import { CommandSet } from '../commands/command-set.js';
import type { Connection, ReplyHandler } from '../connection/connection.js';
import { ReplyError, WatchError } from '../errors.js';
import type { RedisArg, RespValue } from '../resp/types.js';
import { mayRetryAfterFailure, retryBackoff } from './policy.js';
import type { HookRegistry } from './hooks.js';
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

  handler(index: number, wantsBuffers: boolean, readTimeoutMs: number): ReplyHandler {
    return {
      wantsBuffers,
      readTimeoutMs,
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

/** Collects commands by chaining typed methods; pipelines and transactions of every client build on it. */
export abstract class CommandBatch extends CommandSet<'chain'> {
  protected readonly commands: Command[] = [];

  protected submit<T>(command: Command<T>): this {
    this.commands.push(command);
    return this;
  }

  /** Adds any command; its reply is returned undecoded. */
  sendCommand(args: RedisArg[], options?: { buffers?: boolean }): this {
    checkRawArgs(args, 'sendCommand');
    this.commands.push({ args, decode: undefined, flags: options?.buffers === true ? CommandFlags.BUFFERS : 0 });
    return this;
  }

  /** Adds a command built elsewhere (`commands.get('k')`, or one a cluster client forwards), decoded as usual. */
  add(command: Command): this {
    checkCommand(command, 'add');
    this.commands.push(command);
    return this;
  }

  get length(): number {
    return this.commands.length;
  }
}

export class Pipeline extends CommandBatch {
  constructor(
    private readonly binding: PoolBinding,
    private readonly host: PipelineHost,
    private readonly pinned: Connection | undefined,
  ) {
    super();
  }

  /** Sends every command at once; resolves with one entry per command (its reply or its ReplyError). */
  exec(): Promise<unknown[]> {
    const commands = this.commands.splice(0);
    if (commands.length === 0) return Promise.resolve([]);
    return this.host.hooks.wrapPipeline(this.send)(commands, 'pipeline');
  }

  private readonly send = async (commands: readonly Command[]): Promise<unknown[]> => {
    const o = this.host.options;
    const retryable = commands.every((c) => (c.flags & CommandFlags.READONLY) !== 0);
    for (let attempt = 0; ; attempt++) {
      const conn = this.pinned ?? (await this.binding.getForBatch());
      const collector = new ReplyCollector(commands.length);
      for (let i = 0; i < commands.length; i++) {
        const c = commands[i]!;
        conn.enqueue(
          c.args,
          collector.handler(i, (c.flags & CommandFlags.BUFFERS) !== 0, readTimeoutFor(c, o.readTimeout)),
        );
      }
      conn.flush();
      await collector.done;
      const failure = collector.error;
      if (failure === undefined) return commands.map((c, i) => decodeEntry(c, collector.replies[i]!));
      const mayRetry =
        this.pinned === undefined &&
        attempt < o.maxRetries &&
        mayRetryAfterFailure(failure.error, failure.written, retryable ? CommandFlags.READONLY : 0, false);
      if (!mayRetry) throw failure.error;
      await delay(retryBackoff(attempt, o.minRetryBackoff, o.maxRetryBackoff));
    }
  };
}

export class Transaction extends CommandBatch {
  constructor(
    private readonly binding: PoolBinding,
    private readonly host: PipelineHost,
    private readonly pinned: Connection | undefined,
  ) {
    super();
  }

  /**
   * MULTI, the commands, EXEC — written at once. Resolves with each command's decoded reply
   * (a ReplyError in place for a command that failed at run time). Rejects with WatchError when a
   * watched key changed, or with the server's EXECABORT error when a command was refused while queueing.
   */
  exec(): Promise<unknown[]> {
    return this.host.hooks.wrapPipeline(this.send)(this.commands.splice(0), 'multi');
  }

  private readonly send = async (commands: readonly Command[]): Promise<unknown[]> => {
    const conn = this.pinned ?? (await this.binding.getPinned());
    try {
      return await runTransaction(conn, commands, this.host.options.readTimeout);
    } finally {
      if (this.pinned === undefined) this.binding.release(conn);
    }
  };
}

export async function runTransaction(
  conn: Connection,
  commands: readonly Command[],
  readTimeout: number,
): Promise<unknown[]> {
  const wantsBuffers = commands.some((c) => (c.flags & CommandFlags.BUFFERS) !== 0);
  const total = commands.length + 2;
  const collector = new ReplyCollector(total);
  let timeout = readTimeout;
  for (const c of commands) timeout = readTimeout === 0 ? 0 : Math.max(timeout, readTimeoutFor(c, readTimeout));
  conn.enqueue(['MULTI'], collector.handler(0, false, timeout));
  for (let i = 0; i < commands.length; i++) conn.enqueue(commands[i]!.args, collector.handler(i + 1, false, timeout));
  conn.enqueue(['EXEC'], collector.handler(total - 1, wantsBuffers, timeout));
  conn.flush();
  await collector.done;
  if (collector.error !== undefined) throw collector.error.error;
  const exec = collector.replies[total - 1];
  if (exec instanceof ReplyError) {
    // EXECABORT: say which command was refused while queueing.
    const refused = collector.replies.findIndex((r, i) => i > 0 && i < total - 1 && r instanceof ReplyError);
    if (refused > 0) {
      const cause = collector.replies[refused] as ReplyError;
      exec.message += ` (command ${refused} ${String(commands[refused - 1]!.args[0])}: ${cause.message})`;
    }
    throw exec;
  }
  if (exec === null) throw new WatchError();
  if (!Array.isArray(exec)) throw new ReplyError(`Unexpected EXEC reply: ${String(exec)}`, 'ERR');
  return commands.map((c, i) => {
    let reply = exec[i] as RespValue;
    // EXEC decoded everything as Buffers if any command wanted them; give the others strings back.
    if (wantsBuffers && (c.flags & CommandFlags.BUFFERS) === 0) reply = buffersToStrings(reply);
    return decodeEntry(c, reply);
  });
}

function buffersToStrings(value: RespValue): RespValue {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(buffersToStrings);
  if (value instanceof Map) {
    const out = new Map<RespValue, RespValue>();
    for (const [k, v] of value) out.set(buffersToStrings(k), buffersToStrings(v));
    return out;
  }
  if (value instanceof Set) return new Set([...value].map(buffersToStrings));
  return value;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
