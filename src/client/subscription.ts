/**
 * One caller's subscription: the handle `subscribe()` returns. Messages reach it from the Subscriber,
 * either through its listener or, without one, through a buffer that its async iterator drains.
 *
 *   active ──unsubscribe() / iterator return──▶ leaving ──server confirmed──▶ ended
 *     │                                           (still delivers what the server sent before confirming)
 *     ├──client.close()─────────────────────────────────────────────────────────▶ ended
 *     └──the server refused it after a reconnect────────────────────────────────▶ ended with an error (the iterator throws it)
 *
 * A listener that throws (or returns a promise that rejects) never stops delivery: the error goes to the
 * diagnostics channel `respool:pubsub:listener-error` when someone listens there, and otherwise to one
 * process warning per subscription, so a bug in a listener is seen without crashing the process.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { Queue } from '../internal/queue.js';

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/** One message. Channel, pattern and payload are strings, or Buffers for a subscription made with `{ buffers: true }`. */
export interface PubSubMessage<T extends string | Buffer = string> {
  kind: SubscriptionKind;
  channel: T;
  message: T;
  /** The pattern that matched, for pattern subscriptions. */
  pattern?: T;
}

export type MessageListener<T extends string | Buffer = string> = (message: PubSubMessage<T>) => void;

/** Options of `subscribe`, `psubscribe` and `ssubscribe`. */
export interface SubscribeOptions {
  /** Deliver channel, pattern and payload as Buffers, byte for byte (binary payloads: msgpack, protobuf…). */
  buffers?: boolean;
}

/** Published on `respool:pubsub:listener-error` for every error a listener throws or rejects with. */
export interface ListenerErrorEvent {
  error: unknown;
  message: PubSubMessage | PubSubMessage<Buffer>;
  subscription: AnySubscription;
}

export const LISTENER_ERROR_CHANNEL = 'respool:pubsub:listener-error';
const listenerErrors = diagnosticsChannel.channel(LISTENER_ERROR_CHANNEL);

/** What a Subscription needs from the Subscriber that feeds it. */
export interface SubscriptionOwner {
  remove(subscription: AnySubscription): Promise<void>;
}

/** A subscription of either form; `buffers` tells which. */
export type AnySubscription = Subscription | Subscription<Buffer>;
export type AnyListener = MessageListener | MessageListener<Buffer>;

interface Reader<T extends string | Buffer> {
  resolve: (result: IteratorResult<PubSubMessage<T>>) => void;
  reject: (error: unknown) => void;
}

/**
 * A live subscription. Without a listener it is an async iterable of messages. `T` is `Buffer` for a
 * subscription made with `{ buffers: true }`, else `string`.
 */
export class Subscription<T extends string | Buffer = string> implements AsyncIterable<PubSubMessage<T>> {
  private readonly buffered = new Queue<PubSubMessage<T>>();
  private readonly readers = new Queue<Reader<T>>();
  /** unsubscribe() was called; messages the server sent before confirming it are still delivered. */
  private leaving: Promise<void> | undefined;
  private ended = false;
  /** Why the subscription ended, handed once to the iterator after the buffered messages. */
  private failure: Error | undefined;
  private warned = false;

  constructor(
    readonly kind: SubscriptionKind,
    readonly names: readonly string[],
    private readonly listener: MessageListener<T> | undefined,
    private readonly owner: SubscriptionOwner,
    /** Messages are delivered as Buffers (`{ buffers: true }`). */
    readonly buffers = false,
  ) {}

  /** False from the moment unsubscribe() is called (or the subscription ended otherwise). */
  get active(): boolean {
    return !this.ended && this.leaving === undefined;
  }

  /** @internal `message` is already in this subscription's form (strings, or Buffers with `buffers`). */
  deliver(message: PubSubMessage<T>): void {
    if (this.ended) return;
    if (this.listener !== undefined) {
      this.callListener(this.listener, message);
      return;
    }
    const reader = this.readers.shift();
    if (reader !== undefined) reader.resolve({ value: message, done: false });
    else this.buffered.push(message);
  }

