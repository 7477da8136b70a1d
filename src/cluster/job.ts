/**
 * One command on its way through the cluster (a Job), and the checks shared by every path:
 * the common slot of a command's keys, and whether a transport failure left it unsent.
 */
import type { CallOptions } from '../client/pending.js';
import { CommandFlags, type Command } from '../commands/command.js';
import { ClientClosedError, ConnectionError, CrossSlotError, TimeoutError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';
import { keySlot } from './slots.js';

/** One command on its way through the cluster. */
export interface Job<T = unknown> {
  readonly command: Command<T>;
  readonly options: (CallOptions & { buffers?: boolean }) | undefined;
  /** From sendCommand: the node client's sendCommand sends it (it recognises blocking commands). */
  readonly raw: boolean;
  /** -1 for keyless commands. */
  readonly slot: number;
  readonly readOnly: boolean;
  /** performance-free deadline from options.timeout (Date.now() based), Infinity when none. */
  readonly deadline: number;
}

export function makeJob<T>(
  command: Command<T>,
  options: (CallOptions & { buffers?: boolean }) | undefined,
  raw: boolean,
  slot: number,
): Job<T> {
  const timeout = options?.timeout;
  return {
    command,
    options,
    raw,
    slot,
    readOnly: (command.flags & CommandFlags.READONLY) !== 0,
    deadline: timeout !== undefined && timeout > 0 ? Date.now() + timeout : Number.POSITIVE_INFINITY,
  };
}

/** The slot all `keys` share; throws CrossSlotError naming each key and its slot when they differ. */
export function commonSlot(keys: readonly RedisArg[], what: string): number {
  const first = keySlot(keys[0]!);
  for (let i = 1; i < keys.length; i++) {
    if (keySlot(keys[i]!) !== first) {
      const listed = keys
        .slice(0, 10)
        .map((k) => `${JSON.stringify(String(k))} (slot ${keySlot(k)})`)
        .join(', ');
      throw new CrossSlotError(
        `${what} names keys in different cluster slots: ${listed}${keys.length > 10 ? ', …' : ''}. ` +
          'Keys of one command or transaction must share a slot: give them a common hash tag, such as {user:1}:a and {user:1}:b.',
      );
    }
  }
  return first;
}

/** A transport failure that happened before anything was written (the dial failed): safe to send again. */
export function failedBeforeSending(error: unknown): boolean {
  return error instanceof ConnectionError && error.duringDial;
}

/**
 * A node the topology retired (its client closed) rejected a command it never sent. Not ClientClosedError:
 * the cluster or sentinel client itself is alive, and the command may go to the node that replaced it.
 */
export function nodeLeftError(address: string, cause: unknown): ConnectionError {
  return new ConnectionError(
    `${address} left the topology before the command was sent there; it goes to the node that serves it now.`,
    { cause, duringDial: true },
  );
}

/**
 * A command in flight on a hung node that the topology replaced (its connections were destroyed so that no
 * late reply counts as an acknowledgement): it was sent, and may or may not have run.
 */
export function abandonedNodeError(address: string, cause: unknown): ConnectionError {
  return new ConnectionError(
    `${address} stopped answering and the cluster replaced it while this command waited for its reply: it was ` +
      'sent and may or may not have run. Check the outcome of a write before repeating it.',
    { cause },
  );
}

/**
 * The failure as the decision table should see it: a retired node's ClientClosedError means "not sent",
 * except on a node abandoned while suspect, where it may follow a write ("outcome unknown").
 */
export function asNodeFailure(
  error: unknown,
  node: { readonly isRetired: boolean; readonly address: string; readonly wasAbandoned?: boolean },
): unknown {
  if (!(error instanceof ClientClosedError) || !node.isRetired) return error;
  return node.wasAbandoned === true ? abandonedNodeError(node.address, error) : nodeLeftError(node.address, error);
}

/** The job's options with the time left until its deadline; a TimeoutError when none is left. */
export function withRemaining(job: Job): Job['options'] | TimeoutError {
  const left = job.deadline - Date.now();
  if (left <= 0) {
    return new TimeoutError(`${String(job.command.args[0])} did not complete within its timeout (cluster redirects).`);
  }
  return { ...job.options, timeout: left };
}
