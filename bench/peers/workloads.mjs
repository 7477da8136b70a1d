// The workloads W1-W6 and W5b, identical to the team's peer-bench so that numbers
// compare, and W7 (client-side caching, issue 7). Every caller is closed-loop: await
// one op, record its latency, repeat. buildWorkload() returns caller groups; group 0
// is the one whose ops are counted.

export const SMALL_VALUE_BYTES = 64;
export const BIG_VALUE_BYTES = 100 * 1024;
export const N_SMALL_KEYS = 10_000;
export const N_BIG_KEYS = 64;
export const PIPE_BATCH = 100;
const N_PIPE_BATCHES = 10;
export const BLPOP_TIMEOUT_S = 0.05;
/** W7: share of operations that are SETs, sent by a second client (the harness's own). */
export const W7_WRITE_SHARE = 0.01;
/** W7: Zipf exponent of the key popularity (1 = classic Zipf: the top 1% of keys get ~50% of reads). */
export const W7_ZIPF_S = 1;

export const WORKLOADS = {
  W1: { title: 'GET, 1 caller (latency bound)' },
  W2: { title: 'GET/SET 50/50 on 10k keys, 64 B values, 64 callers' },
  W3: { title: 'GET/SET 50/50 on 10k keys, 64 B values, 1024 callers' },
  W4: { title: 'explicit pipeline of 100 SETs, 1 batch in flight (counted per SET)' },
  W5: { title: '64 GET callers + 16 callers looping BLPOP (0.05 s) on empty keys; GETs counted' },
  W5b: { title: '64 GET callers + 4 callers looping BLPOP (0.05 s) on empty keys; GETs counted' },
  W6: { title: 'GET/SET 50/50 of 100 KB values on 64 keys, 16 callers' },
  W7: {
    title: `GET on 10k keys with Zipf (s=${W7_ZIPF_S}) skew, 64 callers; ${W7_WRITE_SHARE * 100}% of ops are SETs of the same keys from a second client`,
  },
};

const SMALL_VALUE = 'v'.repeat(SMALL_VALUE_BYTES);
const BIG_VALUE = 'x'.repeat(BIG_VALUE_BYTES);
const smallKey = (i) => `bench:k:${i}`;
const bigKey = (i) => `bench:big:${i}`;
export const emptyKey = (i) => `bench:empty:${i}`;
const pipeKey = (i) => `bench:p:${i}`;
export const SANITY_KEY = 'bench:sanity';

const randomInt = (n) => (Math.random() * n) | 0;

/**
 * Key indexes drawn with probability ∝ 1 / (rank + 1)^s, through an inverse-CDF table (O(1) per draw).
 * @returns {() => number}
 */
export function zipfSampler(n, s, tableSize = 1 << 18) {
  const weights = Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));
  const total = weights.reduce((a, b) => a + b, 0);
  const table = new Uint32Array(tableSize);
  let cumulative = 0;
  let slot = 0;
  for (let i = 0; i < n && slot < tableSize; i++) {
    cumulative += weights[i] / total;
    const upTo = Math.min(tableSize, Math.round(cumulative * tableSize));
    for (; slot < upTo; slot++) table[slot] = i;
  }
  for (; slot < tableSize; slot++) table[slot] = n - 1;
  return () => table[(Math.random() * tableSize) | 0];
}

/**
 * @param ctx `{ writer }` for W7: the second client whose SETs the cached reader must hear about.
 * @returns {{ name: string, callers: number, opsPerCall: number, op: (client, callerIndex: number) => Promise<unknown> }[]}
 */
