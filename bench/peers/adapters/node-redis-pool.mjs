// Derived from the team's peer-bench (../shared/peer-bench, not in this repo): same workloads and method.
// node-redis createClientPool with a fixed size (minimum = maximum = poolSize,
// default 10). Each command borrows one client exclusively for its round trip,
// like a database/sql-style pool; the best peer on W4 and on W5/W5b.
import { createClientPool, DEFAULT_RESP } from 'redis';
import { pkgVersion } from './_util.mjs';

export const name = 'node-redis-pool';
export const description = 'node-redis createClientPool, minimum = maximum = poolSize (default 10)';

export async function create({ host, port, poolSize = 10 }) {
  const p = createClientPool({ socket: { host, port } }, { minimum: poolSize, maximum: poolSize, acquireTimeout: 0 });
  p.on('error', () => {});
  await p.connect();
  return {
    get: (k) => p.get(k),
    set: (k, v) => p.set(k, v),
    pipeline: (cmds) => {
      const m = p.multi();
      for (const cmd of cmds) m.addCommand(cmd);
      return m.execAsPipeline();
    },
    blpop: (k, t) => p.blPop(k, t),
    close: () => p.close(),
    meta: () => ({
      package: 'redis',
      version: pkgVersion('redis'),
      connections: p.totalClients,
      resp: DEFAULT_RESP ?? 'default',
    }),
  };
}
