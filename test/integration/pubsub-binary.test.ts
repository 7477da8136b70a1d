/**
 * Binary-safe pub/sub: `{ buffers: true }` delivers channel, pattern and payload as Buffers, byte for
 * byte, on every subscription kind and in both forms (listener, iterator), under RESP2 and RESP3.
 * Subscriptions without it keep getting strings, even on the same channel at the same time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createClient,
  InvalidArgumentError,
  type PubSubMessage,
  type RedisClient,
  type SubscribeOptions,
} from '../../src/index.js';
import { RedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

/** Bytes that are not valid UTF-8 (a msgpack-like header, a lone continuation byte, 0xff) and a NUL. */
const BINARY = Buffer.from([0x93, 0xa3, 0x66, 0x6f, 0x6f, 0x00, 0xff, 0xfe, 0x80, 0xc3, 0x28]);

async function waitFor(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`not met within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const protocol of [2, 3] as const) {
  describe(`binary pub/sub over RESP${protocol}`, () => {
    let client: RedisClient;
    let publisher: RedisClient;
    const ch = (s: string) => `bin:${s}:${protocol}`;

    before(() => {
      client = createClient({ host: server.host, port: server.port, protocol });
      publisher = createClient({ host: server.host, port: server.port, protocol });
    });
    after(async () => {
      await Promise.all([client.close(), publisher.close()]);
    });

    test('subscribe with { buffers: true }: the listener gets the exact bytes, and the channel as a Buffer', async () => {
      const got: PubSubMessage<Buffer>[] = [];
      const sub = await client.subscribe(ch('a'), (m) => void got.push(m), { buffers: true });
      assert.equal(sub.buffers, true);
      await publisher.publish(ch('a'), BINARY);
      await waitFor(() => got.length === 1, 'one message');
      await sub.unsubscribe();
      const [m] = got;
      assert.ok(Buffer.isBuffer(m!.message) && Buffer.isBuffer(m!.channel));
      assert.deepEqual(m!.message, BINARY);
      assert.equal(m!.channel.toString(), ch('a'));
      assert.equal(m!.kind, 'channel');
    });

    test('without buffers the same channel still delivers strings, at the same time', async () => {
      const binary: PubSubMessage<Buffer>[] = [];
      const text: PubSubMessage[] = [];
      const subs = await Promise.all([
        client.subscribe(ch('both'), (m) => void binary.push(m), { buffers: true }),
        client.subscribe(ch('both'), (m) => void text.push(m)),
      ]);
      await publisher.publish(ch('both'), BINARY);
      await publisher.publish(ch('both'), 'héllo');
      await waitFor(() => binary.length === 2 && text.length === 2, 'two messages each');
      await Promise.all(subs.map((s) => s.unsubscribe()));
      assert.deepEqual(binary[0]!.message, BINARY);
      assert.deepEqual(binary[1]!.message, Buffer.from('héllo'));
      assert.equal(typeof text[0]!.message, 'string');
      assert.equal(
        text[0]!.message,
        BINARY.toString('utf8'),
        'strings are UTF-8 decoded (invalid bytes become U+FFFD)',
      );
      assert.equal(text[1]!.message, 'héllo');
      assert.equal(text[1]!.channel, ch('both'));
    });

    test('the iterator form with { buffers: true } yields Buffers', async () => {
      const sub = await client.subscribe(ch('iter'), undefined, { buffers: true });
      await publisher.publish(ch('iter'), BINARY);
      await publisher.publish(ch('iter'), Buffer.from([0xff]));
      const seen: Buffer[] = [];
      for await (const { message } of sub) {
        seen.push(message);
        if (seen.length === 2) break;
      }
      assert.deepEqual(seen, [BINARY, Buffer.from([0xff])]);
      assert.equal(sub.active, false, 'break unsubscribed');
    });

    test('psubscribe with { buffers: true }: pattern, channel and payload are Buffers', async () => {
      const got: PubSubMessage<Buffer>[] = [];
      const sub = await client.psubscribe(`${ch('p')}.*`, (m) => void got.push(m), { buffers: true });
      await publisher.publish(`${ch('p')}.x`, BINARY);
      await waitFor(() => got.length === 1, 'one message');
      await sub.unsubscribe();
      assert.equal(got[0]!.kind, 'pattern');
      assert.deepEqual(got[0]!.pattern, Buffer.from(`${ch('p')}.*`));
      assert.deepEqual(got[0]!.channel, Buffer.from(`${ch('p')}.x`));
      assert.deepEqual(got[0]!.message, BINARY);
    });

    test('ssubscribe with { buffers: true } (Redis 7+)', async () => {
      const got: PubSubMessage<Buffer>[] = [];
      const sub = await client.ssubscribe(ch('s'), (m) => void got.push(m), { buffers: true });
      await publisher.sPublish(ch('s'), BINARY);
      await waitFor(() => got.length === 1, 'one message');
      await sub.unsubscribe();
      assert.equal(got[0]!.kind, 'shard');
      assert.deepEqual(got[0]!.message, BINARY);
    });

    test('what subscribe cannot use is refused before anything is sent', async () => {
      await assert.rejects(
        client.subscribe(ch('x'), undefined, { buffer: true } as SubscribeOptions),
        (e: unknown) => e instanceof InvalidArgumentError && /buffer/.test(e.message),
      );
      await assert.rejects(
        client.subscribe(ch('x'), undefined, { buffers: 'yes' } as unknown as SubscribeOptions),
        (e: unknown) => e instanceof InvalidArgumentError && /true or false/.test(e.message),
      );
      await assert.rejects(
        client.psubscribe(ch('x'), 'listener' as unknown as undefined),
        (e: unknown) => e instanceof InvalidArgumentError && /listener/.test(e.message),
      );
      assert.deepEqual(await publisher.pubsubChannels(ch('x')), [], 'nothing was subscribed');
    });
  });
}
