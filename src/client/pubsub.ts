/**
 * Pub/sub on one dedicated connection per client, outside the pool's turns (counted by maxActiveConns).
 *
 *   none ──subscribe──▶ connecting ──▶ live ──(connection lost)──▶ reconnecting ──▶ live (resubscribed)
 *     ▲                                  │
 *     └──────── last unsubscribe / close ┘
 *
 * Liveness: when the connection has been quiet for `pingInterval`, a PING goes out; if nothing at all
 * comes back before the next check, the connection is dropped and rebuilt.
 */
import type { Connection } from '../connection/connection.js';
import { ClientClosedError } from '../errors.js';
import type { ConnLimiter } from '../pool/index.js';
import type { ResolvedClientOptions } from '../options.js';
import type { RespValue } from '../resp/types.js';
import { openConnection } from './open-connection.js';
import { retryBackoff } from './policy.js';

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

export interface PubSubMessage {
  kind: SubscriptionKind;
  channel: string;
  message: string;
  /** The pattern that matched, for pattern subscriptions. */
  pattern?: string;
}

export type MessageListener = (message: PubSubMessage) => void;

const VERBS: Record<SubscriptionKind, [subscribe: string, unsubscribe: string]> = {
  channel: ['SUBSCRIBE', 'UNSUBSCRIBE'],
  pattern: ['PSUBSCRIBE', 'PUNSUBSCRIBE'],
  shard: ['SSUBSCRIBE', 'SUNSUBSCRIBE'],
};

interface PendingSend {
  kind: SubscriptionKind;
  remaining: Set<string>;
  resolve: () => void;
  reject: (error: Error) => void;
}

const CONFIRMATIONS: Record<string, SubscriptionKind> = {
  subscribe: 'channel',
  psubscribe: 'pattern',
  ssubscribe: 'shard',
};

/** A live subscription. Without a listener it is an async iterable of messages. */
export class Subscription implements AsyncIterable<PubSubMessage> {
  private readonly buffered: PubSubMessage[] = [];
  private waiting: ((result: IteratorResult<PubSubMessage>) => void) | undefined;
  private ended = false;

  constructor(
    readonly kind: SubscriptionKind,
    readonly names: readonly string[],
    private readonly listener: MessageListener | undefined,
    private readonly owner: Subscriber,
  ) {}

  get active(): boolean {
    return !this.ended;
  }

  /** @internal */
  deliver(message: PubSubMessage): void {
    if (this.ended) return;
    if (this.listener !== undefined) {
      this.listener(message);
      return;
    }
    if (this.waiting !== undefined) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: message, done: false });
    } else this.buffered.push(message);
  }

  /** Stops this subscription (UNSUBSCRIBE once no other subscription wants the same names). */
  async unsubscribe(): Promise<void> {
    if (this.ended) return;
    this.end();
    await this.owner.remove(this);
  }

  /** @internal */
  end(): void {
    this.ended = true;
    if (this.waiting !== undefined) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<PubSubMessage> {
    return {
      next: () => {
        const message = this.buffered.shift();
        if (message !== undefined) return Promise.resolve({ value: message, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiting = resolve));
      },
      return: async () => {
        await this.unsubscribe();
        return { value: undefined, done: true };
      },
    };
  }
}

export class Subscriber {
  private readonly subscriptions: Record<SubscriptionKind, Map<string, Set<Subscription>>> = {
    channel: new Map(),
    pattern: new Map(),
    shard: new Map(),
  };
  private conn: Connection | undefined;
  private connecting: Promise<Connection> | undefined;
  /** SUBSCRIBE-family commands written and not yet fully confirmed, oldest first. */
  private pendingSends: PendingSend[] = [];
  private closed = false;
  private holdsPermit = false;
  private pingTimer: NodeJS.Timeout | undefined;
  private lastActivity = 0;
  private awaitingPong = false;
  private reconnectAttempt = 0;

  constructor(
    private readonly options: ResolvedClientOptions,
    private readonly limiter: ConnLimiter | undefined,
  ) {}

  async subscribe(
    kind: SubscriptionKind,
    names: string[],
    listener: MessageListener | undefined,
  ): Promise<Subscription> {
    if (this.closed) throw new ClientClosedError();
    const subscription = new Subscription(kind, names, listener, this);
    const fresh: string[] = [];
    for (const name of names) {
      let set = this.subscriptions[kind].get(name);
      if (set === undefined) {
        set = new Set();
        this.subscriptions[kind].set(name, set);
        fresh.push(name);
      }
      set.add(subscription);
    }
    try {
      const conn = await this.connection();
      if (fresh.length > 0) await this.send(conn, kind, fresh);
    } catch (err) {
      subscription.end();
      await this.remove(subscription);
      throw err;
    }
    return subscription;
  }

