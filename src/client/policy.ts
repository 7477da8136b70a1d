/**
 * The one decision table: after a failure, what happens to the command and to its connection.
 * Every send path asks `decide()` — single commands, pipelines, transactions, the cluster router and
 * pipelines, the sentinel client — so that the rules below are written once.
 *
 * The counterpart of go-redis's isBadConn/shouldRetry, with one rule go-redis lacks: a command is
 * sent again only when a second run cannot apply a write twice.
 */
import { AskError, ConnectionError, MovedError, ProtocolError, ReplyError, TimeoutError } from '../errors.js';

/**
 * - `retry`: send again after a backoff, to the same target.
 * - `retry-elsewhere`: send again after a backoff, choosing the target again (the cluster refreshes its
 *   slot map; a standalone client has one target, so this is a retry).
 * - `redirect`: MOVED: send to the node the error names, and update the slot map.
 * - `ask`: ASK: send `ASKING` + the command to the node the error names, once.
 * - `fail`: hand the error to the caller.
 */
export type FailureAction = 'retry' | 'retry-elsewhere' | 'redirect' | 'ask' | 'fail';

export interface Decision {
  readonly action: FailureAction;
  /** The connection must not serve anyone else (closed already, or it may now talk to the wrong server). */
  readonly discardConnection: boolean;
  /** Why, for tests and debugging: the rule that matched. */
  readonly rule: string;
}

export interface FailureContext {
  /** The command reached the socket (the server may have run it). */
  readonly written: boolean;
  /** Read-only, or marked idempotent by the caller: a second run does no harm. */
  readonly mayRunTwice: boolean;
  /** Further attempts allowed for this call; 0 turns every retry into `fail`. */
  readonly retriesLeft: number;
  /** Sent through a cluster router, which follows MOVED and ASK. */
  readonly cluster?: boolean;
  /** This attempt ran alone on its own connection (a retry after the server hung up on its reply). */
  readonly alone?: boolean;
}

/** Server replies that mean "not executed, try again soon". Safe to send again even for writes. */
const RETRY_SOON_CODES = new Set(['LOADING', 'MASTERDOWN', 'BUSY']);
/** Replies that mean "the cluster is changing": retry once the topology has been read again. */
const CLUSTER_CHANGING_CODES = new Set(['TRYAGAIN', 'CLUSTERDOWN']);

interface Rule {
  readonly rule: string;
  readonly matches: (error: unknown, context: FailureContext) => boolean;
  readonly action: (error: unknown, context: FailureContext) => FailureAction;
  readonly discardConnection: boolean;
}

