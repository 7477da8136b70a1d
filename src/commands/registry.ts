/**
 * The command registry: the one place that says what a Redis command is. Whether it writes, whether it
 * blocks and for how long, how it changes the state of its connection, whether the client-side cache may
 * answer it, where its keys are, and how a cluster runs it. Typed builders, raw `sendCommand`, the cache and
 * the cluster router all read it; a unit test keeps the builders' flags equal to it, and an integration test
 * checks it against a live server's COMMAND INFO.
 *
 * The table was generated from Redis 7.0's COMMAND INFO (flags, key specifications) and COMMAND DOCS (groups),
 * then extended by hand with newer commands (marked with the version that added them) and respool's overlays
 * (block timeouts, state effects, fan-out rules, cluster refusals) below it.
 */
import type { RedisArg } from '../resp/types.js';
import { CommandFlags } from './command.js';

/** How a command changes the state of the connection it runs on. */
export type StateEffect =
  | 'db'
  | 'transaction'
  | 'watch'
  | 'unwatch'
  | 'subscribe'
  | 'monitor'
  | 'protocol'
  | 'auth'
  | 'name'
  | 'tracking'
  | 'reply'
  | 'reset'
  | 'quit'
  | 'readonly'
  | 'no-evict'
  | 'no-touch';

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

/** A keyless command that means "the whole cluster": which nodes run it and how their replies combine. */
export interface FanOut {
  readonly nodes: 'masters' | 'all';
  readonly merge: MergeRule;
}

/**
 * Where some of a command's keys are, after COMMAND INFO's key specifications.
 * The search begins at an argument index, or just after a keyword; from there the keys are a range of
 * arguments or a count argument followed by that many keys.
 */
export interface KeySpec {
  /** An argument index, or the argument after `keyword`, searched from `startFrom` (negative: backwards from the end). */
  readonly begin: number | { readonly keyword: string; readonly startFrom: number };
  /**
   * `'numkeys'`: the argument at `begin` counts the keys that follow it.
   * A range: `lastKey` ≥ 0 is relative to `begin` (0 = one key); < 0 counts from the end of the arguments
   * (-1 = the last one), or, with `limit` > 1, the first 1/limit of the arguments left (XREAD's STREAMS).
   */
  readonly find: 'numkeys' | { readonly lastKey: number; readonly step: number; readonly limit: number };
  /** The argument is a key only when it is not empty (MIGRATE puts "" there when KEYS follows). */
  readonly skipEmpty?: true;
}

/** What one command (or one subcommand, `'CLIENT SETNAME'`) is. */
export interface CommandSpec {
  /** `'GET'`, or `'CLIENT SETNAME'` for subcommands. */
  readonly name: string;
  /**
   * `CommandFlags` bits: READONLY (never writes: retried after an I/O error, may go to replicas), BLOCKING (may
   * hold its connection; see `blockMs` for whether a given call does), CACHEABLE, CONNECTION_STATE (set iff
   * `state` is, except for 'unwatch', which returns the connection to its clean state), PUBSUB.
   */
  readonly flags: number;
  readonly state?: StateEffect;
  /**
   * For BLOCKING commands: how long the server may hold the reply, in ms (0 = forever), read from the
   * arguments; undefined when this call does not block (XREAD without BLOCK).
   */
  readonly blockMs?: (args: readonly RedisArg[]) => number | undefined;
  readonly fanOut?: FanOut;
  /** Why the cluster client refuses this command, and what to do instead. */
  readonly clusterRefusal?: string;
  /**
   * The argument holding the hash slot a keyless command is about (CLUSTER COUNTKEYSINSLOT): a cluster sends
   * it to the node serving that slot.
   */
  readonly slotArg?: number;
  /** Why respool refuses this call on every path (SCRIPT DEBUG, CLIENT REPLY OFF), read from its arguments. */
  readonly refusal?: (args: readonly RedisArg[]) => string | undefined;
  /** Where its keys are; undefined when it takes none. */
  readonly keySpecs?: readonly KeySpec[];
}

/** What `sendCommand` needs to know about an argument list. */
export interface RawCommandInfo {
  /** The spec's name (`'CLIENT SETNAME'`), or the upper-cased first argument of an unknown command. */
  readonly name: string;
  /** The spec's flags, without BLOCKING when this call does not block; NONE for unknown commands. */
  readonly flags: number;
  readonly blockMs: number | undefined;
  readonly state: StateEffect | undefined;
  /** Present when respool refuses this call: why, and what to do instead. */
  readonly refusal?: string;
}

// Table vocabulary. W and _ are both 0: W marks commands Redis flags as writes, _ those that are neither reads
// nor writes of data (admin, connection, scripts) and so are not safe to retry.
const R = CommandFlags.READONLY;
const W = CommandFlags.NONE;
const _ = CommandFlags.NONE;
const B = CommandFlags.BLOCKING;
const C = CommandFlags.CACHEABLE;
const P = CommandFlags.PUBSUB;

/** The key at `index`. */
function key(index: number): KeySpec {
  return { begin: index, find: { lastKey: 0, step: 1, limit: 0 } };
}

function keyUnlessEmpty(index: number): KeySpec {
  return { begin: index, find: { lastKey: 0, step: 1, limit: 0 }, skipEmpty: true };
}

/** Keys from `index` to `last` (negative: from the end; -1 = the last argument), every `step`. */
function keys(index: number, last = -1, step = 1): KeySpec {
  return { begin: index, find: { lastKey: last, step, limit: 0 } };
}

/** A key count at `index`, then that many keys. */
function numkeys(index: number): KeySpec {
  return { begin: index, find: 'numkeys' };
}