export function buildWorkload(id, ctx = {}) {
  const keys = Array.from({ length: N_SMALL_KEYS }, (_, i) => smallKey(i));
  const bigKeys = Array.from({ length: N_BIG_KEYS }, (_, i) => bigKey(i));
  const get = (c) => c.get(keys[randomInt(N_SMALL_KEYS)]);
  const getOrSet = (c) =>
    Math.random() < 0.5 ? c.get(keys[randomInt(N_SMALL_KEYS)]) : c.set(keys[randomInt(N_SMALL_KEYS)], SMALL_VALUE);
  // Each blocker waits on its own key, which nobody pushes to: every BLPOP times out.
  const blockers = (n) => ({
    name: 'blpop',
    callers: n,
    opsPerCall: 1,
    op: (c, i) => c.blpop(emptyKey(i), BLPOP_TIMEOUT_S),
  });
  switch (id) {
    case 'W1':
      return [{ name: 'get', callers: 1, opsPerCall: 1, op: get }];
    case 'W2':
      return [{ name: 'getset', callers: 64, opsPerCall: 1, op: getOrSet }];
    case 'W3':
      return [{ name: 'getset', callers: 1024, opsPerCall: 1, op: getOrSet }];
    case 'W4': {
      const batches = Array.from({ length: N_PIPE_BATCHES }, (_, b) =>
        Array.from({ length: PIPE_BATCH }, (_, j) => ['SET', pipeKey(b * PIPE_BATCH + j), SMALL_VALUE]),
      );
      let next = 0;
      const pipe = async (c) => {
        const replies = await c.pipeline(batches[next++ % N_PIPE_BATCHES]);
        if (!replies || replies.length !== PIPE_BATCH) throw new Error(`pipeline returned ${replies?.length} replies`);
      };
      return [{ name: 'pipe', callers: 1, opsPerCall: PIPE_BATCH, op: pipe }];
    }
    case 'W5':
      return [{ name: 'get', callers: 64, opsPerCall: 1, op: get }, blockers(16)];
    case 'W5b':
      return [{ name: 'get', callers: 64, opsPerCall: 1, op: get }, blockers(4)];
    case 'W6': {
      const bigGetOrSet = (c) =>
        Math.random() < 0.5 ? c.get(bigKeys[randomInt(N_BIG_KEYS)]) : c.set(bigKeys[randomInt(N_BIG_KEYS)], BIG_VALUE);
      return [{ name: 'getset', callers: 16, opsPerCall: 1, op: bigGetOrSet }];
    }
    case 'W7': {
      if (!ctx.writer) throw new Error('W7 needs a second client to write with');
      const draw = zipfSampler(N_SMALL_KEYS, W7_ZIPF_S);
      let version = 0;
      // Writes change the value, so that a reader holding an old copy would be visibly stale.
      const readOrWrite = (c) =>
        Math.random() < W7_WRITE_SHARE
          ? ctx.writer.cmd('SET', keys[draw()], `${SMALL_VALUE.slice(12)}${String(++version).padStart(12, '0')}`)
          : c.get(keys[draw()]);
      return [{ name: 'cached-get', callers: 64, opsPerCall: 1, op: readOrWrite }];
    }
    default:
      throw new Error(`unknown workload ${id}`);
  }
}

/** Fills the keys the workloads read, so that GETs hit real values. Uses the harness's control client. */
export async function setupKeys(ctl) {
  const stale = [SANITY_KEY];
  for (let i = 0; i < 1000; i++) stale.push(emptyKey(i));
  await ctl.cmd('DEL', ...stale);
  const pending = [];
  for (let i = 0; i < N_SMALL_KEYS; i++) {
    pending.push(ctl.cmd('SET', smallKey(i), SMALL_VALUE));
    if (pending.length >= 1000) await Promise.all(pending.splice(0));
  }
  for (let i = 0; i < N_BIG_KEYS; i++) pending.push(ctl.cmd('SET', bigKey(i), BIG_VALUE));
  await Promise.all(pending);
}

/**
 * setupKeys for a cluster (the --cluster part runs W2 only): the 10k small keys, each SET on the master
 * that serves it. `control.forKey(key)` resolves the harness's connection to that master.
 */
export async function setupClusterKeys(control) {
  for (let start = 0; start < N_SMALL_KEYS; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, N_SMALL_KEYS - start) }, (_, j) => smallKey(start + j));
    const owners = await Promise.all(batch.map((key) => control.forKey(key)));
    await Promise.all(batch.map((key, j) => owners[j].cmd('SET', key, SMALL_VALUE)));
  }
}
