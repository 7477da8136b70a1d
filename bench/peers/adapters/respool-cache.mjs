// respool with its client-side cache on (issue 7), from the COMPILED library: default
// tracking mode (RESP3 CLIENT TRACKING on the pool's connections), room for every key
// of the workloads. Runs W7 only (see `only` in harness/args.mjs).
import { createRequire } from 'node:module';
import { createClient } from '../../../dist/index.js';

const require = createRequire(import.meta.url);

export const name = 'respool-cache';
export const description =
  'respool createClient({ cache: { maxEntries: 20000 } }): client-side cache, RESP3 tracking on the pool';

export async function create({ host, port, poolSize }) {
  const client = createClient({
    host,
    port,
    cache: { maxEntries: 20_000 },
    ...(poolSize === undefined ? {} : { poolSize }),
  });
  return {
    get: (k) => client.get(k),
    set: (k, v) => client.set(k, v),
    pipeline: async (cmds) => {
      const p = client.pipeline();
      for (const args of cmds) p.sendCommand(args);
      const replies = await p.exec();
      for (const reply of replies) if (reply instanceof Error) throw reply;
      return replies;
    },
    blpop: (k, t) => client.blPop(k, t),
    close: () => client.close(),
    cacheStats: () => {
      const s = client.cacheStats();
      return { hits: s.hits, misses: s.misses, entries: s.entries };
    },
    meta: () => {
      const stats = client.poolStats();
      return {
        package: 'respool',
        version: require('../../../package.json').version,
        connections: stats.totalConns,
        cacheStats: client.cacheStats(),
      };
    },
  };
}
