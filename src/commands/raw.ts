/**
 * A command given as raw arguments (`sendCommand`), checked and described by the registry: the one builder
 * of raw commands for every path (client, views, pinned connections, pipelines, cluster, sentinel).
 */
import { InvalidArgumentError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';
import { checkRawArgs } from './arguments.js';
import { CommandFlags, type Command } from './command.js';
import { describeRaw, type StateEffect } from './registry.js';

export interface RawCommand extends Command {
  /** The registry's name for it (`'CLIENT SETNAME'` for subcommands), for messages. */
  readonly name: string;
  /** How it changes the state of its connection, if it does. */
  readonly state: StateEffect | undefined;
}

export function rawCommand(args: RedisArg[], buffers: boolean): RawCommand {
  checkRawArgs(args, 'sendCommand');
  const info = describeRaw(args);
  if (info.refusal !== undefined) throw new InvalidArgumentError(`sendCommand(): ${info.refusal}`);
  // A raw command carries no `keys`, so the cache cannot track it: it always asks the server.
  const own = info.flags & ~CommandFlags.CACHEABLE;
  const flags = buffers ? own | CommandFlags.BUFFERS : own;
  return info.blockMs === undefined
    ? { args, decode: undefined, flags, name: info.name, state: info.state }
    : { args, decode: undefined, flags, blockMs: info.blockMs, name: info.name, state: info.state };
}
