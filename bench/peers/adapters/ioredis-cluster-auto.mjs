// ioredis' cluster client (`new Cluster([...])`), enableAutoPipelining: true: commands issued in
// the same event-loop tick are coalesced per node. Root node = the harness's host/port.
import { Cluster } from 'ioredis';
import { pkgVersion, ioredisPipeline } from './_util.mjs';

export const name = 'ioredis-cluster-auto';
export const description = 'ioredis Cluster, enableAutoPipelining: true (one connection per node)';

export async function create({ host, port }) {
  const c = new Cluster([{ host, port }], { lazyConnect: true, enableAutoPipelining: true });
  c.on('error', () => {});
  await c.connect();
  return {
    get: (k) => c.get(k),
    set: (k, v) => c.set(k, v),
    pipeline: (cmds) => ioredisPipeline(c, cmds), // ioredis wants every key of a pipeline in one slot
    blpop: (k, t) => c.blpop(k, t),
    close: () => c.quit(),
    meta: () => ({ package: 'ioredis', version: pkgVersion('ioredis'), nodes: c.nodes('master').length, resp: 2 }),
  };
}