/** After `keyword` (searched from `startFrom`): one key, the rest of the arguments, or the first half of them. */
function afterWord(keyword: string, startFrom: number, extent: 'one' | 'rest' | 'half' = 'one'): KeySpec {
  const lastKey = extent === 'one' ? 0 : -1;
  return { begin: { keyword, startFrom }, find: { lastKey, step: 1, limit: extent === 'half' ? 2 : 0 } };
}

type Row = readonly [name: string, flags: number, keys?: KeySpec | readonly KeySpec[]];

// One line per command, grouped as COMMAND DOCS groups them. Containers (CLIENT, CONFIG…) have a row of their
// own, for the bare name and for subcommands this table does not know.
// prettier-ignore
const TABLE: readonly Row[] = [
  // string
  ['APPEND',                        W,         key(1)],
  ['DECR',                          W,         key(1)],
  ['DECRBY',                        W,         key(1)],
  ['GET',                           R | C,     key(1)],
  ['GETDEL',                        W,         key(1)],
  ['GETEX',                         W,         key(1)],
  ['GETRANGE',                      R | C,     key(1)],
  ['GETSET',                        W,         key(1)],
  ['INCR',                          W,         key(1)],
  ['INCRBY',                        W,         key(1)],
  ['INCRBYFLOAT',                   W,         key(1)],
  ['LCS',                           R,         [key(1), key(2)]],
  ['MGET',                          R | C,     keys(1)],
  ['MSET',                          W,         keys(1, -1, 2)],
  ['MSETNX',                        W,         keys(1, -1, 2)],
  ['PSETEX',                        W,         key(1)],
  ['SET',                           W,         key(1)],
  ['SETEX',                         W,         key(1)],
  ['SETNX',                         W,         key(1)],
  ['SETRANGE',                      W,         key(1)],
  ['STRLEN',                        R | C,     key(1)],
  ['SUBSTR',                        R,         key(1)],
  // generic
  ['COPY',                          W,         [key(1), key(2)]],
  ['DEL',                           W,         keys(1)],
  ['DUMP',                          R,         key(1)],
  ['EXISTS',                        R | C,     keys(1)],
  ['EXPIRE',                        W,         key(1)],
  ['EXPIREAT',                      W,         key(1)],
  ['EXPIRETIME',                    R,         key(1)],
  ['KEYS',                          R],
  ['MIGRATE',                       W,         [keyUnlessEmpty(3), afterWord('KEYS', -2, 'rest')]],
  ['MOVE',                          W,         key(1)],
  ['OBJECT',                        _],
  ['OBJECT ENCODING',               R,         key(2)],
  ['OBJECT FREQ',                   R,         key(2)],
  ['OBJECT HELP',                   R],
  ['OBJECT IDLETIME',               R,         key(2)],
  ['OBJECT REFCOUNT',               R,         key(2)],
  ['PERSIST',                       W,         key(1)],
  ['PEXPIRE',                       W,         key(1)],
  ['PEXPIREAT',                     W,         key(1)],
  ['PEXPIRETIME',                   R,         key(1)],
  ['PTTL',                          R,         key(1)],
  ['RANDOMKEY',                     R],
  ['RENAME',                        W,         [key(1), key(2)]],
  ['RENAMENX',                      W,         [key(1), key(2)]],
  ['RESTORE',                       W,         key(1)],
  ['SCAN',                          R],
  ['SORT',                          W,         [key(1), afterWord('STORE', 2)]],
  ['SORT_RO',                       R,         key(1)],
  ['TOUCH',                         R,         keys(1)],
  ['TTL',                           R,         key(1)],
  ['TYPE',                          R | C,     key(1)],
  ['UNLINK',                        W,         keys(1)],
  ['WAIT',                          _ | B],
  ['WAITAOF',                       _ | B], // 7.2
  // hash
  ['HDEL',                          W,         key(1)],
  ['HEXISTS',                       R | C,     key(1)],
  ['HEXPIRE',                       W,         key(1)], // 7.4
  ['HEXPIREAT',                     W,         key(1)], // 7.4
  ['HEXPIRETIME',                   R,         key(1)], // 7.4
  ['HGET',                          R | C,     key(1)],
  ['HGETALL',                       R | C,     key(1)],
  ['HGETDEL',                       W,         key(1)], // 8.0
  ['HGETEX',                        W,         key(1)], // 8.0
  ['HINCRBY',                       W,         key(1)],
  ['HINCRBYFLOAT',                  W,         key(1)],
  ['HKEYS',                         R | C,     key(1)],
  ['HLEN',                          R | C,     key(1)],
  ['HMGET',                         R | C,     key(1)],
  ['HMSET',                         W,         key(1)],
  ['HPERSIST',                      W,         key(1)], // 7.4
  ['HPEXPIRE',                      W,         key(1)], // 7.4
  ['HPEXPIREAT',                    W,         key(1)], // 7.4
  ['HPEXPIRETIME',                  R,         key(1)], // 7.4
  ['HPTTL',                         R,         key(1)], // 7.4
  ['HRANDFIELD',                    R,         key(1)],
  ['HSCAN',                         R,         key(1)],
  ['HSET',                          W,         key(1)],
  ['HSETNX',                        W,         key(1)],
  ['HSETEX',                        W,         key(1)], // 8.0
  ['HSTRLEN',                       R | C,     key(1)],
  ['HTTL',                          R,         key(1)], // 7.4
  ['HVALS',                         R | C,     key(1)],
  // list
  ['BLMOVE',                        W | B,     [key(1), key(2)]],
  ['BLMPOP',                        W | B,     numkeys(2)],
  ['BLPOP',                         W | B,     keys(1, -2)],
  ['BRPOP',                         W | B,     keys(1, -2)],
  ['BRPOPLPUSH',                    W | B,     [key(1), key(2)]],
  ['LINDEX',                        R | C,     key(1)],
  ['LINSERT',                       W,         key(1)],
  ['LLEN',                          R | C,     key(1)],
  ['LMOVE',                         W,         [key(1), key(2)]],
  ['LMPOP',                         W,         numkeys(1)],
  ['LPOP',                          W,         key(1)],
  ['LPOS',                          R,         key(1)],
  ['LPUSH',                         W,         key(1)],
  ['LPUSHX',                        W,         key(1)],
  ['LRANGE',                        R | C,     key(1)],
  ['LREM',                          W,         key(1)],
  ['LSET',                          W,         key(1)],
  ['LTRIM',                         W,         key(1)],
  ['RPOP',                          W,         key(1)],
  ['RPOPLPUSH',                     W,         [key(1), key(2)]],
  ['RPUSH',                         W,         key(1)],
  ['RPUSHX',                        W,         key(1)],
  // set
  ['SADD',                          W,         key(1)],
  ['SCARD',                         R | C,     key(1)],
  ['SDIFF',                         R,         keys(1)],
  ['SDIFFSTORE',                    W,         [key(1), keys(2)]],
  ['SINTER',                        R,         keys(1)],
  ['SINTERCARD',                    R,         numkeys(1)],
  ['SINTERSTORE',                   W,         [key(1), keys(2)]],
  ['SISMEMBER',                     R | C,     key(1)],
  ['SMEMBERS',                      R | C,     key(1)],
  ['SMISMEMBER',                    R | C,     key(1)],
  ['SMOVE',                         W,         [key(1), key(2)]],
  ['SPOP',                          W,         key(1)],
  ['SRANDMEMBER',                   R,         key(1)],
  ['SREM',                          W,         key(1)],
  ['SSCAN',                         R,         key(1)],
  ['SUNION',                        R,         keys(1)],
  ['SUNIONSTORE',                   W,         [key(1), keys(2)]],
  // sorted-set
  ['BZMPOP',                        W | B,     numkeys(2)],
  ['BZPOPMAX',                      W | B,     keys(1, -2)],
  ['BZPOPMIN',                      W | B,     keys(1, -2)],
  ['ZADD',                          W,         key(1)],
  ['ZCARD',                         R | C,     key(1)],
  ['ZCOUNT',                        R | C,     key(1)],
  ['ZDIFF',                         R,         numkeys(1)],
  ['ZDIFFSTORE',                    W,         [key(1), numkeys(2)]],
  ['ZINCRBY',                       W,         key(1)],
  ['ZINTER',                        R,         numkeys(1)],
  ['ZINTERCARD',                    R,         numkeys(1)],
  ['ZINTERSTORE',                   W,         [key(1), numkeys(2)]],
  ['ZLEXCOUNT',                     R | C,     key(1)],
  ['ZMPOP',                         W,         numkeys(1)],
  ['ZMSCORE',                       R | C,     key(1)],
  ['ZPOPMAX',                       W,         key(1)],
  ['ZPOPMIN',                       W,         key(1)],
  ['ZRANDMEMBER',                   R,         key(1)],
  ['ZRANGE',                        R | C,     key(1)],
  ['ZRANGEBYLEX',                   R,         key(1)],
  ['ZRANGEBYSCORE',                 R,         key(1)],
  ['ZRANGESTORE',                   W,         [key(1), key(2)]],
  ['ZRANK',                         R | C,     key(1)],
  ['ZREM',                          W,         key(1)],
  ['ZREMRANGEBYLEX',                W,         key(1)],
  ['ZREMRANGEBYRANK',               W,         key(1)],
  ['ZREMRANGEBYSCORE',              W,         key(1)],
  ['ZREVRANGE',                     R,         key(1)],
  ['ZREVRANGEBYLEX',                R,         key(1)],
  ['ZREVRANGEBYSCORE',              R,         key(1)],
  ['ZREVRANK',                      R | C,     key(1)],
  ['ZSCAN',                         R,         key(1)],
  ['ZSCORE',                        R | C,     key(1)],
  ['ZUNION',                        R,         numkeys(1)],
  ['ZUNIONSTORE',                   W,         [key(1), numkeys(2)]],
  // stream
  ['XACK',                          W,         key(1)],
  ['XADD',                          W,         key(1)],
  ['XAUTOCLAIM',                    W,         key(1)],
  ['XCLAIM',                        W,         key(1)],
  ['XDEL',                          W,         key(1)],
  ['XGROUP',                        _],
  ['XGROUP CREATE',                 W,         key(2)],
  ['XGROUP CREATECONSUMER',         W,         key(2)],
  ['XGROUP DELCONSUMER',            W,         key(2)],
  ['XGROUP DESTROY',                W,         key(2)],
  ['XGROUP HELP',                   R],
  ['XGROUP SETID',                  W,         key(2)],
  ['XINFO',                         _],
  ['XINFO CONSUMERS',               R,         key(2)],
  ['XINFO GROUPS',                  R,         key(2)],
  ['XINFO HELP',                    R],
  ['XINFO STREAM',                  R,         key(2)],
  ['XLEN',                          R,         key(1)],
  ['XPENDING',                      R,         key(1)],
  ['XRANGE',                        R,         key(1)],
  ['XREAD',                         R | B,     afterWord('STREAMS', 1, 'half')],
  ['XREADGROUP',                    W | B,     afterWord('STREAMS', 4, 'half')],
  ['XREVRANGE',                     R,         key(1)],
  ['XSETID',                        W,         key(1)],
  ['XTRIM',                         W,         key(1)],
  // bitmap
  ['BITCOUNT',                      R | C,     key(1)],
  ['BITFIELD',                      W,         key(1)],
  ['BITFIELD_RO',                   R,         key(1)],
  ['BITOP',                         W,         [key(2), keys(3)]],
  ['BITPOS',                        R | C,     key(1)],
  ['GETBIT',                        R | C,     key(1)],
  ['SETBIT',                        W,         key(1)],
  // hyperloglog
  ['PFADD',                         W,         key(1)],
  ['PFCOUNT',                       R,         keys(1)],
  ['PFDEBUG',                       W,         key(2)],
  ['PFMERGE',                       W,         [key(1), keys(2)]],
  ['PFSELFTEST',                    _],
  // geo
  ['GEOADD',                        W,         key(1)],
  ['GEODIST',                       R,         key(1)],
  ['GEOHASH',                       R,         key(1)],
  ['GEOPOS',                        R,         key(1)],
  ['GEORADIUS',                     W,         [key(1), afterWord('STORE', 6), afterWord('STOREDIST', 6)]],
  ['GEORADIUSBYMEMBER',             W,         [key(1), afterWord('STORE', 5), afterWord('STOREDIST', 5)]],
  ['GEORADIUSBYMEMBER_RO',          R,         key(1)],
  ['GEORADIUS_RO',                  R,         key(1)],
  ['GEOSEARCH',                     R,         key(1)],
  ['GEOSEARCHSTORE',                W,         [key(1), key(2)]],
  // pubsub
  ['PSUBSCRIBE',                    _ | P],
  ['PUBLISH',                       _],
  ['PUBSUB',                        _],
  ['PUBSUB CHANNELS',               R],
  ['PUBSUB HELP',                   R],
  ['PUBSUB NUMPAT',                 R],
  ['PUBSUB NUMSUB',                 R],
  ['PUBSUB SHARDCHANNELS',          R],
  ['PUBSUB SHARDNUMSUB',            R],
  ['PUNSUBSCRIBE',                  _ | P],
  ['SPUBLISH',                      _,         key(1)],
  ['SSUBSCRIBE',                    _ | P,     keys(1)],
  ['SUBSCRIBE',                     _ | P],
  ['SUNSUBSCRIBE',                  _ | P,     keys(1)],
  ['UNSUBSCRIBE',                   _ | P],
  // transactions
  ['DISCARD',                       _],
  ['EXEC',                          _],
  ['MULTI',                         _],
  ['UNWATCH',                       _],
  ['WATCH',                         _,         keys(1)],
  // scripting
  ['EVAL',                          _,         numkeys(2)],
  ['EVALSHA',                       _,         numkeys(2)],
  ['EVALSHA_RO',                    R,         numkeys(2)],
  ['EVAL_RO',                       R,         numkeys(2)],
  ['FCALL',                         _,         numkeys(2)],
  ['FCALL_RO',                      R,         numkeys(2)],
  ['FUNCTION',                      _],
  ['FUNCTION DELETE',               W],
  ['FUNCTION DUMP',                 R],
  ['FUNCTION FLUSH',                W],
  ['FUNCTION HELP',                 R],
  ['FUNCTION KILL',                 _],
  ['FUNCTION LIST',                 R],
  ['FUNCTION LOAD',                 W],
  ['FUNCTION RESTORE',              W],
  ['FUNCTION STATS',                R],
  ['SCRIPT',                        _],
  ['SCRIPT DEBUG',                  _],
  ['SCRIPT EXISTS',                 R],
  ['SCRIPT FLUSH',                  _],
  ['SCRIPT SHOW',                   R], // Valkey 8.0
  ['SCRIPT HELP',                   R],
  ['SCRIPT KILL',                   _],
  ['SCRIPT LOAD',                   _],
  // connection
  ['AUTH',                          _],
  ['CLIENT',                        _],
  ['CLIENT CACHING',                _],
  ['CLIENT CAPA',                   _], // Valkey 8.0
  ['CLIENT GETNAME',                R],
  ['CLIENT GETREDIR',               R],
  ['CLIENT HELP',                   R],
  ['CLIENT ID',                     R],
  ['CLIENT INFO',                   R],
  ['CLIENT KILL',                   _],
  ['CLIENT LIST',                   R],
  ['CLIENT NO-EVICT',               _],
  ['CLIENT NO-TOUCH',               _], // 7.2
  ['CLIENT PAUSE',                  _],
  ['CLIENT REPLY',                  _],
  ['CLIENT SETNAME',                _],
  ['CLIENT SETINFO',                _], // 7.2
  ['CLIENT TRACKING',               _],
  ['CLIENT TRACKINGINFO',           R],
  ['CLIENT UNBLOCK',                _],
  ['CLIENT UNPAUSE',                _],
  ['ECHO',                          R],
  ['HELLO',                         _],
  ['PING',                          R],
  ['QUIT',                          _],
  ['RESET',                         _],
  ['SELECT',                        _],
  // server
  ['ACL',                           _],
  ['ACL CAT',                       R],
  ['ACL DELUSER',                   _],
  ['ACL DRYRUN',                    R],
  ['ACL GENPASS',                   R],
  ['ACL GETUSER',                   R],
  ['ACL HELP',                      R],
  ['ACL LIST',                      R],
  ['ACL LOAD',                      _],
  ['ACL LOG',                       _],
  ['ACL SAVE',                      _],
  ['ACL SETUSER',                   _],
  ['ACL USERS',                     R],
  ['ACL WHOAMI',                    R],
  ['BGREWRITEAOF',                  _],
  ['BGSAVE',                        _],
  ['COMMAND',                       R],
  ['COMMAND COUNT',                 R],
  ['COMMAND DOCS',                  R],
  ['COMMAND GETKEYS',               R],
  ['COMMAND GETKEYSANDFLAGS',       R],
  ['COMMAND HELP',                  R],
  ['COMMAND INFO',                  R],
  ['COMMAND LIST',                  R],
  ['CONFIG',                        _],
  ['CONFIG GET',                    R],
  ['CONFIG HELP',                   R],
  ['CONFIG RESETSTAT',              _],
  ['CONFIG REWRITE',                _],
  ['CONFIG SET',                    _],
  ['DBSIZE',                        R],
  ['DEBUG',                         _],
  ['FAILOVER',                      _],
  ['FLUSHALL',                      W],
  ['FLUSHDB',                       W],
  ['INFO',                          R],
  ['LASTSAVE',                      R],
  ['LATENCY',                       _],
  ['LATENCY DOCTOR',                R],
  ['LATENCY GRAPH',                 R],
  ['LATENCY HELP',                  R],
  ['LATENCY HISTOGRAM',             R],
  ['LATENCY HISTORY',               R],
  ['LATENCY LATEST',                R],
  ['LATENCY RESET',                 _],
  ['LOLWUT',                        R],
  ['MEMORY',                        _],
  ['MEMORY DOCTOR',                 R],
  ['MEMORY HELP',                   R],
  ['MEMORY MALLOC-STATS',           R],
  ['MEMORY PURGE',                  _],
  ['MEMORY STATS',                  R],
  ['MEMORY USAGE',                  R,         key(2)],
  ['MODULE',                        _],
  ['MODULE HELP',                   R],
  ['MODULE LIST',                   R],
  ['MODULE LOAD',                   _],
  ['MODULE LOADEX',                 _],
  ['MODULE UNLOAD',                 _],
  ['MONITOR',                       _],
  ['PSYNC',                         _],
  ['REPLCONF',                      _],
  ['REPLICAOF',                     _],
  ['RESTORE-ASKING',                W,         key(1)],
  ['ROLE',                          R],
  ['SAVE',                          _],
  ['SHUTDOWN',                      _],
  ['SLAVEOF',                       _],
  ['SLOWLOG',                       _],
  ['SLOWLOG GET',                   R],
  ['SLOWLOG HELP',                  R],
  ['SLOWLOG LEN',                   R],
  ['SLOWLOG RESET',                 _],
  ['SWAPDB',                        W],
  ['SYNC',                          _],
  ['TIME',                          R],
  // cluster
  ['ASKING',                        _],
  ['CLUSTER',                       _],
  ['CLUSTER ADDSLOTS',              _],
  ['CLUSTER ADDSLOTSRANGE',         _],
  ['CLUSTER BUMPEPOCH',             _],
  ['CLUSTER COUNT-FAILURE-REPORTS', R],
  ['CLUSTER COUNTKEYSINSLOT',       R],
  ['CLUSTER DELSLOTS',              _],
  ['CLUSTER DELSLOTSRANGE',         _],
  ['CLUSTER FAILOVER',              _],
  ['CLUSTER FLUSHSLOTS',            _],
  ['CLUSTER FORGET',                _],
  ['CLUSTER GETKEYSINSLOT',         R],
  ['CLUSTER HELP',                  R],
  ['CLUSTER INFO',                  R],
  ['CLUSTER KEYSLOT',               R],
  ['CLUSTER LINKS',                 R],
  ['CLUSTER MEET',                  _],
  ['CLUSTER MYID',                  R],
  ['CLUSTER MYSHARDID',             R], // 7.2
  ['CLUSTER NODES',                 R],
  ['CLUSTER REPLICAS',              R],
  ['CLUSTER REPLICATE',             _],
  ['CLUSTER RESET',                 _],
  ['CLUSTER SAVECONFIG',            _],
  ['CLUSTER SET-CONFIG-EPOCH',      _],
  ['CLUSTER SETSLOT',               _],
  ['CLUSTER SHARDS',                R],
  ['CLUSTER SLAVES',                R],
  ['CLUSTER SLOTS',                 R],
  ['CLUSTER SLOT-STATS',            R], // Valkey 8.0
  ['READONLY',                      _],
  ['READWRITE',                     _],
];

