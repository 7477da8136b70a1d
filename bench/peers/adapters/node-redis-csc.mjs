// node-redis with its client-side cache (RESP3 CLIENT TRACKING, one connection):
// createClient({ RESP: 3, clientSideCache: { maxEntries: 20000 } }), the same room as
// respool-cache. Runs W7 only (see `only` in harness/args.mjs).
import { createClient } from 'redis';
import { pkgVersion } from './_util.mjs';

export const name = 'node-redis-csc';
export const description =
  'node-redis createClient({ RESP: 3, clientSideCache: { maxEntries: 20000 } }): client-side cache, one connection';

export async function create({ host, port }) {
  const c = createClient({ socket: { host, port }, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 20_000 } });
  c.on('error', () => {});
  await c.connect();
  return {
    get: (k) => c.get(k),
    set: (k, v) => c.set(k, v),
    pipeline: (cmds) => {
      const m = c.multi();
      for (const cmd of cmds) m.addCommand(cmd);
      return m.execAsPipeline();
    },
    blpop: (k, t) => c.blPop(k, t),
    close: () => c.close(),
    cacheStats: () => {
      const s = c.clientSideCache.stats();
      return { hits: s.hitCount, misses: s.missCount, entries: c.clientSideCache.size() };
    },
    meta: () => ({ package: 'redis', version: pkgVersion('redis'), connections: 1, resp: 3 }),
  };
}
