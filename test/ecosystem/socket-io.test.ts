/**
 * socket.io across two servers: @socket.io/redis-adapter (pub/sub with its default msgpack parser, so
 * binary pub/sub) through both faces, and @socket.io/redis-streams-adapter (XADD / XREAD BLOCK) through
 * toNodeRedis, as their docs pass node-redis (`createClient()` + `duplicate()`) or ioredis clients.
 */
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createAdapter } from '@socket.io/redis-adapter';
import { createAdapter as createStreamsAdapter } from '@socket.io/redis-streams-adapter';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { toIORedis, toNodeRedis } from '../../src/compat/index.js';
import { createClient, type RedisClient } from '../../src/index.js';
import { startEcosystem, waitFor, type Ecosystem } from './harness.js';

let eco: Ecosystem;
/** The second socket.io server's own respool client: two servers, two processes' worth of clients. */
let clientB: RedisClient;
before(async () => {
  eco = await startEcosystem();
  clientB = createClient({ host: eco.server.host, port: eco.server.port, protocol: eco.client.options.protocol });
});
after(async () => {
  await clientB.close();
  await eco.stop();
});

type AdapterFactory = (client: RedisClient) => ReturnType<typeof createAdapter>;

async function listen(
  adapter: ReturnType<typeof createAdapter>,
): Promise<{ io: Server; http: HttpServer; url: string }> {
  const http = createServer();
  const io = new Server(http, { adapter });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { io, http, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

async function broadcastBetweenServers(factory: AdapterFactory): Promise<void> {
  const a = await listen(factory(eco.client));
  const b = await listen(factory(clientB));
  b.io.on('connection', (socket) => void socket.join('room-1'));
  const socket: Socket = connect(b.url, { transports: ['websocket'] });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const got: unknown[] = [];
    socket.on('news', (payload: unknown) => got.push(payload));
    socket.on('room', (payload: unknown) => got.push(payload));

    // Server A reaches the client of server B once the adapters know each other.
    await waitFor(async () => (await a.io.fetchSockets()).length === 1, 'server A sees the socket on server B');
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80]);
    a.io.emit('news', { text: 'héllo', binary });
    a.io.to('room-1').emit('room', 'to the room');
    await waitFor(() => got.length >= 2, 'both broadcasts delivered');
    // A marker sent after them: once it arrives, a duplicate of the first would have too.
    a.io.emit('news', 'marker');
    await waitFor(() => got.includes('marker'), 'marker delivered');
    assert.equal(got.length, 3, `each broadcast delivered once, got ${JSON.stringify(got)}`);
    const first = got[0] as { text: string; binary: Buffer };
    assert.equal(first.text, 'héllo');
    assert.deepEqual(Buffer.from(first.binary), binary, 'binary payload intact');
    assert.equal(got[1], 'to the room');
  } finally {
    socket.close();
    await Promise.all([a.io.close(), b.io.close()]);
  }
}

test('@socket.io/redis-adapter, node-redis face (pSubscribe/subscribe in buffer mode)', () =>
  broadcastBetweenServers((client) => {
    const pub = toNodeRedis(client);
    return createAdapter(pub, pub.duplicate());
  }));

test('@socket.io/redis-adapter, ioredis face (pmessageBuffer/messageBuffer events)', () =>
  broadcastBetweenServers((client) => {
    const pub = toIORedis(client);
    return createAdapter(pub, pub.duplicate());
  }));

test('@socket.io/redis-streams-adapter, node-redis face (XADD, XREAD BLOCK on a duplicate)', () =>
  broadcastBetweenServers(
    (client) =>
      createStreamsAdapter(toNodeRedis(client), { blockTimeInMs: 1_000 }) as unknown as ReturnType<
        typeof createAdapter
      >,
  ));
