/**
 * Routes one command to the node that serves its slot, and follows the cluster's answers:
 *
 *   pick node ──send──▶ reply ─────────────────────────────────────────────▶ caller
 *                        └─ failure: policy.ts's decide() says
 *                           ├─ redirect (MOVED)  → slot map patched, refresh scheduled, sent to the new owner
 *                           ├─ ask (ASK)         → ASKING + command on one connection of the target; map unchanged
 *                           ├─ retry / retry-elsewhere (TRYAGAIN, CLUSTERDOWN, a node that left the topology,
 *                           │   a connection failure that cannot run a write twice) → backoff, refresh, picked again
 *                           └─ fail → the caller
 *   at most `maxRedirects` times, then the last error goes to the caller.
 *
 * The topology refresh is one promise shared by everyone who asks while it runs; triggered refreshes
 * are spaced at least MIN_REFRESH_GAP_MS apart. A load asks one node, and a second one too when the first
 * is silent for TOPOLOGY_HEDGE_MS; the first good answer wins.
 *
 * A hung node (SIGSTOP, a stuck host) refuses nothing: it only stays silent. A node becomes suspect when a
 * command to it times out, or when commands wait on it and no reply has come for about a second. Then:
 * commands for its slots are held here (not sent: they cannot become writes of unknown outcome) until the
 * topology names another master, the node answers again (a reply, or a PING the router sends), or their
 * time budget ends; reads with replica routing avoid it; the topology is read again every
 * MIN_REFRESH_GAP_MS, asking the suspect master's replicas first (the promoted one knows first); when the
 * topology drops it, its connections are destroyed (see ClusterNode.retire).
 */
import { decide, retryBackoff } from '../client/policy.js';
import { CommandFlags } from '../commands/command.js';
import {
  AskError,
  ClientClosedError,
  ConnectionError,
  MovedError,
  RedisError,
  ReplyError,
  TimeoutError,
} from '../errors.js';
import type { ResolvedClusterOptions } from './cluster-options.js';
import { mergeReplies, type FanOut } from './command-keys.js';
import { asNodeFailure, failedBeforeSending, nodeLeftError, withRemaining, type Job } from './job.js';
import { NodeSet, type ClusterNode } from './nodes.js';
import { parseClusterShards, parseClusterSlots, SlotMap, type Shard, type ShardDescription } from './topology.js';

const MIN_REFRESH_GAP_MS = 200;
/** A node that failed a dial or a command is avoided for reads this long. */
const AVOID_MS = 1000;
/** A topology load asks a second node when the first has not answered this fast: a hung node cannot hold it. */
const TOPOLOGY_HEDGE_MS = 100;
/** Stall check period; a node is suspect after STALL_CHECKS checks in a row found it silent while waited on. */
const STALL_CHECK_MS = 250;
const STALL_CHECKS = 4;
/** After a node becomes suspect, the topology is read every MIN_REFRESH_GAP_MS for this long. */
const SUSPECT_WATCH_MS = 30_000;
/** The PING that asks a suspect node whether it answers again. */
const PROBE_TIMEOUT_MS = 1000;
const PROBE_RETRY_MS = 250;
/** A held command looks at its target again at least this often. */
const HOLD_RECHECK_MS = 1000;

export class ClusterRouter {
  readonly slots = new SlotMap<ClusterNode>();
  readonly nodes: NodeSet;
  /** Called after each topology change (pub/sub moves its subscriptions). */
  onTopologyChange: (() => void) | undefined;
  private refreshing: Promise<void> | undefined;
  private queued: { job: Job; resolve: (value: unknown) => void; reject: (reason: unknown) => void }[] = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly periodic: NodeJS.Timeout | undefined;
  private lastRefreshAt = 0;
  private shardsUnsupported = false;
  private closed = false;
  /** Nodes suspected of hanging, in or out of the current topology. */
  private readonly suspects = new Set<ClusterNode>();
  /** Commands held because their target is suspect; woken on each topology load and each cleared suspicion. */
  private changeWaiters: (() => void)[] = [];
  private readonly stallTimer: NodeJS.Timeout;
  private lastStallCheckAt = performance.now();