type BlockReader = (args: readonly RedisArg[]) => number | undefined;

/** How long each blocking command may hold its reply, read from its arguments. */
const BLOCK_READERS = new Map<string, BlockReader>([
  ['BLPOP', lastArgSeconds],
  ['BRPOP', lastArgSeconds],
  ['BZPOPMIN', lastArgSeconds],
  ['BZPOPMAX', lastArgSeconds],
  ['BRPOPLPUSH', lastArgSeconds],
  ['BLMOVE', lastArgSeconds],
  ['BLMPOP', secondArgSeconds],
  ['BZMPOP', secondArgSeconds],
  ['WAIT', lastArgMs],
  ['WAITAOF', lastArgMs],
  // Options come before STREAMS; XREADGROUP's group and consumer names (args 2, 3) are not options.
  ['XREAD', blockOptionFrom(1)],
  ['XREADGROUP', blockOptionFrom(4)],
]);

/** How each command changes its connection. */
const STATE_EFFECTS = new Map<string, StateEffect>([
  ['SELECT', 'db'],
  ['MULTI', 'transaction'],
  ['EXEC', 'transaction'],
  ['DISCARD', 'transaction'],
  ['WATCH', 'watch'],
  ['UNWATCH', 'unwatch'],
  ['SUBSCRIBE', 'subscribe'],
  ['PSUBSCRIBE', 'subscribe'],
  ['SSUBSCRIBE', 'subscribe'],
  ['UNSUBSCRIBE', 'subscribe'],
  ['PUNSUBSCRIBE', 'subscribe'],
  ['SUNSUBSCRIBE', 'subscribe'],
  ['MONITOR', 'monitor'],
  // The connection turns into a replication stream, as with MONITOR it never answers commands again.
  ['SYNC', 'monitor'],
  ['PSYNC', 'monitor'],
  ['HELLO', 'protocol'],
  ['AUTH', 'auth'],
  ['CLIENT SETNAME', 'name'],
  ['CLIENT SETINFO', 'name'],
  ['CLIENT TRACKING', 'tracking'],
  ['CLIENT CACHING', 'tracking'],
  ['CLIENT REPLY', 'reply'],
  ['RESET', 'reset'],
  ['QUIT', 'quit'],
  ['READONLY', 'readonly'],
  ['READWRITE', 'readonly'],
  ['CLIENT NO-EVICT', 'no-evict'],
  ['CLIENT NO-TOUCH', 'no-touch'],
  ['CLIENT CAPA', 'readonly'], // Valkey: a replica may redirect this connection's reads
]);

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
  ['CONFIG REWRITE', { nodes: 'all', merge: 'all' }],
  // Users and their rules live on each node: a cluster changes them on every node, or reports why not.
  ['ACL SETUSER', { nodes: 'all', merge: 'all' }],
  ['ACL DELUSER', { nodes: 'all', merge: 'all' }],
  ['ACL LOAD', { nodes: 'all', merge: 'all' }],
  ['ACL SAVE', { nodes: 'all', merge: 'all' }],
  ['SLOWLOG RESET', { nodes: 'all', merge: 'all' }],
  ['LATENCY RESET', { nodes: 'all', merge: 'sum' }],
]);

