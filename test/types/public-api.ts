/**
 * Compile-only: what an application writes against the published types. `Expect<Equal<A, B>>` fails to compile
 * when A and B differ; `@ts-expect-error` lines must not compile. Written for TypeScript 5.0 (no `using`).
 */
import {
  createClient,
  createCluster,
  createSentinel,
  commands,
  CommandView,
  ReplyError,
  RedisError,
  type ExecReplies,
  type PoolEvents,
  type RedisClient,
  type RespValue,
} from 'respool';
import { ConnPool, ConnLimiter, POOL_DEFAULTS, resolvePoolOptions } from 'respool/pool';
import { RespDecoder, CommandEncoder, encodeCommand } from 'respool/resp';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export async function pipelines(client: RedisClient): Promise<void> {
  const replies = await client.pipeline().get('a').incr('n').exec();
  type _Pipeline = Expect<Equal<typeof replies, [string | null | ReplyError, number | ReplyError]>>;
  const [value, count] = replies;
  if (!(value instanceof ReplyError)) {
    type _Narrowed = Expect<Equal<typeof value, string | null>>;
  }
  if (typeof count === 'number') count.toFixed();

  const tx = await client.multi().set('k', 'v').hGetAll('h').getBuffer('b').exec();
  type _Multi = Expect<
    Equal<typeof tx, ['OK' | null | ReplyError, Record<string, string> | ReplyError, Buffer | null | ReplyError]>
  >;

  // Raw commands and commands built elsewhere join the tuple too.
  const mixed = await client.pipeline().sendCommand(['PING']).add(commands.incr('n')).exec();
  type _Mixed = Expect<Equal<typeof mixed, [unknown, number | ReplyError]>>;

  // Commands added in a loop cannot be followed by the type: the result is unknown[].
  const batch = client.pipeline();
  for (const key of ['a', 'b']) batch.get(key);
  const looped = await batch.exec();
  type _Looped = Expect<Equal<typeof looped, unknown[]>>;

  // Pinned connections chain the same way.
  await client.withConn(async (conn) => {
    const pinned = await conn.multi().ping().exec();
    type _Pinned = Expect<Equal<typeof pinned, [string | ReplyError]>>;
  });

  type _Replies = Expect<Equal<ExecReplies<[number], ReplyError>, [number | ReplyError]>>;
}

export async function clusterAndSentinel(): Promise<void> {
  const cluster = createCluster({ rootNodes: ['127.0.0.1:7000'] });
  const fromCluster = await cluster.pipeline().get('a').exec();
  type _Cluster = Expect<Equal<typeof fromCluster, [string | null | RedisError]>>;
  const clusterTx = await cluster.multi().incr('{t}a').exec();
  type _ClusterTx = Expect<Equal<typeof clusterTx, [number | ReplyError]>>;
  const sentinel = createSentinel({ sentinels: ['127.0.0.1:26379'], masterName: 'mymaster' });
  const fromSentinel = await sentinel.pipeline().ttl('a').exec();
  type _Sentinel = Expect<Equal<typeof fromSentinel, [number | ReplyError]>>;
  await Promise.all([cluster.close(), sentinel.close()]);
}

export async function scriptsAndViews(client: RedisClient): Promise<void> {
  const script = client.defineScript({ script: 'return 1' });
  const chosen = await script.run<number>(['k'], ['a']);
  type _Chosen = Expect<Equal<typeof chosen, number>>;
  const raw = await script.run();
  type _Raw = Expect<Equal<typeof raw, RespValue>>;

  const view = client.with({ timeout: 100 });
  type _View = Expect<Equal<typeof view, CommandView>>;
  const got = await view.get('k');
  type _Got = Expect<Equal<typeof got, string | null>>;
  const bytes = await client.getBuffer('k');
  type _Bytes = Expect<Equal<typeof bytes, Buffer | null>>;
}

export function events(client: RedisClient): void {
  client.on('connect', (event) => {
    type _Event = Expect<Equal<typeof event, PoolEvents['connect']>>;
  });
  // @ts-expect-error: there is no 'error' event (errors reach each command's caller)
  client.on('error', () => {});
}

export function internalsAreNotPublic(client: RedisClient): void {
  // @ts-expect-error: internal, stripped from the declarations
  client.retry;
  // @ts-expect-error: internal
  client.flushQueued;
  // @ts-expect-error: internal
  client.abandonBlocking;
  // @ts-expect-error: internal
  client.dispatch;
  // @ts-expect-error: internal
  client.dispatchRaw;
  // @ts-expect-error: internal
  client.discardConnection;
}

export function subpaths(): void {
  const pool = new ConnPool({
    dialer: () => Promise.resolve({ usable: true, close: () => {} }),
    poolSize: 4,
    poolTimeout: POOL_DEFAULTS.poolTimeout,
  });
  void pool.close();
  void new ConnLimiter(4);
  void resolvePoolOptions({ dialer: () => Promise.resolve({ usable: true, close: () => {} }) });
  void new RespDecoder({ onReply: () => {} });
  void new CommandEncoder();
  void encodeCommand(['PING']);
  void createClient;
}
