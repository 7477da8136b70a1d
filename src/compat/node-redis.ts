/**
 * `toNodeRedis(client)`: what libraries written for node-redis v4/v5 call, over a respool client.
 *
 * camelCase methods (`hGetAll`, `pTTL`, also as their upper-case command names: `HGETALL`) with node-redis's
 * option objects (`set(k, v, { EX, PX, NX, XX, KEEPTTL, GET })`, `{ expiration: { type, value } }`,
 * `eval(script, { keys, arguments })`, `scan(cursor, { MATCH, COUNT, TYPE })`), translated into the raw
 * command they spell. An option the face does not know is refused with InvalidArgumentError naming the
 * method, never dropped. Replies have node-redis v5's RESP2 shapes (integers stay numbers, HGETALL a
 * record, XREAD `[{ name, messages: [{ id, message }] }]`), whatever protocol respool speaks.
 * `scanIterator` yields pages, as in v5. Subscriptions take `(message, channel)` listeners, Buffers with
 * node-redis's `bufferMode` flag.
 */
import type { RedisClient } from '../client/client.js';
import type { PubSubMessage, SubscriptionKind } from '../client/subscription.js';
import { ClientClosedError, InvalidArgumentError } from '../errors.js';
import type { ClientOptions } from '../options.js';
import type { RedisArg } from '../resp/types.js';
import { toRecord } from './convert.js';
import { Face, SharedClient, type FaceCommand } from './face.js';
import { resolveClient } from './ioredis.js';
import { toResp2 } from './resp2.js';

export interface ToNodeRedisOptions {
  /** quit()/close() of this face (and of all its duplicates, once every one is closed) close the client. */
  ownsClient?: boolean;
}

type Arg = RedisArg;
type Args = Arg | readonly Arg[];
type Builder = (...input: never[]) => FaceCommand;

/** node-redis's message for a command on a closed client. */
const CLOSED_MESSAGE = 'The client is closed';

/** duplicate() options that do not change where or how commands go. */
const NEUTRAL_DUPLICATE_OPTIONS = new Set([
  'name',
  'disableOfflineQueue',
  'pingInterval',
  'commandsQueueMaxLength',
  'isolationPoolOptions',
  'disableClientInfo',
]);

function list(value: Args): Arg[] {
  return Array.isArray(value) ? [...(value as readonly Arg[])] : [value as Arg];
}

function raw(args: Arg[], transform?: (reply: unknown) => unknown, buffers = false): FaceCommand {
  const name = String(args[0]).toLowerCase();
  return {
    args,
    buffers,
    transform: (reply) => {
      const shaped = toResp2(name, args, reply);
      return transform === undefined ? shaped : transform(shaped);
    },
  };
}

/** Checks an options object: plain object (or undefined), only known keys. */
function options(method: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new InvalidArgumentError(
      `${method}(): options must be an object like { ${known[0]}: … }, got ${typeof value}.`,
    );
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] === undefined) continue;
    if (!known.includes(key)) {
      throw new InvalidArgumentError(
        `${method}(): unknown option ${key}; toNodeRedis understands ${known.join(', ')}. Use sendCommand([...]) for anything else.`,
      );
    }
  }
  return record;
}

const EXPIRY_TYPES = ['EX', 'PX', 'EXAT', 'PXAT'];

function pushExpiration(method: string, args: Arg[], expiration: unknown): void {
  if (expiration === undefined) return;
  if (expiration === 'KEEPTTL') {
    args.push('KEEPTTL');
    return;
  }
  const e = options(`${method} expiration`, expiration, ['type', 'value']);
  const type = String(e['type']);
  if (type === 'KEEPTTL') {
    args.push('KEEPTTL');
    return;
  }
  if (!EXPIRY_TYPES.includes(type) || typeof e['value'] !== 'number') {
    throw new InvalidArgumentError(
      `${method}(): expiration must be { type: 'EX' | 'PX' | 'EXAT' | 'PXAT', value: number } or 'KEEPTTL'.`,
    );
  }
  args.push(type, e['value']);
}

function setCommand(key: Arg, value: Arg, opts?: unknown): FaceCommand {
  const o = options('set', opts, ['EX', 'PX', 'EXAT', 'PXAT', 'KEEPTTL', 'NX', 'XX', 'GET', 'expiration', 'condition']);
  const args: Arg[] = ['SET', key, value];
  for (const type of EXPIRY_TYPES) if (o[type] !== undefined) args.push(type, o[type] as Arg);
  if (o['KEEPTTL'] === true) args.push('KEEPTTL');
  pushExpiration('set', args, o['expiration']);
  if (o['condition'] !== undefined) {
    if (o['condition'] !== 'NX' && o['condition'] !== 'XX') {
      throw new InvalidArgumentError("set(): condition must be 'NX' or 'XX'.");
    }
    args.push(o['condition']);
  }
  if (o['NX'] === true) args.push('NX');
  if (o['XX'] === true) args.push('XX');
  if (o['GET'] === true) args.push('GET');
  return raw(args);
}

