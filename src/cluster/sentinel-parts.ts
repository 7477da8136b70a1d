/**
 * Pieces of the sentinel client: its pipeline/transaction collector, the watches on the sentinels'
 * announcements, and readers of sentinel replies and messages.
 */
import type { Command } from '../commands/command.js';
import type { openConnection } from '../client/open-connection.js';
import { CommandBatch } from '../client/pipeline.js';
import { retryBackoff } from '../client/policy.js';
import { Liveness } from '../client/pubsub-liveness.js';
import type { ExecReplies } from '../commands/command-set.js';
import { ConnectionError, InvalidArgumentError, type ReplyError } from '../errors.js';
import { redactOptions } from '../options-secrets.js';
import type { RespValue } from '../resp/types.js';
import { formatAddress, parseAddress } from './cluster-options.js';
import type { NodeAddress } from './topology.js';

/** A connection as the client layer opens it (the cluster layer does not reach below the client). */
type Connection = Awaited<ReturnType<typeof openConnection>>;

/** Collects commands, then runs them on the current node's pipeline or transaction. */
export class SentinelBatch<Q = []> extends CommandBatch<Q> {
  declare readonly '~with': SentinelBatch<this['~next']>;

  constructor(private readonly run: (commands: Command[]) => Promise<unknown[]>) {
    super();
  }

  /** Runs on the current master; resolves like the single-node pipeline or transaction. */
  exec(): Promise<ExecReplies<Q, ReplyError>> {
    return this.run(this.commands.splice(0)) as Promise<ExecReplies<Q, ReplyError>>;
  }
}

export function toAddress(value: string | NodeAddress): NodeAddress {
  if (typeof value === 'string') {
    const parsed = parseAddress(value);
    if (parsed !== undefined) return parsed;
  } else if (
    typeof value === 'object' &&
    value !== null &&
    typeof value.host === 'string' &&
    Number.isInteger(value.port)
  ) {
    return { host: value.host, port: value.port };
  }
  throw new InvalidArgumentError(
    `Invalid sentinel ${JSON.stringify(redactOptions(value))}: expected "host:port" or { host, port }.`,
  );
}

export function fields(value: RespValue): Map<string, RespValue> {
  const out = new Map<string, RespValue>();
  if (value instanceof Map) for (const [k, v] of value) out.set(String(k), v);
  else if (Array.isArray(value)) for (let i = 0; i + 1 < value.length; i += 2) out.set(String(value[i]), value[i + 1]!);
  return out;
}

/** The healthy replicas in `SENTINEL REPLICAS`: not down, not disconnected, link to the master up. */
export function healthyReplicas(reply: RespValue): NodeAddress[] {
  const healthy: NodeAddress[] = [];
  for (const item of Array.isArray(reply) ? reply : []) {
    const f = fields(item);
    const flags = String(f.get('flags') ?? '');
    if (/s_down|o_down|disconnected/.test(flags) || String(f.get('master-link-status') ?? 'ok') !== 'ok') continue;
    const port = Number(f.get('port'));
    if (Number.isInteger(port)) healthy.push({ host: String(f.get('ip')), port });
  }
  return healthy;
}

/** The address in a `SENTINEL GET-MASTER-ADDR-BY-NAME` reply; undefined when the sentinel does not know the name. */
export function masterAddressOf(reply: unknown): NodeAddress | undefined {
  if (!Array.isArray(reply) || reply.length < 2) return undefined;
  const port = Number(reply[1]);
  return Number.isInteger(port) ? { host: String(reply[0]), port } : undefined;
}

/** `+switch-master <name> <old-ip> <old-port> <new-ip> <new-port>`. */
export function parseSwitchMaster(
  message: string,
): { masterName: string; from: NodeAddress; to: NodeAddress } | undefined {
  const [masterName, fromHost, fromPort, toHost, toPort] = message.split(' ');
  const from = addressOf(fromHost, fromPort);
  const to = addressOf(toHost, toPort);
  return masterName === undefined || from === undefined || to === undefined ? undefined : { masterName, from, to };
}

/**
 * An instance event (`+sdown`, `-sdown`, `+slave`, `+promoted-slave`, …):
 * `<type> <name> <ip> <port> @ <master-name> <master-ip> <master-port>`, or `master <name> <ip> <port>`.
 */
export interface InstanceEvent {
  readonly type: string;
  readonly address: NodeAddress;
  readonly masterName: string;
  /** The master the instance belongs to (the instance itself for a master). */
  readonly master: NodeAddress;
}

export function parseInstanceEvent(message: string): InstanceEvent | undefined {
  const [type, name, host, port, at, masterName, masterHost, masterPort] = message.split(' ');
  const address = addressOf(host, port);
  if (type === undefined || name === undefined || address === undefined) return undefined;
  if (at !== '@') return type === 'master' ? { type, address, masterName: name, master: address } : undefined;
  const master = addressOf(masterHost, masterPort);
  return masterName === undefined || master === undefined ? undefined : { type, address, masterName, master };
}

function addressOf(host: string | undefined, port: string | undefined): NodeAddress | undefined {
  const n = Number(port);
  return host === undefined || host === '' || !Number.isInteger(n) || n <= 0 ? undefined : { host, port: n };
}

/** What the watches need from the sentinel client. */
export interface SentinelWatchHost {
  /** A connection to the sentinel at `address`, greeted and authenticated. */
  open(address: NodeAddress, signal: AbortSignal): Promise<Connection>;
  /** A message arrived on one of the watched channels. */
  announce(channel: string, message: string, from: NodeAddress): void;
}

