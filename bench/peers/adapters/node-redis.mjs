// Derived from the team's peer-bench (../shared/peer-bench, not in this repo): same workloads and method.
// node-redis (package "redis"), createClient: one connection; commands queued in
// one tick go out in one write. BLPOP runs on the same client (node-redis v5+ has
// no isolated execution pool; its docs point to createClientPool or duplicate()).
import { createClient, DEFAULT_RESP } from 'redis';
import { pkgVersion } from './_util.mjs';

export const name = 'node-redis';
export const description = 'node-redis createClient, single connection (default RESP)';

export async function create({ host, port }) {
  const c = createClient({ socket: { host, port } });
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
    meta: () => ({ package: 'redis', version: pkgVersion('redis'), connections: 1, resp: DEFAULT_RESP ?? 'default' }),
  };
}