  /** @internal */
  async remove(subscription: Subscription): Promise<void> {
    const gone: string[] = [];
    const map = this.subscriptions[subscription.kind];
    for (const name of subscription.names) {
      const set = map.get(name);
      if (set === undefined) continue;
      set.delete(subscription);
      if (set.size === 0) {
        map.delete(name);
        gone.push(name);
      }
    }
    const conn = this.conn;
    if (gone.length > 0 && conn !== undefined && !conn.closed) {
      conn.writeWithoutReply([VERBS[subscription.kind][1], ...gone]);
    }
    if (this.isEmpty()) this.disconnect();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const map of Object.values(this.subscriptions)) {
      for (const set of map.values()) for (const s of set) s.end();
      map.clear();
    }
    this.disconnect();
  }

  private isEmpty(): boolean {
    return this.subscriptions.channel.size + this.subscriptions.pattern.size + this.subscriptions.shard.size === 0;
  }

  private connection(): Promise<Connection> {
    if (this.conn !== undefined && !this.conn.closed) return Promise.resolve(this.conn);
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<Connection> {
    const o = this.options;
    if (this.limiter !== undefined && !this.holdsPermit) {
      await this.limiter.acquire({ timeoutMs: o.poolTimeout });
      this.holdsPermit = true;
    }
    let conn: Connection;
    try {
      conn = await openConnection(o, AbortSignal.timeout(o.dialTimeout));
    } catch (err) {
      this.releasePermit();
      throw err;
    }
    if (this.closed) {
      conn.close();
      this.releasePermit();
      throw new ClientClosedError();
    }
    conn.pubSubMode = true;
    conn.onPush = (push) => this.handlePush(push);
    conn.onClosed = () => this.handleLost(conn);
    this.conn = conn;
    this.lastActivity = Date.now();
    this.awaitingPong = false;
    this.reconnectAttempt = 0;
    this.startPing();
    return conn;
  }

  private send(conn: Connection, kind: SubscriptionKind, names: string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pendingSends.push({ kind, remaining: new Set(names), resolve, reject });
      conn.writeWithoutReply([VERBS[kind][0], ...names]);
    });
  }

  private confirm(kind: SubscriptionKind, name: string): void {
    const index = this.pendingSends.findIndex((s) => s.kind === kind && s.remaining.has(name));
    const send = this.pendingSends[index];
    if (send === undefined) return;
    send.remaining.delete(name);
    if (send.remaining.size === 0) {
      this.pendingSends.splice(index, 1);
      send.resolve();
    }
  }

  private handlePush(push: RespValue[]): void {
    this.lastActivity = Date.now();
    this.awaitingPong = false;
    const kind = String(push[0]);
    switch (kind) {
      case 'message':
        this.dispatch('channel', String(push[1]), {
          kind: 'channel',
          channel: String(push[1]),
          message: String(push[2]),
        });
        return;
      case 'smessage':
        this.dispatch('shard', String(push[1]), { kind: 'shard', channel: String(push[1]), message: String(push[2]) });
        return;
      case 'pmessage':
        this.dispatch('pattern', String(push[1]), {
          kind: 'pattern',
          pattern: String(push[1]),
          channel: String(push[2]),
          message: String(push[3]),
        });
        return;
      default: {
        if (push[0] instanceof Error) {
          // The server refused a SUBSCRIBE-family command: fail the oldest one awaiting confirmation.
          this.pendingSends.shift()?.reject(push[0]);
          return;
        }
        const confirmed = CONFIRMATIONS[kind];
        if (confirmed !== undefined) this.confirm(confirmed, String(push[1]));
        // unsubscribe confirmations, pong, invalidations: nothing to do
      }
    }
  }

  private dispatch(kind: SubscriptionKind, name: string, message: PubSubMessage): void {
    const set = this.subscriptions[kind].get(name);
    if (set === undefined) return;
    for (const subscription of set) subscription.deliver(message);
  }

  private handleLost(conn: Connection): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    this.stopPing();
    // Confirmations awaited on the lost connection will never come; the resubscribe sends new ones.
    for (const send of this.pendingSends.splice(0)) send.resolve();
    if (this.closed || this.isEmpty()) {
      this.releasePermit();
      return;
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const o = this.options;
    const delay = retryBackoff(
      this.reconnectAttempt++,
      Math.max(o.minRetryBackoff, 10),
      Math.max(o.maxRetryBackoff, 100),
    );
    const timer = setTimeout(() => void this.resubscribe(), delay);
    timer.unref();
  }

  private async resubscribe(): Promise<void> {
    if (this.closed || this.isEmpty()) {
      this.releasePermit();
      return;
    }
    try {
      const conn = await this.connection();
      for (const kind of ['channel', 'pattern', 'shard'] as const) {
        const names = [...this.subscriptions[kind].keys()];
        if (names.length > 0) void this.send(conn, kind, names).catch(() => {});
      }
    } catch {
      if (!this.closed) this.scheduleReconnect();
    }
  }

  private startPing(): void {
    const interval = this.options.pingInterval;
    if (interval <= 0) return;
    this.pingTimer = setInterval(() => this.checkAlive(), interval);
    this.pingTimer.unref();
  }

  private checkAlive(): void {
    const conn = this.conn;
    if (conn === undefined || conn.closed) return;
    if (Date.now() - this.lastActivity < this.options.pingInterval) return;
    if (this.awaitingPong) {
      conn.destroy(new ClientClosedError('The subscriber connection did not answer PING; reconnecting.'));
      return;
    }
    this.awaitingPong = true;
    if (conn.protocol === 3) {
      conn.call(['PING'], 0).then(
        () => {
          this.awaitingPong = false;
          this.lastActivity = Date.now();
        },
        () => {},
      );
    } else conn.writeWithoutReply(['PING']);
  }

  private stopPing(): void {
    if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  private disconnect(): void {
    const conn = this.conn;
    this.conn = undefined;
    this.stopPing();
    if (conn !== undefined) {
      conn.onClosed = undefined;
      conn.close();
    }
    this.releasePermit();
  }

  private releasePermit(): void {
    if (this.holdsPermit) {
      this.holdsPermit = false;
      this.limiter?.release();
    }
  }
}
