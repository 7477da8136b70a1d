/**
 * What every ecosystem flow needs: a private redis-server for the file, a respool client on it, and a
 * bounded wait. Each flow plugs a respool face into a library the way that library's docs plug in a
 * node-redis or ioredis client, then checks on the server what a user relies on.
 */
import assert from 'node:assert/strict';
import { createClient, type ClientOptions, type RedisClient } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';

export interface Ecosystem {
  server: RedisServer;
  /** A respool client for the flow (the one the faces wrap). */
  client: RedisClient;
  /** A second respool client, to look at the server independently of the faces. */
  probe: RedisClient;
  stop(): Promise<void>;
}

export async function startEcosystem(options: Partial<ClientOptions> = {}): Promise<Ecosystem> {
  const server = await RedisServer.start();
  // ECOSYSTEM_PROTOCOL=2 runs the flows over RESP2 (default: respool's, RESP3 where the server has it).
  const protocol = process.env['ECOSYSTEM_PROTOCOL'] === '2' ? { protocol: 2 as const } : {};
  const client = createClient({ host: server.host, port: server.port, ...protocol, ...options });
  const probe = createClient({ host: server.host, port: server.port });
  return {
    server,
    client,
    probe,
    async stop() {
      await Promise.all([client.close(), probe.close()]);
      await server.stop();
    },
  };
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not met within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
