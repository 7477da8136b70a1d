// Derived from the team's peer-bench (../shared/peer-bench, not in this repo): same workloads and method.
// ioredis, one connection, enableAutoPipelining: true (commands issued in the same
// event-loop tick are coalesced into one socket write). The best peer on W2/W3.
import { Redis } from 'ioredis';
import { pkgVersion, ioredisPipeline } from './_util.mjs';

export const name = 'ioredis-auto';
export const description = 'ioredis, single connection, enableAutoPipelining: true';

export async function create({ host, port }) {
  const r = new Redis({ host, port, lazyConnect: true, enableAutoPipelining: true });
  r.on('error', () => {});
  await r.connect();
  return {
    get: (k) => r.get(k),
    set: (k, v) => r.set(k, v),
    pipeline: (cmds) => ioredisPipeline(r, cmds),
    blpop: (k, t) => r.blpop(k, t),
    close: () => r.quit(),
    meta: () => ({ package: 'ioredis', version: pkgVersion('ioredis'), connections: 1, resp: 2 }),
  };
}
