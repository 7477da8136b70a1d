/**
 * Pub/sub on one dedicated connection per client, outside the pool's turns but holding one
 * `maxActiveConns` permit from the first connection attempt until the last subscription ends.
 *
 *   idle ──subscribe──▶ connecting ──ok──▶ live ──connection lost──▶ backoff ──▶ connecting (resends all)
 *     ▲                    │ failed: waiting subscribe() calls reject; with subscriptions left ──▶ backoff
 *     └──── last unsubscribe / close (connection closed, timer cleared, permit back) ────┘
 *
 * Each subscribed name is a topic shared by the subscriptions that want it: SUBSCRIBE goes out when a
 * topic appears (or on each new connection), UNSUBSCRIBE when its last subscription leaves. `subscribe()`
 * resolves only once the server confirmed every name on the live connection, so a message published
 * after it resolves is delivered. Replies come in the order commands were written: confirmations are
 * matched to the oldest command of their verb, and an error reply belongs to the oldest command.
 *
 * A subscription that unsubscribes is "leaving" until the server answered what that wrote (its UNSUBSCRIBE,
 * or a PING when other subscriptions keep its names): the server writes in order, so every message it sent
 * before that answer arrives before it and is still delivered to the leaving subscription.
 *
 * A SUBSCRIBE-family command left unanswered for `readTimeout` drops the connection, as a command would.
 * Liveness: each `pingInterval` with no traffic at all, a PING goes out; if the next interval is silent
 * too, the connection is dropped and rebuilt. The backoff timer is not unref'd: a process whose only work
 * is a subscription stays alive while it reconnects.
 */
import { checkOptions, invalid, optionKeys } from '../commands/arguments.js';
import type { Connection } from '../connection/connection.js';
import { ClientClosedError, ConnectionError, InvalidArgumentError, TimeoutError } from '../errors.js';
import type { ConnLimiter } from '../pool/index.js';
import { describeAddress, type ResolvedClientOptions } from '../options.js';
import type { RespValue } from '../resp/types.js';
import type { HookRegistry } from './hooks.js';
import { openConnection } from './open-connection.js';
import { retryBackoff } from './policy.js';
import type { Implements } from '../internal/implements.js';
import { Liveness, ReplyDeadline } from './pubsub-liveness.js';
import {
  Subscription,
  type MessageListener,
  type PubSubMessage,
  type SubscribeOptions,
  type SubscriptionKind,
  type SubscriptionOwner,
  toMessage,
  toTextMessage,
  type AnyListener,
  type AnySubscription,
} from './subscription.js';

export {
  Subscription,
  LISTENER_ERROR_CHANNEL,
  type ListenerErrorEvent,
  type MessageListener,
  type PubSubMessage,
  type SubscribeOptions,
  type SubscriptionKind,
} from './subscription.js';

const KINDS = ['channel', 'pattern', 'shard'] as const;
const SUBSCRIBE_OPTIONS = optionKeys([], ['buffers']);
const VERBS: Record<SubscriptionKind, [subscribe: string, unsubscribe: string]> = {
  channel: ['subscribe', 'unsubscribe'],
  pattern: ['psubscribe', 'punsubscribe'],
  shard: ['ssubscribe', 'sunsubscribe'],
};
const SUBSCRIBE_VERBS = new Set(['subscribe', 'psubscribe', 'ssubscribe']);
/** A PING whose echoed token marks the point in the stream an unsubscribe() waits for. */
const BARRIER_VERB = 'ping';
const BARRIER_TOKEN_PREFIX = 'respool:unsubscribed:';

/** A SUBSCRIBE-family command written and awaiting its confirmations (one per name) or one error reply. */
interface Awaited {
  verb: string;
  names: readonly string[];
  remaining: number;
  done: (error?: Error) => void;
  /** performance.now() when written. */
  sentAt: number;
}

