// Smoke test of the client under Bun (run by test/integration/bun.test.ts with the bun binary from npm):
// commands, a pipeline, a transaction, binary values, a blocking command, pub/sub, close. Prints one line per
// check, which the test compares; exits non-zero on the first failure.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createClient, ReplyError } from 'respool';

const port = Number(process.env.REDIS_PORT);
const client = createClient({ port });
const publisher = createClient({ port });
const say = (...parts) => console.log(parts.join(' '));

say('runtime', typeof Bun === 'object' ? 'bun' : 'node');
assert.equal(await client.ping(), 'PONG');
await client.del(['bun:n', 'bun:queue']);
await client.set('bun:k', 'v', { ex: 60 });
say('get', await client.get('bun:k'));
say(
  'incr',
  await Promise.all([client.incr('bun:n'), client.incr('bun:n'), client.incr('bun:n')]).then((r) => r.join(',')),
);

const [value, count, failed] = await client.pipeline().get('bun:k').incr('bun:n').hGetAll('bun:k').exec();
say('pipeline', value, count, failed instanceof ReplyError ? failed.code : 'no error');
const [set, ttl] = await client.multi().set('bun:t', '1').ttl('bun:k').exec();
say('multi', set, ttl > 0 && ttl <= 60);

const bytes = Buffer.from([0, 255, 1, 128]);
await client.set('bun:bin', bytes);
say('buffer', (await client.getBuffer('bun:bin')).equals(bytes));

const popped = client.blPop('bun:queue', 5);
await publisher.rPush('bun:queue', 'job');
say('blpop', (await popped)?.element);

const received = new Promise((resolve) => {
  void client
    .subscribe('bun:channel', (message) => resolve(message.message))
    .then(async (subscription) => {
      await publisher.publish('bun:channel', 'hello');
      received.then(() => subscription.unsubscribe());
    });
});
say('pubsub', await received);

const required = createRequire(import.meta.url)('respool');
say('require', required.createClient === createClient);

await Promise.all([client.close(), publisher.close()]);
say('closed', client.closed);
