// Bun's built-in Redis client (`RedisClient` from 'bun'): one connection with automatic pipelining. Runs only
// under Bun (`npm run bench:bun`, which runs the harness and its children with the bun binary from npm).
// Bun has no explicit pipeline object: the commands of one pipeline are sent together (its automatic
// pipelining writes them at once) and awaited together; any failure rejects, as the contract wants.
// BLPOP runs on the same client, as for the other single-connection peers.
export const name = 'bun-redis';
export const description = "Bun's built-in RedisClient, single connection (automatic pipelining)";

export async function create({ host, port }) {
  const { RedisClient } = await import('bun');
  const client = new RedisClient(`redis://${host}:${port}`);
  await client.connect();
  return {
    get: (k) => client.get(k),
    set: (k, v) => client.set(k, v),
    pipeline: (cmds) => Promise.all(cmds.map(([command, ...args]) => client.send(command, args.map(String)))),
    blpop: async (k, t) => {
      const reply = await client.send('BLPOP', [k, String(t)]);
      return reply === null ? null : { key: reply[0], element: reply[1] };
    },
    close: () => client.close(),
    meta: () => ({ package: 'bun (built-in RedisClient)', version: process.versions.bun, connections: 1 }),
  };
}
