/** A command given as raw arguments (`sendCommand`), described by the registry: one builder for every path. */
import { InvalidArgumentError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';
import { CommandFlags, type Command } from './command.js';
import { describeRaw, type StateEffect } from './registry.js';

export interface RawCommand extends Command {
  /** The registry's name for it (`'CLIENT SETNAME'` for subcommands), for messages. */
  readonly name: string;
  /** How it changes the state of its connection, if it does. */
  readonly state: StateEffect | undefined;
}

export function rawCommand(args: RedisArg[], buffers: boolean): RawCommand {
  if (!Array.isArray(args) || args.length === 0) {
    throw new InvalidArgumentError('sendCommand expects a non-empty array of arguments.');
  }
  const info = describeRaw(args);
  // A raw command carries no `keys`, so the cache cannot track it: it always asks the server.
  const own = info.flags & ~CommandFlags.CACHEABLE;
  const flags = buffers ? own | CommandFlags.BUFFERS : own;
  return info.blockMs === undefined
    ? { args, decode: undefined, flags, name: info.name, state: info.state }
    : { args, decode: undefined, flags, blockMs: info.blockMs, name: info.name, state: info.state };
}
