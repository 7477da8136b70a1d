// Micro-benchmark of ConnPool's hot paths, to catch accidental O(n) work (scanning all connections on a
// get, removing a waiter from the middle of an array). No server: the pooled "connections" are plain objects.
//
//   npm run build && node bench/pool.mjs [--quick]
//
// Reports get+put pairs per second on an idle pool, with 1000 concurrent callers on poolSize 10
// (990 of them queued at any time), and how fast queued waiters can be aborted from the middle of the queue.
import { pathToFileURL } from 'node:url';
import { ConnPool } from '../dist/pool/index.js';

const fakeConn = () => ({ usable: true, close() {} });

function makePool(poolSize) {
  return new ConnPool({ dialer: async () => fakeConn(), poolSize, poolTimeout: 60_000, connMaxIdleTime: 0 });
}

/** One caller: get, put, repeated; `await` between, as a real caller would. */
async function idlePairs(pairs) {
  const pool = makePool(10);
  pool.put(await pool.get()); // warm: one idle connection
  const start = performance.now();
  for (let i = 0; i < pairs; i++) pool.put(await pool.get());
  const ms = performance.now() - start;
  await pool.close();
  return (pairs / ms) * 1000;
}

/** `callers` concurrent loops on `poolSize` turns: every get beyond the first `poolSize` waits in the queue. */
async function contendedPairs(callers, poolSize, pairs) {
  const pool = makePool(poolSize);
  const perCaller = Math.ceil(pairs / callers);
  const loop = async () => {
    for (let i = 0; i < perCaller; i++) {
      const conn = await pool.get();
      await null; // hold the connection across a tick, like a command in flight
      pool.put(conn);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: callers }, loop));
  const ms = performance.now() - start;
  const { waitCount } = pool.stats();
  await pool.close();
  return { pairsPerSec: ((perCaller * callers) / ms) * 1000, waited: waitCount };
}

/** Queues `waiters` gets behind a full pool, then aborts every other one, starting from the middle. */
async function abortsFromTheMiddle(waiters) {
  const pool = makePool(1);
  const held = await pool.get();
  const controllers = Array.from({ length: waiters }, () => new AbortController());
  const gets = controllers.map((c) => pool.get({ signal: c.signal }).catch(() => undefined));
  const order = [];
  for (let i = waiters >> 1; i < waiters; i += 2) order.push(i);
  for (let i = (waiters >> 1) - 2; i >= 0; i -= 2) order.push(i);
  const start = performance.now();
  for (const i of order) controllers[i].abort('gave up'); // a reason: a default DOMException costs more than the pool
  const ms = performance.now() - start;
  const closing = pool.close(); // rejects the waiters left
  pool.put(held);
  await closing;
  await Promise.all(gets);
  return (order.length / ms) * 1000;
}

export async function runPoolBench({ quick = false } = {}) {
  const scale = quick ? 0.1 : 1;
  await idlePairs(20_000); // warm-up (JIT)
  const idle = await idlePairs(Math.round(1_000_000 * scale));
  const contended = await contendedPairs(1000, 10, Math.round(500_000 * scale));
  const aborts = await abortsFromTheMiddle(Math.round(100_000 * scale));
  return {
    idleGetPutPerSec: Math.round(idle),
    waiters1000PoolSize10GetPutPerSec: Math.round(contended.pairsPerSec),
    waitedGets: contended.waited,
    abortsFromMiddlePerSec: Math.round(aborts),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runPoolBench({ quick: process.argv.includes('--quick') });
  const fmt = (n) => n.toLocaleString('en-US');
  console.log(`idle pool, one caller:                 ${fmt(result.idleGetPutPerSec)} get+put/s`);
  console.log(
    `1000 callers on poolSize 10:            ${fmt(result.waiters1000PoolSize10GetPutPerSec)} get+put/s (${fmt(result.waitedGets)} gets waited)`,
  );
  console.log(`aborting queued waiters (middle first): ${fmt(result.abortsFromMiddlePerSec)} aborts/s`);
}
