/**
 * A client for a Redis deployment watched by Sentinel: one RedisClient (one pool) on the current master
 * (or on one replica, with `role: 'replica'`), found by asking any reachable sentinel.
 *
 *   discovering ──▶ serving(address) ──(a sentinel announces a new master, or the sentinels agree on one)──▶ serving(new)
 *                                      the old client is closed: queued commands fail with ClientClosedError
 *                                      and are sent again to the new address; written ones finish or fail
 *
 * Every known sentinel is watched (`+switch-master`, and the leader's `+promoted-slave`, which comes
 * first): after a failover the old master stays writable until the sentinels convert it, so every write
 * sent there meanwhile is acknowledged and then lost — the client must hear the first announcement,
 * whichever sentinel makes it. Once a second the sentinels are also asked where the master is (the
 * backstop for announcements missed while a watch was down).
 *
 * A command that fails during a failover (connection lost, READONLY from a demoted master, or the old
 * client closed under it) is sent again once the sentinels name the new master — within `failoverTimeout` —
 * when it had not run (never written, READONLY) or cannot do harm twice (read-only, or `idempotent: true`).
 * Other commands fail with their error at once.
 */
import { CommandView, DispatchingCommands, type CommandDispatcher } from '../client/async-commands.js';
import type { Implements } from '../internal/implements.js';
import { RedisClient, sharedPathRefusal } from '../client/client.js';
import { rawCommand } from '../commands/raw.js';
import type { CallOptions } from '../client/pending.js';
import type { PinnedConnection } from '../client/pinned.js';
import { decide, retryBackoff } from '../client/policy.js';
import type { MessageListener, Subscription } from '../client/subscription.js';
import { CommandFlags, type Command } from '../commands/command.js';
import { ClientClosedError, ConnectionError, InvalidArgumentError, ReplyError } from '../errors.js';
import { resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from '../options.js';
import { openConnection } from '../client/open-connection.js';
import { inspectClient, redactOptions } from '../options-secrets.js';
import { inspect, type InspectOptions } from 'node:util';
import type { RedisArg, RespValue } from '../resp/types.js';
import { formatAddress, type NodeClientOptions } from './cluster-options.js';
import { MovingSubscriber } from './cluster-pubsub.js';
import { asNodeFailure, failedBeforeSending } from './job.js';
import {
  fields,
  healthyReplicas,
  masterAddressOf,
  parseInstanceEvent,
  parseSwitchMaster,
  SentinelBatch,
  SentinelWatches,
  sleep,
  toAddress,
  toList,
} from './sentinel-parts.js';
import type { NodeAddress } from './topology.js';

export interface SentinelOptions extends NodeClientOptions {
  /** Sentinels to ask: `'host:port'` or `{ host, port }`. Others they know are learnt too. */
  sentinels: readonly (string | NodeAddress)[];
  /** The name the sentinels monitor the master under. */
  masterName: string;
  /** Serve from the master (default) or from one healthy replica (the master when none is healthy). */
  role?: 'master' | 'replica';
  /** Credentials for the sentinels themselves (the other credentials are the data nodes'). */
  sentinelUsername?: string;
  sentinelPassword?: string;
  /** How long a command that may be sent again waits for the new master during a failover, ms. Default 15000. */
  failoverTimeout?: number;
}

/** How often the sentinels are asked where the master is, besides listening to their announcements. */
const POLL_INTERVAL_MS = 1000;
/** Every this many polls, the sentinels are asked for the other sentinels again. */
const RELEARN_EVERY_POLLS = 30;
/** Masters left behind that are remembered (a sentinel naming one lags behind). */
const MAX_RETIRED = 16;
/** Role 'master' needs the switches; role 'replica' also follows replicas going down, coming back, appearing. */
const MASTER_CHANNELS = ['+switch-master', '+promoted-slave'];
const REPLICA_CHANNELS = [...MASTER_CHANNELS, '+sdown', '-sdown', '+slave'];

/** The node being served, until a switch retires it. */
class ServedNode {
  isRetired = false;
  constructor(
    readonly address: NodeAddress,
    readonly client: RedisClient,
  ) {}
}

export class SentinelClient extends DispatchingCommands {
  /** @internal */
  protected readonly core: SentinelClient = this;
  /** @internal */
  protected readonly callOptions = undefined;
  readonly masterName: string;
  /** Which node it serves (the `role` option); `role()` is the ROLE command. */
  readonly servedRole: 'master' | 'replica';
  private readonly nodeOptions: NodeClientOptions;
  private readonly template: ResolvedClientOptions;
  private readonly sentinelAuth: { username?: string; password?: string };
  private readonly failoverTimeout: number;
  private sentinels: NodeAddress[];
  private readonly sentinelClients = new Map<string, RedisClient>();
  private served: ServedNode | undefined;
  private discovering: Promise<ServedNode> | undefined;
  private readonly watches: SentinelWatches;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private pollCount = 0;
  /** The master as last named (`host:port`); with role 'replica', the master of the replicas served. */
  private masterAddress: string | undefined;
  /** Masters this client left behind, oldest first. */
  private readonly retired = new Set<string>();
  /** Replicas a sentinel announced subjectively down (`+sdown`) and not back (`-sdown`) since. */
  private readonly downReplicas = new Set<string>();
  private readonly subscriber: MovingSubscriber<ServedNode>;
  private isClosed = false;

  constructor(options: SentinelOptions) {
    super();
    const { sentinels, masterName, role, sentinelUsername, sentinelPassword, failoverTimeout, ...nodeOptions } =
      options;
    if (!Array.isArray(sentinels) || sentinels.length === 0) {
      throw new InvalidArgumentError(
        'Invalid option sentinels: expected a non-empty array of "host:port" or { host, port }.',
      );
    }
    if (typeof masterName !== 'string' || masterName === '') {
      throw new InvalidArgumentError('Invalid option masterName: expected the name the sentinels monitor.');
    }
    if (role !== undefined && role !== 'master' && role !== 'replica') {
      throw new InvalidArgumentError(`Invalid option role: expected 'master' or 'replica', got ${String(role)}`);
    }
    for (const key of ['url', 'host', 'port', 'path']) {
      if ((nodeOptions as Record<string, unknown>)[key] !== undefined) {
        throw new InvalidArgumentError(
          `Invalid option ${key}: a sentinel client learns its address from the sentinels.`,
        );
      }
    }
    this.sentinels = sentinels.map(toAddress);
    this.masterName = masterName;
    this.servedRole = role ?? 'master';
    this.failoverTimeout = failoverTimeout ?? 15_000;
    if (!Number.isFinite(this.failoverTimeout) || this.failoverTimeout < 0) {
      throw new InvalidArgumentError(
        `Invalid option failoverTimeout: expected milliseconds >= 0, got ${failoverTimeout}`,
      );
    }
    this.nodeOptions = nodeOptions;
    this.template = resolveClientOptions({ ...nodeOptions, ...this.sentinels[0]! });
    this.sentinelAuth = {
      ...(sentinelUsername !== undefined ? { username: sentinelUsername } : {}),
      ...(sentinelPassword !== undefined ? { password: sentinelPassword } : {}),
    };
    this.watches = new SentinelWatches(
      {
        open: (address, signal) =>
          openConnection(
            resolveClientOptions(this.sentinelConnection(address)),
            AbortSignal.any([AbortSignal.timeout(this.template.dialTimeout), signal]),
          ),
        announce: (channel, message) => this.announce(channel, message),
      },
      this.servedRole === 'master' ? MASTER_CHANNELS : REPLICA_CHANNELS,
      POLL_INTERVAL_MS,
    );
    this.subscriber = new MovingSubscriber<ServedNode>({
      ready: async () => void (await this.node()),
      partOf: () => -1,
      target: () => this.served,
      retrySoon: () => void this.rediscover().catch(() => {}),
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** What `JSON.stringify` and `util.inspect` show: public facts, secrets `[redacted]`, no internals. */
  toJSON(): Record<string, unknown> {
    const { masterName, servedRole: role, address, closed, sentinels, nodeOptions, sentinelAuth } = this;
    return redactOptions({ masterName, role, address, closed, sentinels, nodeOptions, sentinelAuth }) as Record<
      string,
      unknown
    >;
  }

  [inspect.custom](depth: number, options: InspectOptions): string {
    return inspectClient(this, depth, options);
  }

  /** The address served now (`host:port`), or undefined before the first discovery. */
  get address(): string | undefined {
    return this.served === undefined ? undefined : formatAddress(this.served.address);
  }

  /** The sentinels (`host:port`) whose announcements this client hears now. */
  get watchedSentinels(): string[] {
    return this.watches.subscribed;
  }

  with(options: CallOptions): CommandView {
    return new CommandView(this, options);
  }

  /** @internal */
  dispatch<T>(command: Command<T>, options: CallOptions | undefined): Promise<T> {
    return this.run(command, options, false);
  }

  /** @internal sendCommand's path: any command, on the current node; after a failover sent again only if `idempotent`. */
  dispatchRaw(args: RedisArg[], options: (CallOptions & { buffers?: boolean }) | undefined): Promise<unknown> {
    // The registry's facts (read-only: may be resent after a failover) and its refusals, as on every path.
    const command = rawCommand(args, options?.buffers === true);
    const refusal = sharedPathRefusal(command);
    if (refusal !== undefined) return Promise.reject(refusal);
    return this.run(command, options, true);
  }

  private run<T>(
    command: Command<T>,
    options: (CallOptions & { buffers?: boolean }) | undefined,
    raw: boolean,
  ): Promise<T> {
    if (this.isClosed) return Promise.reject(new ClientClosedError());
    const send = (node: ServedNode): Promise<T> =>
      raw ? (node.client.sendCommand(command.args, options) as Promise<T>) : node.client.dispatch(command, options);
    const node = this.served;
    if (node === undefined)
      return this.node().then((n) => this.sendWithRecovery(n, send, command, options, Date.now()));
    return send(node).then(undefined, (err) => this.recover(err, node, send, command, options, Date.now()));
  }

  private sendWithRecovery<T>(
    node: ServedNode,
    send: (node: ServedNode) => Promise<T>,
    command: Command<T>,
    options: CallOptions | undefined,
    started: number,
  ): Promise<T> {
    return send(node).then(undefined, (err) => this.recover(err, node, send, command, options, started));
  }

  private async recover<T>(
    error: unknown,
    node: ServedNode,
    send: (node: ServedNode) => Promise<T>,
    command: Command,
    options: CallOptions | undefined,
    started: number,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (this.isClosed) throw new ClientClosedError();
      error = asNodeFailure(error, { isRetired: node.isRetired, address: formatAddress(node.address) });
      const decision = decide(error, {
        written: !failedBeforeSending(error),
        mayRunTwice: (command.flags & CommandFlags.READONLY) !== 0 || options?.idempotent === true,
        // Commands that may go again wait for the new master up to failoverTimeout, however many attempts that takes.
        retriesLeft: Date.now() - started > this.failoverTimeout ? 0 : 1,
      });
      if (decision.action !== 'retry' && decision.action !== 'retry-elsewhere') throw error;
      if (!node.isRetired || this.served === node) {
        // The node failed or refused: wait a little, then ask the sentinels where the master is now.
        await sleep(retryBackoff(attempt, 50, 500));
        await this.rediscover().catch(() => {});
      }
      const next = this.served ?? (await this.node());
      try {
        return await send(next);
      } catch (err) {
        error = err;
        node = next;
      }
    }
  }

  /** The node served now, discovering it first if needed. */
  private node(): Promise<ServedNode> {
    if (this.served !== undefined) return Promise.resolve(this.served);
    return this.rediscover();
  }

  /** Asks the sentinels again (one question at a time; callers meanwhile share it). */
  rediscover(): Promise<ServedNode> {
    if (this.isClosed) return Promise.reject(new ClientClosedError());
    this.discovering ??= this.discover().finally(() => (this.discovering = undefined));
    return this.discovering;
  }

  /**
   * Asks the sentinels in turn for the master. One that names a master this client already left behind
   * has not heard of the switch yet: the next one is asked, and the old address is taken back only when a
   * majority of the sentinels name it.
   */
  private async discover(): Promise<ServedNode> {
    let lastError: unknown;
    let lagging: { sentinel: NodeAddress; master: NodeAddress; votes: number } | undefined;
    for (const sentinel of [...this.sentinels]) {
      if (this.isClosed) throw new ClientClosedError();
      try {
        const master = await this.askMaster(sentinel);
        if (master === undefined) {
          lastError = new ReplyError(`sentinel ${formatAddress(sentinel)} does not know master "${this.masterName}"`);
          continue;
        }
        if (!this.retired.has(formatAddress(master))) return await this.settle(sentinel, master);
        if (lagging === undefined) lagging = { sentinel, master, votes: 0 };
        if (formatAddress(lagging.master) === formatAddress(master)) lagging.votes++;
      } catch (err) {
        lastError = err;
      }
    }
    if (lagging !== undefined && lagging.votes > this.sentinels.length / 2) {
      return this.settle(lagging.sentinel, lagging.master);
    }
    // No better answer than the node served: keep it (commands that failed there back off and ask again).
    if (this.served !== undefined && lagging !== undefined) return this.served;
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new ConnectionError(
      `No sentinel of ${this.sentinels.length} could name master "${this.masterName}" (last error: ${reason}).`,
      { cause: lastError },
    );
  }

  /** Serves what `sentinel` names (the master, or one of its replicas), and keeps watching every sentinel. */
  private async settle(sentinel: NodeAddress, master: NodeAddress): Promise<ServedNode> {
    const client = this.sentinelClient(sentinel);
    const timeout = this.sentinelTimeout();
    this.masterAddress = formatAddress(master);
    this.retired.delete(this.masterAddress);
    let target = master;
    if (this.servedRole === 'replica') {
      const replicas = await client.sendCommand(['SENTINEL', 'REPLICAS', this.masterName], { timeout });
      target = this.chooseReplica(healthyReplicas(replicas as RespValue)) ?? master;
    }
    // The sentinel that answered goes first next time.
    this.sentinels = [sentinel, ...this.sentinels.filter((s) => s !== sentinel)];
    this.watches.add(this.sentinels);
    void this.learnSentinels(client, timeout);
    this.startPolling();
    return this.serve(target);
  }

  /** The replica served now if it is still healthy (no needless move), else a random healthy one. */
  private chooseReplica(healthy: NodeAddress[]): NodeAddress | undefined {
    const usable = healthy.filter((r) => {
      const key = formatAddress(r);
      return !this.downReplicas.has(key) && key !== this.masterAddress;
    });
    const current = this.served === undefined ? undefined : formatAddress(this.served.address);
    return usable.find((r) => formatAddress(r) === current) ?? usable[Math.floor(Math.random() * usable.length)];
  }

  /** Switches to `target` (unless it is already served): a new client there; the old one drains and closes. */
  private serve(target: NodeAddress): ServedNode {
    const current = this.served;
    const key = formatAddress(target);
    if (current !== undefined && formatAddress(current.address) === key) return current;
    const node = new ServedNode(target, new RedisClient({ ...this.nodeOptions, ...target }));
    this.served = node;
    if (current !== undefined) {
      // A replica served before is no former master: only masters left behind mark lagging sentinels.
      if (this.servedRole === 'master') this.retire(formatAddress(current.address));
      current.isRetired = true;
      // close() lets commands already written there finish; queued ones fail inside and are sent to `node`.
      current.client.close().catch(() => {});
    }
    this.subscriber.rebalance();
    return node;
  }

  /** Remembers a master left behind, so that a sentinel still naming it is known to lag. */
  private retire(address: string): void {
    this.retired.delete(address);
    this.retired.add(address);
    if (this.retired.size > MAX_RETIRED) this.retired.delete(this.retired.values().next().value!);
  }

  /** A message from one of the watched sentinels. The first announcement of a new master wins; repeats change nothing. */
  private announce(channel: string, message: string): void {
    if (this.isClosed) return;
    if (channel === '+switch-master') {
      const change = parseSwitchMaster(message);
      if (change !== undefined && change.masterName === this.masterName) this.masterMoved(change.from, change.to);
      return;
    }
    const event = parseInstanceEvent(message);
    if (event === undefined || event.masterName !== this.masterName) return;
    if (channel === '+promoted-slave') {
      // The leader saw the replica take the master role: writes to the old master are lost from here on,
      // and the other sentinels announce +switch-master only after its next hello (the leader itself only
      // when the whole failover ends).
      if (event.type === 'slave') this.masterMoved(event.master, event.address);
      return;
    }
    if (this.servedRole !== 'replica' || event.type !== 'slave') return;
    const key = formatAddress(event.address);
    const served = this.served === undefined ? undefined : formatAddress(this.served.address);
    const onMasterFallback = served !== undefined && served === this.masterAddress;
    if (channel === '+sdown') {
      this.downReplicas.add(key);
      if (key === served) this.rediscoverSoon();
    } else if (channel === '-sdown') {
      this.downReplicas.delete(key);
      if (onMasterFallback) this.rediscoverSoon();
    } else if (channel === '+slave' && onMasterFallback) {
      this.rediscoverSoon();
    }
  }

  private masterMoved(from: NodeAddress, to: NodeAddress): void {
    const key = formatAddress(to);
    if (this.masterAddress === key) return;
    if (formatAddress(from) !== key) this.retire(formatAddress(from));
    this.retired.delete(key);
    this.masterAddress = key;
    if (this.servedRole === 'master') this.serve(to);
    else this.rediscoverSoon(); // the replicas now follow the new master; the one served may have been promoted
  }

  private rediscoverSoon(): void {
    if (this.served !== undefined) void this.rediscover().catch(() => {});
  }

  /** The backstop for missed announcements: every second, ask the sentinels where the master is. */
  private startPolling(): void {
    if (this.pollTimer !== undefined || this.isClosed) return;
    this.pollTimer = setInterval(() => void this.poll(), POLL_INTERVAL_MS);
    this.pollTimer.unref();
  }

  /**
   * One sentinel a second (in turn) is asked; only when it names another master are all of them asked,
   * so that one lagging or mistaken sentinel cannot move the client.
   */
  private async poll(): Promise<void> {
    if (this.polling || this.isClosed || this.served === undefined) return;
    this.polling = true;
    try {
      let answering = this.sentinels.filter((s) => this.watches.isAnswering(s));
      if (answering.length === 0) answering = [...this.sentinels];
      const asked = answering[this.pollCount++ % answering.length]!;
      const named = await this.askMaster(asked).catch(() => undefined);
      if (this.isClosed) return;
      if (named !== undefined && formatAddress(named) !== this.masterAddress) {
        const answers = await Promise.all(answering.map((s) => this.askMaster(s).catch(() => undefined)));
        if (this.isClosed) return;
        const master = this.agreedMaster(answers.filter((a): a is NodeAddress => a !== undefined));
        if (master !== undefined) this.masterMoved(master, master);
      }
      if (this.servedRole === 'replica' && this.needsAnotherReplica()) this.rediscoverSoon();
      if (this.pollCount % RELEARN_EVERY_POLLS === 0) {
        await this.learnSentinels(this.sentinelClient(asked), this.sentinelTimeout());
      }
    } finally {
      this.polling = false;
    }
  }

  /**
   * A new master the answering sentinels agree on, or undefined. Sentinels that disagree are mid-failover
   * (the announcements settle that); a master this client left behind needs a majority of all sentinels.
   */
  private agreedMaster(named: NodeAddress[]): NodeAddress | undefined {
    const first = named[0];
    if (first === undefined) return undefined;
    const key = formatAddress(first);
    if (key === this.masterAddress || named.some((a) => formatAddress(a) !== key)) return undefined;
    if (this.retired.has(key) && named.length <= this.sentinels.length / 2) return undefined;
    return first;
  }

  /** Role 'replica': serving the master for want of a replica, or a replica a sentinel reported down. */
  private needsAnotherReplica(): boolean {
    const served = this.served === undefined ? undefined : formatAddress(this.served.address);
    return served === this.masterAddress || (served !== undefined && this.downReplicas.has(served));
  }

  private async askMaster(sentinel: NodeAddress): Promise<NodeAddress | undefined> {
    const reply = await this.sentinelClient(sentinel).sendCommand(
      ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName],
      { timeout: this.sentinelTimeout() },
    );
    return masterAddressOf(reply);
  }

  private sentinelTimeout(): number {
    return Math.max(500, Math.min(this.template.dialTimeout, 3000));
  }

  /** Adds the other sentinels that watch this master to the list asked and watched. */
  private async learnSentinels(client: RedisClient, timeout: number): Promise<void> {
    try {
      const reply = await client.sendCommand(['SENTINEL', 'SENTINELS', this.masterName], { timeout });
      for (const item of Array.isArray(reply) ? (reply as RespValue[]) : []) {
        const f = fields(item);
        const address = { host: String(f.get('ip')), port: Number(f.get('port')) };
        if (
          !Number.isInteger(address.port) ||
          this.sentinels.some((s) => formatAddress(s) === formatAddress(address))
        ) {
          continue;
        }
        this.sentinels.push(address);
      }
      if (!this.isClosed) this.watches.add(this.sentinels);
    } catch {
      // the list stays as it is
    }
  }

  /** A connection to the sentinel at `address`: its own credentials, the data nodes' transport and timeouts. */
  private sentinelConnection(address: NodeAddress): ClientOptions {
    const t = this.template;
    return {
      ...address,
      ...this.sentinelAuth,
      protocol: t.protocol,
      dialTimeout: t.dialTimeout,
      readTimeout: t.readTimeout,
      ...(t.tls !== undefined ? { tls: t.tls } : {}),
    };
  }

  private sentinelClient(address: NodeAddress): RedisClient {
    const key = formatAddress(address);
    let client = this.sentinelClients.get(key);
    if (client === undefined) {
      client = new RedisClient({
        ...this.sentinelConnection(address),
        poolSize: 2,
        blockingPoolSize: 0,
        maxRetries: 1,
      });
      client.subscribeInBackground(); // its +switch-master watch must not keep a finished script alive
      this.sentinelClients.set(key, client);
    }
    return client;
  }

  pipeline(): SentinelBatch {
    return new SentinelBatch(async (commands) => {
      const pipeline = (await this.node()).client.pipeline();
      for (const c of commands) pipeline.add(c);
      return pipeline.exec();
    });
  }

  multi(): SentinelBatch {
    return new SentinelBatch(async (commands) => {
      const tx = (await this.node()).client.multi();
      for (const c of commands) tx.add(c);
      return tx.exec();
    });
  }

  async withConn<R>(fn: (conn: PinnedConnection) => Promise<R>, options?: { signal?: AbortSignal }): Promise<R> {
    return (await this.node()).client.withConn(fn, options);
  }

  /** Subscriptions follow the served node across switches. */
  subscribe(channels: string | string[], listener?: MessageListener): Promise<Subscription> {
    return this.subscriber.subscribe('channel', toList(channels), listener);
  }

  psubscribe(patterns: string | string[], listener?: MessageListener): Promise<Subscription> {
    return this.subscriber.subscribe('pattern', toList(patterns), listener);
  }

  ssubscribe(channels: string | string[], listener?: MessageListener): Promise<Subscription> {
    return this.subscriber.subscribe('shard', toList(channels), listener);
  }

  /** The served node's pool stats (undefined before the first discovery). */
  poolStats(): ReturnType<RedisClient['poolStats']> | undefined {
    return this.served?.client.poolStats();
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    this.watches.close();
    this.subscriber.close();
    const clients = [...this.sentinelClients.values()];
    if (this.served !== undefined) {
      this.served.isRetired = true;
      clients.push(this.served.client);
    }
    await Promise.all(clients.map((c) => c.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

// What `implements CommandDispatcher` would check (see Implements).
type _SentinelClientContracts = Implements<SentinelClient, CommandDispatcher>;

export function createSentinel(options: SentinelOptions): SentinelClient {
  return new SentinelClient(options);
}