/** One subscribed name of one kind. */
interface Topic {
  readonly subscriptions: Set<AnySubscription>;
  /** The SUBSCRIBE that carries it on the current connection; undefined until written there. */
  sentWith: Awaited | undefined;
  confirmed: boolean;
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Subscriber {
  private readonly topics: Record<SubscriptionKind, Map<string, Topic>> = {
    channel: new Map(),
    pattern: new Map(),
    shard: new Map(),
  };
  /** Subscriptions whose subscribe() awaits the server's confirmation. */
  private readonly waiting = new Map<AnySubscription, Waiter>();
  /** Unsubscribed, but still delivered to until the server answered what their unsubscribe() wrote. */
  private readonly leaving = new Set<AnySubscription>();
  private barriers = 0;
  private awaited: Awaited[] = [];
  private conn: Connection | undefined;
  private connecting: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempt = 0;
  private readonly replyDeadline: ReplyDeadline;
  private holdsPermit = false;
  private closed = false;
  /** Its connection does not hold the process open (set for the sentinel client's watch of master switches). */
  private background = false;
  private readonly closing = new AbortController();
  private readonly liveness: Liveness;

  constructor(
    private readonly options: ResolvedClientOptions,
    private readonly limiter: ConnLimiter | undefined,
    /** Dial hooks and pool events of the client: the subscriber connection shows up in them as pool 'pubsub'. */
    private readonly hooks?: HookRegistry,
  ) {
    this.liveness = new Liveness(
      options.pingInterval,
      // Not call(): a queued reply handler would take an error reply meant for a SUBSCRIBE. The PONG is a push.
      () => this.conn?.writeWithoutReply(['PING']),
      () =>
        this.conn?.destroy(
          new ConnectionError(
            `The pub/sub connection to ${this.conn.address} did not answer PING within ${options.pingInterval} ms; reconnecting.`,
          ),
        ),
    );
    this.replyDeadline = new ReplyDeadline(
      options.readTimeout,
      () => this.awaited[0]?.sentAt,
      () =>
        this.conn?.destroy(
          new TimeoutError(
            `No reply to ${this.awaited[0]?.verb.toUpperCase()} from ${this.conn.address} within ${options.readTimeout} ms (readTimeout); reconnecting.`,
          ),
        ),
    );
  }

  /** @internal Subscriptions from now on watch in the background: they do not keep the process alive. */
  runInBackground(): void {
    this.background = true;
    this.conn?.unref();
  }

  /**
   * The public subscribe(): checks what the caller passed (a listener that is not a function, unknown
   * options) before anything is sent, so nothing is silently ignored.
   */
  subscribeWith(
    kind: SubscriptionKind,
    method: string,
    names: string | string[],
    listener: AnyListener | undefined,
    options: SubscribeOptions | undefined,
  ): Promise<AnySubscription> {
    try {
      if (listener !== undefined && typeof listener !== 'function') {
        invalid(
          `${method}(): argument 2 (listener)`,
          'a function or undefined (undefined: an async iterable)',
          listener,
        );
      }
      checkOptions(method, options, SUBSCRIBE_OPTIONS);
    } catch (error) {
      return Promise.reject(error);
    }
    const list = Array.isArray(names) ? names : [names];
    if (options?.buffers === true) return this.subscribe(kind, list, listener as MessageListener<Buffer>, true);
    return this.subscribe(kind, list, listener as MessageListener);
  }

  async subscribe<T extends string | Buffer = string>(
    kind: SubscriptionKind,
    names: string[],
    listener: MessageListener<T> | undefined,
    buffers = false,
  ): Promise<Subscription<T>> {
    if (this.closed) throw new ClientClosedError();
    const unique = [...new Set(names.map(String))];
    if (unique.length === 0) {
      throw new InvalidArgumentError(
        `${VERBS[kind][0]} needs at least one ${kind === 'pattern' ? 'pattern' : 'channel'}.`,
      );
    }
    const typed = new Subscription<T>(kind, unique, listener, this, buffers);
    const subscription = typed as unknown as AnySubscription;
    const topics = this.topics[kind];
    for (const name of unique) {
      let topic = topics.get(name);
      if (topic === undefined) {
        topic = { subscriptions: new Set(), sentWith: undefined, confirmed: false };
        topics.set(name, topic);
      }
      topic.subscriptions.add(subscription);
    }
    if (this.conn !== undefined && this.allConfirmed(subscription)) return typed;
    const confirmed = new Promise<void>((resolve, reject) => this.waiting.set(subscription, { resolve, reject }));
    this.wake();
    try {
      await confirmed;
    } catch (err) {
      subscription.end();
      await this.remove(subscription);
      throw err;
    }
    return typed;
  }

  /**
   * @internal Takes a subscription's names away; UNSUBSCRIBE for the names nobody else wants. Settles once
   * the server answered (then every message it sent before has been delivered), even for the last
   * subscription (then the connection closes), so that the server no longer counts us.
   */
  remove(subscription: AnySubscription): Promise<void> {
    this.waiting.delete(subscription);
    const topics = this.topics[subscription.kind];
    const gone: string[] = [];
    let sent = false;
    for (const name of subscription.names) {
      const topic = topics.get(name);
      if (topic === undefined || !topic.subscriptions.delete(subscription)) continue;
      if (topic.sentWith !== undefined) sent = true;
      if (topic.subscriptions.size > 0) continue;
      topics.delete(name);
      if (topic.sentWith !== undefined) gone.push(name);
    }
    const conn = this.conn;
    if (!sent || conn === undefined) {
      // Nothing of it was ever on this connection: no message for it can be on the way.
      this.teardownIfUnused();
      return Promise.resolve();
    }
    this.leaving.add(subscription);
    return new Promise<void>((resolve) => {
      const left = (): void => {
        this.leaving.delete(subscription);
        // Otherwise the connection is already gone and whoever dropped it settled the rest.
        if (this.conn === conn) this.teardownIfUnused();
        resolve();
      };
      if (gone.length > 0) this.write(conn, VERBS[subscription.kind][1], gone, left);
      else this.write(conn, BARRIER_VERB, [`${BARRIER_TOKEN_PREFIX}${++this.barriers}`], left);
    });
  }

  /** Ends every subscription (iterators finish), rejects waiting subscribe() calls, closes the connection. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.closing.abort(new ClientClosedError());
      for (const waiter of this.waiting.values()) waiter.reject(new ClientClosedError());
      this.waiting.clear();
      for (const kind of KINDS) {
        for (const topic of this.topics[kind].values()) for (const s of topic.subscriptions) s.end();
        this.topics[kind].clear();
      }
      for (const s of this.leaving) s.end();
      this.teardown();
    }
    // A connection attempt in flight sees `closed` and closes what it opened.
    await this.connecting;
  }

  private isEmpty(): boolean {
    return this.topics.channel.size + this.topics.pattern.size + this.topics.shard.size === 0;
  }

  /** The connection goes once no topic needs it and no leaving subscription waits for its answer on it. */
  private teardownIfUnused(): void {
    if (this.isEmpty() && this.leaving.size === 0) this.teardown();
  }

  private allConfirmed(subscription: AnySubscription): boolean {
    const topics = this.topics[subscription.kind];
    return subscription.names.every((name) => topics.get(name)?.confirmed === true);
  }

  /** There are topics to send: write them now, or make sure a connection is on its way. */
  private wake(): void {
    if (this.conn !== undefined) this.sendUnsent(this.conn);
    else if (this.connecting === undefined && this.reconnectTimer === undefined) this.connect();
  }

  private connect(): void {
    this.connecting = this.open().then(
      (conn) => {
        this.connecting = undefined;
        this.adopt(conn);
      },
      (error: unknown) => {
        this.connecting = undefined;
        this.connectFailed(error instanceof Error ? error : new ConnectionError(String(error)));
      },
    );
  }

  private async open(): Promise<Connection> {
    const o = this.options;
    const signal = this.closing.signal;
    if (this.limiter !== undefined && !this.holdsPermit) {
      await this.limiter.acquire({ timeoutMs: o.poolTimeout, signal });
      this.holdsPermit = true;
    }
    const dialSignal = AbortSignal.any([AbortSignal.timeout(o.dialTimeout), signal]);
    const hooks = this.hooks;
    if (hooks === undefined) return openConnection(o, dialSignal);
    const address = describeAddress(o);
    let conn: Connection;
    try {
      conn = (await hooks.wrapDial((info) => openConnection(o, info.signal))({
        address,
        pool: 'pubsub',
        signal: dialSignal,
      })) as Connection;
    } catch (error) {
      hooks.emit('dialError', { error: error as Error, address, pool: 'pubsub' });
      throw error;
    }
    hooks.emit('connect', { id: conn.id, serverId: conn.serverId, address, pool: 'pubsub' });
    return conn;
  }

  private adopt(conn: Connection): void {
    if (this.closed || this.isEmpty()) {
      conn.close();
      this.releasePermit();
      return;
    }
    if (conn.closed) {
      this.connectFailed(new ConnectionError(`Connection to ${conn.address} closed right after the handshake.`));
      return;
    }
    conn.pubSubMode = true;
    // Payloads byte for byte: `{ buffers: true }` subscriptions get them as they are, the others as UTF-8.
    conn.decodeBulkAsBuffers();
    conn.onPush = (push) => this.handlePush(push);
    conn.owner = { connectionDrained: () => {}, connectionClosed: () => this.handleLost(conn) };
    if (this.background) conn.unref();
    this.conn = conn;
    this.reconnectAttempt = 0;
    this.liveness.start();
    this.sendUnsent(conn);
  }

  private connectFailed(error: Error): void {
    if (this.closed) {
      this.releasePermit();
      return;
    }
    // subscribe() calls waiting on this attempt fail with its reason; older subscriptions keep trying.
    const failed = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiter of failed) waiter.reject(error);
    // Their subscribe() calls remove them next; if that leaves nothing, teardown() cancels this timer.
    if (this.isEmpty()) this.releasePermit();
    else this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== undefined) return;
    const o = this.options;
    const delay = retryBackoff(
      this.reconnectAttempt++,
      Math.max(o.minRetryBackoff, 10),
      Math.max(o.maxRetryBackoff, 100),
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closed && !this.isEmpty() && this.conn === undefined && this.connecting === undefined) this.connect();
    }, delay);
  }

  /** Writes one SUBSCRIBE per kind for the topics not yet sent on this connection. */
  private sendUnsent(conn: Connection): void {
    for (const kind of KINDS) {
      const topics = this.topics[kind];
      const names: string[] = [];
      for (const [name, topic] of topics) if (topic.sentWith === undefined) names.push(name);
      if (names.length === 0) continue;
      const awaited = this.write(conn, VERBS[kind][0], names, (error) => this.settleTopics(kind, awaited, error));
      for (const name of names) topics.get(name)!.sentWith = awaited;
    }
  }

  private write(conn: Connection, verb: string, names: string[], done: (error?: Error) => void): Awaited {
    const awaited: Awaited = { verb, names, remaining: names.length, done, sentAt: performance.now() };
    this.awaited.push(awaited);
    conn.writeWithoutReply([verb.toUpperCase(), ...names]);
    this.replyDeadline.written();
    return awaited;
  }

  /** The server confirmed (or refused) the SUBSCRIBE `awaited`: settle the subscriptions waiting on it. */
  private settleTopics(kind: SubscriptionKind, awaited: Awaited, error: Error | undefined): void {
    const topics = this.topics[kind];
    const affected = new Set<AnySubscription>();
    for (const name of awaited.names) {
      const topic = topics.get(name);
      if (topic === undefined || topic.sentWith !== awaited) continue; // gone, or resent since
      topic.confirmed = error === undefined;
      for (const s of topic.subscriptions) affected.add(s);
    }
    for (const subscription of affected) {
      const waiter = this.waiting.get(subscription);
      if (error === undefined) {
        if (waiter !== undefined && this.allConfirmed(subscription)) {
          this.waiting.delete(subscription);
          waiter.resolve();
        }
      } else if (waiter !== undefined) {
        this.waiting.delete(subscription);
        waiter.reject(error); // subscribe() removes it
      } else {
        // Refused on a resubscribe: the subscription cannot go on; its iterator throws the reason.
        subscription.end(error);
        void this.remove(subscription);
      }
    }
  }

  private handlePush(push: RespValue[]): void {
    this.liveness.sawTraffic();
    const head = push[0];
    if (head instanceof Error) {
      // An error reply answers the oldest command still awaiting its replies.
      this.awaited.shift()?.done(head);
      return;
    }
    const message = toMessage(push);
    if (message !== undefined) this.dispatch(message);
    else if (!this.passBarrier(push)) this.confirm(String(head).toLowerCase());
  }

  /**
   * The answer to a barrier PING: ['pong', token] under RESP2 (a subscribed connection answers so), the
   * bare token under RESP3. The liveness PING's plain PONG matches no token and is left alone.
   */
  private passBarrier(push: RespValue[]): boolean {
    const token = push.length === 2 && String(push[0]).toLowerCase() === 'pong' ? push[1] : push[0];
    if (typeof token !== 'string' && !Buffer.isBuffer(token)) return false;
    const text = token.toString();
    if (!text.startsWith(BARRIER_TOKEN_PREFIX)) return false;
    const index = this.awaited.findIndex((a) => a.verb === BARRIER_VERB && a.names[0] === text);
    const awaited = this.awaited[index];
    if (awaited === undefined) return true;
    this.awaited.splice(index, 1);
    awaited.done();
    return true;
  }

  /** One confirmation frame: it counts toward the oldest command of the same verb. PONGs and others: nothing. */
  private confirm(verb: string): void {
    if (verb === BARRIER_VERB) return;
    const index = this.awaited.findIndex((a) => a.verb === verb);
    const awaited = this.awaited[index];
    if (awaited === undefined) return; // e.g. a SUNSUBSCRIBE the server sent on its own
    if (--awaited.remaining > 0) return;
    this.awaited.splice(index, 1);
    awaited.done();
  }

  private dispatch(message: PubSubMessage<Buffer>): void {
    const kind = message.kind;
    const name = (message.pattern ?? message.channel).toString('utf8');
    const topic = this.topics[kind].get(name);
    // Copies: a listener may unsubscribe (itself or others) while we deliver; a subscription moves from
    // the topic to `leaving` then, and must not get the message twice.
    const targets = topic === undefined ? [] : [...topic.subscriptions];
    for (const s of this.leaving) if (s.kind === kind && s.names.includes(name)) targets.push(s);
    // One string form for every subscription without `buffers`, made only when one of them needs it.
    let text: PubSubMessage | undefined;
    for (const subscription of targets) {
      if (subscription.buffers) (subscription as Subscription<Buffer>).deliver(message);
      else (subscription as Subscription).deliver((text ??= toTextMessage(message)));
    }
  }

  private handleLost(conn: Connection): void {
    if (this.conn !== conn) return;
    this.hooks?.emit('close', { id: conn.id, reason: 'error', pool: 'pubsub' });
    this.conn = undefined;
    this.liveness.stop();
    this.forgetConnectionState();
    if (this.closed) return;
    if (this.isEmpty()) this.releasePermit();
    else this.scheduleReconnect(); // waiting subscribe() calls keep waiting for the resend
  }

  /** Nothing written on the old connection counts any more: topics must be sent again. */
  private forgetConnectionState(): void {
    for (const kind of KINDS) {
      for (const topic of this.topics[kind].values()) {
        topic.sentWith = undefined;
        topic.confirmed = false;
      }
    }
    this.replyDeadline.clear();
    const awaited = this.awaited;
    this.awaited = [];
    // UNSUBSCRIBEs and barrier PINGs are done (the server forgot everything and sends nothing more on this
    // connection); SUBSCRIBEs are resent and settle then.
    for (const a of awaited) if (!SUBSCRIBE_VERBS.has(a.verb)) a.done();
  }

  /** No subscriptions left (or closed): connection closed, timer cleared, permit back. */
  private teardown(): void {
    const conn = this.conn;
    this.conn = undefined;
    this.liveness.stop();
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.forgetConnectionState();
    if (conn !== undefined) {
      conn.owner = undefined;
      conn.close();
      this.hooks?.emit('close', { id: conn.id, reason: this.closed ? 'closed' : 'unsubscribed', pool: 'pubsub' });
    }
    // An attempt in flight keeps the permit; it gives it back when it sees nobody needs the connection.
    if (this.connecting === undefined) this.releasePermit();
  }

  private releasePermit(): void {
    if (this.holdsPermit) {
      this.holdsPermit = false;
      this.limiter?.release();
    }
  }
}

// What `implements SubscriptionOwner` would check (see Implements).
type _SubscriberContracts = Implements<Subscriber, SubscriptionOwner>;