  constructor(readonly options: ResolvedClusterOptions) {
    this.nodes = new NodeSet(options.nodeOptions, options.readRouting !== 'master', options.mapAddress, (node) =>
      this.nodeFailed(node),
    );
    if (options.topologyRefreshInterval > 0) {
      this.periodic = setInterval(() => this.scheduleRefresh(), options.topologyRefreshInterval);
      this.periodic.unref();
    }
    this.stallTimer = setInterval(() => this.checkStalls(), STALL_CHECK_MS);
    this.stallTimer.unref();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sends a job to the node its slot maps to now, following redirects. Jobs wait in one queue until the
   * event loop's check phase (setImmediate), then go to their nodes together: replies from several nodes
   * arrive in separate I/O callbacks, and without this each callback's few follow-up commands would make
   * their own tiny batch on their own connection (measured: batches of ~1 command, 10x fewer ops/s).
   */
  run<T>(job: Job<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ job, resolve: resolve as (value: unknown) => void, reject });
      if (this.queued.length === 1) setImmediate(this.flushQueued);
    });
  }

  private readonly flushQueued = (): void => {
    const queued = this.queued;
    this.queued = [];
    for (const { job, resolve, reject } of queued) {
      try {
        const node = this.pick(job.slot, job.readOnly);
        if (node === undefined || node.isSuspect) {
          this.runLater(job).then(resolve, reject);
        } else {
          this.send(node, job).then(resolve, (error) => this.recover(error, job, node).then(resolve, reject));
        }
      } catch (err) {
        reject(err); // never leave the rest of the queue behind
      }
    }
  };

  /** Once a topology is known and the job's target is not suspect (or its wait is over). */
  private async runLater<T>(job: Job<T>): Promise<T> {
    await this.ready();
    const node = await this.target(job, undefined);
    try {
      return await this.send(node, job);
    } catch (error) {
      return this.recover(error, job, node);
    }
  }

  /**
   * The node for `job` now; while that node is suspect, waits for the topology to name another, for the
   * node to answer again, or for the job's time budget (its call timeout, else readTimeout) to end — then
   * a TimeoutError says the command was not sent.
   */
  private async target(job: Job, fallback: ClusterNode | undefined): Promise<ClusterNode> {
    let node = this.pick(job.slot, job.readOnly) ?? fallback;
    if (node === undefined) throw noSlotsError();
    if (!node.isSuspect) return node;
    const heldAt = Date.now();
    const readTimeout = this.options.template.readTimeout;
    const until =
      job.deadline !== Number.POSITIVE_INFINITY
        ? job.deadline
        : readTimeout > 0
          ? heldAt + readTimeout
          : Number.POSITIVE_INFINITY;
    for (;;) {
      if (Date.now() >= until) throw heldTooLongError(job, node, Date.now() - heldAt);
      await this.nextChange(until);
      if (this.closed) throw new ClientClosedError();
      node = this.pick(job.slot, job.readOnly) ?? node;
      if (!node.isSuspect) return node;
    }
  }

  private nextChange(until: number): Promise<void> {
    return new Promise((resolve) => {
      // Not unref'ed: a caller awaits this command.
      const timer = setTimeout(resolve, Math.max(0, Math.min(until - Date.now(), HOLD_RECHECK_MS)));
      this.changeWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wakeHeld(): void {
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves once a topology is known (loading it if needed). */
  ready(): Promise<void> {
    if (!this.slots.empty) return Promise.resolve();
    return this.refresh();
  }

  /** The node for a slot: its master, or for reads a node chosen by the read routing; a random master when unknown. */
  pick(slot: number, readOnly: boolean): ClusterNode | undefined {
    const shard = slot < 0 ? undefined : this.slots.shardOf(slot);
    if (shard === undefined) return this.randomMaster();
    if (!readOnly || shard.replicas.length === 0) return shard.master;
    return this.pickReader(shard);
  }

  private pickReader(shard: Shard<ClusterNode>): ClusterNode {
    const now = Date.now();
    const usable = (n: ClusterNode) => n.avoidUntil <= now && !n.isSuspect;
    switch (this.options.readRouting) {
      case 'replica': {
        const replicas = shard.replicas.filter(usable);
        return replicas.length === 0 ? shard.master : replicas[Math.floor(Math.random() * replicas.length)]!;
      }
      case 'random': {
        const all = [shard.master, ...shard.replicas].filter(usable);
        return all.length === 0 ? shard.master : all[Math.floor(Math.random() * all.length)]!;
      }
      case 'latency': {
        let best = usable(shard.master) ? shard.master : undefined;
        for (const n of shard.replicas) if (usable(n) && (best === undefined || n.latency < best.latency)) best = n;
        return best ?? shard.master;
      }
      default:
        return shard.master;
    }
  }

  /** A random master, not a suspect one while another is available. */
  randomMaster(): ClusterNode | undefined {
    const shards = this.slots.shards;
    if (shards.length === 0) return undefined;
    const master = shards[Math.floor(Math.random() * shards.length)]!.master;
    if (!master.isSuspect) return master;
    const healthy = shards.filter((s) => !s.master.isSuspect);
    return healthy.length === 0 ? master : healthy[Math.floor(Math.random() * healthy.length)]!.master;
  }

  masters(): ClusterNode[] {
    return [...new Set(this.slots.shards.map((s) => s.master))];
  }

  /** Masters and replicas of the current topology. */
  topologyNodes(): ClusterNode[] {
    return [...new Set(this.slots.shards.flatMap((s) => [s.master, ...s.replicas]))];
  }

  send<T>(node: ClusterNode, job: Job<T>): Promise<T> {
    if (node.isRetired) return Promise.reject(nodeLeftError(node.address, undefined));
    const options = job.deadline === Number.POSITIVE_INFINITY ? job.options : withRemaining(job);
    if (options instanceof Error) return Promise.reject(options);
    const sent = job.raw
      ? (node.client.sendCommand(job.command.args, options) as Promise<T>)
      : node.client.dispatch(job.command, options);
    // Blocking commands may stay unanswered on purpose: they do not count for the stall check.
    const counted = (job.command.flags & CommandFlags.BLOCKING) === 0;
    if (counted) node.waiting++;
    return sent.then(
      (value) => {
        if (counted) node.waiting--;
        this.answered(node);
        return value;
      },
      (error: unknown) => {
        if (counted) node.waiting--;
        if (error instanceof ReplyError) this.answered(node);
        else if (isTimeout(error)) this.markSuspect(node);
        return Promise.reject(asNodeFailure(error, node));
      },
    );
  }

  /** The node replied (a value or an error reply): it is not hung. */
  private answered(node: ClusterNode): void {
    node.answeredSinceCheck = true;
    if (node.isSuspect) this.clearSuspect(node);
  }

  /** A timeout, or silence while waited on: hold its commands, probe it, and watch the topology closely. */
  private markSuspect(node: ClusterNode): void {
    if (node.isSuspect || node.isRetired || this.closed) return;
    node.suspectSince = Date.now();
    this.suspects.add(node);
    this.scheduleRefresh();
    this.probe(node);
  }

  private clearSuspect(node: ClusterNode): void {
    node.suspectSince = 0;
    node.quietChecks = 0;
    this.suspects.delete(node);
    this.wakeHeld();
  }

  /** PINGs a suspect node until it answers (suspicion cleared) or leaves the topology. */
  private probe(node: ClusterNode): void {
    if (node.probing || !node.isSuspect || node.isRetired || this.closed) return;
    node.probing = true;
    node.client.sendCommand(['PING'], { timeout: PROBE_TIMEOUT_MS }).then(
      () => {
        node.probing = false;
        this.answered(node);
      },
      (error: unknown) => {
        node.probing = false;
        if (error instanceof ReplyError) return this.answered(node);
        // Held commands look again (and the wake-ups of those whose recheck timer fired are dropped).
        this.wakeHeld();
        setTimeout(() => this.probe(node), PROBE_RETRY_MS).unref();
      },
    );
  }

  /**
   * Every STALL_CHECK_MS: a node with commands waiting and no reply since the last check, STALL_CHECKS times
   * in a row, is suspect. A check that ran late (a busy event loop) proves nothing: replies may sit unread.
   */
  private checkStalls(): void {
    const now = performance.now();
    const late = now - this.lastStallCheckAt > 2 * STALL_CHECK_MS;
    this.lastStallCheckAt = now;
    for (const node of this.nodes.all()) {
      const quiet = node.waiting > 0 && !node.answeredSinceCheck;
      node.answeredSinceCheck = false;
      if (!quiet || node.isSuspect || node.isRetired) node.quietChecks = 0;
      else if (!late && ++node.quietChecks >= STALL_CHECKS) this.markSuspect(node);
    }
  }

  /** Follows one failure of `job` on `node` as the decision table says: redirect, wait and retry, or give up. */
  private async recover<T>(error: unknown, job: Job<T>, node: ClusterNode): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw error instanceof ClientClosedError ? error : new ClientClosedError();
      if (attempt >= this.options.maxRedirects) throw error;
      const decision = decide(error, {
        written: !failedBeforeSending(error),
        mayRunTwice: job.readOnly || job.options?.idempotent === true,
        retriesLeft: this.options.maxRedirects - attempt,
        cluster: true,
      });
      let next: ClusterNode | undefined;
      let asking = false;
      switch (decision.action) {
        case 'redirect': {
          const moved = movedOf(error);
          next = moved === undefined ? undefined : this.nodeAt(moved.address);
          if (next === undefined) throw error;
          this.slots.moved(moved!.slot, next);
          this.scheduleRefresh();
          break;
        }
        case 'ask':
          next = this.nodeAt((error as AskError).address);
          if (next === undefined) throw error;
          asking = true;
          break;
        case 'retry':
        case 'retry-elsewhere':
          // The node client already spent its own retries: the node may be gone, so look at the topology again.
          if (error instanceof ConnectionError && !node.isRetired) this.nodeFailed(node);
          await this.backoff(attempt);
          await this.refreshSoon();
          break;
        default:
          throw error;
      }
      node = next ?? (await this.target(job, node));
      try {
        return await (asking ? this.sendAsking(node, job) : this.send(node, job));
      } catch (e) {
        error = e;
      }
    }
  }

  /** ASK: `ASKING` and the command, together on one connection of the target. */
  async sendAsking<T>(node: ClusterNode, job: Job<T>): Promise<T> {
    if (node.isRetired) throw nodeLeftError(node.address, undefined);
    const signal = job.options?.signal;
    return node.client.withConn(
      async (conn) => {
        const [, reply] = await conn.pipeline().sendCommand(['ASKING']).add(job.command).exec();
        if (reply instanceof Error) throw reply;
        return reply;
      },
      signal !== undefined ? { signal } : undefined,
    );
  }

  /** Runs a keyless command on every master (or every node) and merges the replies. */
  async fanOut(job: Job, rule: FanOut): Promise<unknown> {
    await this.ready();
    const nodes = rule.nodes === 'masters' ? this.masters() : this.topologyNodes();
    const settled = await Promise.allSettled(nodes.map((n) => this.send(n, job)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const values = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    if (rule.merge === 'any') {
      if (values.length > 0) return values[0];
      throw failed?.reason ?? noSlotsError();
    }
    if (failed !== undefined) throw failed.reason;
    return mergeReplies(rule.merge, values);
  }

  nodeAt(address: string): ClusterNode | undefined {
    const colon = address.lastIndexOf(':');
    const port = Number(address.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port)) return undefined;
    let host = address.slice(0, colon);
    if (host.startsWith('[')) host = host.slice(1, -1);
    return this.nodes.get({ host, port });
  }

  backoff(attempt: number): Promise<void> {
    const t = this.options.template;
    const ms = retryBackoff(attempt, Math.max(t.minRetryBackoff, 20), Math.max(t.maxRetryBackoff, 100));
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }

  /** A dial or a command to this node failed: avoid it for reads for a moment, and look at the topology again. */
  nodeFailed(node: ClusterNode): void {
    node.avoidUntil = Date.now() + AVOID_MS;
    this.scheduleRefresh();
  }

  /** Reloads the topology now (one load at a time; callers during a load share it). */
  refresh(): Promise<void> {
    if (this.closed) return Promise.reject(new ClientClosedError());
    this.refreshing ??= this.load().finally(() => {
      this.refreshing = undefined;
      this.lastRefreshAt = Date.now();
      if (this.watchingSuspects()) this.scheduleRefresh();
    });
    return this.refreshing;
  }

  /** A node became suspect recently: the next topology load follows this one closely. */
  private watchingSuspects(): boolean {
    const now = Date.now();
    for (const node of this.suspects) if (now - node.suspectSince < SUSPECT_WATCH_MS) return true;
    return false;
  }

  /** A refresh unless one ran moments ago; never rejects. */
  refreshSoon(): Promise<void> {
    if (this.refreshing !== undefined) return this.refreshing.catch(() => {});
    if (Date.now() - this.lastRefreshAt < MIN_REFRESH_GAP_MS) return Promise.resolve();
    return this.refresh().catch(() => {});
  }

  /** A refresh soon, in the background, spaced from the last one. */
  scheduleRefresh(): void {
    if (this.closed || this.refreshing !== undefined || this.refreshTimer !== undefined) return;
    const wait = Math.max(0, this.lastRefreshAt + MIN_REFRESH_GAP_MS - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (!this.closed) this.refresh().catch(() => {});
    }, wait);
    this.refreshTimer.unref();
  }

  /**
   * Asks the candidates one after the other, each failure starting the next, and one more when no answer
   * came within TOPOLOGY_HEDGE_MS; the first good answer is applied, answers still outstanding are ignored.
   */
  private load(): Promise<void> {
    const candidates = this.candidates();
    let next = 0;
    let asking = 0;
    let settled = false;
    let lastError: unknown;
    return new Promise<void>((resolve, reject) => {
      const hedge = setTimeout(() => askNext(), TOPOLOGY_HEDGE_MS);
      hedge.unref();
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(hedge);
        reject(error);
      };
      const askNext = (): void => {
        if (settled) return;
        if (this.closed) return fail(new ClientClosedError());
        if (next >= candidates.length) {
          if (asking === 0) fail(topologyError(candidates.length, lastError));
          return;
        }
        const node = candidates[next++]!;
        asking++;
        this.describe(node).then(
          (shards) => {
            asking--;
            if (settled) return;
            if (this.closed) return fail(new ClientClosedError());
            if (shards.length === 0) {
              lastError = new RedisError(`${node.address} reports no slots assigned.`, 'CLUSTERDOWN');
              return askNext();
            }
            settled = true;
            clearTimeout(hedge);
            try {
              this.apply(shards);
              resolve();
            } catch (err) {
              reject(err);
            }
          },
          (err: unknown) => {
            asking--;
            lastError = err;
            if (!(err instanceof ReplyError)) node.avoidUntil = Date.now() + AVOID_MS;
            if (isTimeout(err)) this.markSuspect(node);
            askNext();
          },
        );
      };
      askNext();
    });
  }

  /**
   * The replicas of suspect masters first (a promoted one knows before the others), then known masters,
   * replicas and root nodes; nodes that just failed after those, suspect nodes last.
   */
  private candidates(): ClusterNode[] {
    const shuffled = (list: ClusterNode[]) => list.sort(() => Math.random() - 0.5);
    const heirs = this.slots.shards.filter((s) => s.master.isSuspect).flatMap((s) => s.replicas);
    const known = [...shuffled(heirs), ...shuffled(this.masters()), ...shuffled(this.topologyNodes())];
    const roots = this.options.rootNodes.map((r) => this.nodes.get(r));
    const now = Date.now();
    const ordered = [...new Set([...known, ...roots])];
    return [
      ...ordered.filter((n) => n.avoidUntil <= now && !n.isSuspect),
      ...ordered.filter((n) => n.avoidUntil > now && !n.isSuspect),
      ...ordered.filter((n) => n.isSuspect),
    ];
  }

  private async describe(node: ClusterNode): Promise<ShardDescription[]> {
    const timeout = Math.max(500, Math.min(2000, this.options.template.dialTimeout));
    const asked = { host: node.host, port: node.port };
    if (!this.shardsUnsupported) {
      try {
        const reply = await node.client.sendCommand(['CLUSTER', 'SHARDS'], { timeout });
        return parseClusterShards(reply as never, asked, this.options.template.tls !== undefined);
      } catch (err) {
        if (!(err instanceof ReplyError) || !/unknown (sub)?command/i.test(err.message)) throw err;
        this.shardsUnsupported = true; // Redis < 7
      }
    }
    const reply = await node.client.sendCommand(['CLUSTER', 'SLOTS'], { timeout });
    return parseClusterSlots(reply as never, asked);
  }

  private apply(descriptions: ShardDescription[]): void {
    const shards: Shard<ClusterNode>[] = descriptions.map((d) => ({
      master: this.nodes.get(d.master),
      replicas: d.replicas.map((r) => this.nodes.get(r)),
    }));
    this.slots.replace(
      shards,
      descriptions.map((d) => d.slots),
    );
    const keep = new Set(shards.flatMap((s) => [s.master, ...s.replicas]));
    for (const node of this.suspects) if (!keep.has(node)) this.suspects.delete(node);
    for (const closing of this.nodes.retireExcept(keep)) closing.catch(() => {});
    this.wakeHeld();
    this.onTopologyChange?.();
    if (this.options.readRouting === 'latency') void this.measureLatency([...keep]);
  }

  private async measureLatency(nodes: ClusterNode[]): Promise<void> {
    await Promise.all(
      nodes.map(async (node) => {
        const start = performance.now();
        try {
          await node.client.ping();
          const rtt = performance.now() - start;
          node.latency = Number.isFinite(node.latency) ? node.latency * 0.7 + rtt * 0.3 : rtt;
        } catch {
          node.latency = Number.POSITIVE_INFINITY;
        }
      }),
    );
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.periodic !== undefined) clearInterval(this.periodic);
    clearInterval(this.stallTimer);
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.wakeHeld();
    return Promise.all(this.nodes.retireAll()).then(() => undefined);
  }
}

