/** graphql-redis-subscriptions' RedisPubSub with ioredis publisher and subscriber (its docs), through toIORedis. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse, subscribe, type ExecutionResult } from 'graphql';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { toIORedis } from '../../src/compat/index.js';
import { startEcosystem, waitFor, type Ecosystem } from './harness.js';

/** graphql builds results with null prototypes; compare their data. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

let eco: Ecosystem;
before(async () => {
  eco = await startEcosystem();
});
after(() => eco.stop());

test('a GraphQL subscription receives each published message once, through Redis', async () => {
  const publisher = toIORedis(eco.client);
  const pubsub = new RedisPubSub({ publisher: publisher as never, subscriber: publisher.duplicate() as never });
  const Message = new GraphQLObjectType({ name: 'Message', fields: { text: { type: GraphQLString } } });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        messageAdded: {
          type: Message,
          subscribe: () => pubsub.asyncIterableIterator('MESSAGE_ADDED'),
          resolve: (payload: { text: string }) => payload,
        },
      },
    }),
  });
  const stream = (await subscribe({
    schema,
    document: parse('subscription { messageAdded { text } }'),
  })) as AsyncIterableIterator<ExecutionResult>;
  assert.equal(typeof stream[Symbol.asyncIterator], 'function', 'subscribe() gave a stream, not errors');
  const first = stream.next(); // the iterator subscribes on the first read
  await waitFor(
    async () => (await eco.probe.pubsubNumSub('MESSAGE_ADDED'))['MESSAGE_ADDED'] === 1,
    'subscribed in Redis',
  );

  await pubsub.publish('MESSAGE_ADDED', { text: 'héllo' });
  await pubsub.publish('MESSAGE_ADDED', { text: 'second' });
  assert.deepEqual(plain((await first).value), { data: { messageAdded: { text: 'héllo' } } });
  assert.deepEqual(plain((await stream.next()).value), { data: { messageAdded: { text: 'second' } } });

  await stream.return?.();
  await waitFor(async () => (await eco.probe.pubsubNumSub('MESSAGE_ADDED'))['MESSAGE_ADDED'] === 0, 'unsubscribed');
  await pubsub.close();
  assert.equal(eco.client.closed, false, 'closing the faces left the shared client open');
});
