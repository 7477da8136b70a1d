/**
 * The one place that decides what a failure means: retry the command, keep the connection, or drop it.
 * The counterpart of go-redis's isBadConn/shouldRetry, with one rule go-redis lacks:
 * a command is retried only when a second attempt cannot run a write twice.
 */
import { ConnectionError, ReplyError } from '../errors.js';
import { CommandFlags } from '../commands/command.js';

/** Server replies that mean "not executed, try again soon". Safe to retry even for writes. */
const RETRYABLE_REPLY_CODES = new Set(['LOADING', 'READONLY', 'MASTERDOWN', 'CLUSTERDOWN', 'TRYAGAIN']);

export function isRetryableReply(error: ReplyError): boolean {
  if (RETRYABLE_REPLY_CODES.has(error.code)) return true;
  return error.message.startsWith('ERR max number of clients reached');
}

/**
 * After a transport failure: may this command run again?
 * - never written (dial failed, connection closed before the write): yes;
 * - written: only read-only commands or calls the user marked idempotent.
 * Timeouts of the command itself and pool timeouts are never retried.
 */
export function mayRetryAfterFailure(error: Error, written: boolean, flags: number, idempotent: boolean): boolean {
  if (!(error instanceof ConnectionError)) return false;
  if (!written) return true;
  return (flags & CommandFlags.READONLY) !== 0 || idempotent;
}

/** A READONLY reply means the address now points at a replica: the connection must not be reused. */
export function replyPoisonsConnection(error: ReplyError): boolean {
  return error.code === 'READONLY';
}

/** Jittered exponential backoff: min(max, min + random(0, min * 2^attempt)). */
export function retryBackoff(attempt: number, minBackoff: number, maxBackoff: number): number {
  if (maxBackoff <= 0) return 0;
  const spread = minBackoff * 2 ** Math.min(attempt, 20);
  return Math.min(maxBackoff, minBackoff + Math.random() * spread);
}

/** Commands that change connection state: refused on shared connections, allowed where one holder pins it. */
const STATEFUL_COMMANDS = new Set([
  'SELECT',
  'MULTI',
  'EXEC',
  'DISCARD',
  'WATCH',
  'UNWATCH',
  'SUBSCRIBE',
  'PSUBSCRIBE',
  'SSUBSCRIBE',
  'UNSUBSCRIBE',
  'PUNSUBSCRIBE',
  'SUNSUBSCRIBE',
  'MONITOR',
  'HELLO',
  'AUTH',
  'RESET',
  'QUIT',
  'CLIENT|TRACKING',
  'CLIENT|REPLY',
]);

export function statefulCommandName(name: string, sub: string | undefined): string | undefined {
  const upper = name.toUpperCase();
  if (STATEFUL_COMMANDS.has(upper)) return upper;
  if (sub !== undefined && upper === 'CLIENT') {
    const full = `CLIENT|${sub.toUpperCase()}`;
    if (STATEFUL_COMMANDS.has(full)) return full.replace('|', ' ');
  }
  return undefined;
}
