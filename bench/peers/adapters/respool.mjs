// respool itself, from the COMPILED library (run `npm run build` first; `npm run
// bench` does). Default options, as a user would start: poolSize is passed only
// when the harness was given --pool-size explicitly.
import { createRequire } from 'node:module';
import { createClient } from '../../../dist/index.js';

const require = createRequire(import.meta.url);

export const name = 'respool';
export const description = 'respool createClient, default options (auto-pipelined batches over the pool)';

export async function create({ host, port, poolSize }) {
  const client = createClient({ host, port, ...(poolSize === undefined ? {} : { poolSize }) });
  return {
    get: (k) => client.get(k),
    set: (k, v) => client.set(k, v),
    pipeline: async (cmds) => {
      const p = client.pipeline();
      for (const args of cmds) p.sendCommand(args);
      const replies = await p.exec();
      // exec() returns per-command errors in place (ReplyError); the contract wants a rejection.
      for (const reply of replies) if (reply instanceof Error) throw reply;
      return replies;
    },
    blpop: (k, t) => client.blPop(k, t),
    close: () => client.close(),
    meta: () => {
      const stats = client.poolStats();
      return {
        package: 'respool',
        version: require('../../../package.json').version,
        connections: stats.totalConns,
        poolStats: stats,
      };
    },
  };
}
