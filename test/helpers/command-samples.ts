/**
 * Sample arguments for every typed method, and the commands they build. The registry unit test checks the
 * built commands' flags and keys against the registry; the command-coverage test reads which Redis commands
 * the typed methods emit. A method added to CommandSet (or to PinnedCommands, for connection-state commands)
 * without samples fails to compile here.
 */
import assert from 'node:assert/strict';
import type { Command } from '../../src/commands/command.js';
import { CommandSet } from '../../src/commands/command-set.js';
import type { AsyncCommands } from '../../src/client/async-commands.js';
import { PinnedCommands } from '../../src/client/pinned-commands.js';

/** Records the Command each method builds. */
export class Recorder extends CommandSet<'chain'> {
  private last: Command | undefined;
  protected submit<T>(command: Command<T>): this {
    this.last = command;
    return this;
  }
  /** The command built since the last take(). */
  take(): Command | undefined {
    const command = this.last;
    this.last = undefined;
    return command;
  }
}

export type MethodName = Exclude<
  { [K in keyof Recorder]: Recorder[K] extends (...args: never[]) => unknown ? K : never }[keyof Recorder],
  'take'
>;
export type Samples = { [M in MethodName]: readonly Parameters<Recorder[M]>[] };

const S = { key: 's', id: '$' };
const NODE_ID = 'e9e2d4e358f82df8735fecf76f6aa1d8ffa985f7';

