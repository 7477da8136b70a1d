/**
 * Cluster pipelines and transactions.
 *
 * A pipeline splits its commands by node, sends each node's share as one node pipeline (all in
 * parallel), and puts every reply back at its caller's index. What happens to a failed entry is the
 * decision table's call (policy.ts): redirected (MOVED, ASK) or sent again after a refresh (TRYAGAIN,
 * CLUSTERDOWN, a node lost before it ran the command) — each to its own new target, in their original
 * order per node — for up to `maxRedirects` rounds:
 *
 *   round: group by (node, asking) ─▶ node pipelines in parallel ─▶ replies in place
 *                                                        └─ redirected entries ─▶ next round
 *
 * A transaction runs on the master of the one slot all its keys share (CrossSlotError before anything
 * is sent otherwise); when the slot moved meanwhile (EXECABORT caused by MOVED), it runs again there.
 */
import { rawCommand } from '../commands/raw.js';
import { CommandBatch } from '../client/pipeline.js';
import type { ExecReplies, Queued } from '../commands/command-set.js';
import { decide } from '../client/policy.js';
import { AskError, ClientClosedError, InvalidArgumentError, type RedisError, type ReplyError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';
import { fanOutOf, keysOfArgs, refusedInCluster, slotOfKeyless } from './command-keys.js';
import type { ClusterNode } from './nodes.js';
import { asNodeFailure, commonSlot, failedBeforeSending, makeJob, nodeLeftError, type Job } from './job.js';
import { movedOf, type ClusterRouter } from './router.js';

abstract class ClusterBatch<Q> extends CommandBatch<Q> {
  constructor(protected readonly router: ClusterRouter) {
    super();
  }

  /** Adds any command; its keys are found by the command-key table, its reply is returned undecoded. */
  override sendCommand(args: RedisArg[], options?: { buffers?: boolean }): Queued<this, unknown> {
    const raw = rawCommand(args, options?.buffers === true);
    const keys = keysOfArgs(args);
    return this.add<unknown>(keys === undefined ? raw : { ...raw, keys });
  }
}

interface Entry {
  readonly index: number;
  readonly job: Job;
  node: ClusterNode;
  asking: boolean;
  /** Wait (backoff) and pick the node again before the next round. */
  repick: boolean;
}

export class ClusterPipeline<Q = []> extends ClusterBatch<Q> {
  declare readonly '~with': ClusterPipeline<this['~next']>;

  /**
   * Sends every command; resolves with one entry per command: its reply, or its error (not thrown): a
   * ReplyError, or what kept it from a node (CrossSlotError, a ConnectionError…).
   */
  exec(): Promise<ExecReplies<Q, RedisError>> {
    return this.run() as Promise<ExecReplies<Q, RedisError>>;
  }

  private async run(): Promise<unknown[]> {
    const commands = this.commands.splice(0);
    if (commands.length === 0) return [];
    await this.router.ready();
    const results = new Array<unknown>(commands.length);
    const fanOuts: Promise<void>[] = [];
    let pending: Entry[] = [];
    for (let index = 0; index < commands.length; index++) {
      const command = commands[index]!;
      const keys = command.keys;
      let slot = -1;
      if (keys !== undefined && keys.length > 0) {
        try {
          slot = commonSlot(keys, String(command.args[0]));
        } catch (err) {
          results[index] = err;
          continue;
        }
      } else {
        const refused = refusedInCluster(command.args);
        if (refused !== undefined) {
          results[index] = new InvalidArgumentError(refused);
          continue;
        }
        const fan = fanOutOf(command.args);
        if (fan !== undefined) {
          const store = (value: unknown) => void (results[index] = value);
          fanOuts.push(this.router.fanOut(makeJob(command, undefined, false, -1), fan).then(store, store));
          continue;
        }
        slot = slotOfKeyless(command.args);
      }
      const job = makeJob(command, undefined, false, slot);
      const node = this.router.pick(slot, job.readOnly);
      if (node === undefined) results[index] = new ClientClosedError('The cluster has no node to send to.');
      else pending.push({ index, job, node, asking: false, repick: false });
    }
    for (let round = 0; pending.length > 0; round++) {
      const retry: Entry[] = [];
      const groups = new Map<ClusterNode, { plain: Entry[]; asking: Entry[] }>();
      for (const entry of pending) {
        let group = groups.get(entry.node);
        if (group === undefined) groups.set(entry.node, (group = { plain: [], asking: [] }));
        (entry.asking ? group.asking : group.plain).push(entry);
      }
      const runs: Promise<void>[] = [];
      for (const [node, group] of groups) {
        if (group.plain.length > 0) runs.push(this.runGroup(node, group.plain, false, results, retry, round));
        if (group.asking.length > 0) runs.push(this.runGroup(node, group.asking, true, results, retry, round));
      }
      await Promise.all(runs);
      if (retry.length === 0 || round >= this.router.options.maxRedirects) break;
      if (retry.some((e) => e.repick)) {
        await this.router.backoff(round);
        await this.router.refreshSoon();
      }
      for (const entry of retry) {
        if (!entry.repick) continue;
        entry.node = this.router.pick(entry.job.slot, entry.job.readOnly) ?? entry.node;
        entry.repick = false;
      }
      pending = retry.sort((a, b) => a.index - b.index);
    }
    await Promise.all(fanOuts);
    return results;
  }

  /** One node's share: replies in place; entries to send again go to `retry`. */
  private async runGroup(
    node: ClusterNode,
    entries: Entry[],
    asking: boolean,
    results: unknown[],
    retry: Entry[],
    round: number,
  ): Promise<void> {
    let replies: unknown[];
    try {
      if (node.isRetired) throw nodeLeftError(node.address, undefined);
      if (asking) {
        replies = await node.client.withConn(async (conn) => {
          const pipeline = conn.pipeline();
          for (const e of entries) pipeline.sendCommand(['ASKING']).add(e.job.command);
          return (await pipeline.exec()).filter((_, i) => i % 2 === 1);
        });
      } else {
        const pipeline = node.client.pipeline();
        for (const e of entries) pipeline.add(e.job.command);
        replies = await pipeline.exec();
      }
    } catch (caught) {
      const err = asNodeFailure(caught, node);
      const written = !failedBeforeSending(err);
      let nodeFailed = false;
      for (const e of entries) {
        results[e.index] = err;
        const action = this.decideFor(err, e, written, round);
        if (action === 'retry' || action === 'retry-elsewhere') {
          nodeFailed = true;
          retry.push({ ...e, asking: false, repick: true });
        }
      }
      if (nodeFailed && !node.isRetired) this.router.nodeFailed(node);
      return;
    }
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const reply = replies[i];
      results[e.index] = reply;
      if (!(reply instanceof Error)) continue;
      switch (this.decideFor(reply, e, true, round)) {
        case 'redirect': {
          const moved = movedOf(reply)!;
          const target = this.router.nodeAt(moved.address);
          if (target === undefined) break;
          this.router.slots.moved(moved.slot, target);
          this.router.scheduleRefresh();
          retry.push({ ...e, node: target, asking: false, repick: false });
          break;
        }
        case 'ask': {
          const target = this.router.nodeAt((reply as AskError).address);
          if (target !== undefined) retry.push({ ...e, node: target, asking: true, repick: false });
          break;
        }
        case 'retry':
        case 'retry-elsewhere':
          retry.push({ ...e, asking: false, repick: true });
          break;
        default:
      }
    }
  }

  private decideFor(error: unknown, entry: Entry, written: boolean, round: number) {
    return decide(error, {
      written,
      mayRunTwice: entry.job.readOnly,
      retriesLeft: this.router.options.maxRedirects - round,
      cluster: true,
    }).action;
  }
}

