/**
 * What the cluster needs to know about a raw command (`sendCommand`): its keys, whether it fans out to many
 * nodes, whether it is refused. The facts live in the command registry (src/commands/registry.ts); these are
 * the cluster's names for them, plus how fanned-out replies combine.
 */
import { commandSpec, keysOf, slotArgOf, type FanOut, type MergeRule } from '../commands/registry.js';
import type { RedisArg } from '../resp/types.js';

export type { FanOut, MergeRule } from '../commands/registry.js';

/**
 * The keys of a raw command, or undefined when it takes none. A command the registry does not know routes by
 * its first argument, and MOVED corrects the guess when that argument is not a key.
 */
export function keysOfArgs(args: readonly RedisArg[]): RedisArg[] | undefined {
  return keysOf(args);
}

/**
 * The slot of a keyless command about one slot (CLUSTER COUNTKEYSINSLOT, GETKEYSINSLOT), so that it goes to
 * the node serving it; -1 for other keyless commands.
 */
export function slotOfKeyless(args: readonly RedisArg[]): number {
  return slotArgOf(args) ?? -1;
}

/** The fan-out rule of a keyless command, if it has one. */
export function fanOutOf(args: readonly RedisArg[]): FanOut | undefined {
  return commandSpec(args)?.fanOut;
}

/** Commands that make no sense cluster-wide on one node: refused with advice. */
export function refusedInCluster(args: readonly RedisArg[]): string | undefined {
  return commandSpec(args)?.clusterRefusal;
}

/** Combines the fan-out results (all fulfilled for 'sum'/'concat'/'all'/'and'). */
export function mergeReplies(rule: MergeRule, replies: unknown[]): unknown {
  switch (rule) {
    case 'sum':
      return replies.reduce<number>((total, r) => total + Number(r), 0);
    case 'concat':
      return replies.flatMap((r) => (Array.isArray(r) ? r : [r]));
    case 'and': {
      const arrays = replies.map((r) => (Array.isArray(r) ? r : []));
      const length = Math.max(0, ...arrays.map((a) => a.length));
      return Array.from({ length }, (_, i) =>
        typeof arrays[0]?.[i] === 'boolean'
          ? arrays.every((a) => a[i] === true)
          : arrays.every((a) => Number(a[i]) === 1)
            ? 1
            : 0,
      );
    }
    default:
      return replies[0];
  }
}
