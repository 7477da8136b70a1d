/**
 * Where the keys are in a raw command (`sendCommand`), and which keyless commands fan out to many nodes.
 * Typed commands carry their keys already (`Command.keys`); this table is for raw argument lists.
 * It is a static table (like COMMAND INFO's first/last/step) with a few shapes that need reading
 * (numkeys, STREAMS); a command it does not know routes by its first argument, and MOVED corrects
 * the guess when that argument is not a key.
 */
import type { RedisArg } from '../resp/types.js';

/** [first key index, last key index (negative: from the end, -1 = last argument), step]. */
type KeySpec = readonly [first: number, last: number, step: number];

const ONE: KeySpec = [1, 1, 1];
const ALL: KeySpec = [1, -1, 1];
const ALL_BUT_TIMEOUT: KeySpec = [1, -2, 1];
const TWO: KeySpec = [1, 2, 1];
const PAIRS: KeySpec = [1, -1, 2];

const SPECS = new Map<string, KeySpec>();
function define(spec: KeySpec, names: string): void {
  for (const name of names.split(/\s+/)) if (name !== '') SPECS.set(name, spec);
}
define(
  ONE,
  `GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX APPEND INCR DECR INCRBY DECRBY INCRBYFLOAT STRLEN GETRANGE
   SETRANGE SUBSTR EXPIRE PEXPIRE EXPIREAT PEXPIREAT EXPIRETIME PEXPIRETIME TTL PTTL PERSIST TYPE DUMP RESTORE
   HGET HSET HSETNX HMSET HMGET HGETALL HDEL HEXISTS HINCRBY HINCRBYFLOAT HKEYS HVALS HLEN HSTRLEN HRANDFIELD
   HSCAN LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LRANGE LLEN LINDEX LSET LREM LTRIM LINSERT LPOS SADD SREM SMEMBERS
   SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SSCAN ZADD ZREM ZSCORE ZMSCORE ZINCRBY ZCARD ZCOUNT ZLEXCOUNT
   ZRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREVRANGE ZRANK ZREVRANK ZPOPMIN ZPOPMAX
   ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX ZRANDMEMBER ZSCAN XADD XTRIM XLEN XDEL XRANGE XREVRANGE XACK
   XPENDING XCLAIM XAUTOCLAIM XSETID PFADD SETBIT GETBIT BITCOUNT BITPOS BITFIELD BITFIELD_RO GEOADD GEODIST
   GEOPOS GEOHASH GEOSEARCH GEORADIUS GEORADIUSBYMEMBER GEORADIUS_RO GEORADIUSBYMEMBER_RO SORT SORT_RO SPUBLISH`,
);
define(ALL, 'DEL UNLINK EXISTS TOUCH MGET SINTER SUNION SDIFF PFCOUNT PFMERGE SINTERSTORE SUNIONSTORE SDIFFSTORE');
define(ALL_BUT_TIMEOUT, 'BLPOP BRPOP BZPOPMIN BZPOPMAX');
define(PAIRS, 'MSET MSETNX');
define(TWO, 'RENAME RENAMENX SMOVE LMOVE BLMOVE RPOPLPUSH BRPOPLPUSH COPY LCS GEOSEARCHSTORE ZRANGESTORE');

/** `NAME numkeys key…` shapes: the index of numkeys, and a key that comes before it (the destination). */
const NUMKEYS = new Map<string, { at: number; destination: boolean }>([
  ['EVAL', { at: 2, destination: false }],
  ['EVALSHA', { at: 2, destination: false }],
  ['EVAL_RO', { at: 2, destination: false }],
  ['EVALSHA_RO', { at: 2, destination: false }],
  ['FCALL', { at: 2, destination: false }],
  ['FCALL_RO', { at: 2, destination: false }],
  ['ZUNION', { at: 1, destination: false }],
  ['ZINTER', { at: 1, destination: false }],
  ['ZDIFF', { at: 1, destination: false }],
  ['ZINTERCARD', { at: 1, destination: false }],
  ['SINTERCARD', { at: 1, destination: false }],
  ['LMPOP', { at: 1, destination: false }],
  ['ZMPOP', { at: 1, destination: false }],
  ['BLMPOP', { at: 2, destination: false }],
  ['BZMPOP', { at: 2, destination: false }],
  ['ZUNIONSTORE', { at: 2, destination: true }],
  ['ZINTERSTORE', { at: 2, destination: true }],
  ['ZDIFFSTORE', { at: 2, destination: true }],
]);

