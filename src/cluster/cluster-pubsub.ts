/**
 * Pub/sub across a cluster (or behind sentinels), on the node clients' own subscribers.
 *
 * Each user subscription (the `Subscription` handle, the same class the single-node client returns) is
 * made of parts: one per slot for shard channels (SSUBSCRIBE on the slot's master), one for classic
 * channels and patterns (SUBSCRIBE/PSUBSCRIBE on one master: the cluster broadcasts those messages to
 * every node). After each topology change a part moves when its node left, its slot moved, or the
 * server ended it:
 *
 *   attaching ──▶ attached ──(slot moved / node retired / inner ended)──▶ moving ──▶ attached (new node)
 *                                                                            └─ failed: tried again at the next refresh
 *
 * Behind sentinels there is one part per subscription, on the current master; it moves at a switch.
 */
import {
  Subscription,
  type MessageListener,
  type PubSubMessage,
  type SubscriptionKind,
  type SubscriptionOwner,
} from '../client/subscription.js';
import type { RedisClient } from '../client/client.js';
import { ClientClosedError } from '../errors.js';

/** A node a part can live on: its client, until it is retired. */
export interface SubscriptionTarget {
  readonly client: RedisClient;
  readonly isRetired: boolean;
}

/** What the subscriber needs from the cluster router or the sentinel client. */
export interface SubscriptionHost<N extends SubscriptionTarget> {
  ready(): Promise<void>;
  /** Which part a name belongs to: its slot for shard channels in a cluster, else -1 (one part). */
  partOf(kind: SubscriptionKind, name: string): number;
  /** Where a part should live now; `current` is where it lives. */
  target(part: number, current: N | undefined): N | undefined;
  /** A part could not move: look at the topology again soon (then rebalance runs again). */
  retrySoon(): void;
}

interface Part<N> {
  readonly names: string[];
  /** The slot of shard channels in a cluster; -1 otherwise. */
  readonly slot: number;
  node: N | undefined;
  inner: Subscription | undefined;
  moving: boolean;
}

interface Entry<N> {
  readonly outer: Subscription;
  readonly kind: SubscriptionKind;
  readonly parts: Part<N>[];
}

export class MovingSubscriber<N extends SubscriptionTarget> implements SubscriptionOwner {
  private readonly entries = new Map<Subscription, Entry<N>>();
  private closed = false;

  constructor(private readonly host: SubscriptionHost<N>) {}

  async subscribe(
    kind: SubscriptionKind,
    names: string[],
    listener: MessageListener | undefined,
  ): Promise<Subscription> {
    if (this.closed) throw new ClientClosedError();
    await this.host.ready();
    const outer = new Subscription(kind, names, listener, this);
    const groups = new Map<number, string[]>();
    for (const name of names) {
      const slot = this.host.partOf(kind, name);
      const group = groups.get(slot);
      if (group === undefined) groups.set(slot, [name]);
      else group.push(name);
    }
    const entry: Entry<N> = {
      outer,
      kind,
      parts: [...groups].map(([slot, group]) => ({
        names: group,
        slot,
        node: undefined,
        inner: undefined,
        moving: false,
      })),
    };
    this.entries.set(outer, entry);
    try {
      await Promise.all(entry.parts.map((part) => this.attach(entry, part)));
    } catch (err) {
      outer.end();
      await this.remove(outer);
      throw err;
    }
    return outer;
  }

  /** SubscriptionOwner: the user unsubscribed. */
  async remove(subscription: Subscription): Promise<void> {
    const entry = this.entries.get(subscription);
    if (entry === undefined) return;
    this.entries.delete(subscription);
    const closing: Promise<void>[] = [];
    for (const part of entry.parts) {
      if (part.inner !== undefined) closing.push(part.inner.unsubscribe().catch(() => {}));
    }
    await Promise.all(closing);
  }

  /** After a topology change: move every part whose node or slot owner changed, or that the server ended. */
  rebalance(): void {
    if (this.closed) return;
    for (const entry of this.entries.values()) {
      for (const part of entry.parts) {
        if (part.moving) continue;
        const wanted = this.targetOf(part);
        if (wanted !== part.node || part.inner?.active !== true) void this.move(entry, part);
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) entry.outer.end();
    this.entries.clear();
  }

  private targetOf(part: Part<N>): N | undefined {
    return this.host.target(part.slot, part.node);
  }

  private async attach(entry: Entry<N>, part: Part<N>): Promise<void> {
    const node = this.targetOf(part);
    if (node === undefined || node.isRetired) throw new ClientClosedError('There is no node to subscribe on.');
    part.node = node;
    const forward = (message: PubSubMessage) => entry.outer.deliver(message);
    const client = node.client;
    const inner =
      entry.kind === 'shard'
        ? await client.ssubscribe(part.names, forward)
        : entry.kind === 'pattern'
          ? await client.psubscribe(part.names, forward)
          : await client.subscribe(part.names, forward);
    if (!this.entries.has(entry.outer) || part.node !== node) {
      await inner.unsubscribe(); // unsubscribed or moved again meanwhile
      return;
    }
    part.inner = inner;
  }

  private async move(entry: Entry<N>, part: Part<N>): Promise<void> {
    part.moving = true;
    const old = part.inner;
    part.inner = undefined;
    try {
      await this.attach(entry, part);
    } catch {
      // The next topology refresh tries again (part.inner stays undefined).
      this.host.retrySoon();
    } finally {
      part.moving = false;
    }
    if (old !== undefined && old !== part.inner) await old.unsubscribe().catch(() => {});
  }
}