/** Sample arguments for every method; a method without samples fails to compile and fails the test below. */
export const SAMPLES: Samples = {
  get: [['k']],
  getBuffer: [['k']],
  set: [
    ['k', 'v'],
    ['k', 'v', { ex: 5, nx: true, get: true }],
  ],
  setNx: [['k', 'v']],
  mGet: [[['a', 'b']]],
  mGetBuffer: [[['a', 'b']]],
  mSet: [[{ a: '1', b: '2' }]],
  mSetNx: [
    [
      [
        ['a', '1'],
        ['b', '2'],
      ],
    ],
  ],
  incr: [['k']],
  incrBy: [['k', 2]],
  incrByFloat: [['k', 1.5]],
  decr: [['k']],
  decrBy: [['k', 2n]],
  append: [['k', 'v']],
  getDel: [['k']],
  getDelBuffer: [['k']],
  getEx: [['k'], ['k', { px: 100 }]],
  getExBuffer: [['k', { persist: true }]],
  getRange: [['k', 0, -1]],
  getRangeBuffer: [['k', 0, -1]],
  setRange: [['k', 2, 'v']],
  strLen: [['k']],
  setEx: [['k', 10, 'v']],
  pSetEx: [['k', 1500, 'v']],
  lcs: [['a', 'b']],
  lcsLen: [['a', 'b']],
  lcsIdx: [
    ['a', 'b'],
    ['a', 'b', { minMatchLen: 2 }],
  ],
  del: [['k'], [['a', 'b']]],
  unlink: [[['a', 'b']]],
  exists: [[['a', 'b']]],
  touch: [['k']],
  expire: [
    ['k', 10],
    ['k', 10, 'NX'],
  ],
  pExpire: [['k', 100]],
  expireAt: [['k', 1_900_000_000]],
  pExpireAt: [['k', new Date(1_900_000_000_000)]],
  expireTime: [['k']],
  pExpireTime: [['k']],
  ttl: [['k']],
  pTtl: [['k']],
  persist: [['k']],
  type: [['k']],
  rename: [['a', 'b']],
  renameNx: [['a', 'b']],
  keys: [['user:*']],
  randomKey: [[]],
  scan: [[0], [0, { match: 'a*', count: 10, type: 'string' }]],
  copy: [['a', 'b', { replace: true }]],
  dump: [['k']],
  restore: [['k', 0, Buffer.from('x'), { replace: true }]],
  objectEncoding: [['k']],
  objectFreq: [['k']],
  objectIdleTime: [['k']],
  objectRefCount: [['k']],
  sort: [['l'], ['l', { by: 'w_*', limit: { offset: 0, count: 5 }, get: ['#', 'o_*'], order: 'DESC', alpha: true }]],
  sortBuffer: [['l', { get: 'o_*' }]],
  sortRo: [['l', { order: 'ASC' }]],
  sortRoBuffer: [['l']],
  sortStore: [
    ['l', 'd'],
    ['l', 'd', { by: 'nosort' }],
  ],
  move: [['k', 1]],
  swapDb: [[0, 1]],
  migrate: [
    ['127.0.0.1', 6380, 'k', 0, 1000],
    ['127.0.0.1', 6380, ['a', 'b'], 0, 1000, { copy: true, replace: true, auth: { username: 'u', password: 'p' } }],
  ],
  hGet: [['h', 'f']],
  hGetBuffer: [['h', 'f']],
  hSet: [
    ['h', 'f', 'v'],
    ['h', { a: '1' }],
  ],
  hSetNx: [['h', 'f', 'v']],
  hGetAll: [['h']],
  hGetAllBuffer: [['h']],
  hMGet: [['h', ['a', 'b']]],
  hMGetBuffer: [['h', ['a']]],
  hDel: [['h', ['a', 'b']]],
  hExists: [['h', 'f']],
  hIncrBy: [['h', 'f', 1]],
  hIncrByFloat: [['h', 'f', 0.5]],
  hKeys: [['h']],
  hVals: [['h']],
  hLen: [['h']],
  hStrLen: [['h', 'f']],
  hRandField: [['h']],
  hRandFieldCount: [['h', 2]],
  hRandFieldWithValues: [['h', 2]],
  hScan: [['h', 0, { match: 'a*' }]],
  hExpire: [
    ['h', 10, 'f'],
    ['h', 10, ['f', 'g'], 'NX'],
  ],
  hPExpire: [['h', 1500, ['f']]],
  hExpireAt: [['h', new Date(1_900_000_000_000), 'f', 'GT']],
  hPExpireAt: [['h', 1_900_000_000_000, 'f']],
  hTtl: [['h', ['f', 'g']]],
  hPTtl: [['h', 'f']],
  hExpireTime: [['h', 'f']],
  hPExpireTime: [['h', 'f']],
  hPersist: [['h', 'f']],
  hGetDel: [['h', ['f', 'g']]],
  hGetDelBuffer: [['h', 'f']],
  hGetEx: [
    ['h', 'f'],
    ['h', ['f', 'g'], { ex: 10 }],
    ['h', 'f', { persist: true }],
  ],
  hGetExBuffer: [['h', 'f', { pxAt: 1_900_000_000_000 }]],
  hSetEx: [
    ['h', { f: 'v' }],
    ['h', { f: 'v', g: 'w' }, { fnx: true, ex: 10 }],
    ['h', [['f', 'v']], { fxx: true, keepTtl: true }],
  ],
  lPush: [['l', ['a', 'b']]],
  rPush: [['l', 'a']],
  lPushX: [['l', 'a']],
  rPushX: [['l', 'a']],
  lPop: [['l']],
  lPopBuffer: [['l']],
  lPopCount: [['l', 2]],
  rPop: [['l']],
  rPopBuffer: [['l']],
  rPopCount: [['l', 2]],
  lRange: [['l', 0, -1]],
  lRangeBuffer: [['l', 0, -1]],
  lLen: [['l']],
  lIndex: [['l', 0]],
  lIndexBuffer: [['l', 0]],
  lSet: [['l', 0, 'v']],
  lRem: [['l', 0, 'v']],
  lTrim: [['l', 0, 9]],
  lInsert: [['l', 'BEFORE', 'p', 'v']],
  lPos: [['l', 'v', { rank: 1 }]],
  lPosCount: [['l', 'v', 0]],
  lMove: [['a', 'b', 'LEFT', 'RIGHT']],
  blPop: [
    [['a', 'b'], 2],
    ['a', 0],
  ],
  blPopBuffer: [['a', 0.5]],
  brPop: [[['a', 'b'], 1]],
  brPopBuffer: [['a', 1]],
  blMove: [['a', 'b', 'LEFT', 'RIGHT', 1.5]],
  lMPop: [[['a', 'b'], 'LEFT', { count: 2 }]],
  blMPop: [[['a', 'b'], 'RIGHT', 3, { count: 2 }]],
  sAdd: [['s', ['a', 'b']]],
  sRem: [['s', 'a']],
  sMembers: [['s']],
  sMembersBuffer: [['s']],
  sIsMember: [['s', 'a']],
  smIsMember: [['s', ['a', 'b']]],
  sCard: [['s']],
  sPop: [['s']],
  sPopCount: [['s', 2]],
  sRandMember: [['s']],
  sRandMemberCount: [['s', -2]],
  sInter: [[['a', 'b']]],
  sUnion: [[['a', 'b']]],
  sDiff: [[['a', 'b']]],
  sInterStore: [['d', ['a', 'b']]],
  sUnionStore: [['d', ['a', 'b']]],
  sDiffStore: [['d', 'a']],
  sInterCard: [[['a', 'b'], { limit: 5 }]],
  sMove: [['a', 'b', 'm']],
  sScan: [['s', 0]],
  zAdd: [
    ['z', { value: 'a', score: 1 }],
    ['z', [{ value: 'a', score: 1 }], { nx: true }],
  ],
  zAddIncr: [['z', { value: 'a', score: 1 }]],
  zRem: [['z', ['a']]],
  zScore: [['z', 'a']],
  zmScore: [['z', ['a', 'b']]],
  zIncrBy: [['z', 2, 'a']],
  zCard: [['z']],
  zCount: [['z', -Infinity, '(5']],
  zLexCount: [['z', '-', '+']],
  zRange: [
    ['z', 0, -1],
    ['z', 0, 10, { by: 'SCORE', rev: true, limit: { offset: 0, count: 5 } }],
  ],
  zRangeBuffer: [['z', 0, -1]],
  zRangeWithScores: [['z', 0, -1]],
  zRank: [['z', 'a']],
  zRevRank: [['z', 'a']],
  zPopMin: [['z']],
  zPopMinCount: [['z', 2]],
  zPopMax: [['z']],
  zPopMaxCount: [['z', 2]],
  bzPopMin: [[['a', 'b'], 1]],
  bzPopMax: [['a', 0]],
  zMPop: [[['a', 'b'], 'MIN', { count: 2 }]],
  bzMPop: [[['a', 'b'], 'MAX', 0.5]],
  zRemRangeByRank: [['z', 0, 1]],
  zRemRangeByScore: [['z', 0, 1]],
  zRemRangeByLex: [['z', '-', '+']],
  zUnionStore: [['d', ['a', 'b'], { weights: [1, 2], aggregate: 'MAX' }]],
  zInterStore: [['d', ['a', 'b']]],
  zDiffStore: [['d', ['a', 'b']]],
  zRandMember: [['z']],
  zScan: [['z', 0, { count: 5 }]],
  zUnion: [[['a', 'b']], [['a', 'b'], { weights: [1, 2], aggregate: 'MIN' }]],
  zUnionWithScores: [[['a', 'b']]],
  zInter: [[['a', 'b'], { aggregate: 'MAX' }]],
  zInterWithScores: [[['a', 'b']]],
  zDiff: [[['a', 'b']]],
  zDiffWithScores: [['a']],
  zInterCard: [[['a', 'b']], [['a', 'b'], { limit: 10 }]],
  zRangeStore: [
    ['d', 'z', 0, -1],
    ['d', 'z', '(1', Infinity, { by: 'SCORE', limit: { offset: 0, count: 2 } }],
  ],
  xAdd: [
    ['s', '*', { f: 'v' }],
    ['s', '*', { f: 'v' }, { noMkStream: true, trim: { strategy: 'MAXLEN', threshold: 10 } }],
  ],
  xTrim: [['s', { strategy: 'MINID', threshold: '0-1', approximate: true }]],
  xLen: [['s']],
  xDel: [['s', ['1-1', '1-2']]],
  xRange: [['s', '-', '+', { count: 5 }]],
  xRevRange: [['s', '+', '-']],
  xRead: [
    [S],
    [S, { block: 100 }],
    [
      [
        { key: 'a', id: '0' },
        { key: 'b', id: '0' },
      ],
      { count: 5, block: 0 },
    ],
  ],
  xReadGroup: [
    ['g', 'c', S],
    ['g', 'c', [S, { key: 't', id: '>' }], { block: 10, count: 1, noAck: true }],
  ],
  xGroupCreate: [['s', 'g', '$', { mkStream: true }]],
  xGroupDestroy: [['s', 'g']],
  xGroupCreateConsumer: [['s', 'g', 'c']],
  xGroupDelConsumer: [['s', 'g', 'c']],
  xGroupSetId: [['s', 'g', '0']],
  xAck: [['s', 'g', ['1-1']]],
  xPending: [['s', 'g']],
  xPendingRange: [['s', 'g', '-', '+', 10, { idle: 100, consumer: 'c' }]],
  xClaim: [['s', 'g', 'c', 100, ['1-1'], { force: true }]],
  xClaimJustId: [['s', 'g', 'c', 100, '1-1']],
  xAutoClaim: [['s', 'g', 'c', 100, '0-0', { count: 5 }]],
  xInfoStream: [['s']],
  xInfoStreamFull: [['s'], ['s', { count: 0 }]],
  xInfoGroups: [['s']],
  xInfoConsumers: [['s', 'g']],
  xSetId: [
    ['s', '5-0'],
    ['s', '5-0', { entriesAdded: 5, maxDeletedId: '3-0' }],
  ],
  pfAdd: [['p', ['a', 'b']]],
  pfCount: [[['a', 'b']]],
  pfMerge: [['d', ['a', 'b']]],
  setBit: [['b', 7, 1]],
  getBit: [['b', 7]],
  bitCount: [['b'], ['b', { start: 0, end: 1, unit: 'BIT' }]],
  bitPos: [['b', 1, { start: 0 }]],
  bitOp: [
    ['AND', 'd', ['a', 'b']],
    ['NOT', 'd', 'a'],
  ],
  bitField: [['b', [{ op: 'INCRBY', encoding: 'u8', offset: 0, increment: 1 }]]],
  bitFieldRo: [['b', [{ op: 'GET', encoding: 'u8', offset: 0 }]]],
  geoAdd: [['g', { member: 'm', longitude: 1, latitude: 2 }]],
  geoDist: [['g', 'a', 'b', 'km']],
  geoPos: [['g', ['a', 'b']]],
  geoHash: [['g', 'a']],
  geoSearch: [['g', { member: 'm' }, { radius: 5, unit: 'km' }, { count: 3 }]],
  geoSearchWith: [['g', { longitude: 1, latitude: 2 }, { width: 5, height: 5, unit: 'm' }, { withDist: true }]],
  geoSearchStore: [['d', 'g', { member: 'm' }, { radius: 5, unit: 'km' }, { storeDist: true }]],
  eval: [['return 1'], ['return 1', ['a', 'b'], ['x']]],
  evalRo: [['return 1', ['a']]],
  evalSha: [['abc', ['a'], ['x']]],
  evalShaRo: [['abc']],
  fCall: [['f', ['a', 'b']]],
  fCallRo: [['f', [], ['x']]],
  scriptLoad: [['return 1']],
  scriptExists: [[['abc', 'def']]],
  scriptFlush: [[], ['ASYNC']],
  scriptKill: [[]],
  functionLoad: [['#!lua name=lib\n'], ['#!lua name=lib\n', { replace: true }]],
  functionList: [[], [{ libraryName: 'lib*' }]],
  functionListWithCode: [[]],
  functionDelete: [['lib']],
  functionDump: [[]],
  functionRestore: [[Buffer.from('x')], [Buffer.from('x'), 'REPLACE']],
  functionFlush: [[], ['ASYNC']],
  functionKill: [[]],
  functionStats: [[]],
  ping: [[], ['hello']],
  echo: [['hello']],
  info: [[], [['server', 'clients']]],
  clientId: [[]],
  clientList: [[], [{ type: 'normal' }]],
  clientInfo: [[]],
  clientKill: [[{ id: 5, skipMe: true }]],
  clientGetName: [[]],
  dbSize: [[]],
  flushDb: [[], ['SYNC']],
  flushAll: [['ASYNC']],
  time: [[]],
  configGet: [['maxmemory']],
  configSet: [['maxmemory', '1mb'], [{ maxmemory: '1mb' }]],
  configResetStat: [[]],
  wait: [[1, 100]],
  waitAof: [[1, 0, 100]],
  lastSave: [[]],
  memoryUsage: [['k', { samples: 5 }]],
  clientPause: [[100], [100, 'WRITE']],
  clientUnpause: [[]],
  clientUnblock: [[7], [7n, 'ERROR']],
  clientGetRedir: [[]],
  clientTrackingInfo: [[]],
  configRewrite: [[]],
  role: [[]],
  bgSave: [[], [{ schedule: true }]],
  bgRewriteAof: [[]],
  replicaOf: [['10.0.0.1', 6379]],
  replicaOfNoOne: [[]],
  failover: [[], [{ to: { host: 'h', port: 1, force: true }, timeout: 100 }], [{ abort: true }]],
  moduleList: [[]],
  moduleLoad: [['/m.so'], ['/m.so', ['a', 1]]],
  moduleLoadEx: [['/m.so', { configs: { c: 'v' }, args: ['a'] }]],
  moduleUnload: [['m']],
  latencyDoctor: [[]],
  latencyGraph: [['command']],
  latencyHistogram: [[], [['set', 'get']]],
  latencyHistory: [['command']],
  latencyLatest: [[]],
  latencyReset: [[], ['command']],
  memoryDoctor: [[]],
  memoryMallocStats: [[]],
  memoryPurge: [[]],
  memoryStats: [[]],
  slowlogGet: [[], [-1]],
  slowlogLen: [[]],
  slowlogReset: [[]],
  lolwut: [[], [5]],
  commandCount: [[]],
  commandDocs: [[], [['get', 'set']]],
  commandGetKeys: [[['SET', 'k', 'v']]],
  commandGetKeysAndFlags: [[['LMOVE', 'a', 'b', 'LEFT', 'RIGHT']]],
  commandInfo: [[], ['get']],
  commandList: [[], [{ aclCat: 'read' }]],
  aclCat: [[], ['read']],
  aclDelUser: [[['a', 'b']]],
  aclDryRun: [['u', ['GET', 'k']]],
  aclGenPass: [[], [64]],
  aclGetUser: [['u']],
  aclList: [[]],
  aclLoad: [[]],
  aclLog: [[], [5]],
  aclLogReset: [[]],
  aclSave: [[]],
  aclSetUser: [['u'], ['u', ['on', '>pw', '~k*', '+get']]],
  aclUsers: [[]],
  aclWhoAmI: [[]],
  clusterInfo: [[]],
  clusterNodes: [[]],
  clusterShards: [[]],
  clusterSlots: [[]],
  clusterKeySlot: [['k']],
  clusterReplicas: [[NODE_ID]],
  clusterCountKeysInSlot: [[42]],
  clusterGetKeysInSlot: [[42, 10]],
  clusterMyId: [[]],
  clusterMyShardId: [[]],
  clusterLinks: [[]],
  clusterCountFailureReports: [[NODE_ID]],
  clusterAddSlots: [[1], [[1, 2]]],
  clusterAddSlotsRange: [
    [[0, 10]],
    [
      [
        [0, 10],
        [20, 30],
      ],
    ],
  ],
  clusterDelSlots: [[1]],
  clusterDelSlotsRange: [[[0, 10]]],
  clusterFlushSlots: [[]],
  clusterFailover: [[], ['FORCE']],
  clusterForget: [[NODE_ID]],
  clusterMeet: [
    ['10.0.0.1', 6379],
    ['10.0.0.1', 6379, 16379],
  ],
  clusterReplicate: [[NODE_ID]],
  clusterReset: [[], ['HARD']],
  clusterSaveConfig: [[]],
  clusterSetSlot: [
    [42, 'MIGRATING', NODE_ID],
    [42, 'STABLE'],
  ],
  clusterBumpEpoch: [[]],
  clusterSetConfigEpoch: [[1]],
  publish: [['ch', 'msg']],
  sPublish: [['ch', 'msg']],
  pubsubChannels: [[], ['news.*']],
  pubsubNumSub: [[['a', 'b']]],
  pubsubNumPat: [[]],
  pubsubShardChannels: [[]],
  pubsubShardNumSub: [['a']],
};