/** Commands whose key is the argument after a subcommand (`XGROUP CREATE key …`). */
const SUBCOMMAND_KEY = new Set(['XGROUP', 'XINFO', 'OBJECT']);

/** Commands that take no key; they go to one node or fan out (see FAN_OUT). */
const KEYLESS = new Set(
  `PING ECHO INFO TIME DBSIZE KEYS FLUSHALL FLUSHDB SCRIPT FUNCTION CONFIG CLIENT CLUSTER COMMAND PUBLISH PUBSUB
   RANDOMKEY SCAN WAIT WAITAOF LASTSAVE SLOWLOG LATENCY ACL DEBUG SAVE BGSAVE BGREWRITEAOF ROLE LOLWUT MODULE
   READONLY READWRITE SWAPDB HELLO AUTH SELECT MULTI EXEC DISCARD WATCH UNWATCH MIGRATE`
    .split(/\s+/)
    .filter((n) => n !== ''),
);

/** The keys of a raw command, or undefined when it takes none. Upper-cases the name itself. */
export function keysOfArgs(args: readonly RedisArg[]): RedisArg[] | undefined {
  const name = String(args[0]).toUpperCase();
  const spec = SPECS.get(name);
  if (spec !== undefined) return pick(args, spec);
  const numkeys = NUMKEYS.get(name);
  if (numkeys !== undefined) {
    const n = Number(args[numkeys.at]);
    if (!Number.isInteger(n) || n < 0) return undefined;
    const keys = args.slice(numkeys.at + 1, numkeys.at + 1 + n);
    if (numkeys.destination && args[1] !== undefined) keys.unshift(args[1]);
    return keys;
  }
  if (name === 'XREAD' || name === 'XREADGROUP') {
    const at = args.findIndex((a, i) => i > 0 && String(a).toUpperCase() === 'STREAMS');
    if (at === -1) return undefined;
    const rest = args.length - at - 1;
    return args.slice(at + 1, at + 1 + Math.floor(rest / 2));
  }
  if (name === 'BITOP') return args.slice(2);
  if (SUBCOMMAND_KEY.has(name)) return args[2] === undefined ? undefined : [args[2]];
  if (name === 'MEMORY') {
    return String(args[1]).toUpperCase() === 'USAGE' && args[2] !== undefined ? [args[2]] : undefined;
  }
  if (KEYLESS.has(name)) return undefined;
  // Unknown (a module command, say): guess the first argument. A wrong guess costs one MOVED.
  return args[1] === undefined ? undefined : [args[1]];
}

function pick(args: readonly RedisArg[], [first, last, step]: KeySpec): RedisArg[] | undefined {
  const end = last < 0 ? args.length + last : last;
  if (end < first) return undefined;
  const keys: RedisArg[] = [];
  for (let i = first; i <= end; i += step) keys.push(args[i]!);
  return keys;
}

/** How the replies of a fanned-out command combine into one result. */
export type MergeRule =
  /** Numbers added (DBSIZE). */
  | 'sum'
  /** Arrays joined (KEYS). */
  | 'concat'
  /** Every node must succeed; the first node's reply is the result (FLUSHALL, SCRIPT LOAD). */
  | 'all'
  /** Element-wise AND of boolean arrays: true where every node has it (SCRIPT EXISTS). */
  | 'and'
  /** Succeeds when any node succeeds (SCRIPT KILL: only the node running a script can kill it). */
  | 'any';

