/**
 * Every error respool raises. One base class (`RedisError`) with a stable `code`,
 * so callers can branch on `err.code` without parsing messages. Errors reach callers
 * through promises only; nothing is emitted as an 'error' event.
 */

export interface RedisErrorOptions {
  cause?: unknown;
}

export class RedisError extends Error {
  /** Stable machine-readable code, e.g. `ERR_POOL_TIMEOUT`. For `ReplyError`, the server's prefix. */
  readonly code: string;

  constructor(message: string, code: string, options?: RedisErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** An option, URL or argument the caller passed is invalid. The message names the field and the accepted range. */
export class InvalidArgumentError extends RedisError {
  constructor(message: string) {
    super(message, 'ERR_INVALID_ARG');
  }
}

/** The client or pool was closed: by `close()`, or before the call began. */
export class ClientClosedError extends RedisError {
  constructor(message = 'The client is closed. Create a new client; a closed one cannot be reopened.') {
    super(message, 'ERR_CLIENT_CLOSED');
  }
}

export interface PoolTimeoutDetails {
  poolSize: number;
  inUse: number;
  idle: number;
  waiters: number;
  timeoutMs: number;
}

/** No connection turn became free within `poolTimeout`. */
export class PoolTimeoutError extends RedisError {
  readonly poolSize: number;
  readonly inUse: number;
  readonly idle: number;
  readonly waiters: number;
  readonly timeoutMs: number;

  constructor(details: PoolTimeoutDetails) {
    super(
      `Timed out after ${details.timeoutMs} ms waiting for a connection: all ${details.poolSize} turns are taken ` +
        `(in use ${details.inUse}, idle ${details.idle}, waiters ${details.waiters}). ` +
        'Raise poolSize or poolTimeout, or look for callers that hold connections too long.',
      'ERR_POOL_TIMEOUT',
    );
    this.poolSize = details.poolSize;
    this.inUse = details.inUse;
    this.idle = details.idle;
    this.waiters = details.waiters;
    this.timeoutMs = details.timeoutMs;
  }
}

/** The caller's AbortSignal fired. `cause` is the signal's reason. Named `AbortError` like the platform's. */
export class AbortError extends RedisError {
  constructor(reason?: unknown, message = 'The operation was aborted by its AbortSignal.') {
    super(message, 'ABORT_ERR', { cause: reason });
  }

  override get name(): string {
    return 'AbortError';
  }
}

/** A command or a write did not complete within its timeout. */
export class TimeoutError extends RedisError {
  constructor(message: string) {
    super(message, 'ERR_TIMEOUT');
  }
}

/** The socket failed: refused, reset, closed, or could not be dialed. `cause` holds the system error. */
export class ConnectionError extends RedisError {
  /** True when the failure happened while opening the connection: nothing was sent on it. */
  readonly duringDial: boolean;
  /**
   * True when the server closed the connection while this command's reply was arriving: the command ran,
   * and its reply was likely larger than the server's `client-output-buffer-limit`. Never retried.
   */
  readonly replyCutOff: boolean;
  /**
   * True when the server closed the connection while this command's reply was the next one due (none of it
   * had arrived). A server that kills a client for a reply too big for its output buffer sends nothing first,
   * so such a command is retried alone, on a connection of its own, and fails if that one is closed too.
   */
  readonly replyDue: boolean;

  constructor(
    message: string,
    options?: RedisErrorOptions & { duringDial?: boolean; replyCutOff?: boolean; replyDue?: boolean },
  ) {
    super(message, 'ERR_CONNECTION', options);
    this.duringDial = options?.duringDial === true;
    this.replyCutOff = options?.replyCutOff === true;
    this.replyDue = options?.replyDue === true;
  }
}

/** The server sent bytes that are not valid RESP. The connection that saw them is discarded. */
export class ProtocolError extends RedisError {
  /** Byte offset within the stream where the problem was found, when known. */
  readonly offset: number;

  constructor(message: string, offset = -1) {
    super(offset >= 0 ? `${message} (at byte ${offset})` : message, 'ERR_PROTOCOL');
    this.offset = offset;
  }
}

/**
 * An error reply from the server. `code` is the reply's prefix (`ERR`, `WRONGTYPE`, `MOVED`, …).
 * Replies are returned in place by the decoder (a pipeline carries them), and rejected by single commands.
 */
export class ReplyError extends RedisError {
  /** The command that got this reply, when known (name only; arguments may hold secrets). */
  command?: string;
  /** For EXECABORT: the reply that refused a queued command (MOVED, ASK, a syntax error…). */
  refusedWith?: ReplyError;

  constructor(message: string, code = replyErrorPrefix(message)) {
    super(message, code);
  }
}

/** `MOVED <slot> <host:port>`: the slot lives on another node. */
export class MovedError extends ReplyError {
  readonly slot: number;
  readonly address: string;
  constructor(message: string) {
    super(message, 'MOVED');
    const [, slot, address] = message.split(' ');
    this.slot = Number(slot);
    this.address = address ?? '';
  }
}

/** `ASK <slot> <host:port>`: the slot is migrating; ask the target for this one command. */
export class AskError extends ReplyError {
  readonly slot: number;
  readonly address: string;
  constructor(message: string) {
    super(message, 'ASK');
    const [, slot, address] = message.split(' ');
    this.slot = Number(slot);
    this.address = address ?? '';
  }
}

/** EXEC returned null: a WATCHed key changed, and the transaction did not run. */
export class WatchError extends RedisError {
  constructor(message = 'The transaction was aborted because a WATCHed key changed; nothing was written. Retry it.') {
    super(message, 'ERR_WATCH');
  }
}

/** A multi-key command or transaction names keys in different cluster slots. */
export class CrossSlotError extends RedisError {
  constructor(message: string) {
    super(message, 'ERR_CROSS_SLOT');
  }
}

/** The first word of an error reply, when it is all capitals (Redis's convention); else `ERR`. */
export function replyErrorPrefix(message: string): string {
  const space = message.indexOf(' ');
  const word = space === -1 ? message : message.slice(0, space);
  return /^[A-Z][A-Z_-]*$/.test(word) ? word : 'ERR';
}

/** Builds the most specific ReplyError subclass for an error reply's text. */
export function replyErrorFor(message: string): ReplyError {
  const code = replyErrorPrefix(message);
  if (code === 'MOVED') return new MovedError(message);
  if (code === 'ASK') return new AskError(message);
  return new ReplyError(message, code);
}