/** Records the Command each pinned-only method builds. */
export class PinnedRecorder extends PinnedCommands {
  private last: Command | undefined;
  protected submit<T>(command: Command<T>): Promise<T> {
    this.last = command;
    return Promise.resolve(undefined as T);
  }
  take(): Command | undefined {
    const command = this.last;
    this.last = undefined;
    return command;
  }
}

type PinnedMethodName = Exclude<keyof PinnedRecorder, keyof Recorder | keyof AsyncCommands | 'take'>;
type PinnedSamples = { [M in PinnedMethodName]: readonly Parameters<PinnedRecorder[M]>[] };

/** Sample arguments for the methods only pinned connections have (connection-state commands). */
export const PINNED_SAMPLES: PinnedSamples = {
  select: [[1]],
  clientSetName: [['worker']],
  clientSetInfo: [['LIB-NAME', 'app']],
  clientNoEvict: [[true], [false]],
  clientNoTouch: [[true]],
  clientTracking: [[true], [true, { bcast: true, prefixes: ['a:', 'b:'], noLoop: true }], [false]],
  clientCaching: [[true]],
};

/** Calls every method of `samples` on `recorder` with each of its sample arguments: the commands built. */
export function record(
  recorder: { take(): Command | undefined },
  samples: Readonly<Record<string, readonly (readonly unknown[])[]>>,
): { label: string; command: Command }[] {
  const out: { label: string; command: Command }[] = [];
  for (const [method, list] of Object.entries(samples)) {
    for (const sample of list) {
      void (recorder as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!(...sample);
      const command = recorder.take();
      assert.ok(command !== undefined, `${method} built no command`);
      out.push({ label: `${method} → ${command.args.map(String).join(' ')}`, command });
    }
  }
  return out;
}

/** Every typed method's commands: the shared ones (CommandSet) and the pinned-only ones. */
export function builtCommands(): { label: string; command: Command }[] {
  return [...record(new Recorder(), SAMPLES), ...record(new PinnedRecorder(), PINNED_SAMPLES)];
}
