// node-redis (package "redis") createCluster: one client (one connection) per master, commands
// queued in one tick go out in one write per node. Root node = the harness's host/port.
import { createCluster } from 'redis';
import { pkgVersion } from './_util.mjs';

export const name = 'node-redis-cluster';
export const description = 'node-redis createCluster, default options (one connection per master)';

export async function create({ host, port }) {
  const c = createCluster({ rootNodes: [{ url: `redis://${host}:${port}` }] });
  c.on('error', () => {});
  await c.connect();
  return {
    get: (k) => c.get(k),
    set: (k, v) => c.set(k, v),
    pipeline: (cmds) => {
      // Routed by the first command's key; node-redis wants every key of a pipeline on one node.
      const m = c.multi(cmds[0]?.[1]);
      for (const cmd of cmds) m.addCommand(cmd[1], false, cmd);
      return m.execAsPipeline();
    },
    blpop: (k, t) => c.blPop(k, t),
    close: () => c.close(),
    meta: () => ({ package: 'redis', version: pkgVersion('redis'), nodes: c.masters.length }),
  };
}
