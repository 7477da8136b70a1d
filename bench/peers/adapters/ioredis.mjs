// Derived from the team's peer-bench (../shared/peer-bench, not in this repo): same workloads and method.
// ioredis, one connection, enableAutoPipelining: false (every command is written
// to the socket at once; concurrent commands share the socket). BLPOP runs on the
// same connection: what a user gets without a dedicated duplicate() for blocking.
import { Redis } from 'ioredis';
import { pkgVersion, ioredisPipeline } from './_util.mjs';

export const name = 'ioredis';
export const description = 'ioredis, single connection, enableAutoPipelining: false';

export async function create({ host, port }) {
  const r = new Redis({ host, port, lazyConnect: true, enableAutoPipelining: false });
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
