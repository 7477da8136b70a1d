/**
 * `db.operation.name` and a sanitised `db.query.text` for a command: the command name (with the
 * subcommand of container commands such as CLIENT INFO), key names where the command declares them,
 * and `?` for every other argument, so values never reach a trace.
 */
import type { Command } from '../commands/command.js';

/** Commands whose second argument names the operation (CLIENT INFO, CONFIG GET, XINFO STREAM…). */
const CONTAINERS = new Set([
  'ACL',
  'CLIENT',
  'CLUSTER',
  'COMMAND',
  'CONFIG',
  'FUNCTION',
  'LATENCY',
  'MEMORY',
  'MODULE',
  'OBJECT',
  'PUBSUB',
  'SCRIPT',
  'SLOWLOG',
  'XGROUP',
  'XINFO',
]);

const MAX_KEY_LENGTH = 128;
/** Commands of a pipeline spelled out in its query text; the rest are counted. */
export const MAX_PIPELINE_LINES = 32;

export type QueryTextMode = 'sanitized' | 'operation' | false;

function upper(arg: unknown): string {
  return typeof arg === 'string' ? arg.toUpperCase() : '?';
}

/** How many leading arguments form the operation name (1, or 2 for a container command). */
function operationArity(command: Command): number {
  return CONTAINERS.has(upper(command.args[0])) && typeof command.args[1] === 'string' ? 2 : 1;
}

export function operationName(command: Command): string {
  return operationArity(command) === 2 ? `${upper(command.args[0])} ${upper(command.args[1])}` : upper(command.args[0]);
}

export function queryText(command: Command, mode: Exclude<QueryTextMode, false>): string {
  const name = operationName(command);
  if (mode === 'operation') return name;
  const keys = new Set<string>();
  for (const key of command.keys ?? []) if (typeof key === 'string') keys.add(key);
  const parts = [name];
  for (let i = operationArity(command); i < command.args.length; i++) {
    const arg = command.args[i];
    if (typeof arg === 'string' && keys.has(arg)) {
      parts.push(arg.length > MAX_KEY_LENGTH ? `${arg.slice(0, MAX_KEY_LENGTH)}…` : arg);
    } else {
      parts.push('?');
    }
  }
  return parts.join(' ');
}

/** One line per command, at most MAX_PIPELINE_LINES of them. */
export function pipelineText(commands: readonly Command[], mode: Exclude<QueryTextMode, false>): string {
  const lines = commands.slice(0, MAX_PIPELINE_LINES).map((c) => queryText(c, mode));
  if (commands.length > MAX_PIPELINE_LINES) lines.push(`… ${commands.length - MAX_PIPELINE_LINES} more`);
  return lines.join('\n');
}
