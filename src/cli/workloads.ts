/** The workloads `respool load` and `respool advise` drive, over keys under one prefix that are removed afterwards. */
import type { RedisClient } from './library.js';
import type { CallerGroup } from './measure.js';

export const LOAD_COMMANDS = ['get', 'set', 'mixed', 'blpop-mix'] as const;
export type LoadCommandName = (typeof LOAD_COMMANDS)[number];

export interface WorkloadSpec {
  command: LoadCommandName;
  /** Callers of the headline group (GET/SET). */
  concurrency: number;
  valueSize: number;
  /** Commands per operation: 1 = plain commands; P > 1 = one explicit pipeline of P commands. */
  pipeline: number;
  /** Size of the key space. */
  keys: number;
}

export const KEY_PREFIX = 'respool:load:';
const BLPOP_TIMEOUT_S = 0.05;
const FILL_BATCH = 500;

const dataKey = (i: number) => `${KEY_PREFIX}${i}`;
const emptyKey = (i: number) => `${KEY_PREFIX}empty:${i}`;
const randomInt = (n: number) => Math.floor(Math.random() * n);

/** The BLPOP callers of blpop-mix: one per 8 GET callers, at least one. */
export function blockerCount(spec: WorkloadSpec): number {
  return spec.command === 'blpop-mix' ? Math.max(1, Math.ceil(spec.concurrency / 8)) : 0;
}

export function describeWorkload(spec: WorkloadSpec): string {
  const what = {
    get: 'GET',
    set: 'SET',
    mixed: 'GET/SET 50/50',
    'blpop-mix': `GET, plus ${blockerCount(spec)} callers looping BLPOP ${BLPOP_TIMEOUT_S} s on empty keys`,
  }[spec.command];
  const pipe = spec.pipeline > 1 ? `, pipelines of ${spec.pipeline}` : '';
  return `${what}, ${spec.valueSize} B values on ${spec.keys} keys, ${spec.concurrency} callers${pipe}`;
}

export function buildGroups(client: RedisClient, spec: WorkloadSpec): CallerGroup[] {
  const value = 'v'.repeat(spec.valueSize);
  const { keys, pipeline } = spec;
  type Step = 'get' | 'set';
  const pick = (): Step => {
    if (spec.command === 'set') return 'set';
    if (spec.command === 'mixed') return Math.random() < 0.5 ? 'get' : 'set';
    return 'get';
  };
  const single = async (): Promise<number> => {
    if (pick() === 'get') await client.get(dataKey(randomInt(keys)));
    else await client.set(dataKey(randomInt(keys)), value);
    return 1;
  };
  const batch = async (): Promise<number> => {
    const p = client.pipeline();
    for (let i = 0; i < pipeline; i++) {
      if (pick() === 'get') p.get(dataKey(randomInt(keys)));
      else p.set(dataKey(randomInt(keys)), value);
    }
    const replies = await p.exec();
    // A pipeline returns per-command errors in place; the load counts them as failed operations.
    for (const reply of replies) if (reply instanceof Error) throw reply;
    return pipeline;
  };
  const name = spec.command === 'mixed' ? 'get/set' : spec.command === 'set' ? 'set' : 'get';
  const groups: CallerGroup[] = [{ name, callers: spec.concurrency, op: pipeline > 1 ? batch : single }];
  const blockers = blockerCount(spec);
  if (blockers > 0) {
    groups.push({
      name: 'blpop',
      callers: blockers,
      op: async (i) => {
        await client.blPop(emptyKey(i), BLPOP_TIMEOUT_S);
        return 1;
      },
    });
  }
  return groups;
}

/** Writes every key once so GETs read real values (not counted in the results). */
export async function fillKeys(client: RedisClient, spec: WorkloadSpec): Promise<void> {
  const value = 'v'.repeat(spec.valueSize);
  for (let start = 0; start < spec.keys; start += FILL_BATCH) {
    const writes: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(spec.keys, start + FILL_BATCH); i++) writes.push(client.set(dataKey(i), value));
    await Promise.all(writes);
  }
}

/** Removes the keys the load wrote (UNLINK, in batches). */
export async function removeKeys(client: RedisClient, spec: WorkloadSpec): Promise<void> {
  for (let start = 0; start < spec.keys; start += FILL_BATCH) {
    const batch: string[] = [];
    for (let i = start; i < Math.min(spec.keys, start + FILL_BATCH); i++) batch.push(dataKey(i));
    await client.unlink(batch);
  }
}