/** One sentinel's subscription connection. */
interface Watch {
  readonly address: NodeAddress;
  conn: Connection | undefined;
  opening: boolean;
  /** The sentinel confirmed every channel on the current connection. */
  subscribed: boolean;
  /** Failed attempts since the last subscribed connection: drives the backoff. */
  failures: number;
  retryTimer: NodeJS.Timeout | undefined;
  liveness: Liveness | undefined;
}

/**
 * A subscription to the sentinels' announcements on every known sentinel, so that the first one to
 * announce is heard whichever it is (the failover leader announces `+switch-master` only when the whole
 * failover ends; a dead sentinel announces nothing).
 *
 *   idle ──add()──▶ opening ──ok──▶ subscribed ──connection lost / silent for 2 pings──▶ backing off ──▶ opening
 *                      └──failed──────────────────────────────────────────────────────▶ backing off
 *
 * A failing sentinel is tried again after a backoff that grows to `maxBackoffMs`, not in a tight loop;
 * the other watches go on meanwhile. Timers are unref'ed: watches never keep a process alive.
 */
export class SentinelWatches {
  private readonly watches = new Map<string, Watch>();
  private readonly closing = new AbortController();

  constructor(
    private readonly host: SentinelWatchHost,
    private readonly channels: readonly string[],
    private readonly pingIntervalMs: number,
    private readonly maxBackoffMs = 10_000,
  ) {}

  /** Watches each sentinel in `addresses` that is not watched yet. */
  add(addresses: readonly NodeAddress[]): void {
    if (this.closing.signal.aborted) return;
    for (const address of addresses) {
      const key = formatAddress(address);
      if (this.watches.has(key)) continue;
      const watch: Watch = {
        address,
        conn: undefined,
        opening: false,
        subscribed: false,
        failures: 0,
        retryTimer: undefined,
        liveness: undefined,
      };
      this.watches.set(key, watch);
      this.connect(watch);
    }
  }

  /** The sentinels (`host:port`) whose watch is subscribed now. */
  get subscribed(): string[] {
    return [...this.watches.entries()].filter(([, w]) => w.subscribed).map(([key]) => key);
  }

  /** False while the sentinel's watch keeps failing: not worth asking until it connects again. */
  isAnswering(address: NodeAddress): boolean {
    const watch = this.watches.get(formatAddress(address));
    return watch === undefined || watch.subscribed || watch.failures === 0;
  }

  close(): void {
    this.closing.abort(new ConnectionError('The sentinel client was closed.'));
    for (const watch of this.watches.values()) {
      if (watch.retryTimer !== undefined) clearTimeout(watch.retryTimer);
      watch.retryTimer = undefined;
      watch.liveness?.stop();
      const conn = watch.conn;
      watch.conn = undefined;
      if (conn !== undefined) {
        conn.owner = undefined;
        conn.close();
      }
    }
  }

  private connect(watch: Watch): void {
    if (this.closing.signal.aborted || watch.opening || watch.conn !== undefined) return;
    watch.opening = true;
    this.host.open(watch.address, this.closing.signal).then(
      (conn) => {
        watch.opening = false;
        if (this.closing.signal.aborted) conn.close();
        else if (conn.closed) this.retryLater(watch);
        else this.adopt(watch, conn);
      },
      () => {
        watch.opening = false;
        this.retryLater(watch);
      },
    );
  }

  private adopt(watch: Watch, conn: Connection): void {
    watch.conn = conn;
    conn.unref(); // a watch runs in the background: it never keeps the process alive
    let confirmations = 0;
    const liveness = new Liveness(
      this.pingIntervalMs,
      () => conn.writeWithoutReply(['PING']),
      () =>
        conn.destroy(
          new ConnectionError(`Sentinel ${conn.address} did not answer PING within ${this.pingIntervalMs} ms.`),
        ),
    );
    watch.liveness = liveness;
    conn.pubSubMode = true;
    conn.onPush = (frame) => {
      liveness.sawTraffic();
      const head = frame[0];
      if (head instanceof Error) {
        // The sentinel refused the SUBSCRIBE (an ACL, say): this watch cannot work; back off.
        conn.destroy(new ConnectionError(`Sentinel ${conn.address} refused the subscription: ${head.message}`));
        return;
      }
      const kind = String(head);
      if (kind === 'subscribe' && ++confirmations === this.channels.length) {
        watch.subscribed = true;
        watch.failures = 0;
      } else if (kind === 'message' && frame.length >= 3) {
        this.host.announce(String(frame[1]), String(frame[2]), watch.address);
      }
    };
    conn.owner = {
      connectionDrained: () => {},
      connectionClosed: () => {
        if (watch.conn !== conn) return;
        watch.conn = undefined;
        watch.subscribed = false;
        liveness.stop();
        this.retryLater(watch);
      },
    };
    conn.writeWithoutReply(['SUBSCRIBE', ...this.channels]);
    liveness.start();
  }

  private retryLater(watch: Watch): void {
    if (this.closing.signal.aborted || watch.retryTimer !== undefined) return;
    const delay = retryBackoff(watch.failures++, 100, this.maxBackoffMs);
    watch.retryTimer = setTimeout(() => {
      watch.retryTimer = undefined;
      this.connect(watch);
    }, delay);
    watch.retryTimer.unref();
  }
}

export function toList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
