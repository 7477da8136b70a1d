// Derived from the team's peer-bench (../shared/peer-bench, not in this repo): same workloads and method.
// @valkey/valkey-glide standalone GlideClient: ONE multiplexed connection driven by
// GLIDE's Rust core (requests go over an in-process socket to the core's threads,
// which own the TCP connection). Explicit pipelines are a non-atomic Batch. BLPOP
// runs on the same client, like the other single-connection peers.
//
// Configured as a user would for production, two options off their defaults:
// - requestTimeout 5000 ms (default 250): queueing behind BLPOPs in W5/W5b exceeds
//   250 ms and would turn into TimeoutErrors; 5000 is the value in GLIDE's own
//   configuration example. BLPOP itself gets (its timeout + 0.5 s) from the core,
//   not configurable from Node.
// - inflightRequestsLimit 10000 (default 1000): W3 runs 1024 concurrent callers,
//   and the 1001st in-flight request would fail at once.
import { GlideClient, Batch } from '@valkey/valkey-glide';
import { pkgVersion } from './_util.mjs';

export const name = 'valkey-glide';
export const description =
  'valkey-glide GlideClient (Rust core), single multiplexed connection, requestTimeout 5000 ms, inflightRequestsLimit 10000';

export async function create({ host, port }) {
  const c = await GlideClient.createClient({
    addresses: [{ host, port }],
    requestTimeout: 5000,
    inflightRequestsLimit: 10_000,
  });
  return {
    get: (k) => c.get(k),
    set: (k, v) => c.set(k, v),
    pipeline: (cmds) => {
      // raiseOnError = true: exec() rejects on the first failed command.
      const b = new Batch(false);
      for (const cmd of cmds) b.customCommand(cmd);
      return c.exec(b, true);
    },
    blpop: (k, t) => c.blpop([k], t), // fractional seconds; null on timeout
    close: async () => c.close(),
    meta: () => ({
      package: '@valkey/valkey-glide',
      version: pkgVersion('@valkey/valkey-glide'),
      connections: 1,
      resp: 3,
    }),
  };
}