export class ClusterTransaction<Q = []> extends ClusterBatch<Q> {
  declare readonly '~with': ClusterTransaction<this['~next']>;
  protected override readonly transactional = true;

  /**
   * MULTI, the commands, EXEC on the master of the slot every key shares. Resolves like the single-node
   * transaction; rejects with CrossSlotError (nothing sent) when keys span slots.
   */
  exec(): Promise<ExecReplies<Q, ReplyError>> {
    return this.run() as Promise<ExecReplies<Q, ReplyError>>;
  }

  private async run(): Promise<unknown[]> {
    const commands = this.commands.splice(0);
    const keys = commands.flatMap((c) => c.keys ?? []);
    const slot = keys.length > 0 ? commonSlot(keys, 'This transaction') : -1;
    await this.router.ready();
    let node = this.router.pick(slot, false);
    for (let attempt = 0; ; attempt++) {
      if (node === undefined) throw new ClientClosedError('The cluster has no node to send to.');
      try {
        if (node.isRetired) throw nodeLeftError(node.address, undefined);
        const tx = node.client.multi();
        for (const c of commands) tx.add(c);
        return await tx.exec();
      } catch (caught) {
        const err = asNodeFailure(caught, node);
        if (this.router.isClosed) throw err;
        const decision = decide(err, {
          written: !failedBeforeSending(err),
          mayRunTwice: false,
          retriesLeft: this.router.options.maxRedirects - attempt,
          cluster: true,
        });
        if (decision.action === 'redirect' && attempt < this.router.options.maxRedirects) {
          const moved = movedOf(err)!;
          const target = this.router.nodeAt(moved.address);
          if (target === undefined) throw err;
          this.router.slots.moved(moved.slot, target);
          this.router.scheduleRefresh();
          node = target;
          continue;
        }
        if (decision.action !== 'retry' && decision.action !== 'retry-elsewhere') throw err;
        // A slot half-migrated (ASK) cannot take a transaction until the move ends: wait, then try again.
        await this.router.backoff(attempt);
        await this.router.refreshSoon();
        node = slot >= 0 ? this.router.pick(slot, false) : node.isRetired ? this.router.randomMaster() : node;
      }
    }
  }
}