/** Commands that make no sense cluster-wide on one node, with the advice the cluster client gives. */
const WAIT_ADVICE =
  'counts the replicas of one master: run it where the writes went, with cluster.withConn(key, (conn) => …).';
/** Commands that act on the node that runs them: sent to a random node they would do the wrong thing quietly. */
const NODE_COMMANDS = [
  'CLUSTER ADDSLOTS',
  'CLUSTER ADDSLOTSRANGE',
  'CLUSTER BUMPEPOCH',
  'CLUSTER COUNT-FAILURE-REPORTS',
  'CLUSTER DELSLOTS',
  'CLUSTER DELSLOTSRANGE',
  'CLUSTER FAILOVER',
  'CLUSTER FLUSHSLOTS',
  'CLUSTER FORGET',
  'CLUSTER LINKS',
  'CLUSTER MEET',
  'CLUSTER MYID',
  'CLUSTER MYSHARDID',
  'CLUSTER REPLICATE',
  'CLUSTER RESET',
  'CLUSTER SAVECONFIG',
  'CLUSTER SET-CONFIG-EPOCH',
  'CLUSTER SETSLOT',
  'CLIENT PAUSE',
  'CLIENT UNPAUSE',
  'CLIENT UNBLOCK',
  'BGSAVE',
  'BGREWRITEAOF',
  'FAILOVER',
  'REPLICAOF',
  'MODULE LOAD',
  'MODULE LOADEX',
  'MODULE UNLOAD',
];
const CLUSTER_REFUSALS = new Map<string, string>([
  ['SCAN', 'SCAN cursors belong to one node; use cluster.scanIterator(), or scan each of cluster.masterClients().'],
  ['SELECT', 'SELECT is not available in Redis Cluster (only database 0).'],
  ['SWAPDB', 'SWAPDB is not available in Redis Cluster (only database 0).'],
  ['MOVE', 'MOVE is not available in Redis Cluster (only database 0).'],
  ['WAIT', `WAIT ${WAIT_ADVICE}`],
  ['WAITAOF', `WAITAOF ${WAIT_ADVICE}`],
  ...NODE_COMMANDS.map(
    (name) =>
      [
        name,
        `${name} acts on the node that runs it: run it on that node's client, ` +
          "cluster.nodeClient('host:port') (addresses as cluster.shards() lists them), or on each of cluster.masterClients().",
      ] as const,
  ),
]);