/** The MOVED a failure carries: the reply itself, or the one that made a transaction abort. */
export function movedOf(error: unknown): MovedError | undefined {
  if (error instanceof MovedError) return error;
  if (error instanceof ReplyError && error.refusedWith instanceof MovedError) return error.refusedWith;
  return undefined;
}

/** A timeout from a node: a read, write or call timeout, or a connection closed because of one, or a dial. */
function isTimeout(error: unknown): boolean {
  return error instanceof TimeoutError || (error instanceof ConnectionError && error.cause instanceof TimeoutError);
}

function heldTooLongError(job: Job, node: ClusterNode, waitedMs: number): TimeoutError {
  return new TimeoutError(
    `${String(job.command.args[0])} was not sent: ${node.address}, which serves its slot, stopped answering ` +
      `${Date.now() - node.suspectSince} ms ago and the cluster has not replaced it yet; the command waited ` +
      `${waitedMs} ms (its timeout, else readTimeout). Nothing was sent, so it is safe to retry.`,
  );
}

function topologyError(asked: number, lastError: unknown): ConnectionError {
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  return new ConnectionError(
    `Could not load the cluster topology from any of ${asked} nodes (last error: ${reason}).`,
    {
      cause: lastError,
    },
  );
}

function noSlotsError(): RedisError {
  return new RedisError('The cluster topology has no slots assigned; no node can serve the command.', 'CLUSTERDOWN');
}
