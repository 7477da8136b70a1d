/**
 * A command given as raw arguments (`sendCommand`), checked and described by the registry: the one builder
 * of raw commands for every path (client, views, pinned connections, pipelines, cluster, sentinel).
 */
import { InvalidArgumentError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';
import { checkRawArgs } from './arguments.js';
import { CommandFlags, type Command } from './command.js';
import { describeRaw } from './registry.js';

/** The command for `sendCommand(args)`: its flags (read-only, blocking, connection state…) are the registry's. */
export function rawCommand(args: RedisArg[], buffers: boolean): Command {
  checkRawArgs(args, 'sendCommand');
  const info = describeRaw(args);
  if (info.refusal !== undefined) throw new InvalidArgumentError(`sendCommand(): ${info.refusal}`);
  // A raw command carries no `keys`, so the cache cannot track it: it always asks the server.
  const own = info.flags & ~CommandFlags.CACHEABLE;
  const flags = buffers ? own | CommandFlags.BUFFERS : own;
  return info.blockMs === undefined
    ? { args, decode: undefined, flags }
    : { args, decode: undefined, flags, blockMs: info.blockMs };
}