/** Keyless commands about one hash slot: the argument holding it. */
const SLOT_ARGS = new Map<string, number>([
  ['CLUSTER COUNTKEYSINSLOT', 2],
  ['CLUSTER GETKEYSINSLOT', 2],
]);

type RefusalReader = (args: readonly RedisArg[]) => string | undefined;

/** Calls respool refuses on every path, pinned connections included, because they would break the connection. */
const REFUSALS = new Map<string, RefusalReader>([
  [
    'SCRIPT DEBUG',
    (args) =>
      isWord(args[2], 'NO')
        ? undefined
        : 'SCRIPT DEBUG is not supported: it turns the connection into an interactive Lua debugging session, ' +
          'whose replies respool cannot match to commands. Debug scripts with redis-cli --ldb.',
  ],
  [
    'CLIENT REPLY',
    (args) =>
      isWord(args[2], 'ON')
        ? undefined
        : 'CLIENT REPLY OFF and SKIP are not supported: the server would skip replies, and respool matches every ' +
          'reply to the command that asked for it, so later replies would reach the wrong callers. ' +
          'To send commands without waiting for each reply, use a pipeline and ignore its results.',
  ],
  ...['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE'].map(
    (name): [string, RefusalReader] => [
      name,
      () =>
        `${name} turns its connection into a pub/sub stream that no longer answers commands one reply each. ` +
        'Use client.subscribe(), client.psubscribe() or client.ssubscribe(): they keep a connection for that.',
    ],
  ),
  [
    'MONITOR',
    () =>
      "MONITOR turns its connection into a stream of the server's commands, which no longer answers commands " +
      'one reply each. Use redis-cli MONITOR.',
  ],
]);

