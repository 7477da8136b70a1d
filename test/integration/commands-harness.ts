/**
 * Shared setup for the commands-*.test.ts files: one private redis-server per file, and one
 * client per protocol. `openClient` is the single place that decides what runs the typed
 * methods (today the real client); everything else only sees a CommandSet<'promise'>.
 */
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandSet } from '../../src/commands/index.js';
import type { RedisArg } from '../../src/resp/types.js';
import { createClient } from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';

export interface CommandClient extends CommandSet<'promise'> {
  /** For what has no typed method yet (COMMAND INFO, to skip tests of commands the server lacks). */
  sendCommand(args: RedisArg[]): Promise<unknown>;
  close(): Promise<void>;
}

/** What runs the typed methods in these tests. Swap here to test against another executor. */
export function openClient(server: RedisServer, protocol: 2 | 3): CommandClient {
  return createClient({ host: server.host, port: server.port, protocol, clientName: `commands-resp${protocol}` });
}

/** Every byte value, plus CRLF sequences and a RESP-looking payload inside. */
export const ALL_BYTES = Buffer.concat([
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('\r\n$5\r\nhello\r\n*-1\r\n\r\n'),
]);
export const UNICODE_KEY = 'ключ:键:🔑:é';

/**
 * Starts one server for the file and runs `body` once per protocol, in a describe named after it.
 * `ctx.key(name)` prefixes keys per protocol so the two suites never share data; `ctx.server()` is the
 * server, for a test that needs a second client (`openClient(ctx.server(), protocol)`).
 */
export function forEachProtocol(
  family: string,
  body: (ctx: {
    client: () => CommandClient;
    key: (name: string) => string;
    protocol: 2 | 3;
    server: () => RedisServer;
  }) => void,
): void {
  let server: RedisServer;
  before(async () => {
    server = await RedisServer.start();
  });
  after(async () => {
    await server.stop();
  });
  for (const protocol of [2, 3] as const) {
    describe(`${family} over RESP${protocol}`, () => {
      let client: CommandClient | undefined;
      before(async () => {
        client = openClient(server, protocol);
        const me = await client.clientInfo();
        assert.equal(me['resp'], String(protocol), 'the connection speaks the protocol under test');
      });
      after(async () => {
        await client?.close();
      });
      body({ client: () => client!, key: (name) => `{resp${protocol}}:${name}`, protocol, server: () => server });
    });
  }
}
