// Admin command builders (ACL, LATENCY, MEMORY, SLOWLOG, ROLE, COMMAND, CLUSTER, CLIENT, modules, replication):
// exact arguments, flags, argument validation, and reply decoding from RESP2 and RESP3 shapes alike.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandFlags as F, type Command } from '../../src/commands/command.js';
import * as c from '../../src/commands/builders.js';
import { InvalidArgumentError } from '../../src/errors.js';
import type { RespValue } from '../../src/resp/types.js';

const R = F.READONLY;
const S = F.CONNECTION_STATE;
const NODE = 'e9e2d4e358f82df8735fecf76f6aa1d8ffa985f7';
const OTHER = '5605e5bea7818b0a3dec6372d5ca39ec5c6c3240';

function check(cmd: Command<unknown>, args: unknown[], flags: number): void {
  assert.deepEqual(cmd.args, args);
  assert.equal(cmd.flags, flags, `flags of ${cmd.args.join(' ')}`);
  assert.equal(cmd.keys, undefined, `keys of ${cmd.args.join(' ')}`);
}

/** An InvalidArgumentError whose message names `name`. */
function rejects(fn: () => unknown, name: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(err)}`);
    if (typeof name === 'string') assert.ok(err.message.includes(name), `${err.message} should name ${name}`);
    else assert.match(err.message, name);
    return true;
  });
}

/** The same logical reply as RESP2 (flat key/value arrays) and RESP3 (Maps) send it. */
function map(entries: [string, RespValue][], resp: 2 | 3): RespValue {
  return resp === 3 ? new Map<RespValue, RespValue>(entries) : entries.flat();
}

function decodeBoth<T>(cmd: Command<T>, reply: (resp: 2 | 3) => RespValue): T {
  const two = cmd.decode!(reply(2));
  const three = cmd.decode!(reply(3));
  assert.deepEqual(two, three, 'the same result under RESP2 and RESP3');
  return three;
}

describe('ACL', () => {
  test('arguments', () => {
    check(c.aclCat(), ['ACL', 'CAT'], R);
    check(c.aclCat('read'), ['ACL', 'CAT', 'read'], R);
    check(c.aclDelUser(['a', 'b']), ['ACL', 'DELUSER', 'a', 'b'], F.NONE);
    check(c.aclDryRun('u', ['SET', 'k', 1]), ['ACL', 'DRYRUN', 'u', 'SET', 'k', 1], R);
    rejects(() => c.aclDryRun('u', []), 'aclDryRun command');
    check(c.aclGenPass(), ['ACL', 'GENPASS'], R);
    check(c.aclGenPass(64), ['ACL', 'GENPASS', 64], R);
    rejects(() => c.aclGenPass(0), 'aclGenPass bits');
    check(c.aclGetUser('u'), ['ACL', 'GETUSER', 'u'], R);
    check(c.aclList(), ['ACL', 'LIST'], R);
    check(c.aclLoad(), ['ACL', 'LOAD'], F.NONE);
    check(c.aclLog(), ['ACL', 'LOG'], F.NONE);
    check(c.aclLog(3), ['ACL', 'LOG', 3], F.NONE);
    rejects(() => c.aclLog(-1), 'aclLog count');
    check(c.aclLogReset(), ['ACL', 'LOG', 'RESET'], F.NONE);
    check(c.aclSave(), ['ACL', 'SAVE'], F.NONE);
    check(c.aclSetUser('u'), ['ACL', 'SETUSER', 'u'], F.NONE);
    check(c.aclSetUser('u', []), ['ACL', 'SETUSER', 'u'], F.NONE);
    check(c.aclSetUser('u', ['on', '>pw', '~k*']), ['ACL', 'SETUSER', 'u', 'on', '>pw', '~k*'], F.NONE);
    check(c.aclSetUser('u', 'reset'), ['ACL', 'SETUSER', 'u', 'reset'], F.NONE);
    check(c.aclUsers(), ['ACL', 'USERS'], R);
    check(c.aclWhoAmI(), ['ACL', 'WHOAMI'], R);
  });

  test('GETUSER: Redis 7 replies, and 6.2 pattern lists read as the same rule strings', () => {
    const user = decodeBoth(c.aclGetUser('bob'), (resp) =>
      map(
        [
          ['flags', ['on']],
          ['passwords', ['2d71']],
          ['commands', '-@all +get'],
          ['keys', '~k*'],
          ['channels', '&ch'],
          [
            'selectors',
            [
              map(
                [
                  ['commands', '-@all +set'],
                  ['keys', '~foo'],
                  ['channels', ''],
                ],
                resp,
              ),
            ],
          ],
        ],
        resp,
      ),
    );
    assert.deepEqual(user, {
      flags: ['on'],
      passwords: ['2d71'],
      commands: '-@all +get',
      keys: '~k*',
      channels: '&ch',
      selectors: [{ commands: '-@all +set', keys: '~foo', channels: '' }],
    });
    const old = c.aclGetUser('bob').decode!([
      'flags',
      ['on', 'allchannels'],
      'passwords',
      [],
      'commands',
      '+@all',
      'keys',
      ['a*', 'b*'],
      'channels',
      ['*'],
    ]);
    assert.deepEqual(old, {
      flags: ['on', 'allchannels'],
      passwords: [],
      commands: '+@all',
      keys: '~a* ~b*',
      channels: '&*',
      selectors: [],
    });
    assert.equal(c.aclGetUser('nobody').decode!(null), null);
  });

  test('LOG: numbers, the client parsed, 7.2 fields when present', () => {
    const entries = decodeBoth(c.aclLog(), (resp) => [
      map(
        [
          ['count', 2],
          ['reason', 'auth'],
          ['context', 'toplevel'],
          ['object', 'AUTH'],
          ['username', 'bob'],
          ['age-seconds', resp === 3 ? 8.5 : '8.5'],
          ['client-info', 'id=7 addr=127.0.0.1:44726 name= db=0 cmd=auth'],
          ['entry-id', 4],
          ['timestamp-created', 1700000000000],
          ['timestamp-last-updated', 1700000000500],
        ],
        resp,
      ),
    ]);
    assert.deepEqual(entries, [
      {
        count: 2,
        reason: 'auth',
        context: 'toplevel',
        object: 'AUTH',
        username: 'bob',
        ageSeconds: 8.5,
        clientInfo: { id: '7', addr: '127.0.0.1:44726', name: '', db: '0', cmd: 'auth' },
        entryId: 4,
        timestampCreated: 1700000000000,
        timestampLastUpdated: 1700000000500,
      },
    ]);
  });
});

describe('LATENCY, MEMORY, SLOWLOG, LOLWUT', () => {
  test('arguments', () => {
    check(c.latencyDoctor(), ['LATENCY', 'DOCTOR'], R);
    check(c.latencyGraph('command'), ['LATENCY', 'GRAPH', 'command'], R);
    check(c.latencyHistogram(), ['LATENCY', 'HISTOGRAM'], R);
    check(c.latencyHistogram(['set', 'get']), ['LATENCY', 'HISTOGRAM', 'set', 'get'], R);
    rejects(() => c.latencyHistogram([]), 'latencyHistogram commands');
    check(c.latencyHistory('fork'), ['LATENCY', 'HISTORY', 'fork'], R);
    check(c.latencyLatest(), ['LATENCY', 'LATEST'], R);
    check(c.latencyReset(), ['LATENCY', 'RESET'], F.NONE);
    check(c.latencyReset(['fork', 'command']), ['LATENCY', 'RESET', 'fork', 'command'], F.NONE);
    check(c.memoryDoctor(), ['MEMORY', 'DOCTOR'], R);
    check(c.memoryMallocStats(), ['MEMORY', 'MALLOC-STATS'], R);
    check(c.memoryPurge(), ['MEMORY', 'PURGE'], F.NONE);
    check(c.memoryStats(), ['MEMORY', 'STATS'], R);
    check(c.slowlogGet(), ['SLOWLOG', 'GET'], R);
    check(c.slowlogGet(-1), ['SLOWLOG', 'GET', -1], R);
    rejects(() => c.slowlogGet(-2), 'slowlogGet count');
    check(c.slowlogLen(), ['SLOWLOG', 'LEN'], R);
    check(c.slowlogReset(), ['SLOWLOG', 'RESET'], F.NONE);
    check(c.lolwut(), ['LOLWUT'], R);
    check(c.lolwut(6), ['LOLWUT', 'VERSION', 6], R);
    rejects(() => c.lolwut(1.5), 'lolwut version');
  });

  test('replies', () => {
    assert.deepEqual(c.latencyLatest().decode!([['command', 1700000000, 20, 25]]), [
      { event: 'command', timestamp: 1700000000, latestMs: 20, maxMs: 25 },
    ]);
    assert.deepEqual(c.latencyHistory('command').decode!([[1700000000, 20]]), [
      { timestamp: 1700000000, latencyMs: 20 },
    ]);
    const histograms = decodeBoth(c.latencyHistogram(), (resp) =>
      map(
        [
          [
            'config|set',
            map(
              [
                ['calls', 3],
                // RESP3 sends the bucket bounds as integer map keys.
                [
                  'histogram_usec',
                  resp === 3
                    ? new Map<RespValue, RespValue>([
                        [16, 1],
                        [32, 3],
                      ])
                    : [16, 1, 32, 3],
                ],
              ],
              resp,
            ),
          ],
        ],
        resp,
      ),
    );
    assert.deepEqual(histograms, { 'config|set': { calls: 3, histogramUsec: { '16': 1, '32': 3 } } });
    const stats = decodeBoth(c.memoryStats(), (resp) =>
      map(
        [
          ['peak.allocated', 1039976],
          ['db.0', map([['overhead.hashtable.main', 72]], resp)],
          ['dataset.percentage', resp === 3 ? 99.5 : '99.5'],
          ['fragmentation', resp === 3 ? 13.25 : '13.25'],
        ],
        resp,
      ),
    );
    assert.deepEqual(stats, {
      'peak.allocated': 1039976,
      'db.0': { 'overhead.hashtable.main': 72 },
      'dataset.percentage': 99.5,
      fragmentation: 13.25,
    });
    assert.deepEqual(c.slowlogGet().decode!([[4, 1700000000, 23, ['SET', 'k', 'v'], '127.0.0.1:41744', 'app']]), [
      {
        id: 4,
        timestamp: 1700000000,
        durationUs: 23,
        args: ['SET', 'k', 'v'],
        clientAddress: '127.0.0.1:41744',
        clientName: 'app',
      },
    ]);
    // Before 4.0 entries had no client fields.
    assert.deepEqual(c.slowlogGet().decode!([[1, 1, 2, ['GET', 'k']]])[0]?.clientAddress, '');
  });
});

describe('CLIENT', () => {
  test('shared commands', () => {
    check(c.clientPause(100), ['CLIENT', 'PAUSE', 100], F.NONE);
    check(c.clientPause(0, 'WRITE'), ['CLIENT', 'PAUSE', 0, 'WRITE'], F.NONE);
    rejects(() => c.clientPause(-1), 'clientPause timeout');
    rejects(() => c.clientPause(10, 'READ' as never), 'clientPause mode');
    check(c.clientUnpause(), ['CLIENT', 'UNPAUSE'], F.NONE);
    check(c.clientUnblock(12), ['CLIENT', 'UNBLOCK', 12], F.NONE);
    check(c.clientUnblock(12n, 'ERROR'), ['CLIENT', 'UNBLOCK', 12n, 'ERROR'], F.NONE);
    rejects(() => c.clientUnblock(-1), 'clientUnblock clientId');
    assert.equal(c.clientUnblock(1).decode!(1), true);
    assert.equal(c.clientUnblock(1).decode!(0), false);
    check(c.clientGetRedir(), ['CLIENT', 'GETREDIR'], R);
    check(c.clientTrackingInfo(), ['CLIENT', 'TRACKINGINFO'], R);
    const info = decodeBoth(c.clientTrackingInfo(), (resp) =>
      map(
        [
          ['flags', ['on', 'bcast']],
          ['redirect', 0],
          ['prefixes', ['a:', 'b:']],
        ],
        resp,
      ),
    );
    assert.deepEqual(info, { flags: ['on', 'bcast'], redirect: 0, prefixes: ['a:', 'b:'] });
    check(c.configRewrite(), ['CONFIG', 'REWRITE'], F.NONE);
  });

  test('connection-state commands (pinned connections only)', () => {
    check(c.clientNoEvict(true), ['CLIENT', 'NO-EVICT', 'ON'], S);
    check(c.clientNoEvict(false), ['CLIENT', 'NO-EVICT', 'OFF'], S);
    rejects(() => c.clientNoEvict('on' as never), 'clientNoEvict on');
    check(c.clientNoTouch(true), ['CLIENT', 'NO-TOUCH', 'ON'], S);
    check(c.clientCaching(false), ['CLIENT', 'CACHING', 'NO'], S);
    rejects(() => c.clientCaching(1 as never), 'clientCaching yes');
    check(c.clientSetInfo('LIB-NAME', 'my-lib'), ['CLIENT', 'SETINFO', 'LIB-NAME', 'my-lib'], S);
    check(c.clientSetInfo('LIB-VER', '1.2.3'), ['CLIENT', 'SETINFO', 'LIB-VER', '1.2.3'], S);
    rejects(() => c.clientSetInfo('LIB-NAME', 'has space'), 'clientSetInfo value');
    rejects(() => c.clientSetInfo('NAME' as never, 'x'), 'clientSetInfo attribute');
    check(c.clientTracking(false), ['CLIENT', 'TRACKING', 'OFF'], S);
    check(
      c.clientTracking(true, { redirect: 9, bcast: true, prefixes: ['a:', 'b:'], noLoop: true }),
      ['CLIENT', 'TRACKING', 'ON', 'REDIRECT', 9, 'PREFIX', 'a:', 'PREFIX', 'b:', 'BCAST', 'NOLOOP'],
      S,
    );
    check(c.clientTracking(true, { optIn: true }), ['CLIENT', 'TRACKING', 'ON', 'OPTIN'], S);
    check(c.clientTracking(true, { optOut: true }), ['CLIENT', 'TRACKING', 'ON', 'OPTOUT'], S);
    rejects(() => c.clientTracking(true, { optIn: true, optOut: true }), 'at most one of optIn, optOut');
    rejects(() => c.clientTracking(true, { prefixes: 'a:' }), 'bcast');
    rejects(() => c.clientTracking(true, { bcats: true } as never), /Did you mean `bcast`/);
  });
});

describe('ROLE, persistence, replication, modules', () => {
  test('arguments', () => {
    check(c.role(), ['ROLE'], R);
    check(c.bgSave(), ['BGSAVE'], F.NONE);
    check(c.bgSave({ schedule: true }), ['BGSAVE', 'SCHEDULE'], F.NONE);
    rejects(() => c.bgSave({ schedule: 'yes' } as never), 'true or false');
    check(c.bgRewriteAof(), ['BGREWRITEAOF'], F.NONE);
    check(c.replicaOf('10.0.0.1', 6380), ['REPLICAOF', '10.0.0.1', 6380], F.NONE);
    rejects(() => c.replicaOf('10.0.0.1', 0), 'replicaOf port');
    check(c.replicaOfNoOne(), ['REPLICAOF', 'NO', 'ONE'], F.NONE);
    check(c.failover(), ['FAILOVER'], F.NONE);
    check(
      c.failover({ to: { host: 'h', port: 7000, force: true }, timeout: 500 }),
      ['FAILOVER', 'TO', 'h', 7000, 'FORCE', 'TIMEOUT', 500],
      F.NONE,
    );
    check(c.failover({ timeout: 500 }), ['FAILOVER', 'TIMEOUT', 500], F.NONE);
    check(c.failover({ abort: true }), ['FAILOVER', 'ABORT'], F.NONE);
    rejects(() => c.failover({ abort: true, timeout: 5 }), 'abort alone');
    rejects(() => c.failover({ to: { host: 'h', port: 1, force: true } }), 'failover options.timeout');
    rejects(() => c.failover({ to: { host: 'h', Port: 1 } as never }), /Did you mean `port`/);
    check(c.moduleList(), ['MODULE', 'LIST'], R);
    check(c.moduleLoad('/m.so'), ['MODULE', 'LOAD', '/m.so'], F.NONE);
    check(c.moduleLoad('/m.so', ['a', 1]), ['MODULE', 'LOAD', '/m.so', 'a', 1], F.NONE);
    check(
      c.moduleLoadEx('/m.so', { configs: { 'm.x': '1', 'm.y': 'z' }, args: ['a'] }),
      ['MODULE', 'LOADEX', '/m.so', 'CONFIG', 'm.x', '1', 'CONFIG', 'm.y', 'z', 'ARGS', 'a'],
      F.NONE,
    );
    check(c.moduleUnload('m'), ['MODULE', 'UNLOAD', 'm'], F.NONE);
  });

  test('ROLE as master, replica and sentinel; `slave` reads as replica', () => {
    assert.deepEqual(c.role().decode!(['master', 3129659, [['127.0.0.1', '9001', '3129242']]]), {
      role: 'master',
      replicationOffset: 3129659,
      replicas: [{ host: '127.0.0.1', port: 9001, replicationOffset: 3129242 }],
    });
    assert.deepEqual(c.role().decode!(['slave', '127.0.0.1', 9000, 'connected', 3167038]), {
      role: 'replica',
      masterHost: '127.0.0.1',
      masterPort: 9000,
      state: 'connected',
      replicationOffset: 3167038,
    });
    assert.deepEqual(c.role().decode!(['sentinel', ['mymaster', 'other']]), {
      role: 'sentinel',
      masterNames: ['mymaster', 'other'],
    });
  });

  test('MODULE LIST', () => {
    const modules = decodeBoth(c.moduleList(), (resp) => [
      map(
        [
          ['name', 'search'],
          ['ver', 20608],
          ['path', '/m.so'],
          ['args', []],
        ],
        resp,
      ),
    ]);
    assert.deepEqual(modules, [{ name: 'search', ver: 20608, path: '/m.so', args: [] }]);
  });
});

describe('COMMAND', () => {
  test('arguments', () => {
    check(c.commandCount(), ['COMMAND', 'COUNT'], R);
    check(c.commandDocs(), ['COMMAND', 'DOCS'], R);
    check(c.commandDocs(['get', 'set']), ['COMMAND', 'DOCS', 'get', 'set'], R);
    check(c.commandGetKeys(['SET', 'k', 'v']), ['COMMAND', 'GETKEYS', 'SET', 'k', 'v'], R);
    rejects(() => c.commandGetKeys([]), 'commandGetKeys command');
    check(c.commandGetKeysAndFlags(['GET', 'k']), ['COMMAND', 'GETKEYSANDFLAGS', 'GET', 'k'], R);
    check(c.commandInfo(), ['COMMAND'], R);
    check(c.commandInfo('get'), ['COMMAND', 'INFO', 'get'], R);
    check(c.commandList(), ['COMMAND', 'LIST'], R);
    check(c.commandList({ module: 'm' }), ['COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'm'], R);
    check(c.commandList({ aclCat: 'read' }), ['COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'read'], R);
    check(c.commandList({ pattern: 'x*' }), ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'x*'], R);
    rejects(() => c.commandList({ module: 'm', pattern: 'x' }), 'at most one of module, aclCat, pattern');
  });

  test('INFO: key specs and subcommands; 6.2 replies without them; unknown names null', () => {
    const info = decodeBoth(c.commandInfo(['get', 'nosuch']), (resp) => [
      [
        'get',
        2,
        ['readonly', 'fast'],
        1,
        1,
        1,
        ['@read', '@string', '@fast'],
        [],
        [
          map(
            [
              ['flags', ['RO', 'access']],
              [
                'begin_search',
                map(
                  [
                    ['type', 'index'],
                    ['spec', map([['index', 1]], resp)],
                  ],
                  resp,
                ),
              ],
              [
                'find_keys',
                map(
                  [
                    ['type', 'range'],
                    [
                      'spec',
                      map(
                        [
                          ['lastkey', 0],
                          ['keystep', 1],
                          ['limit', 0],
                        ],
                        resp,
                      ),
                    ],
                  ],
                  resp,
                ),
              ],
            ],
            resp,
          ),
        ],
        [['get|sub', -2, [], 0, 0, 0, ['@slow'], [], [], []]],
      ],
      null,
    ]);
    assert.deepEqual(info, [
      {
        name: 'get',
        arity: 2,
        flags: ['readonly', 'fast'],
        firstKey: 1,
        lastKey: 1,
        step: 1,
        aclCategories: ['@read', '@string', '@fast'],
        tips: [],
        keySpecs: [
          {
            flags: ['RO', 'access'],
            beginSearch: { type: 'index', spec: { index: 1 } },
            findKeys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
          },
        ],
        subcommands: [
          {
            name: 'get|sub',
            arity: -2,
            flags: [],
            firstKey: 0,
            lastKey: 0,
            step: 0,
            aclCategories: ['@slow'],
            tips: [],
            keySpecs: [],
            subcommands: [],
          },
        ],
      },
      null,
    ]);
    const old = c.commandInfo('get').decode!([['get', 2, ['readonly'], 1, 1, 1, ['@read']]]);
    assert.deepEqual(old[0]?.keySpecs, []);
    assert.deepEqual(old[0]?.subcommands, []);
  });

  test('DOCS: camelCased fields, history pairs, nested arguments and subcommands', () => {
    const docs = decodeBoth(c.commandDocs('set'), (resp) =>
      map(
        [
          [
            'set',
            map(
              [
                ['summary', 'Set the string value of a key'],
                ['since', '1.0.0'],
                ['group', 'string'],
                ['complexity', 'O(1)'],
                ['doc_flags', ['deprecated']],
                ['history', [['2.6.12', 'Added the `EX` option.']]],
                [
                  'arguments',
                  [
                    map(
                      [
                        ['name', 'key'],
                        ['type', 'key'],
                        ['key_spec_index', 0],
                        ['display_text', 'key'],
                      ],
                      resp,
                    ),
                    map(
                      [
                        ['name', 'condition'],
                        ['type', 'oneof'],
                        ['flags', ['optional']],
                        [
                          'arguments',
                          [
                            map(
                              [
                                ['name', 'nx'],
                                ['type', 'pure-token'],
                                ['token', 'NX'],
                              ],
                              resp,
                            ),
                          ],
                        ],
                      ],
                      resp,
                    ),
                  ],
                ],
                [
                  'subcommands',
                  map(
                    [
                      [
                        'set|x',
                        map(
                          [
                            ['summary', 'sub'],
                            ['since', '7.0.0'],
                          ],
                          resp,
                        ),
                      ],
                    ],
                    resp,
                  ),
                ],
              ],
              resp,
            ),
          ],
        ],
        resp,
      ),
    );
    assert.deepEqual(docs, {
      set: {
        summary: 'Set the string value of a key',
        since: '1.0.0',
        group: 'string',
        complexity: 'O(1)',
        docFlags: ['deprecated'],
        history: [['2.6.12', 'Added the `EX` option.']],
        arguments: [
          { name: 'key', type: 'key', keySpecIndex: 0, displayText: 'key' },
          {
            name: 'condition',
            type: 'oneof',
            flags: ['optional'],
            arguments: [{ name: 'nx', type: 'pure-token', token: 'NX' }],
          },
        ],
        subcommands: { 'set|x': { summary: 'sub', since: '7.0.0' } },
      },
    });
  });

  test('GETKEYSANDFLAGS', () => {
    assert.deepEqual(
      c.commandGetKeysAndFlags(['LMOVE', 'a', 'b', 'LEFT', 'RIGHT']).decode!([['a', ['RW', 'access']]]),
      [{ key: 'a', flags: ['RW', 'access'] }],
    );
  });
});

describe('CLUSTER', () => {
  test('arguments', () => {
    check(c.clusterInfo(), ['CLUSTER', 'INFO'], R);
    check(c.clusterNodes(), ['CLUSTER', 'NODES'], R);
    check(c.clusterShards(), ['CLUSTER', 'SHARDS'], R);
    check(c.clusterSlots(), ['CLUSTER', 'SLOTS'], R);
    check(c.clusterKeySlot('k'), ['CLUSTER', 'KEYSLOT', 'k'], R);
    check(c.clusterReplicas(NODE), ['CLUSTER', 'REPLICAS', NODE], R);
    rejects(() => c.clusterReplicas('127.0.0.1:7000'), 'node id');
    check(c.clusterCountKeysInSlot(0), ['CLUSTER', 'COUNTKEYSINSLOT', 0], R);
    rejects(() => c.clusterCountKeysInSlot(16384), 'clusterCountKeysInSlot slot');
    check(c.clusterGetKeysInSlot(16383, 10), ['CLUSTER', 'GETKEYSINSLOT', 16383, 10], R);
    rejects(() => c.clusterGetKeysInSlot(1, -1), 'clusterGetKeysInSlot count');
    check(c.clusterMyId(), ['CLUSTER', 'MYID'], R);
    check(c.clusterMyShardId(), ['CLUSTER', 'MYSHARDID'], R);
    check(c.clusterLinks(), ['CLUSTER', 'LINKS'], R);
    check(c.clusterCountFailureReports(NODE), ['CLUSTER', 'COUNT-FAILURE-REPORTS', NODE], R);
    check(c.clusterAddSlots(5), ['CLUSTER', 'ADDSLOTS', 5], F.NONE);
    check(c.clusterAddSlots([5, 6]), ['CLUSTER', 'ADDSLOTS', 5, 6], F.NONE);
    rejects(() => c.clusterAddSlots([]), 'clusterAddSlots slots');
    rejects(() => c.clusterAddSlots([1, -1]), 'clusterAddSlots slots[1]');
    check(c.clusterAddSlotsRange([0, 99]), ['CLUSTER', 'ADDSLOTSRANGE', 0, 99], F.NONE);
    check(
      c.clusterAddSlotsRange([
        [0, 99],
        [200, 300],
      ]),
      ['CLUSTER', 'ADDSLOTSRANGE', 0, 99, 200, 300],
      F.NONE,
    );
    rejects(() => c.clusterAddSlotsRange([9, 1]), 'start is not after its end');
    rejects(() => c.clusterAddSlotsRange([] as never), 'clusterAddSlotsRange ranges');
    check(c.clusterDelSlots(5), ['CLUSTER', 'DELSLOTS', 5], F.NONE);
    check(c.clusterDelSlotsRange([1, 2]), ['CLUSTER', 'DELSLOTSRANGE', 1, 2], F.NONE);
    check(c.clusterFlushSlots(), ['CLUSTER', 'FLUSHSLOTS'], F.NONE);
    check(c.clusterFailover(), ['CLUSTER', 'FAILOVER'], F.NONE);
    check(c.clusterFailover('TAKEOVER'), ['CLUSTER', 'FAILOVER', 'TAKEOVER'], F.NONE);
    rejects(() => c.clusterFailover('NOW' as never), 'clusterFailover mode');
    check(c.clusterForget(NODE), ['CLUSTER', 'FORGET', NODE], F.NONE);
    check(c.clusterMeet('10.0.0.1', 7000), ['CLUSTER', 'MEET', '10.0.0.1', 7000], F.NONE);
    check(c.clusterMeet('10.0.0.1', 7000, 17000), ['CLUSTER', 'MEET', '10.0.0.1', 7000, 17000], F.NONE);
    check(c.clusterReplicate(NODE), ['CLUSTER', 'REPLICATE', NODE], F.NONE);
    check(c.clusterReset(), ['CLUSTER', 'RESET'], F.NONE);
    check(c.clusterReset('SOFT'), ['CLUSTER', 'RESET', 'SOFT'], F.NONE);
    check(c.clusterSaveConfig(), ['CLUSTER', 'SAVECONFIG'], F.NONE);
    check(c.clusterSetSlot(7, 'IMPORTING', NODE), ['CLUSTER', 'SETSLOT', 7, 'IMPORTING', NODE], F.NONE);
    check(c.clusterSetSlot(7, 'STABLE'), ['CLUSTER', 'SETSLOT', 7, 'STABLE'], F.NONE);
    rejects(() => c.clusterSetSlot(7, 'NODE'), 'clusterSetSlot nodeId');
    rejects(() => c.clusterSetSlot(7, 'STABLE', NODE), 'left out with STABLE');
    check(c.clusterBumpEpoch(), ['CLUSTER', 'BUMPEPOCH'], F.NONE);
    check(c.clusterSetConfigEpoch(3), ['CLUSTER', 'SET-CONFIG-EPOCH', 3], F.NONE);
  });

  test('NODES and REPLICAS lines: addresses, hostnames, slots, migrations', () => {
    const text =
      `${NODE} 127.0.0.1:30001@40001,node-a.example myself,master - 0 1700000000000 2 connected 0-99 150 [151->-${OTHER}] [152-<-${OTHER}]\n` +
      `${OTHER} ::1:30002@40002 slave ${NODE} 1700000000001 1700000000002 2 disconnected\n`;
    const [master, replica] = c.clusterNodes().decode!(text);
    assert.deepEqual(master, {
      id: NODE,
      address: '127.0.0.1:30001@40001,node-a.example',
      host: '127.0.0.1',
      port: 30001,
      busPort: 40001,
      hostname: 'node-a.example',
      flags: ['myself', 'master'],
      masterId: null,
      pingSent: 0,
      pongReceived: 1700000000000,
      configEpoch: 2,
      linkState: 'connected',
      slots: [
        [0, 99],
        [150, 150],
      ],
      migrating: [{ slot: 151, nodeId: OTHER }],
      importing: [{ slot: 152, nodeId: OTHER }],
    });
    assert.equal(replica?.host, '::1');
    assert.equal(replica?.port, 30002);
    assert.equal(replica?.masterId, NODE);
    assert.equal(replica?.linkState, 'disconnected');
    assert.deepEqual(replica?.slots, []);
    const fromReplicas = c.clusterReplicas(NODE).decode!([text.split('\n')[1]!]);
    assert.deepEqual(fromReplicas, [replica]);
  });

  test('SHARDS, SLOTS, LINKS, INFO, BUMPEPOCH', () => {
    const shards = decodeBoth(c.clusterShards(), (resp) => [
      map(
        [
          ['slots', [0, 5460, 6000, 6001]],
          [
            'nodes',
            [
              map(
                [
                  ['id', NODE],
                  ['port', 30001],
                  ['ip', '127.0.0.1'],
                  ['endpoint', '127.0.0.1'],
                  ['role', 'master'],
                  ['replication-offset', 72156],
                  ['health', 'online'],
                ],
                resp,
              ),
            ],
          ],
        ],
        resp,
      ),
    ]);
    assert.deepEqual(shards, [
      {
        slots: [
          [0, 5460],
          [6000, 6001],
        ],
        nodes: [
          {
            id: NODE,
            port: 30001,
            ip: '127.0.0.1',
            endpoint: '127.0.0.1',
            role: 'master',
            replicationOffset: 72156,
            health: 'online',
          },
        ],
      },
    ]);
    const slots = decodeBoth(c.clusterSlots(), (resp) => [
      [
        0,
        5460,
        ['127.0.0.1', 30001, NODE, map([['hostname', 'a.example']], resp)],
        ['127.0.0.1', 30004, OTHER, resp === 3 ? new Map() : []],
      ],
    ]);
    assert.deepEqual(slots, [
      {
        start: 0,
        end: 5460,
        master: { host: '127.0.0.1', port: 30001, id: NODE, metadata: { hostname: 'a.example' } },
        replicas: [{ host: '127.0.0.1', port: 30004, id: OTHER, metadata: {} }],
      },
    ]);
    const links = decodeBoth(c.clusterLinks(), (resp) => [
      map(
        [
          ['direction', 'to'],
          ['node', NODE],
          ['create-time', 1700000000000],
          ['events', 'rw'],
          ['send-buffer-allocated', 0],
          ['send-buffer-used', 0],
        ],
        resp,
      ),
    ]);
    assert.deepEqual(links, [
      {
        direction: 'to',
        node: NODE,
        createTime: 1700000000000,
        events: 'rw',
        sendBufferAllocated: 0,
        sendBufferUsed: 0,
      },
    ]);
    assert.deepEqual(c.clusterInfo().decode!('cluster_state:ok\r\ncluster_size:3\r\n'), {
      cluster_state: 'ok',
      cluster_size: '3',
    });
    assert.deepEqual(c.clusterBumpEpoch().decode!('BUMPED 7'), { bumped: true, epoch: 7 });
    assert.deepEqual(c.clusterBumpEpoch().decode!('STILL 7'), { bumped: false, epoch: 7 });
  });
});