export interface FanOut {
  nodes: 'masters' | 'all';
  merge: MergeRule;
}

/**
 * Keyless commands that mean "the whole cluster". Everything else keyless goes to one random master
 * (PING, INFO, TIME, RANDOMKEY, PUBLISH — pub/sub messages are broadcast cluster-wide —, CLIENT …).
 */
const FAN_OUT = new Map<string, FanOut>([
  ['DBSIZE', { nodes: 'masters', merge: 'sum' }],
  ['KEYS', { nodes: 'masters', merge: 'concat' }],
  ['FLUSHALL', { nodes: 'masters', merge: 'all' }],
  ['FLUSHDB', { nodes: 'masters', merge: 'all' }],
  ['SCRIPT LOAD', { nodes: 'masters', merge: 'all' }],
  ['SCRIPT FLUSH', { nodes: 'masters', merge: 'all' }],
  ['SCRIPT EXISTS', { nodes: 'masters', merge: 'and' }],
  ['SCRIPT KILL', { nodes: 'masters', merge: 'any' }],
  ['FUNCTION LOAD', { nodes: 'masters', merge: 'all' }],
  ['FUNCTION DELETE', { nodes: 'masters', merge: 'all' }],
  ['FUNCTION FLUSH', { nodes: 'masters', merge: 'all' }],
  ['FUNCTION RESTORE', { nodes: 'masters', merge: 'all' }],
  ['FUNCTION KILL', { nodes: 'masters', merge: 'any' }],
  ['CONFIG SET', { nodes: 'all', merge: 'all' }],
  ['CONFIG RESETSTAT', { nodes: 'all', merge: 'all' }],
]);

/** The fan-out rule of a keyless command, if it has one. */
export function fanOutOf(args: readonly RedisArg[]): FanOut | undefined {
  const name = String(args[0]).toUpperCase();
  const direct = FAN_OUT.get(name);
  if (direct !== undefined) return direct;
  if (args.length < 2 || (name !== 'SCRIPT' && name !== 'FUNCTION' && name !== 'CONFIG')) return undefined;
  return FAN_OUT.get(`${name} ${String(args[1]).toUpperCase()}`);
}

/** Commands that make no sense cluster-wide on one node: refused with advice. */
export function refusedInCluster(args: readonly RedisArg[]): string | undefined {
  const name = String(args[0]).toUpperCase();
  if (name === 'SCAN') {
    return 'SCAN cursors belong to one node; use cluster.scanIterator(), or scan each of cluster.masterClients().';
  }
  if (name === 'SELECT' || name === 'SWAPDB') return `${name} is not available in Redis Cluster (only database 0).`;
  if (name === 'WAIT' || name === 'WAITAOF') {
    return `${name} counts the replicas of one master: run it where the writes went, with cluster.withConn(key, (conn) => …).`;
  }
  return undefined;
}

/** Combines the fan-out results (all fulfilled for 'sum'/'concat'/'all'/'and'). */
export function mergeReplies(rule: MergeRule, replies: unknown[]): unknown {
  switch (rule) {
    case 'sum':
      return replies.reduce<number>((total, r) => total + Number(r), 0);
    case 'concat':
      return replies.flatMap((r) => (Array.isArray(r) ? r : [r]));
    case 'and': {
      const arrays = replies.map((r) => (Array.isArray(r) ? r : []));
      const length = Math.max(0, ...arrays.map((a) => a.length));
      return Array.from({ length }, (_, i) =>
        typeof arrays[0]?.[i] === 'boolean'
          ? arrays.every((a) => a[i] === true)
          : arrays.every((a) => Number(a[i]) === 1)
            ? 1
            : 0,
      );
    }
    default:
      return replies[0];
  }
}