function pairsOf(method: string, input: unknown): Arg[] {
  if (input instanceof Map) return [...input].flat(1) as Arg[];
  if (Array.isArray(input)) return (input as unknown[]).flat(1) as Arg[];
  if (input !== null && typeof input === 'object' && !Buffer.isBuffer(input)) {
    return Object.entries(input).flat(1) as Arg[];
  }
  throw new InvalidArgumentError(`${method}(): expects a record, a Map or [key, value] pairs.`);
}

function evalCommand(verb: string, script: Arg, opts?: unknown): FaceCommand {
  const o = options(verb.toLowerCase(), opts, ['keys', 'arguments']);
  const keys = (o['keys'] as Arg[] | undefined) ?? [];
  const args = (o['arguments'] as Arg[] | undefined) ?? [];
  return raw([verb, script, keys.length, ...keys, ...args]);
}

function scanOptions(method: string, opts: unknown, known = ['MATCH', 'COUNT']): Arg[] {
  const o = options(method, opts, known);
  const args: Arg[] = [];
  for (const k of known) if (o[k] !== undefined) args.push(k, o[k] as Arg);
  return args;
}

function score(value: unknown): number {
  const text = String(value);
  if (text === 'inf' || text === '+inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

function streamMessages(reply: unknown): { id: string; message: Record<string, unknown> }[] {
  if (!Array.isArray(reply)) return [];
  return reply.map((entry) => {
    const [id, fields] = entry as [unknown, unknown];
    return { id: String(id), message: toRecord(fields) };
  });
}

function zMembers(reply: unknown): { value: unknown; score: number }[] {
  const out: { value: unknown; score: number }[] = [];
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out.push({ value: reply[i], score: score(reply[i + 1]) });
  return out;
}

function zRangeArgs(verb: string, key: Arg, min: Arg, max: Arg, opts: unknown): Arg[] {
  const o = options(verb === 'ZRANGE' ? 'zRange' : 'zRangeWithScores', opts, ['BY', 'REV', 'LIMIT']);
  const args: Arg[] = ['ZRANGE', key, min, max];
  if (o['BY'] !== undefined) args.push(String(o['BY']) === 'LEX' ? 'BYLEX' : 'BYSCORE');
  if (o['REV'] === true) args.push('REV');
  if (o['LIMIT'] !== undefined) {
    const limit = options('zRange LIMIT', o['LIMIT'], ['offset', 'count']);
    args.push('LIMIT', limit['offset'] as Arg, limit['count'] as Arg);
  }
  return args;
}

const numberOrNull = (r: unknown): number | null => (r === null ? null : score(r));
const keyElement = (r: unknown) => (Array.isArray(r) ? { key: r[0], element: r[1] } : null);

/** node-redis methods as raw commands. Each also becomes an upper-case alias (`hGetAll` → `HGETALL`). */
const BUILDERS = {
  // strings
  get: (key: Arg) => raw(['GET', key]),
  set: setCommand,
  setNX: (key: Arg, value: Arg) => raw(['SETNX', key, value]),
  setEx: (key: Arg, seconds: number, value: Arg) => raw(['SETEX', key, seconds, value]),
  pSetEx: (key: Arg, ms: number, value: Arg) => raw(['PSETEX', key, ms, value]),
  getSet: (key: Arg, value: Arg) => raw(['GETSET', key, value]),
  getDel: (key: Arg) => raw(['GETDEL', key]),
  getEx: (key: Arg, opts: unknown) => {
    const o = options('getEx', opts, [...EXPIRY_TYPES, 'PERSIST', 'type', 'value']);
    const args: Arg[] = ['GETEX', key];
    for (const type of EXPIRY_TYPES) if (o[type] !== undefined) args.push(type, o[type] as Arg);
    if (o['type'] !== undefined) {
      if (o['type'] === 'PERSIST') args.push('PERSIST');
      else pushExpiration('getEx', args, { type: o['type'], value: o['value'] });
    }
    if (o['PERSIST'] === true) args.push('PERSIST');
    return raw(args);
  },
  mGet: (keys: Args) => raw(['MGET', ...list(keys)]),
  mSet: (pairs: unknown) => raw(['MSET', ...pairsOf('mSet', pairs)]),
  mSetNX: (pairs: unknown) => raw(['MSETNX', ...pairsOf('mSetNX', pairs)]),
  incr: (key: Arg) => raw(['INCR', key]),
  incrBy: (key: Arg, n: number) => raw(['INCRBY', key, n]),
  incrByFloat: (key: Arg, n: number) => raw(['INCRBYFLOAT', key, n]),
  decr: (key: Arg) => raw(['DECR', key]),
  decrBy: (key: Arg, n: number) => raw(['DECRBY', key, n]),
  append: (key: Arg, value: Arg) => raw(['APPEND', key, value]),
  strLen: (key: Arg) => raw(['STRLEN', key]),
  getRange: (key: Arg, start: number, end: number) => raw(['GETRANGE', key, start, end]),
  setRange: (key: Arg, offset: number, value: Arg) => raw(['SETRANGE', key, offset, value]),
  // keys
  del: (keys: Args) => raw(['DEL', ...list(keys)]),
  unlink: (keys: Args) => raw(['UNLINK', ...list(keys)]),
  exists: (keys: Args) => raw(['EXISTS', ...list(keys)]),
  touch: (keys: Args) => raw(['TOUCH', ...list(keys)]),
  expire: (key: Arg, seconds: number, mode?: string) =>
    raw(mode ? ['EXPIRE', key, seconds, mode] : ['EXPIRE', key, seconds]),
  pExpire: (key: Arg, ms: number, mode?: string) => raw(mode ? ['PEXPIRE', key, ms, mode] : ['PEXPIRE', key, ms]),
  expireAt: (key: Arg, at: number | Date, mode?: string) => {
    const ts = at instanceof Date ? Math.floor(at.getTime() / 1000) : at;
    return raw(mode ? ['EXPIREAT', key, ts, mode] : ['EXPIREAT', key, ts]);
  },
  pExpireAt: (key: Arg, at: number | Date, mode?: string) => {
    const ts = at instanceof Date ? at.getTime() : at;
    return raw(mode ? ['PEXPIREAT', key, ts, mode] : ['PEXPIREAT', key, ts]);
  },
  ttl: (key: Arg) => raw(['TTL', key]),
  pTTL: (key: Arg) => raw(['PTTL', key]),
  persist: (key: Arg) => raw(['PERSIST', key]),
  type: (key: Arg) => raw(['TYPE', key]),
  rename: (key: Arg, to: Arg) => raw(['RENAME', key, to]),
  renameNX: (key: Arg, to: Arg) => raw(['RENAMENX', key, to]),
  keys: (pattern: Arg) => raw(['KEYS', pattern]),
  randomKey: () => raw(['RANDOMKEY']),
  dbSize: () => raw(['DBSIZE']),
  flushDb: (mode?: string) => raw(mode ? ['FLUSHDB', mode] : ['FLUSHDB']),
  flushAll: (mode?: string) => raw(mode ? ['FLUSHALL', mode] : ['FLUSHALL']),
  scan: (cursor: Arg, opts?: unknown) =>
    raw(['SCAN', cursor, ...scanOptions('scan', opts, ['MATCH', 'COUNT', 'TYPE'])], (r) => {
      const [next, keys] = r as [unknown, unknown[]];
      return { cursor: String(next), keys };
    }),
  // hashes
  hGet: (key: Arg, field: Arg) => raw(['HGET', key, field]),
  hSet: (key: Arg, fieldOrValues: unknown, value?: Arg) =>
    raw(
      value === undefined && typeof fieldOrValues === 'object' && !Buffer.isBuffer(fieldOrValues)
        ? ['HSET', key, ...pairsOf('hSet', fieldOrValues)]
        : ['HSET', key, fieldOrValues as Arg, value as Arg],
    ),
  hSetNX: (key: Arg, field: Arg, value: Arg) => raw(['HSETNX', key, field, value]),
  hGetAll: (key: Arg) => raw(['HGETALL', key], toRecord),
  hmGet: (key: Arg, fields: Args) => raw(['HMGET', key, ...list(fields)]),
  hDel: (key: Arg, fields: Args) => raw(['HDEL', key, ...list(fields)]),
  hExists: (key: Arg, field: Arg) => raw(['HEXISTS', key, field]),
  hIncrBy: (key: Arg, field: Arg, n: number) => raw(['HINCRBY', key, field, n]),
  hIncrByFloat: (key: Arg, field: Arg, n: number) => raw(['HINCRBYFLOAT', key, field, n]),
  hKeys: (key: Arg) => raw(['HKEYS', key]),
  hVals: (key: Arg) => raw(['HVALS', key]),
  hLen: (key: Arg) => raw(['HLEN', key]),
  hScan: (key: Arg, cursor: Arg, opts?: unknown) =>
    raw(['HSCAN', key, cursor, ...scanOptions('hScan', opts)], (r) => {
      const [next, flat] = r as [unknown, unknown[]];
      const entries = Object.entries(toRecord(flat)).map(([field, value]) => ({ field, value }));
      return { cursor: String(next), entries };
    }),
  // lists
  lPush: (key: Arg, elements: Args) => raw(['LPUSH', key, ...list(elements)]),
  rPush: (key: Arg, elements: Args) => raw(['RPUSH', key, ...list(elements)]),
  lPushX: (key: Arg, elements: Args) => raw(['LPUSHX', key, ...list(elements)]),
  rPushX: (key: Arg, elements: Args) => raw(['RPUSHX', key, ...list(elements)]),
  lPop: (key: Arg) => raw(['LPOP', key]),
  rPop: (key: Arg) => raw(['RPOP', key]),
  lRange: (key: Arg, start: number, stop: number) => raw(['LRANGE', key, start, stop]),
  lLen: (key: Arg) => raw(['LLEN', key]),
  lIndex: (key: Arg, index: number) => raw(['LINDEX', key, index]),
  lSet: (key: Arg, index: number, element: Arg) => raw(['LSET', key, index, element]),
  lRem: (key: Arg, count: number, element: Arg) => raw(['LREM', key, count, element]),
  lTrim: (key: Arg, start: number, stop: number) => raw(['LTRIM', key, start, stop]),
  lMove: (src: Arg, dst: Arg, from: string, to: string) => raw(['LMOVE', src, dst, from, to]),
  blPop: (keys: Args, timeout: number) => raw(['BLPOP', ...list(keys), timeout], keyElement),
  brPop: (keys: Args, timeout: number) => raw(['BRPOP', ...list(keys), timeout], keyElement),
  blMove: (src: Arg, dst: Arg, from: string, to: string, timeout: number) =>
    raw(['BLMOVE', src, dst, from, to, timeout]),
  rPopLPush: (src: Arg, dst: Arg) => raw(['RPOPLPUSH', src, dst]),
  brPopLPush: (src: Arg, dst: Arg, timeout: number) => raw(['BRPOPLPUSH', src, dst, timeout]),
  // sets
  sAdd: (key: Arg, members: Args) => raw(['SADD', key, ...list(members)]),
  sRem: (key: Arg, members: Args) => raw(['SREM', key, ...list(members)]),
  sMembers: (key: Arg) => raw(['SMEMBERS', key]),
  sIsMember: (key: Arg, member: Arg) => raw(['SISMEMBER', key, member]),
  smIsMember: (key: Arg, members: Args) => raw(['SMISMEMBER', key, ...list(members)]),
  sCard: (key: Arg) => raw(['SCARD', key]),
  sPop: (key: Arg) => raw(['SPOP', key]),
  sRandMember: (key: Arg) => raw(['SRANDMEMBER', key]),
  sInter: (keys: Args) => raw(['SINTER', ...list(keys)]),
  sUnion: (keys: Args) => raw(['SUNION', ...list(keys)]),
  sDiff: (keys: Args) => raw(['SDIFF', ...list(keys)]),
  sMove: (src: Arg, dst: Arg, member: Arg) => raw(['SMOVE', src, dst, member]),
  sScan: (key: Arg, cursor: Arg, opts?: unknown) =>
    raw(['SSCAN', key, cursor, ...scanOptions('sScan', opts)], (r) => {
      const [next, members] = r as [unknown, unknown[]];
      return { cursor: String(next), members };
    }),
  // sorted sets
  zAdd: (key: Arg, members: unknown, opts?: unknown) => {
    const o = options('zAdd', opts, ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR', 'condition', 'comparison']);
    const args: Arg[] = ['ZADD', key];
    for (const flag of ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR']) if (o[flag] === true) args.push(flag);
    if (o['condition'] !== undefined) args.push(String(o['condition']));
    if (o['comparison'] !== undefined) args.push(String(o['comparison']));
    for (const m of Array.isArray(members) ? members : [members]) {
      const member = options('zAdd member', m, ['score', 'value']);
      args.push(member['score'] as Arg, member['value'] as Arg);
    }
    return raw(args, args.includes('INCR') ? numberOrNull : undefined);
  },
  zRem: (key: Arg, members: Args) => raw(['ZREM', key, ...list(members)]),
  zScore: (key: Arg, member: Arg) => raw(['ZSCORE', key, member], numberOrNull),
  zIncrBy: (key: Arg, n: number, member: Arg) => raw(['ZINCRBY', key, n, member], score),
  zCard: (key: Arg) => raw(['ZCARD', key]),
  zCount: (key: Arg, min: Arg, max: Arg) => raw(['ZCOUNT', key, min, max]),
  zRange: (key: Arg, min: Arg, max: Arg, opts?: unknown) => raw(zRangeArgs('ZRANGE', key, min, max, opts)),
  zRangeWithScores: (key: Arg, min: Arg, max: Arg, opts?: unknown) =>
    raw([...zRangeArgs('ZRANGE_WITHSCORES', key, min, max, opts), 'WITHSCORES'], zMembers),
  zRangeByScore: (key: Arg, min: Arg, max: Arg, opts?: unknown) => {
    const o = options('zRangeByScore', opts, ['LIMIT']);
    const args: Arg[] = ['ZRANGEBYSCORE', key, min, max];
    if (o['LIMIT'] !== undefined) {
      const limit = options('zRangeByScore LIMIT', o['LIMIT'], ['offset', 'count']);
      args.push('LIMIT', limit['offset'] as Arg, limit['count'] as Arg);
    }
    return raw(args);
  },
  zRank: (key: Arg, member: Arg) => raw(['ZRANK', key, member]),
  zRevRank: (key: Arg, member: Arg) => raw(['ZREVRANK', key, member]),
  zRemRangeByScore: (key: Arg, min: Arg, max: Arg) => raw(['ZREMRANGEBYSCORE', key, min, max]),
  zRemRangeByRank: (key: Arg, start: number, stop: number) => raw(['ZREMRANGEBYRANK', key, start, stop]),
  zPopMin: (key: Arg) => raw(['ZPOPMIN', key], (r) => zMembers(r)[0] ?? null),
  zPopMax: (key: Arg) => raw(['ZPOPMAX', key], (r) => zMembers(r)[0] ?? null),
  zScan: (key: Arg, cursor: Arg, opts?: unknown) =>
    raw(['ZSCAN', key, cursor, ...scanOptions('zScan', opts)], (r) => {
      const [next, flat] = r as [unknown, unknown[]];
      return { cursor: String(next), members: zMembers(flat) };
    }),
  // streams
  xAdd: (key: Arg, id: Arg, message: unknown, opts?: unknown) => {
    const o = options('xAdd', opts, ['TRIM', 'NOMKSTREAM']);
    const args: Arg[] = ['XADD', key];
    if (o['NOMKSTREAM'] === true) args.push('NOMKSTREAM');
    if (o['TRIM'] !== undefined) args.push(...trimArgs('xAdd', o['TRIM']));
    args.push(id, ...pairsOf('xAdd', message));
    return raw(args);
  },
  xTrim: (key: Arg, strategy: string, threshold: Arg, opts?: unknown) => {
    const o = options('xTrim', opts, ['strategyModifier', 'LIMIT']);
    return raw(['XTRIM', key, ...trimArgs('xTrim', { strategy, threshold, ...o })]);
  },
  xRead: (streams: unknown, opts?: unknown) => {
    const o = options('xRead', opts, ['COUNT', 'BLOCK']);
    const args: Arg[] = ['XREAD'];
    if (o['COUNT'] !== undefined) args.push('COUNT', o['COUNT'] as Arg);
    if (o['BLOCK'] !== undefined) args.push('BLOCK', o['BLOCK'] as Arg);
    const all = (Array.isArray(streams) ? streams : [streams]).map((s) => options('xRead stream', s, ['key', 'id']));
    args.push('STREAMS', ...all.map((s) => s['key'] as Arg), ...all.map((s) => s['id'] as Arg));
    return raw(args, (r) =>
      Array.isArray(r)
        ? r.map((entry) => {
            const [name, messages] = entry as [unknown, unknown];
            return { name: String(name), messages: streamMessages(messages) };
          })
        : null,
    );
  },
  xRange: (key: Arg, start: Arg, end: Arg, opts?: unknown) =>
    raw(['XRANGE', key, start, end, ...scanOptions('xRange', opts, ['COUNT'])], streamMessages),
  xRevRange: (key: Arg, end: Arg, start: Arg, opts?: unknown) =>
    raw(['XREVRANGE', key, end, start, ...scanOptions('xRevRange', opts, ['COUNT'])], streamMessages),
  xLen: (key: Arg) => raw(['XLEN', key]),
  xDel: (key: Arg, ids: Args) => raw(['XDEL', key, ...list(ids)]),
  // scripting
  eval: (script: Arg, opts?: unknown) => evalCommand('EVAL', script, opts),
  evalSha: (sha: Arg, opts?: unknown) => evalCommand('EVALSHA', sha, opts),
  evalRo: (script: Arg, opts?: unknown) => evalCommand('EVAL_RO', script, opts),
  evalShaRo: (sha: Arg, opts?: unknown) => evalCommand('EVALSHA_RO', sha, opts),
  fCall: (fn: Arg, opts?: unknown) => evalCommand('FCALL', fn, opts),
  fCallRo: (fn: Arg, opts?: unknown) => evalCommand('FCALL_RO', fn, opts),
  scriptLoad: (script: Arg) => raw(['SCRIPT', 'LOAD', script]),
  // pub/sub publishing
  publish: (channel: Arg, message: Arg) => raw(['PUBLISH', channel, message]),
  sPublish: (channel: Arg, message: Arg) => raw(['SPUBLISH', channel, message]),
  pubSubChannels: (pattern?: Arg) =>
    raw(pattern === undefined ? ['PUBSUB', 'CHANNELS'] : ['PUBSUB', 'CHANNELS', pattern]),
  pubSubNumSub: (channels?: Args) =>
    raw(['PUBSUB', 'NUMSUB', ...(channels === undefined ? [] : list(channels))], (r) => {
      const record: Record<string, number> = {};
      for (const [k, v] of Object.entries(toRecord(r))) record[k] = Number(v);
      return record;
    }),
  // server
  ping: (message?: Arg) => raw(message === undefined ? ['PING'] : ['PING', message]),
  echo: (message: Arg) => raw(['ECHO', message]),
  info: (section?: Arg) => raw(section === undefined ? ['INFO'] : ['INFO', section]),
  time: () => raw(['TIME']),
  clientId: () => raw(['CLIENT', 'ID']),
  clientGetName: () => raw(['CLIENT', 'GETNAME']),
  configGet: (pattern: Args) => raw(['CONFIG', 'GET', ...list(pattern)], toRecord),
  configSet: (parameter: unknown, value?: Arg) =>
    raw(
      value === undefined
        ? ['CONFIG', 'SET', ...pairsOf('configSet', parameter)]
        : ['CONFIG', 'SET', parameter as Arg, value],
    ),
  watch: (keys: Args) => raw(['WATCH', ...list(keys)]),
  unwatch: () => raw(['UNWATCH']),
} satisfies Record<string, Builder>;

function trimArgs(method: string, trim: unknown): Arg[] {
  const t = options(`${method} TRIM`, trim, ['strategy', 'strategyModifier', 'threshold', 'limit', 'LIMIT']);
  const args: Arg[] = [String(t['strategy'] ?? 'MAXLEN')];
  if (t['strategyModifier'] !== undefined) args.push(String(t['strategyModifier']));
  args.push(t['threshold'] as Arg);
  const limit = t['limit'] ?? t['LIMIT'];
  if (limit !== undefined) args.push('LIMIT', limit as Arg);
  return args;
}

type Builders = typeof BUILDERS;
type Method = keyof Builders;
/** The client-side method for each builder: same parameters, a promise of the converted reply. */
type FaceMethods = { [K in Method]: (...args: Parameters<Builders[K]>) => Promise<unknown> } & {
  [K in Method as Uppercase<K>]: (...args: Parameters<Builders[K]>) => Promise<unknown>;
};
type MultiMethods = { [K in Method]: (...args: Parameters<Builders[K]>) => NodeRedisMulti } & {
  [K in Method as Uppercase<K>]: (...args: Parameters<Builders[K]>) => NodeRedisMulti;
};

// Declaration merging adds the generated methods to the classes' types.
/* eslint-disable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type */
export interface NodeRedisFace extends FaceMethods {}
export interface NodeRedisMulti extends MultiMethods {}
/* eslint-enable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type */

interface ListenerEntry {
  listener: (message: unknown, channel: unknown) => unknown;
  buffers: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class NodeRedisFace extends Face {
  /** What node-redis exposes as `options`: the address (no credentials) and the connection name. */
  readonly options: Record<string, unknown>;
  private readonly messageListeners = new Map<string, ListenerEntry[]>();

  constructor(shared: SharedClient, duplicate: boolean, connectionName: string | undefined) {
    super({ shared, duplicate, connectionName });
    const o = shared.client.options;
    this.options = {
      url: o.path === undefined ? `redis://${o.host}:${o.port}/${o.db}` : `unix://${o.path}`,
      socket: o.path === undefined ? { host: o.host, port: o.port } : { path: o.path },
      database: o.db,
      name: connectionName ?? o.clientName,
    };
    void this.openFace();
  }

  protected closedError(): Error {
    return new ClientClosedError(CLOSED_MESSAGE);
  }

  /** True until quit()/close()/disconnect()/destroy(). */
  get isOpen(): boolean {
    return this.accepting;
  }

  /** True while open and, for a named face, once its connection is ready. */
  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** Opens the face (again); resolves with the face once the server answered. */
  async connect(): Promise<this> {
    await this.openFace();
    return this;
  }

  /** v4: closes the face after in-flight commands; the client only if the face owns it. */
  async quit(): Promise<'OK'> {
    await this.closeGracefully();
    return 'OK';
  }

  /** v5 spelling of quit(). */
  async close(): Promise<void> {
    await this.closeGracefully();
  }

  /** Closes the face now: in-flight commands reject. */
  disconnect(): Promise<void> {
    return this.closeNow();
  }

  /** v5 spelling of disconnect(). */
  destroy(): void {
    void this.closeNow();
  }

  /** Another face of the same client (same pool); `{ name }` gives it a named connection of its own. */
  duplicate(overrides?: Record<string, unknown>): NodeRedisFace {
    let name: string | undefined;
    if (overrides !== undefined && overrides !== null) {
      for (const [k, v] of Object.entries(overrides)) {
        if (v === undefined || NEUTRAL_DUPLICATE_OPTIONS.has(k)) continue;
        throw new InvalidArgumentError(
          `duplicate(): option ${k} would need a connection set up differently, but a duplicate shares the ` +
            'respool client (its address, database and credentials). Create another client for that, and toNodeRedis() it.',
        );
      }
      if (overrides['name'] !== undefined) name = String(overrides['name']);
    }
    return new NodeRedisFace(this.shared, true, name);
  }

  /** `CLIENT SETNAME`: names this face's connection (a duplicate only). */
  clientSetName(name: string): Promise<'OK'> {
    if (!this.isDuplicate) {
      return Promise.reject(
        new InvalidArgumentError(
          "clientSetName() names one connection, but this face shares the client's pool. Name a duplicate " +
            'instead (face.duplicate({ name })), or give the respool client a clientName option.',
        ),
      );
    }
    return this.nameConnection(name);
  }

  /** Any command: `sendCommand(['SET', 'k', 'v'])`; raw reply in its RESP2 shape. `{ returnBuffers: true }` for Buffers. */
  sendCommand(args: Arg[], opts?: { returnBuffers?: boolean }): Promise<unknown> {
    try {
      const o = options('sendCommand', opts, ['returnBuffers']);
      if (!Array.isArray(args) || args.length === 0) {
        throw new InvalidArgumentError("sendCommand(): expects an array of arguments, like ['GET', 'key'].");
      }
      return this.run(raw([...args], undefined, o['returnBuffers'] === true));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** MULTI/EXEC; `exec(true)` or `execAsPipeline()` sends the commands as a pipeline instead. */
  multi(): NodeRedisMulti {
    return new NodeRedisMulti(this);
  }

  /** @internal */
  execBatch(commands: FaceCommand[], kind: 'pipeline' | 'multi'): Promise<unknown[]> {
    return this.runBatch(commands, kind);
  }

  /** @internal */
  runCommand(command: FaceCommand): Promise<unknown> {
    return this.run(command);
  }

  /** Every key matching, in pages (`string[]` per SCAN reply), as node-redis v5 yields them. */
  async *scanIterator(opts?: { MATCH?: string; COUNT?: number; TYPE?: string; cursor?: string }) {
    const { cursor: start, ...rest } = opts ?? {};
    let cursor = start ?? '0';
    do {
      const page = (await this.run(BUILDERS.scan(cursor, rest))) as { cursor: string; keys: string[] };
      cursor = page.cursor;
      if (page.keys.length > 0) yield page.keys;
    } while (cursor !== '0');
  }

  async *hScanIterator(key: Arg, opts?: { MATCH?: string; COUNT?: number }) {
    let cursor = '0';
    do {
      const page = (await this.run(BUILDERS.hScan(key, cursor, opts))) as {
        cursor: string;
        entries: { field: string; value: unknown }[];
      };
      cursor = page.cursor;
      if (page.entries.length > 0) yield page.entries;
    } while (cursor !== '0');
  }

  async *sScanIterator(key: Arg, opts?: { MATCH?: string; COUNT?: number }) {
    let cursor = '0';
    do {
      const page = (await this.run(BUILDERS.sScan(key, cursor, opts))) as { cursor: string; members: unknown[] };
      cursor = page.cursor;
      if (page.members.length > 0) yield page.members;
    } while (cursor !== '0');
  }

  async *zScanIterator(key: Arg, opts?: { MATCH?: string; COUNT?: number }) {
    let cursor = '0';
    do {
      const page = (await this.run(BUILDERS.zScan(key, cursor, opts))) as {
        cursor: string;
        members: { value: unknown; score: number }[];
      };
      cursor = page.cursor;
      if (page.members.length > 0) yield page.members;
    } while (cursor !== '0');
  }

  subscribe(channels: string | string[], listener: ListenerEntry['listener'], bufferMode?: boolean): Promise<void> {
    return this.listen('channel', 'subscribe', channels, listener, bufferMode);
  }
  unsubscribe(channels?: string | string[], listener?: ListenerEntry['listener'], bufferMode?: boolean): Promise<void> {
    return this.unlisten('channel', channels, listener, bufferMode);
  }
  pSubscribe(patterns: string | string[], listener: ListenerEntry['listener'], bufferMode?: boolean): Promise<void> {
    return this.listen('pattern', 'pSubscribe', patterns, listener, bufferMode);
  }
  pUnsubscribe(
    patterns?: string | string[],
    listener?: ListenerEntry['listener'],
    bufferMode?: boolean,
  ): Promise<void> {
    return this.unlisten('pattern', patterns, listener, bufferMode);
  }
  sSubscribe(channels: string | string[], listener: ListenerEntry['listener'], bufferMode?: boolean): Promise<void> {
    return this.listen('shard', 'sSubscribe', channels, listener, bufferMode);
  }
  sUnsubscribe(
    channels?: string | string[],
    listener?: ListenerEntry['listener'],
    bufferMode?: boolean,
  ): Promise<void> {
    return this.unlisten('shard', channels, listener, bufferMode);
  }

  private async listen(
    kind: SubscriptionKind,
    method: string,
    names: string | string[],
    listener: ListenerEntry['listener'],
    bufferMode: boolean | undefined,
  ): Promise<void> {
    if (typeof listener !== 'function') {
      throw new InvalidArgumentError(`${method}(): argument 2 must be a listener (message, channel) => …`);
    }
    const all = (Array.isArray(names) ? names : [names]).map(String);
    for (const name of all) {
      const k = `${kind}\u0000${name}`;
      const entries = this.messageListeners.get(k) ?? [];
      entries.push({ listener, buffers: bufferMode === true });
      this.messageListeners.set(k, entries);
    }
    await this.subscribeTo(kind, all);
  }

  private async unlisten(
    kind: SubscriptionKind,
    names: string | string[] | undefined,
    listener: ListenerEntry['listener'] | undefined,
    bufferMode: boolean | undefined,
  ): Promise<void> {
    const prefix = `${kind}\u0000`;
    const all =
      names === undefined || (Array.isArray(names) && names.length === 0)
        ? [...this.messageListeners.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length))
        : (Array.isArray(names) ? names : [names]).map(String);
    const gone: string[] = [];
    for (const name of all) {
      const k = prefix + name;
      const left = (this.messageListeners.get(k) ?? []).filter(
        (e) => listener !== undefined && !(e.listener === listener && e.buffers === (bufferMode === true)),
      );
      if (left.length > 0) this.messageListeners.set(k, left);
      else {
        this.messageListeners.delete(k);
        gone.push(name);
      }
    }
    if (gone.length > 0) await this.unsubscribeFrom(kind, gone);
  }

  protected deliver(m: PubSubMessage<Buffer>): void {
    const name = (m.pattern ?? m.channel).toString();
    const entries = this.messageListeners.get(`${m.kind}\u0000${name}`);
    if (entries === undefined) return;
    for (const e of [...entries]) {
      try {
        if (e.buffers) void e.listener(m.message, m.channel);
        else void e.listener(m.message.toString(), m.channel.toString());
      } catch (error) {
        this.emitError(error);
      }
    }
  }
}

/** A node-redis multi: the same methods, queued; exec() sends them as MULTI/EXEC (or as a pipeline). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class NodeRedisMulti {
  private readonly commands: FaceCommand[] = [];
  private refused: unknown;

  constructor(private readonly face: NodeRedisFace) {}

  /** @internal */
  queue(build: () => FaceCommand): this {
    try {
      this.commands.push(build());
    } catch (error) {
      this.refused ??= error;
    }
    return this;
  }

  /** v4: any command as arguments. */
  addCommand(args: Arg[]): this {
    return this.queue(() => raw([...args]));
  }

  /** Sends MULTI/EXEC (or, with `true`, a pipeline); resolves with the replies, rejects with the first error reply. */
  async exec(asPipeline = false): Promise<unknown[]> {
    const commands = this.commands.splice(0);
    if (this.refused !== undefined) throw this.refused;
    const replies = await this.face.execBatch(commands, asPipeline ? 'pipeline' : 'multi');
    const failed = replies.find((r) => r instanceof Error);
    if (failed !== undefined) throw Object.assign(failed, { replies });
    return replies;
  }

  execAsPipeline(): Promise<unknown[]> {
    return this.exec(true);
  }
}

for (const method of Object.keys(BUILDERS) as Method[]) {
  const builder = BUILDERS[method] as (...args: unknown[]) => FaceCommand;
  const onFace = function (this: NodeRedisFace, ...args: unknown[]): Promise<unknown> {
    try {
      return this.runCommand(builder(...args));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const onMulti = function (this: NodeRedisMulti, ...args: unknown[]): NodeRedisMulti {
    return this.queue(() => builder(...args));
  };
  for (const name of new Set([method, method.toUpperCase()])) {
    Object.defineProperty(NodeRedisFace.prototype, name, { configurable: true, writable: true, value: onFace });
    Object.defineProperty(NodeRedisMulti.prototype, name, { configurable: true, writable: true, value: onMulti });
  }
}

/**
 * A node-redis-shaped face of a respool client. Given a client, the face shares it and its quit()/close()
 * leave it open (unless `ownsClient`); given options or a URL, the face creates the client and owns it.
 */
export function toNodeRedis(
  client: RedisClient | ClientOptions | string,
  opts: ToNodeRedisOptions = {},
): NodeRedisFace {
  if (opts === null || typeof opts !== 'object')
    throw new InvalidArgumentError('toNodeRedis(): options must be an object.');
  for (const k of Object.keys(opts)) {
    if (k !== 'ownsClient') throw new InvalidArgumentError(`toNodeRedis(): unknown option ${k} (known: ownsClient).`);
  }
  const { client: respool, owned } = resolveClient(client, opts.ownsClient);
  return new NodeRedisFace(new SharedClient(respool, owned), false, undefined);
}
