/**
 * A Lua script called by its SHA1 (EVALSHA). On NOSCRIPT — a fresh server, a restart, SCRIPT FLUSH —
 * it falls back to EVAL once, which also loads the script, so later calls use EVALSHA again.
 */
import { createHash } from 'node:crypto';
import { checkArgList } from '../commands/arguments.js';
import { CommandFlags, type Command } from '../commands/command.js';
import { InvalidArgumentError, ReplyError } from '../errors.js';
import type { RedisArg, RespValue } from '../resp/types.js';
import type { CallOptions } from './pending.js';

export interface ScriptDefinition {
  /** The Lua source. */
  script: string;
  /** The script only reads (EVALSHA_RO/EVAL_RO are used, and a transport failure may retry it). Redis 7+. */
  readOnly?: boolean;
}

interface ScriptHost {
  dispatch<T>(command: Command<T>, options: CallOptions | undefined): Promise<T>;
}

export class ScriptRunner {
  readonly sha: string;
  readonly script: string;
  private readonly readOnly: boolean;

  constructor(
    private readonly host: ScriptHost,
    definition: ScriptDefinition,
  ) {
    if (typeof definition?.script !== 'string' || definition.script.length === 0) {
      throw new InvalidArgumentError('defineScript expects { script: string } with a non-empty Lua source.');
    }
    this.script = definition.script;
    this.readOnly = definition.readOnly === true;
    this.sha = createHash('sha1').update(this.script).digest('hex');
  }

  /**
   * Runs the script with these keys and arguments; resolves with its raw reply, typed as the caller says
   * (`run<number>(…)`: the type is not checked at run time). Bad arguments throw synchronously.
   */
  run<T = RespValue>(keys: RedisArg[] = [], args: RedisArg[] = [], options?: CallOptions): Promise<T> {
    checkArgList(keys, 'run', 'keys');
    checkArgList(args, 'run', 'args');
    return this.send(keys, args, options) as Promise<T>;
  }

  private async send(keys: RedisArg[], args: RedisArg[], options: CallOptions | undefined): Promise<RespValue> {
    const flags = this.readOnly ? CommandFlags.READONLY : CommandFlags.NONE;
    const tail = [keys.length, ...keys, ...args];
    try {
      return await this.host.dispatch<RespValue>(
        { args: [this.readOnly ? 'EVALSHA_RO' : 'EVALSHA', this.sha, ...tail], decode: undefined, flags, keys },
        options,
      );
    } catch (err) {
      if (!(err instanceof ReplyError) || err.code !== 'NOSCRIPT') throw err;
      return this.host.dispatch<RespValue>(
        { args: [this.readOnly ? 'EVAL_RO' : 'EVAL', this.script, ...tail], decode: undefined, flags, keys },
        options,
      );
    }
  }
}
