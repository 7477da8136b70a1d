/**
 * A client for a Redis deployment watched by Sentinel: one RedisClient (one pool) on the current master
 * (or on one replica, with `role: 'replica'`), found by asking any reachable sentinel.
 *
 *   discovering ──▶ serving(address) ──(+switch-master, or errors and the sentinels name another address)──▶ serving(new)
 *                                      the old client is closed: queued commands fail with ClientClosedError
 *                                      and are sent again to the new address; written ones finish or fail
 *
 * A command that fails during a failover (connection lost, READONLY from a demoted master, or the old
 * client closed under it) is sent again once the sentinels name the new master — within `failoverTimeout` —
 * when it had not run (never written, READONLY) or cannot do harm twice (read-only, or `idempotent: true`).
 * Other commands fail with their error at once.
 */
import { CommandView, DispatchingCommands, type CommandDispatcher } from '../client/async-commands.js';
import type { Implements } from '../internal/implements.js';
import { RedisClient } from '../client/client.js';
import type { CallOptions } from '../client/pending.js';
import type { PinnedConnection } from '../client/pinned.js';
import { decide, retryBackoff } from '../client/policy.js';
import type { MessageListener, Subscription } from '../client/subscription.js';
import { CommandFlags, type Command } from '../commands/command.js';
import { ClientClosedError, ConnectionError, InvalidArgumentError, ReplyError } from '../errors.js';
import { resolveClientOptions, type ResolvedClientOptions } from '../options.js';
import { inspectClient, redactOptions } from '../options-secrets.js';
import { inspect, type InspectOptions } from 'node:util';
import type { RedisArg, RespValue } from '../resp/types.js';
import { formatAddress, type NodeClientOptions } from './cluster-options.js';
import { MovingSubscriber } from './cluster-pubsub.js';
import { asNodeFailure, failedBeforeSending } from './job.js';
import { fields, pickReplica, SentinelBatch, sleep, toAddress, toList } from './sentinel-parts.js';
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
  readonly role: 'master' | 'replica';
  private readonly nodeOptions: NodeClientOptions;
  private readonly template: ResolvedClientOptions;
  private readonly sentinelAuth: { username?: string; password?: string };
  private readonly failoverTimeout: number;
  private sentinels: NodeAddress[];
  private readonly sentinelClients = new Map<string, RedisClient>();
  private served: ServedNode | undefined;
  private discovering: Promise<ServedNode> | undefined;
  private switchWatch: Subscription | undefined;
  private watching = false;
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
    this.role = role ?? 'master';
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
    const { masterName, role, address, closed, sentinels, nodeOptions, sentinelAuth } = this;
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

  with(options: CallOptions): CommandView {
    return new CommandView(this, options);
  }

  /** @internal */
  dispatch<T>(command: Command<T>, options: CallOptions | undefined): Promise<T> {
    return this.run(command, options, false);
  }

  /** @internal sendCommand's path: any command, on the current node; after a failover sent again only if `idempotent`. */
  dispatchRaw(args: RedisArg[], options: (CallOptions & { buffers?: boolean }) | undefined): Promise<unknown> {
    if (!Array.isArray(args) || args.length === 0) {
      return Promise.reject(new InvalidArgumentError('sendCommand expects a non-empty array of arguments.'));
    }
    return this.run({ args, decode: undefined, flags: CommandFlags.NONE }, options, true);
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

  private async discover(): Promise<ServedNode> {
    let lastError: unknown;
    for (const sentinel of [...this.sentinels]) {
      if (this.isClosed) throw new ClientClosedError();
      try {
        const client = this.sentinelClient(sentinel);
        const timeout = Math.max(500, Math.min(this.template.dialTimeout, 3000));
        const reply = await client.sendCommand(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName], { timeout });
        if (!Array.isArray(reply) || reply.length < 2) {
          lastError = new ReplyError(`sentinel ${formatAddress(sentinel)} does not know master "${this.masterName}"`);
          continue;
        }
        let target: NodeAddress = { host: String(reply[0]), port: Number(reply[1]) };
        if (this.role === 'replica') {
          const replicas = await client.sendCommand(['SENTINEL', 'REPLICAS', this.masterName], { timeout });
          target = pickReplica(replicas as RespValue) ?? target;
        }
        // The sentinel that answered goes first next time.
        this.sentinels = [sentinel, ...this.sentinels.filter((s) => s !== sentinel)];
        void this.learnSentinels(client, timeout);
        void this.watchSwitches();
        return this.serve(target);
      } catch (err) {
        lastError = err;
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    throw new ConnectionError(
      `No sentinel of ${this.sentinels.length} could name master "${this.masterName}" (last error: ${reason}).`,
      { cause: lastError },
    );
  }

  /** Switches to `target` (unless it is already served): a new client there, the old one closed. */
  private serve(target: NodeAddress): ServedNode {
    const current = this.served;
    if (current !== undefined && formatAddress(current.address) === formatAddress(target)) return current;
    const node = new ServedNode(target, new RedisClient({ ...this.nodeOptions, ...target }));
    this.served = node;
    if (current !== undefined) {
      current.isRetired = true;
      current.client.close().catch(() => {});
    }
    this.subscriber.rebalance();
    return node;
  }

  /** Follows `+switch-master` on one sentinel; error-driven rediscovery covers a lost sentinel. */
  private async watchSwitches(): Promise<void> {
    if (this.watching || this.switchWatch?.active === true || this.isClosed) return;
    this.watching = true;
    try {
      this.switchWatch = await this.sentinelClient(this.sentinels[0]!).subscribe('+switch-master', (m) => {
        const [name, , , host, port] = m.message.split(' ');
        if (name !== this.masterName || host === undefined) return;
        if (this.role === 'master') this.serve({ host, port: Number(port) });
        else void this.rediscover().catch(() => {});
      });
    } catch {
      this.switchWatch = undefined; // tried again at the next discovery
    } finally {
      this.watching = false;
    }
  }

  /** Adds the other sentinels that watch this master to the list asked. */
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
    } catch {
      // the list stays as it is
    }
  }

  private sentinelClient(address: NodeAddress): RedisClient {
    const key = formatAddress(address);
    let client = this.sentinelClients.get(key);
    if (client === undefined) {
      const t = this.template;
      client = new RedisClient({
        ...address,
        ...this.sentinelAuth,
        protocol: t.protocol,
        dialTimeout: t.dialTimeout,
        readTimeout: t.readTimeout,
        poolSize: 2,
        blockingPoolSize: 0,
        maxRetries: 1,
        ...(t.tls !== undefined ? { tls: t.tls } : {}),
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