  /**
   * Stops this subscription. Every message the server sent before it confirmed the UNSUBSCRIBE (or, when
   * other subscriptions keep the names, before it answered a PING written after this call) still reaches
   * the listener or the iterator; the promise settles after that, and nothing is delivered afterwards.
   * It settles at once when there is no connection, and when the connection is lost meanwhile.
   */
  unsubscribe(): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.leaving ??= this.owner.remove(this as unknown as AnySubscription).then(
      () => this.end(),
      (error: unknown) => {
        this.end();
        throw error;
      },
    );
    return this.leaving;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.unsubscribe();
  }

  /** @internal Ends the subscription; an error is thrown by the iterator once its buffer is drained. */
  end(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    for (let reader = this.readers.shift(); reader !== undefined; reader = this.readers.shift()) {
      const failure = this.takeFailure();
      if (failure !== undefined) reader.reject(failure);
      else reader.resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<PubSubMessage<T>> {
    return {
      next: () => {
        const message = this.buffered.shift();
        if (message !== undefined) return Promise.resolve({ value: message, done: false });
        if (this.ended) {
          const failure = this.takeFailure();
          return failure !== undefined ? Promise.reject(failure) : Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => this.readers.push({ resolve, reject }));
      },
      return: async () => {
        await this.unsubscribe();
        return { value: undefined, done: true };
      },
    };
  }

  private takeFailure(): Error | undefined {
    const failure = this.failure;
    this.failure = undefined;
    return failure;
  }

  private callListener(listener: MessageListener<T>, message: PubSubMessage<T>): void {
    try {
      const result: unknown = listener(message);
      if (isThenable(result)) result.then(undefined, (error: unknown) => this.reportListenerError(error, message));
    } catch (error) {
      this.reportListenerError(error, message);
    }
  }

  private reportListenerError(error: unknown, message: PubSubMessage<T>): void {
    if (listenerErrors.hasSubscribers) {
      const event: ListenerErrorEvent = {
        error,
        message: message as PubSubMessage | PubSubMessage<Buffer>,
        subscription: this as unknown as AnySubscription,
      };
      listenerErrors.publish(event);
      return;
    }
    if (this.warned) return;
    this.warned = true;
    process.emitWarning(
      `A pub/sub listener (${this.kind} ${this.names.join(', ')}) threw: ${String(error)}. Delivery goes on; ` +
        `later errors of this subscription are reported only on the diagnostics channel '${LISTENER_ERROR_CHANNEL}'.`,
      'RespoolWarning',
    );
  }
}

/**
 * A message frame (RESP2 array or RESP3 push) as a PubSubMessage of Buffers (the pub/sub connection decodes
 * bulk strings as Buffers, so payloads arrive byte for byte); undefined for any other frame.
 */
export function toMessage(frame: readonly unknown[]): PubSubMessage<Buffer> | undefined {
  switch (String(frame[0])) {
    case 'message':
      return { kind: 'channel', channel: bytes(frame[1]), message: bytes(frame[2]) };
    case 'smessage':
      return { kind: 'shard', channel: bytes(frame[1]), message: bytes(frame[2]) };
    case 'pmessage':
      return { kind: 'pattern', pattern: bytes(frame[1]), channel: bytes(frame[2]), message: bytes(frame[3]) };
    default:
      return undefined;
  }
}

/** The same message with UTF-8 strings (what a subscription without `buffers` gets). */
export function toTextMessage(message: PubSubMessage<Buffer>): PubSubMessage {
  const text: PubSubMessage = {
    kind: message.kind,
    channel: message.channel.toString('utf8'),
    message: message.message.toString('utf8'),
  };
  if (message.pattern !== undefined) text.pattern = message.pattern.toString('utf8');
  return text;
}

function bytes(value: unknown): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