function numberOf(arg: RedisArg | undefined): number {
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'string') return Number(arg);
  if (typeof arg === 'bigint') return Number(arg);
  if (arg !== undefined) return Number(arg.toString('latin1'));
  return Number.NaN;
}

// A negative or unreadable timeout reads as 0 (forever): the server rejects it, and a read deadline must not
// cut the rejection short.
function secondsAsMs(arg: RedisArg | undefined): number {
  const ms = numberOf(arg) * 1000;
  return ms > 0 ? ms : 0;
}

function asMs(arg: RedisArg | undefined): number {
  const ms = numberOf(arg);
  return ms > 0 ? ms : 0;
}

function lastArgSeconds(args: readonly RedisArg[]): number {
  return secondsAsMs(args[args.length - 1]);
}

function secondArgSeconds(args: readonly RedisArg[]): number {
  return secondsAsMs(args[1]);
}

function lastArgMs(args: readonly RedisArg[]): number {
  return asMs(args[args.length - 1]);
}

/** XREAD's `BLOCK ms`, looked for among the options that precede STREAMS; undefined when it does not block. */
function blockOptionFrom(first: number): BlockReader {
  return (args) => {
    for (let i = first; i < args.length - 1; i++) {
      if (isWord(args[i], 'STREAMS')) return undefined;
      if (isWord(args[i], 'BLOCK')) return asMs(args[i + 1]);
    }
    return undefined;
  };
}