/** First match wins. Each row is one line of the README's "What happens after a failure" table. */
export const FAILURE_TABLE: readonly Rule[] = [
  {
    rule: 'MOVED: the slot lives elsewhere',
    matches: (e) => e instanceof MovedError,
    action: (_, c) => (c.cluster === true ? 'redirect' : 'fail'),
    discardConnection: false,
  },
  {
    rule: 'ASK: the slot is migrating',
    matches: (e) => e instanceof AskError,
    action: (_, c) => (c.cluster === true ? 'ask' : 'fail'),
    discardConnection: false,
  },
  {
    rule: 'READONLY: the address now points at a replica',
    matches: (e) => e instanceof ReplyError && e.code === 'READONLY',
    action: () => 'retry-elsewhere',
    discardConnection: true,
  },
  {
    rule: 'TRYAGAIN/CLUSTERDOWN: the cluster is changing',
    matches: (e) => e instanceof ReplyError && CLUSTER_CHANGING_CODES.has(e.code),
    action: () => 'retry-elsewhere',
    discardConnection: false,
  },
  {
    rule: 'LOADING/MASTERDOWN/BUSY or max clients: not run, try again soon',
    matches: (e) =>
      e instanceof ReplyError &&
      (RETRY_SOON_CODES.has(e.code) || e.message.startsWith('ERR max number of clients reached')),
    action: () => 'retry',
    discardConnection: false,
  },
  {
    rule: 'EXECABORT caused by MOVED: the transaction belongs on another node',
    matches: (e) => e instanceof ReplyError && e.code === 'EXECABORT' && e.refusedWith instanceof MovedError,
    action: (_, c) => (c.cluster === true ? 'redirect' : 'fail'),
    discardConnection: false,
  },
  {
    rule: 'EXECABORT caused by ASK/TRYAGAIN/CLUSTERDOWN: nothing ran; wait for the migration',
    matches: (e) =>
      e instanceof ReplyError &&
      e.code === 'EXECABORT' &&
      (e.refusedWith instanceof AskError ||
        (e.refusedWith !== undefined && CLUSTER_CHANGING_CODES.has(e.refusedWith.code))),
    action: (_, c) => (c.cluster === true ? 'retry-elsewhere' : 'fail'),
    discardConnection: false,
  },
  {
    rule: 'any other error reply: the command ran and failed',
    matches: (e) => e instanceof ReplyError,
    action: () => 'fail',
    discardConnection: false,
  },
  {
    rule: 'dial timed out: a server that does not answer within dialTimeout will not on a second try',
    matches: (e) => e instanceof ConnectionError && e.duringDial && e.cause instanceof TimeoutError,
    action: () => 'fail',
    discardConnection: true,
  },
  {
    rule: 'reply cut off by the server (output-buffer limit): the command ran; a retry would only fail again',
    matches: (e) => e instanceof ConnectionError && e.replyCutOff,
    action: () => 'fail',
    discardConnection: true,
  },
  {
    rule: 'the server hung up again while this reply was due, the command alone on its connection: reply too big',
    matches: (e, c) => e instanceof ConnectionError && e.replyDue && c.alone === true,
    action: () => 'fail',
    discardConnection: true,
  },
  {
    rule: 'connection failed before the command was written',
    matches: (e, c) => e instanceof ConnectionError && (e.duringDial || !c.written),
    action: () => 'retry',
    discardConnection: true,
  },
  {
    rule: 'connection failed after the write: resend only what may run twice',
    matches: (e) => e instanceof ConnectionError,
    action: (_, c) => (c.mayRunTwice ? 'retry' : 'fail'),
    discardConnection: true,
  },
  {
    rule: 'read timeout or bad bytes: the connection is closed; the outcome is unknown',
    matches: (e) => e instanceof TimeoutError || e instanceof ProtocolError,
    action: () => 'fail',
    discardConnection: true,
  },
  {
    rule: 'the caller gave up, the pool timed out, the client closed, or the call was invalid',
    matches: () => true,
    action: () => 'fail',
    discardConnection: false,
  },
];

/** What to do after `error`: the first matching row of FAILURE_TABLE, with retries bounded by the context. */
export function decide(error: unknown, context: FailureContext): Decision {
  for (const row of FAILURE_TABLE) {
    if (!row.matches(error, context)) continue;
    let action = row.action(error, context);
    if ((action === 'retry' || action === 'retry-elsewhere') && context.retriesLeft <= 0) action = 'fail';
    return { action, discardConnection: row.discardConnection, rule: row.rule };
  }
  /* c8 ignore next */
  return { action: 'fail', discardConnection: false, rule: 'none' };
}

/** A handshake refusal (wrong password, missing db) will not change on a second dial; a busy server may. */
export function isRetryableDialError(error: unknown): boolean {
  if (error instanceof ConnectionError && error.cause instanceof TimeoutError) return false;
  if (!(error instanceof ReplyError)) return true;
  return decide(error, { written: false, mayRunTwice: true, retriesLeft: 1 }).action !== 'fail';
}

/** Jittered exponential backoff: min(max, min + random(0, min * 2^attempt)). */
export function retryBackoff(attempt: number, minBackoff: number, maxBackoff: number): number {
  if (maxBackoff <= 0) return 0;
  const spread = minBackoff * 2 ** Math.min(attempt, 20);
  return Math.min(maxBackoff, minBackoff + Math.random() * spread);
}
