// The command registry: lookups, subcommands, key positions, block timeouts, state effects — and the typed
// builders agree with it (every CommandSet method, with sample arguments).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { CommandFlags } from '../../src/commands/command.js';
import { CommandSet } from '../../src/commands/command-set.js';
import { PinnedCommands } from '../../src/client/pinned-commands.js';
import {
  DEFAULT_CACHED_COMMANDS,
  commandSpec,
  commandSpecs,
  describeRaw,
  keysOf,
  slotArgOf,
  type StateEffect,
} from '../../src/commands/registry.js';
import { rawCommand } from '../../src/commands/raw.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { fanOutOf, keysOfArgs, refusedInCluster } from '../../src/cluster/command-keys.js';
import {
  PINNED_SAMPLES,
  PinnedRecorder,
  Recorder,
  SAMPLES,
  builtCommands,
  record,
} from '../helpers/command-samples.js';
import type { RedisArg } from '../../src/resp/types.js';

const F = CommandFlags;

describe('command registry: lookup', () => {
  test('finds commands in any case, from strings or Buffers', () => {
    for (const name of ['GET', 'get', 'Get', Buffer.from('gEt')]) {
      const spec = commandSpec([name, 'k']);
      assert.equal(spec?.name, 'GET', String(name));
      assert.equal(spec.flags, F.READONLY | F.CACHEABLE);
    }
    assert.equal(commandSpec(['SET', 'k', 'v'])?.flags, F.NONE);
    assert.equal(commandSpec(['NOSUCHCOMMAND', 'k']), undefined);
    assert.equal(commandSpec([42]), undefined);
  });

  test('container commands resolve to their subcommand when it is known', () => {
    assert.equal(commandSpec(['client', 'setname', 'x'])?.name, 'CLIENT SETNAME');
    assert.equal(commandSpec(['CLIENT', 'Tracking', 'on'])?.name, 'CLIENT TRACKING');
    assert.equal(commandSpec(['config', 'GET', 'maxmemory'])?.name, 'CONFIG GET');
    assert.equal(commandSpec(['XGROUP', 'CREATE', 's', 'g', '$'])?.name, 'XGROUP CREATE');
    assert.equal(commandSpec([Buffer.from('object'), Buffer.from('encoding'), 'k'])?.name, 'OBJECT ENCODING');
    // An unknown subcommand, or none, gives the container.
    assert.equal(commandSpec(['CLIENT', 'NOSUCH'])?.name, 'CLIENT');
    assert.equal(commandSpec(['CONFIG'])?.name, 'CONFIG');
    // Not a container: the second argument is not a subcommand.
    assert.equal(commandSpec(['GET', 'setname'])?.name, 'GET');
    const containers =
      'CLIENT CONFIG SCRIPT FUNCTION OBJECT XINFO XGROUP MEMORY ACL CLUSTER COMMAND LATENCY SLOWLOG PUBSUB MODULE';
    for (const container of containers.split(' ')) {
      const subs = commandSpecs().filter((s) => s.name.startsWith(`${container} `));
      assert.ok(subs.length > 0, `${container} has subcommands`);
      for (const sub of subs) assert.equal(commandSpec(sub.name.toLowerCase().split(' '))?.name, sub.name);
    }
  });

  test('covers the newer commands', () => {
    const newer =
      'CLIENT SETINFO, CLIENT NO-TOUCH, WAITAOF, HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL, HPTTL, ' +
      'HEXPIRETIME, HPEXPIRETIME, HPERSIST, HGETDEL, HGETEX, HSETEX';
    for (const name of newer.split(', ')) assert.equal(commandSpec(name.split(' '))?.name, name);
    assert.equal(commandSpec(['HTTL', 'h', 'FIELDS', 1, 'f'])?.flags, F.READONLY);
    assert.equal(commandSpec(['HEXPIRE', 'h', 10, 'FIELDS', 1, 'f'])?.flags, F.NONE);
    assert.deepEqual(keysOf(['HGETEX', 'h', 'EX', 10, 'FIELDS', 1, 'f']), ['h']);
  });

  test('every spec name is unique, and the table holds every Redis 7.0 command', () => {
    const names = commandSpecs().map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
    assert.ok(names.length >= 380, `only ${names.length} specs`);
  });

  test('DEFAULT_CACHED_COMMANDS is the CACHEABLE specs, all read-only and keyed', () => {
    const cacheable = commandSpecs().filter((s) => (s.flags & F.CACHEABLE) !== 0);
    assert.deepEqual([...DEFAULT_CACHED_COMMANDS].sort(), cacheable.map((s) => s.name).sort());
    assert.ok(DEFAULT_CACHED_COMMANDS.includes('GET') && DEFAULT_CACHED_COMMANDS.includes('ZREVRANK'));
    assert.equal(DEFAULT_CACHED_COMMANDS.includes('SET'), false);
    for (const spec of cacheable) {
      assert.ok((spec.flags & F.READONLY) !== 0, `${spec.name} is read-only`);
      assert.ok(spec.keySpecs !== undefined, `${spec.name} has keys`);
    }
    assert.throws(() => (DEFAULT_CACHED_COMMANDS as string[]).push('SET'));
  });
});