/** `arg` spells `word` (upper-case), in any case. */
function isWord(arg: RedisArg | undefined, word: string): boolean {
  if (typeof arg === 'string') return arg.length === word.length && (arg === word || arg.toUpperCase() === word);
  if (Buffer.isBuffer(arg)) return arg.length === word.length && arg.toString('latin1').toUpperCase() === word;
  return false;
}

interface Entry {
  readonly spec: CommandSpec;
  /** describeRaw's answer, shared, when it does not depend on the arguments (no blockMs reader). */
  readonly raw: RawCommandInfo | undefined;
  /** For containers (CLIENT, CONFIG…): their subcommands by name. */
  readonly subcommands: Map<string, Entry> | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Top-level commands by name, upper- and lower-case (so that neither allocates on lookup). */
const COMMANDS = new Map<string, Entry>();
const ALL_SPECS: CommandSpec[] = [];

function makeEntry(row: Row, subcommands: Map<string, Entry> | undefined): Entry {
  const [name, tableFlags, keyColumn] = row;
  const spec: Mutable<CommandSpec> = { name, flags: tableFlags };
  const state = STATE_EFFECTS.get(name);
  if (state !== undefined) {
    spec.state = state;
    if (state !== 'unwatch') spec.flags |= CommandFlags.CONNECTION_STATE;
  }
  const blockMs = BLOCK_READERS.get(name);
  if (blockMs !== undefined) spec.blockMs = blockMs;
  if ((blockMs !== undefined) !== ((tableFlags & B) !== 0)) {
    throw new Error(`Command registry: ${name} must have a block reader exactly when it is flagged B.`);
  }
  const fanOut = FAN_OUT.get(name);
  if (fanOut !== undefined) spec.fanOut = Object.freeze(fanOut);
  const clusterRefusal = CLUSTER_REFUSALS.get(name);
  if (clusterRefusal !== undefined) spec.clusterRefusal = clusterRefusal;
  const slotArg = SLOT_ARGS.get(name);
  if (slotArg !== undefined) spec.slotArg = slotArg;
  const refusal = REFUSALS.get(name);
  if (refusal !== undefined) spec.refusal = refusal;
  if (keyColumn !== undefined) spec.keySpecs = Object.freeze(Array.isArray(keyColumn) ? keyColumn : [keyColumn]);
  Object.freeze(spec);
  ALL_SPECS.push(spec);
  // Shared when nothing in it depends on the arguments.
  const raw =
    blockMs === undefined && refusal === undefined
      ? Object.freeze({ name, flags: spec.flags, blockMs: undefined, state })
      : undefined;
  return { spec, raw, subcommands };
}

function register(map: Map<string, Entry>, word: string, entry: Entry): void {
  map.set(word, entry);
  map.set(word.toLowerCase(), entry);
}

function buildRegistry(): void {
  const subRows = new Map<string, Row[]>();
  for (const row of TABLE) {
    const space = row[0].indexOf(' ');
    if (space === -1) continue;
    const container = row[0].slice(0, space);
    const list = subRows.get(container) ?? [];
    list.push(row);
    subRows.set(container, list);
  }
  for (const row of TABLE) {
    if (row[0].includes(' ')) continue;
    const subs = subRows.get(row[0]);
    let subcommands: Map<string, Entry> | undefined;
    if (subs !== undefined) {
      subcommands = new Map();
      for (const sub of subs) register(subcommands, sub[0].slice(row[0].length + 1), makeEntry(sub, undefined));
      subRows.delete(row[0]);
    }
    register(COMMANDS, row[0], makeEntry(row, subcommands));
  }
  // A typo in an overlay or a subcommand without its container would silently lose a fact: fail at load.
  const known = new Set(ALL_SPECS.map((s) => s.name));
  const orphans = [
    ...subRows.keys(),
    ...[STATE_EFFECTS, BLOCK_READERS, FAN_OUT, CLUSTER_REFUSALS, SLOT_ARGS, REFUSALS].flatMap((m) => [...m.keys()]),
  ];
  for (const name of orphans) {
    if (!known.has(name)) throw new Error(`Command registry: ${name} is not in the table.`);
  }
}
buildRegistry();

function find(map: Map<string, Entry>, word: RedisArg | undefined): Entry | undefined {
  if (typeof word === 'string') return map.get(word) ?? map.get(word.toUpperCase());
  if (Buffer.isBuffer(word)) return map.get(word.toString('latin1').toUpperCase());
  return undefined;
}

function resolve(args: readonly RedisArg[]): Entry | undefined {
  const top = find(COMMANDS, args[0]);
  if (top === undefined || top.subcommands === undefined || args.length < 2) return top;
  return find(top.subcommands, args[1]) ?? top;
}

/**
 * What the command in `args` is (name first, any case); container commands resolve to their subcommand
 * (`['client', 'setname', 'x']` → 'CLIENT SETNAME') when it is known. Undefined for unknown commands.
 */
export function commandSpec(args: readonly RedisArg[]): CommandSpec | undefined {
  return resolve(args)?.spec;
}

/** Every spec in the table (containers and subcommands), in table order. */
export function commandSpecs(): readonly CommandSpec[] {
  return ALL_SPECS;
}

/**
 * The keys of a command, or undefined when it takes none. For an unknown command (a module's, say) the first
 * argument is guessed to be its key: in a cluster a wrong guess costs one MOVED.
 */
export function keysOf(args: readonly RedisArg[]): RedisArg[] | undefined {
  const entry = resolve(args);
  if (entry === undefined) return args.length > 1 ? [args[1]!] : undefined;
  const specs = entry.spec.keySpecs;
  if (specs === undefined) return undefined;
  const keys: RedisArg[] = [];
  for (const spec of specs) collectKeys(spec, args, keys);
  return keys;
}

function collectKeys(spec: KeySpec, args: readonly RedisArg[], keys: RedisArg[]): void {
  const first = beginOf(spec.begin, args);
  if (first < 0 || first >= args.length) return;
  const find = spec.find;
  if (find === 'numkeys') {
    const count = numberOf(args[first]);
    if (!Number.isSafeInteger(count) || count < 0) return;
    const end = Math.min(args.length, first + 1 + count);
    for (let i = first + 1; i < end; i++) keys.push(args[i]!);
    return;
  }
  let last: number;
  if (find.lastKey >= 0) last = first + find.lastKey;
  else if (find.limit <= 1) last = args.length + find.lastKey;
  else last = first + Math.floor((args.length - first) / find.limit) + find.lastKey;
  last = Math.min(last, args.length - 1);
  for (let i = first; i <= last; i += find.step) {
    const arg = args[i]!;
    if (spec.skipEmpty === true && (arg === '' || (Buffer.isBuffer(arg) && arg.length === 0))) continue;
    keys.push(arg);
  }
}

/** The index where a key spec's keys start, or -1 when its keyword is absent. */
function beginOf(begin: KeySpec['begin'], args: readonly RedisArg[]): number {
  if (typeof begin === 'number') return begin;
  const { keyword, startFrom } = begin;
  if (startFrom > 0) {
    for (let i = startFrom; i < args.length - 1; i++) if (isWord(args[i], keyword)) return i + 1;
  } else {
    for (let i = args.length + startFrom; i > 1; i--) if (isWord(args[i], keyword)) return i + 1;
  }
  return -1;
}

/** For `sendCommand`: name, flags, block timeout and state effect of a raw argument list. */
export function describeRaw(args: readonly RedisArg[]): RawCommandInfo {
  const entry = resolve(args);
  if (entry === undefined)
    return { name: upperName(args[0]), flags: CommandFlags.NONE, blockMs: undefined, state: undefined };
  if (entry.raw !== undefined) return entry.raw;
  const spec = entry.spec;
  const blockMs = spec.blockMs?.(args);
  const flags = blockMs === undefined ? spec.flags & ~CommandFlags.BLOCKING : spec.flags;
  const refusal = spec.refusal?.(args);
  const info = { name: spec.name, flags, blockMs, state: spec.state };
  return refusal === undefined ? info : { ...info, refusal };
}

/** The hash slot a keyless command is about (CLUSTER COUNTKEYSINSLOT 42 → 42), when it names a valid one. */
export function slotArgOf(args: readonly RedisArg[]): number | undefined {
  const index = resolve(args)?.spec.slotArg;
  if (index === undefined) return undefined;
  const slot = numberOf(args[index]);
  return Number.isInteger(slot) && slot >= 0 && slot < 16384 ? slot : undefined;
}

function upperName(arg: RedisArg | undefined): string {
  if (arg === undefined) return '';
  return (Buffer.isBuffer(arg) ? arg.toString('latin1') : String(arg)).toUpperCase();
}

/** The read commands cached by default (flagged C above): deterministic replies that depend on their keys only. */
export const DEFAULT_CACHED_COMMANDS: readonly string[] = Object.freeze(
  ALL_SPECS.filter((spec) => (spec.flags & CommandFlags.CACHEABLE) !== 0).map((spec) => spec.name),
);
