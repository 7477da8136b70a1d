// respool's cluster client, from the COMPILED library (run `npm run build` first). The harness's
// host/port is used as the root node, so the target must be a cluster node: the harness has to start a
// cluster for this adapter (a plain redis-server answers CLUSTER SHARDS with an error). Default options.
import { createRequire } from 'node:module';
import { createCluster } from '../../../dist/index.js';

const require = createRequire(import.meta.url);

export const name = 'respool-cluster';
export const description = 'respool createCluster, default options (one pool per node)';

export async function create({ host, port, poolSize }) {
  const cluster = createCluster({ rootNodes: [{ host, port }], ...(poolSize === undefined ? {} : { poolSize }) });
  await cluster.refreshTopology();
  return {
    get: (k) => cluster.get(k),
    set: (k, v) => cluster.set(k, v),
    pipeline: async (cmds) => {
      const p = cluster.pipeline();
      for (const args of cmds) p.sendCommand(args);
      const replies = await p.exec();
      for (const reply of replies) if (reply instanceof Error) throw reply;
      return replies;
    },
    blpop: (k, t) => cluster.blPop(k, t),
    close: () => cluster.close(),
    meta: () => {
      const stats = cluster.poolStats();
      return {
        package: 'respool',
        version: require('../../../package.json').version,
        nodes: Object.keys(stats.nodes).length,
        connections: stats.total.totalConns,
        poolStats: stats.total,
      };
    },
  };
}