describe('command registry: keys', () => {
  const cases: [RedisArg[], RedisArg[] | undefined][] = [
    // one key, several, all but the timeout, every other
    [['GET', 'k'], ['k']],
    [
      ['mget', 'a', 'b', 'c'],
      ['a', 'b', 'c'],
    ],
    [
      ['BLPOP', 'a', 'b', 5],
      ['a', 'b'],
    ],
    [
      ['MSET', 'a', 1, 'b', 2],
      ['a', 'b'],
    ],
    [
      ['RENAME', 'a', 'b'],
      ['a', 'b'],
    ],
    [
      ['LCS', 'a', 'b', 'LEN'],
      ['a', 'b'],
    ],
    // destination first, then sources
    [
      ['SINTERSTORE', 'd', 'a', 'b'],
      ['d', 'a', 'b'],
    ],
    [
      ['BITOP', 'AND', 'd', 'a', 'b'],
      ['d', 'a', 'b'],
    ],
    // numkeys
    [
      ['EVAL', 'return 1', 2, 'a', 'b', 'arg'],
      ['a', 'b'],
    ],
    [['EVALSHA', 'abc', 0, 'arg'], []],
    [['FCALL_RO', 'f', 1, 'a', 'x'], ['a']],
    [
      ['ZUNIONSTORE', 'd', 2, 'a', 'b', 'WEIGHTS', 1, 2],
      ['d', 'a', 'b'],
    ],
    [
      ['BLMPOP', 1.5, 2, 'a', 'b', 'LEFT'],
      ['a', 'b'],
    ],
    [['LMPOP', 1, 'a', 'RIGHT', 'COUNT', 2], ['a']],
    [['EVAL', 'return 1', 'x'], []],
    // after a keyword
    [
      ['XREAD', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', 'a', 'b', '$', '$'],
      ['a', 'b'],
    ],
    [['xreadgroup', 'GROUP', 'STREAMS', 'c', 'streams', 'a', '>'], ['a']],
    [
      ['SORT', 'k', 'BY', 'w_*', 'STORE', 'd'],
      ['k', 'd'],
    ],
    [
      ['GEORADIUS', 'k', 0, 0, 5, 'km', 'STOREDIST', 'd'],
      ['k', 'd'],
    ],
    [
      ['MIGRATE', 'h', 6379, '', 0, 5000, 'KEYS', 'a', 'b'],
      ['a', 'b'],
    ],
    [['MIGRATE', 'h', 6379, 'k', 0, 5000], ['k']],
    // subcommands
    [['XGROUP', 'CREATE', 's', 'g', '$'], ['s']],
    [['XINFO', 'STREAM', 's'], ['s']],
    [['OBJECT', 'ENCODING', 'k'], ['k']],
    [['MEMORY', 'USAGE', 'k', 'SAMPLES', 5], ['k']],
    [['XGROUP', 'HELP'], undefined],
    [['CLIENT', 'SETNAME', 'x'], undefined],
    // shard channels route like keys
    [['SPUBLISH', 'ch', 'msg'], ['ch']],
    [
      ['SSUBSCRIBE', 'a', 'b'],
      ['a', 'b'],
    ],
    // keyless
    [['PING'], undefined],
    [['PUBLISH', 'ch', 'msg'], undefined],
    [['SCRIPT', 'LOAD', 'return 1'], undefined],
    // unknown (a module command): the first argument is guessed
    [['JSON.GET', 'doc', '$'], ['doc']],
    [['NOSUCH'], undefined],
  ];
  for (const [args, keys] of cases) {
    test(args.map(String).join(' '), () => {
      assert.deepEqual(keysOf(args), keys);
      assert.deepEqual(keysOfArgs(args), keys);
    });
  }
});

describe('command registry: blocking', () => {
  const cases: [RedisArg[], number | undefined][] = [
    [['BLPOP', 'a', 'b', 2], 2000],
    [['brpop', 'a', '0.5'], 500],
    [['BZPOPMIN', 'a', 0], 0],
    [['BZPOPMAX', 'a', Buffer.from('3')], 3000],
    [['BRPOPLPUSH', 'a', 'b', 1], 1000],
    [['BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', 0.25], 250],
    [['BLMPOP', 4, 1, 'a', 'LEFT'], 4000],
    [['BZMPOP', 0, 1, 'a', 'MIN'], 0],
    [['WAIT', 1, 250], 250],
    [['WAITAOF', 1, 0, 100n], 100],
    [['XREAD', 'BLOCK', 100, 'STREAMS', 's', '$'], 100],
    [['XREAD', 'block', '0', 'STREAMS', 's', '$'], 0],
    [['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 1, 'BLOCK', 50, 'STREAMS', 's', '>'], 50],
    // Unreadable or negative timeouts read as forever: the server's error then arrives without a deadline.
    [['BLPOP', 'a', 'soon'], 0],
    [['BLPOP', 'a', -1], 0],
  ];
  for (const [args, blockMs] of cases) {
    test(args.map(String).join(' '), () => {
      const raw = describeRaw(args);
      assert.equal(raw.blockMs, blockMs);
      assert.equal(commandSpec(args)?.blockMs?.(args), blockMs);
      assert.ok((raw.flags & F.BLOCKING) !== 0);
    });
  }

  test('XREAD without BLOCK does not block, even with a stream or group named BLOCK', () => {
    for (const args of [
      ['XREAD', 'COUNT', 5, 'STREAMS', 's', '0'],
      ['XREAD', 'STREAMS', 'BLOCK', '0'],
      ['XREADGROUP', 'GROUP', 'BLOCK', 'BLOCK', 'STREAMS', 's', '>'],
    ]) {
      const raw = describeRaw(args);
      assert.equal(raw.blockMs, undefined, args.join(' '));
      assert.equal(raw.flags & F.BLOCKING, 0);
    }
    assert.equal(describeRaw(['XREAD', 'STREAMS', 's', '0']).flags, F.READONLY);
    // The spec says "may block"; only a call decides.
    assert.ok((commandSpec(['XREAD'])!.flags & F.BLOCKING) !== 0);
  });

  test('every BLOCKING spec has a block reader, and only those', () => {
    const blocking = commandSpecs().filter((s) => (s.flags & F.BLOCKING) !== 0);
    assert.deepEqual(blocking.map((s) => s.name).sort(), [
      'BLMOVE',
      'BLMPOP',
      'BLPOP',
      'BRPOP',
      'BRPOPLPUSH',
      'BZMPOP',
      'BZPOPMAX',
      'BZPOPMIN',
      'WAIT',
      'WAITAOF',
      'XREAD',
      'XREADGROUP',
    ]);
    for (const spec of commandSpecs()) assert.equal(spec.blockMs !== undefined, blocking.includes(spec), spec.name);
  });
});

describe('command registry: state effects', () => {
  const effects: [string, StateEffect][] = [
    ['SELECT 1', 'db'],
    ['MULTI', 'transaction'],
    ['EXEC', 'transaction'],
    ['DISCARD', 'transaction'],
    ['WATCH k', 'watch'],
    ['UNWATCH', 'unwatch'],
    ['SUBSCRIBE c', 'subscribe'],
    ['PSUBSCRIBE p*', 'subscribe'],
    ['SSUBSCRIBE c', 'subscribe'],
    ['UNSUBSCRIBE', 'subscribe'],
    ['PUNSUBSCRIBE', 'subscribe'],
    ['SUNSUBSCRIBE', 'subscribe'],
    ['MONITOR', 'monitor'],
    ['HELLO 3', 'protocol'],
    ['AUTH secret', 'auth'],
    ['CLIENT SETNAME x', 'name'],
    ['CLIENT SETINFO LIB-NAME x', 'name'],
    ['CLIENT TRACKING ON', 'tracking'],
    ['CLIENT CACHING YES', 'tracking'],
    ['CLIENT REPLY OFF', 'reply'],
    ['RESET', 'reset'],
    ['QUIT', 'quit'],
    ['READONLY', 'readonly'],
    ['READWRITE', 'readonly'],
    ['CLIENT NO-EVICT ON', 'no-evict'],
    ['CLIENT NO-TOUCH ON', 'no-touch'],
  ];
  for (const [command, effect] of effects) {
    test(command, () => {
      const args = command.toLowerCase().split(' ');
      const raw = describeRaw(args);
      assert.equal(raw.state, effect);
      assert.equal(commandSpec(args)?.state, effect);
      // UNWATCH only returns the connection to its clean state.
      assert.equal((raw.flags & F.CONNECTION_STATE) !== 0, effect !== 'unwatch');
    });
  }

  test('CONNECTION_STATE is set exactly on specs with a state effect other than unwatch', () => {
    for (const spec of commandSpecs()) {
      const expected = spec.state !== undefined && spec.state !== 'unwatch';
      assert.equal((spec.flags & F.CONNECTION_STATE) !== 0, expected, spec.name);
    }
  });

  test('the PUBSUB flag marks the (un)subscribe family only', () => {
    const pubsub = commandSpecs().filter((s) => (s.flags & F.PUBSUB) !== 0);
    assert.deepEqual(pubsub.map((s) => s.name).sort(), [
      'PSUBSCRIBE',
      'PUNSUBSCRIBE',
      'SSUBSCRIBE',
      'SUBSCRIBE',
      'SUNSUBSCRIBE',
      'UNSUBSCRIBE',
    ]);
    assert.equal(describeRaw(['PUBLISH', 'c', 'm']).flags & F.PUBSUB, 0);
  });

  test('ordinary commands have none; unknown commands are described with no flags', () => {
    assert.equal(describeRaw(['CLIENT', 'GETNAME']).state, undefined);
    assert.equal(describeRaw(['GET', 'k']).state, undefined);
    assert.deepEqual(describeRaw(['foo.bar', 'k']), {
      name: 'FOO.BAR',
      flags: F.NONE,
      blockMs: undefined,
      state: undefined,
    });
    assert.equal(describeRaw(['CLIENT', 'nosuch']).name, 'CLIENT');
  });
});

describe('command registry: cluster', () => {
  test('fan-out rules and refusals', () => {
    assert.deepEqual(fanOutOf(['dbsize']), { nodes: 'masters', merge: 'sum' });
    assert.deepEqual(fanOutOf(['SCRIPT', 'exists', 'a']), { nodes: 'masters', merge: 'and' });
    assert.deepEqual(fanOutOf(['CONFIG', 'SET', 'x', 'y']), { nodes: 'all', merge: 'all' });
    assert.equal(fanOutOf(['CONFIG', 'GET', 'x']), undefined);
    assert.equal(fanOutOf(['PING']), undefined);
    assert.match(refusedInCluster(['scan', 0]) ?? '', /scanIterator/);
    assert.match(refusedInCluster(['SELECT', 1]) ?? '', /database 0/);
    assert.match(refusedInCluster(['MOVE', 'k', 1]) ?? '', /database 0/);
    assert.match(refusedInCluster(['WAITAOF', 1, 0, 0]) ?? '', /withConn/);
    assert.equal(refusedInCluster(['GET', 'k']), undefined);
  });

  test('commands acting on one node are refused cluster-wide, with the way to reach that node', () => {
    for (const args of [
      ['CLUSTER', 'MEET', 'h', 1],
      ['cluster', 'setslot', 1, 'STABLE'],
      ['CLUSTER', 'MYID'],
      ['CLUSTER', 'LINKS'],
      ['CLIENT', 'PAUSE', 10],
      ['BGSAVE'],
      ['REPLICAOF', 'NO', 'ONE'],
    ]) {
      assert.match(refusedInCluster(args) ?? '', /cluster\.nodeClient\('host:port'\)/, args.join(' '));
    }
    for (const args of [
      ['CLUSTER', 'INFO'],
      ['CLUSTER', 'SHARDS'],
      ['CLUSTER', 'KEYSLOT', 'k'],
      ['LATENCY', 'LATEST'],
    ]) {
      assert.equal(refusedInCluster(args), undefined, args.join(' '));
    }
  });

  test('per-node settings change on every node; slot commands name their slot', () => {
    assert.deepEqual(fanOutOf(['CONFIG', 'REWRITE']), { nodes: 'all', merge: 'all' });
    assert.deepEqual(fanOutOf(['acl', 'setuser', 'u', 'on']), { nodes: 'all', merge: 'all' });
    assert.deepEqual(fanOutOf(['ACL', 'DELUSER', 'u']), { nodes: 'all', merge: 'all' });
    assert.deepEqual(fanOutOf(['LATENCY', 'RESET']), { nodes: 'all', merge: 'sum' });
    assert.equal(fanOutOf(['ACL', 'GETUSER', 'u']), undefined);
    assert.equal(slotArgOf(['CLUSTER', 'COUNTKEYSINSLOT', 42]), 42);
    assert.equal(slotArgOf(['cluster', 'getkeysinslot', '16383', '10']), 16383);
    assert.equal(slotArgOf(['CLUSTER', 'COUNTKEYSINSLOT', 16384]), undefined, 'not a slot: the server says why');
    assert.equal(slotArgOf(['CLUSTER', 'COUNTKEYSINSLOT', 'x']), undefined);
    assert.equal(slotArgOf(['CLUSTER', 'KEYSLOT', 42]), undefined);
    assert.equal(slotArgOf(['GET', 42]), undefined);
  });
});

describe('command registry: refusals on every path', () => {
  test('SCRIPT DEBUG YES/SYNC and CLIENT REPLY OFF/SKIP are refused with the reason; NO and ON pass', () => {
    assert.match(describeRaw(['SCRIPT', 'DEBUG', 'YES']).refusal ?? '', /redis-cli --ldb/);
    assert.match(describeRaw(['script', 'debug', 'sync']).refusal ?? '', /Lua debugging/);
    assert.equal(describeRaw(['SCRIPT', 'DEBUG', 'NO']).refusal, undefined);
    assert.match(describeRaw(['CLIENT', 'REPLY', 'OFF']).refusal ?? '', /wrong callers/);
    assert.match(describeRaw(['client', 'reply', Buffer.from('skip')]).refusal ?? '', /pipeline/);
    assert.equal(describeRaw(['CLIENT', 'REPLY', 'ON']).refusal, undefined);
    assert.equal('refusal' in describeRaw(['GET', 'k']), false);
    assert.throws(
      () => rawCommand(['SCRIPT', 'DEBUG', 'YES'], false),
      (err: unknown) => {
        assert.ok(err instanceof InvalidArgumentError);
        assert.match(err.message, /^sendCommand\(\): SCRIPT DEBUG is not supported/);
        return true;
      },
    );
    // CLIENT REPLY ON is built (not refused), as a command that changes connection state ('reply').
    assert.equal(describeRaw(['CLIENT', 'REPLY', 'ON']).state, 'reply');
    assert.notEqual(rawCommand(['CLIENT', 'REPLY', 'ON'], false).flags & CommandFlags.CONNECTION_STATE, 0);
  });
});

// ---- The typed builders agree with the registry (samples: test/helpers/command-samples.ts) ----

describe('typed builders agree with the registry', () => {
  test('every CommandSet method has sample arguments', () => {
    const methods = Object.getOwnPropertyNames(CommandSet.prototype).filter(
      (n) => n !== 'constructor' && n !== 'execute',
    ); // execute: the protected funnel every method calls
    const missing = methods.filter((m) => !(m in SAMPLES));
    assert.deepEqual(missing, [], 'add sample arguments for these methods to SAMPLES');
    assert.ok(methods.length >= 200);
    const pinned = Object.getOwnPropertyNames(PinnedCommands.prototype).filter((n) => n !== 'constructor');
    assert.deepEqual(
      pinned.filter((m) => !(m in PINNED_SAMPLES)),
      [],
      'add sample arguments for these methods to PINNED_SAMPLES',
    );
  });

  test('connection-state commands are typed on pinned connections only', () => {
    const shared = new Set(Object.getOwnPropertyNames(CommandSet.prototype));
    for (const { label, command } of record(new PinnedRecorder(), PINNED_SAMPLES)) {
      assert.ok((command.flags & F.CONNECTION_STATE) !== 0, `${label} changes connection state`);
    }
    for (const method of Object.keys(PINNED_SAMPLES)) assert.equal(shared.has(method), false, method);
    const sharedState = record(new Recorder(), SAMPLES).filter(
      ({ command }) => (command.flags & F.CONNECTION_STATE) !== 0,
    );
    assert.deepEqual(
      sharedState.map((c) => c.label),
      [],
      'no shared method may build a connection-state command',
    );
  });

  test('READONLY, BLOCKING and CONNECTION_STATE equal the registry; CACHEABLE only where it allows', () => {
    const mismatches: string[] = [];
    for (const { label, command } of builtCommands()) {
      const spec = commandSpec(command.args);
      if (spec === undefined) {
        mismatches.push(`${label}: ${String(command.args[0])} is not in the registry`);
        continue;
      }
      const raw = describeRaw(command.args);
      const bits = (flags: number, mask: number) => flags & mask;
      for (const [flag, expected] of [
        ['READONLY', bits(spec.flags, F.READONLY)],
        ['BLOCKING', bits(raw.flags, F.BLOCKING)],
        ['CONNECTION_STATE', bits(spec.flags, F.CONNECTION_STATE)],
      ] as const) {
        const mask = F[flag];
        if (bits(command.flags, mask) !== expected) {
          mismatches.push(
            `${label}: ${flag} is ${bits(command.flags, mask) !== 0}, registry (${spec.name}) says ${expected !== 0}`,
          );
        }
      }
      if ((command.flags & F.CACHEABLE) !== 0 && (spec.flags & F.CACHEABLE) === 0) {
        mismatches.push(`${label}: CACHEABLE, but ${spec.name} is not cacheable in the registry`);
      }
      if ((command.flags & F.BLOCKING) !== 0 && command.blockMs !== raw.blockMs) {
        mismatches.push(`${label}: blockMs ${command.blockMs}, registry reads ${raw.blockMs}`);
      }
    }
    assert.deepEqual(mismatches, []);
  });

  test('keys equal the registry, and every command with keys names them', () => {
    const mismatches: string[] = [];
    for (const { label, command } of builtCommands()) {
      const registryKeys = keysOf(command.args);
      if (command.keys === undefined) {
        if (registryKeys !== undefined && registryKeys.length > 0) {
          mismatches.push(`${label}: no keys, registry finds ${registryKeys.map(String).join(' ')}`);
        }
      } else if (!isDeepStrictEqual(command.keys, registryKeys)) {
        mismatches.push(
          `${label}: keys ${command.keys.map(String).join(' ')}, registry ${registryKeys?.map(String).join(' ')}`,
        );
      }
    }
    assert.deepEqual(mismatches, []);
  });
});
