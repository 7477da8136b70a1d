/**
 * Pieces of the sentinel client: its pipeline/transaction collector, and readers of sentinel replies.
 */
import type { Command } from '../commands/command.js';
import { CommandBatch } from '../client/pipeline.js';
import type { ExecReplies } from '../commands/command-set.js';
import { InvalidArgumentError, type ReplyError } from '../errors.js';
import { redactOptions } from '../options-secrets.js';
import type { RespValue } from '../resp/types.js';
import { parseAddress } from './cluster-options.js';
import type { NodeAddress } from './topology.js';

/** Collects commands, then runs them on the current node's pipeline or transaction. */
export class SentinelBatch<Q = []> extends CommandBatch<Q> {
  declare readonly '~with': SentinelBatch<this['~next']>;

  constructor(private readonly run: (commands: Command[]) => Promise<unknown[]>) {
    super();
  }

  /** Runs on the current master; resolves like the single-node pipeline or transaction. */
  exec(): Promise<ExecReplies<Q, ReplyError>> {
    return this.run(this.commands.splice(0)) as Promise<ExecReplies<Q, ReplyError>>;
  }
}

export function toAddress(value: string | NodeAddress): NodeAddress {
  if (typeof value === 'string') {
    const parsed = parseAddress(value);
    if (parsed !== undefined) return parsed;
  } else if (
    typeof value === 'object' &&
    value !== null &&
    typeof value.host === 'string' &&
    Number.isInteger(value.port)
  ) {
    return { host: value.host, port: value.port };
  }
  throw new InvalidArgumentError(
    `Invalid sentinel ${JSON.stringify(redactOptions(value))}: expected "host:port" or { host, port }.`,
  );
}

export function fields(value: RespValue): Map<string, RespValue> {
  const out = new Map<string, RespValue>();
  if (value instanceof Map) for (const [k, v] of value) out.set(String(k), v);
  else if (Array.isArray(value)) for (let i = 0; i + 1 < value.length; i += 2) out.set(String(value[i]), value[i + 1]!);
  return out;
}

/** A random healthy replica from `SENTINEL REPLICAS`: not down, not disconnected, link to the master up. */
export function pickReplica(reply: RespValue): NodeAddress | undefined {
  const healthy: NodeAddress[] = [];
  for (const item of Array.isArray(reply) ? reply : []) {
    const f = fields(item);
    const flags = String(f.get('flags') ?? '');
    if (/s_down|o_down|disconnected/.test(flags) || String(f.get('master-link-status') ?? 'ok') !== 'ok') continue;
    const port = Number(f.get('port'));
    if (Number.isInteger(port)) healthy.push({ host: String(f.get('ip')), port });
  }
  return healthy[Math.floor(Math.random() * healthy.length)];
}

export function toList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
