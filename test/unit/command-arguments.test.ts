// Arguments are checked when the command is built, on every path: bad values, extra positional
// arguments, options given as tokens, unknown option keys. Each throws InvalidArgumentError
// synchronously, before anything is queued; nothing the caller passes is silently ignored.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from '../../src/commands/command.js';
import { CommandSet } from '../../src/commands/index.js';
import * as builders from '../../src/commands/builders.js';
import { checkRawArgs, isRedisArg, suggestOption } from '../../src/commands/arguments.js';
import { AsyncCommands } from '../../src/client/async-commands.js';
import { Pipeline, type PipelineHost } from '../../src/client/pipeline.js';
import type { PoolBinding } from '../../src/client/pool-binding.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { ScriptRunner } from '../../src/client/script.js';
import { Loader } from '../../src/cache/loader.js';
import { prng } from './resp-writer.js';

/** Records what would be sent; its methods return the runner (chain shape) so calls stay synchronous. */
class Recorder extends CommandSet<'chain'> {
  readonly submitted: Command[] = [];
  protected submit<T>(command: Command<T>): this {
    this.submitted.push(command);
    return this;
  }
}

/** A promise-shaped runner, for the iterators (AsyncCommands). */
class AsyncRecorder extends AsyncCommands {
  readonly submitted: Command[] = [];
  protected submit<T>(command: Command<T>): Promise<T> {
    this.submitted.push(command);
    return Promise.resolve([0, []] as T);
  }
}

type Call = (...args: unknown[]) => unknown;

function call(target: object, method: string, args: readonly unknown[]): unknown {
  return (target as Record<string, Call>)[method]!(...args);
}

/** Asserts one InvalidArgumentError, thrown synchronously, whose message contains every `parts`. */
function refused(fn: () => unknown, ...parts: (string | RegExp)[]): string {
  let message = '';
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(err)}`);
    assert.equal(err.code, 'ERR_INVALID_ARG');
    for (const part of parts) {
      if (typeof part === 'string')
        assert.ok(err.message.includes(part), `${JSON.stringify(err.message)} lacks ${part}`);
      else assert.match(err.message, part);
    }
    message = err.message;
    return true;
  });
  return message;
}

const BAD_VALUES: readonly [label: string, value: unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['true', true],
  ['an object', {}],
  ['an array of 0', []],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['a function', () => 1],
  ['a Date', new Date(0)],
];

/**
 * One valid call per method of each family, with the positions (0-based) that take a plain RedisArg:
 * a bad value there must be refused by the argument check, naming the method, the position and the
 * parameter.
 */
const FAMILIES: Record<string, readonly [method: string, args: readonly unknown[], positions: readonly number[]][]> = {
  strings: [
    ['get', ['k'], [0]],
    ['getBuffer', ['k'], [0]],
    ['set', ['k', 'v'], [0, 1]],
    ['set', ['k', 'v', { ex: 5 }], [0, 1]],
    ['setNx', ['k', 'v'], [0, 1]],
    ['append', ['k', 'v'], [0, 1]],
    ['incr', ['k'], [0]],
    ['getEx', ['k', { persist: true }], [0]],
    ['setRange', ['k', 0, 'v'], [0, 2]],
  ],
  keys: [
    ['del', ['k'], [0]],
    ['exists', ['k'], [0]],
    ['expire', ['k', 10], [0]],
    ['ttl', ['k'], [0]],
    ['rename', ['a', 'b'], [0, 1]],
    ['keys', ['*'], [0]],
    ['scan', ['0'], [0]],
    ['copy', ['a', 'b', { replace: true }], [0, 1]],
  ],
  hashes: [
    ['hGet', ['h', 'f'], [0, 1]],
    ['hSet', ['h', 'f', 'v'], [0, 2]],
    ['hSetNx', ['h', 'f', 'v'], [0, 1, 2]],
    ['hIncrBy', ['h', 'f', 1], [0, 1]],
    ['hScan', ['h', '0', { match: '*' }], [0, 1]],
  ],
  lists: [
    ['lPush', ['l', 'a'], [0, 1]],
    ['lIndex', ['l', 0], [0]],
    ['lInsert', ['l', 'BEFORE', 'p', 'e'], [0, 2, 3]],
    ['lPos', ['l', 'e', { rank: 1 }], [0, 1]],
    ['lMove', ['a', 'b', 'LEFT', 'RIGHT'], [0, 1]],
    ['blPop', ['l', 1], [0]],
  ],
  sets: [
    ['sAdd', ['s', 'm'], [0, 1]],
    ['sIsMember', ['s', 'm'], [0, 1]],
    ['sMove', ['a', 'b', 'm'], [0, 1, 2]],
    ['sInterStore', ['d', 's'], [0, 1]],
    ['sScan', ['s', '0'], [0, 1]],
  ],
  sortedSets: [
    ['zAdd', ['z', { value: 'm', score: 1 }], [0]],
    ['zScore', ['z', 'm'], [0, 1]],
    ['zIncrBy', ['z', 1, 'm'], [0, 2]],
    ['zRange', ['z', 0, -1], [0]],
    ['zLexCount', ['z', '-', '+'], [0, 1, 2]],
    ['zUnionStore', ['d', ['a', 'b']], [0]],
  ],
  streams: [
    ['xAdd', ['s', '*', { f: 'v' }], [0, 1]],
    ['xLen', ['s'], [0]],
    ['xRange', ['s', '-', '+'], [0, 1, 2]],
    ['xGroupCreate', ['s', 'g', '$', { mkStream: true }], [0, 1, 2]],
    ['xAck', ['s', 'g', '1-0'], [0, 1, 2]],
    ['xPendingRange', ['s', 'g', '-', '+', 10], [0, 1, 2, 3]],
  ],
  hyperloglog: [
    ['pfAdd', ['h', ['a']], [0]],
    ['pfCount', ['h'], [0]],
    ['pfMerge', ['d', 'h'], [0, 1]],
  ],
  bitmaps: [
    ['setBit', ['b', 1, 1], [0]],
    ['bitCount', ['b', { start: 0, end: 1 }], [0]],
    ['bitOp', ['AND', 'd', ['a', 'b']], [1]],
  ],
  geo: [
    ['geoAdd', ['g', { member: 'm', longitude: 1, latitude: 2 }], [0]],
    ['geoDist', ['g', 'a', 'b'], [0, 1, 2]],
    ['geoPos', ['g', 'a'], [0, 1]],
    ['geoSearch', ['g', { member: 'm' }, { radius: 1, unit: 'km' }], [0]],
  ],
  scripting: [
    ['eval', ['return 1', ['k'], ['a']], []],
    ['scriptFlush', [], []],
  ],
  server: [
    ['echo', ['x'], [0]],
    ['memoryUsage', ['k'], [0]],
    ['configSet', ['maxmemory', '1mb'], [1]],
  ],
  pubsub: [
    ['publish', ['c', 'm'], [0, 1]],
    ['sPublish', ['c', 'm'], [0, 1]],
    ['pubsubNumSub', ['c'], [0]],
  ],
};

describe('bad argument values', () => {
  for (const [family, calls] of Object.entries(FAMILIES)) {
    test(`${family}: each valid call builds, each bad value is refused with method, position and name`, () => {
      for (const [method, args, positions] of calls) {
        const ok = new Recorder();
        call(ok, method, args);
        assert.equal(ok.submitted.length, 1, `${method} builds`);
        for (const position of positions) {
          for (const [label, value] of BAD_VALUES) {
            const runner = new Recorder();
            const bad = [...args];
            bad[position] = value;
            refused(
              () => call(runner, method, bad),
              new RegExp(`^${method}\\(\\): argument ${position + 1} \\([a-zA-Z]\\w*\\) must be`),
              label,
            );
            assert.equal(runner.submitted.length, 0, `${method} with ${label}: nothing submitted`);
          }
        }
      }
    });
  }

  test('values nested in records, Maps, pairs and lists name the element', () => {
    const r = new Recorder();
    refused(() => r.hSet('h', { a: undefined } as never), 'hSet(): argument 2 (fieldOrFields.a)', 'undefined');
    refused(() => r.hSet('h', new Map([['a', null]]) as never), 'hSet(): argument 2 (fieldOrFields', 'null');
    refused(() => r.mSet({ a: undefined } as never), 'mSet(): argument 1 (entries.a)', 'undefined');
    refused(() => r.mSet([['a', NaN]]), 'mSet(): argument 1 (entries[0][1])', 'NaN', 'finite');
    refused(() => r.del(['a', null] as never), 'del(): argument 1 (keys[1])', 'null');
    refused(() => r.xRead({ key: 's', id: undefined } as never), 'xRead(): argument 1 (streams.id)');
    refused(
      () =>
        r.zAdd('z', [
          { value: 'a', score: 1 },
          { value: {}, score: 2 },
        ] as never),
      'argument 2 (members[1].value)',
    );
    refused(() => r.eval('return 1', undefined, [undefined] as never), 'eval(): argument 3 (args[0])');
    refused(() => r.set('k', undefined as never, { ex: undefined } as never), 'set(): argument 2 (value)');
    assert.equal(r.submitted.length, 0);
  });

  test('a call with no arguments names the first one', () => {
    refused(
      () => (new Recorder().get as Call)(),
      'get(): argument 1 (key) must be a string, Buffer, number or bigint; got undefined',
    );
  });

  test('a flat list is not read as pairs of characters', () => {
    refused(() => new Recorder().mSet(['a', '1'] as never), 'mSet(): argument 1 (entries[0])', '[field, value] pair');
  });

  test('a builder used directly reaches the check through add() and the raw paths', () => {
    const pipeline = new Pipeline({} as PoolBinding, {} as PipelineHost, undefined);
    refused(() => pipeline.add(builders.get(undefined as never)), 'add(): args[1]', 'undefined');
    refused(() => pipeline.add(undefined as never), 'add(): expects a Command');
    refused(() => pipeline.sendCommand(['SET', 'k', null] as never), 'sendCommand(): args[2]', 'null');
    refused(() => pipeline.sendCommand([]), 'sendCommand(): expects a non-empty array');
    refused(() => pipeline.sendCommand('GET k' as never), 'sendCommand(): expects a non-empty array', '"GET k"');
    assert.equal(pipeline.length, 0);
    pipeline.sendCommand(['SET', 'k', 1, 2n, Buffer.from('x')]).add(builders.get('k'));
    assert.equal(pipeline.length, 2);
    refused(() => checkRawArgs(['SET', 'k', Infinity], 'sendCommand'), 'args[2]', 'Infinity', 'finite');
  });
});

describe('paths that build commands outside CommandSet', () => {
  test('a script runner refuses bad keys and args synchronously, before dispatching', () => {
    const dispatched: Command[] = [];
    const host = { dispatch: <T>(command: Command<T>) => (dispatched.push(command), Promise.resolve(null as T)) };
    const runner = new ScriptRunner(host, { script: 'return 1' });
    refused(() => runner.run(['k', undefined] as never), 'run(): keys[1]', 'undefined');
    refused(() => runner.run(['k'], [NaN]), 'run(): args[0]', 'NaN');
    refused(() => runner.run('k' as never), 'run(): keys must be an array');
    assert.equal(dispatched.length, 0);
    void runner.run(['k'], ['1']);
    assert.deepEqual(dispatched[0]!.args, ['EVALSHA', runner.sha, 1, 'k', '1']);
  });

  test('getOrLoad refuses a serializer that returns neither a string nor a Buffer', async () => {
    const dispatched: Command[] = [];
    const host = {
      dispatch: <T>(command: Command<T>) => (dispatched.push(command), Promise.resolve(null as T)),
      limitTtl: () => undefined,
    };
    const loader = new Loader(host);
    const serializer = { serialize: () => undefined as never, deserialize: (raw: Buffer) => raw.toString() };
    await assert.rejects(
      loader.getOrLoad('k', { serializer }, () => 'v'),
      /serializer must return a string or a Buffer/,
    );
    assert.deepEqual(
      dispatched.map((c) => c.args[0]),
      ['GET'],
      'only the read was sent, never a SET with a bad value',
    );
  });
});

describe('extra positional arguments', () => {
  test('ioredis-style tokens after the options position are refused with the respool form', () => {
    const r = new Recorder();
    refused(
      () => (r.set as Call).call(r, 'k', 'v', 'EX', 60),
      'set() takes at most 3 arguments (key, value, options); got 4',
      '{ ex: 60 }',
    );
    refused(() => (r.get as Call).call(r, 'k', 'extra'), 'get() takes at most 1 argument (key); got 2');
    refused(() => (r.dbSize as Call).call(r, 1), 'dbSize() takes no arguments; got 1');
    refused(() => (r.hSet as Call).call(r, 'h', 'a', '1', 'b', '2'), 'hSet() takes at most 3 arguments');
    refused(() => (r.scan as Call).call(r, '0', 'MATCH', 'a*'), 'scan() takes at most 2', '{ match:');
    assert.equal(r.submitted.length, 0);
  });

  test('wrappers keep the name and declared parameter count, and fewer arguments are fine', () => {
    const proto = CommandSet.prototype as unknown as Record<string, Call>;
    assert.equal(proto['set']!.name, 'set');
    assert.equal(proto['set']!.length, 3);
    assert.equal(proto['xClaim']!.length, 6);
    const r = new Recorder();
    r.ping().set('k', 'v').xClaim('s', 'g', 'c', 0, '1-0');
    assert.deepEqual(r.submitted[0]!.args, ['PING']);
  });
});

describe('option objects', () => {
  test('options given as a token string explain the object form', () => {
    const r = new Recorder();
    refused(() => r.set('k', 'v', 'EX' as never), 'set(): options must be an object such as { ex: 60 }', 'ioredis');
    refused(() => r.set('k', 'v', 'PX' as never), '{ px: 60000 }');
    refused(() => r.scan('0', 'MATCH' as never), "scan(): options must be an object such as { match: 'user:*' }");
    refused(() => r.zRange('z', 0, 1, 'REV' as never), 'zRange(): options must be an object such as { rev: … }');
    refused(() => r.set('k', 'v', 60 as never), 'set(): options must be a plain object', 'got 60');
    refused(() => r.set('k', 'v', null as never), 'got null');
    refused(() => r.set('k', 'v', ['EX', 60] as never), 'got an array of 2');
    refused(() => r.set('k', 'v', new Map([['ex', 1]]) as never), 'got a Map');
  });

  const HINTS: readonly [method: string, args: readonly unknown[], key: string, meant: string][] = [
    ['set', ['k', 'v'], 'EX', 'ex'],
    ['set', ['k', 'v'], 'expire', 'ex'],
    ['set', ['k', 'v'], 'expiration', 'ex'],
    ['set', ['k', 'v'], 'PX', 'px'],
    ['set', ['k', 'v'], 'EXAT', 'exAt'],
    ['set', ['k', 'v'], 'KEEPTTL', 'keepTtl'],
    ['set', ['k', 'v'], 'NX', 'nx'],
    ['getEx', ['k'], 'EX', 'ex'],
    ['scan', ['0'], 'MATCH', 'match'],
    ['scan', ['0'], 'COUNT', 'count'],
    ['scan', ['0'], 'TYPE', 'type'],
    ['scan', ['0'], 'pattern', 'match'],
    ['hScan', ['h', '0'], 'MATCH', 'match'],
    ['zRange', ['z', 0, 1], 'limt', 'limit'],
    ['xAdd', ['s', '*', { f: 'v' }], 'NOMKSTREAM', 'noMkStream'],
    ['xReadGroup', ['g', 'c', { key: 's', id: '>' }], 'noack', 'noAck'],
    ['restore', ['k', 0, Buffer.from('x')], 'idletime', 'idleTime'],
    ['clientKill', [], 'skipme', 'skipMe'],
  ];

  test('unknown keys are refused with a "did you mean" hint', () => {
    for (const [method, args, key, meant] of HINTS) {
      const value = meant === 'keepTtl' || meant === 'nx' || meant === 'noMkStream' || meant === 'noAck' ? true : 1;
      const options = method === 'clientKill' ? { id: 1, [key]: value } : { [key]: value };
      refused(
        () => call(new Recorder(), method, [...args, options]),
        `${method}(): unknown key ${JSON.stringify(key)}`,
        `Did you mean \`${meant}\`?`,
      );
    }
    const message = refused(
      () => new Recorder().set('k', 'v', { foo: 1 } as never),
      'unknown key "foo"',
      'set takes: ex,',
    );
    assert.ok(!message.includes('Did you mean'), message);
  });

  test('keys whose value is undefined count as absent', () => {
    const r = new Recorder();
    r.set('k', 'v', { ex: undefined, EX: undefined } as never);
    assert.deepEqual(r.submitted[0]!.args, ['SET', 'k', 'v']);
  });

  test('flags take booleans: 1 or "yes" is not silently read as off', () => {
    refused(
      () => new Recorder().set('k', 'v', { nx: 1 } as never),
      'set(): argument 3 (options.nx) must be true or false; got 1',
    );
    refused(() => new Recorder().zAdd('z', { value: 'a', score: 1 }, { ch: 'yes' } as never), 'options.ch');
    refused(() => new Recorder().clientKill({ id: 1, skipMe: 'no' } as never), 'filters.skipMe');
  });

  test('nested shapes refuse what they do not understand', () => {
    const r = new Recorder();
    refused(
      () => r.zRange('z', 0, 1, { by: 'SCORE', limit: { offset: 0, count: 1, skip: 2 } } as never),
      'in options.limit',
    );
    refused(() => r.xRead({ key: 's', id: '0', count: 10 } as never), 'unknown key "count" in streams');
    refused(
      () => r.xAdd('s', '*', { f: 'v' }, { trim: { strategy: 'MAXLEN', threshold: 1, exact: true } } as never),
      'options.trim',
    );
    refused(() => r.bitCount('b', { start: 0, end: 1, unit: 'BIT', bit: true } as never), 'in range');
    refused(() => r.geoAdd('g', { member: 'm', longitude: 1, latitude: 2, lat: 3 } as never), 'in members');
    refused(() => r.geoSearch('g', { member: 'm', longitude: 1 }, { radius: 1, unit: 'km' }), 'in from');
    refused(() => r.zAdd('z', { member: 'a', score: 1 } as never), 'unknown key "member" in member');
    refused(() => r.bitField('b', [{ op: 'GET', encoding: 'u8', offset: 0, value: 1 }] as never), 'operations[0]');
    refused(() => r.zUnionStore('d', ['a'], { weights: 2 } as never), 'an array of numbers');
    assert.equal(r.submitted.length, 0);
  });

  test('SCAN-family iterators check their options when called, not at the first next()', () => {
    const r = new AsyncRecorder();
    refused(() => r.scanIterator({ MATCH: 'user:*' } as never), 'scanIterator(): unknown key "MATCH"', '`match`');
    refused(() => r.hScanIterator('h', { COUNT: 10 } as never), 'hScanIterator(): unknown key "COUNT"', '`count`');
    refused(() => r.sScanIterator('s', 'a*' as never), 'sScanIterator(): options must be an object');
    refused(() => r.zScanIterator(undefined as never), 'zScanIterator(): argument 1 (key)');
    refused(() => r.scanIterator({ count: 0 }), 'scan count');
    assert.equal(r.submitted.length, 0);
    r.scanIterator({ match: 'a*', count: 10, type: 'hash' });
  });

  test('suggestions: case, aliases, near spellings, and nothing far off', () => {
    const known = ['ex', 'px', 'exAt', 'pxAt', 'keepTtl', 'nx', 'xx', 'get'];
    assert.equal(suggestOption('EXAT', known), 'exAt');
    assert.equal(suggestOption('ttl', known), 'ex');
    assert.equal(suggestOption('keepTTl', known), 'keepTtl');
    assert.equal(suggestOption('kepTtl', known), 'keepTtl');
    assert.equal(suggestOption('zebra', known), undefined);
    assert.equal(suggestOption('pattern', ['count']), undefined);
  });
});

describe('results and filters that used to mislead', () => {
  test('clientKill takes one id; several are refused rather than half-honoured', () => {
    assert.deepEqual(builders.clientKill({ id: 7 }).args, ['CLIENT', 'KILL', 'ID', 7]);
    refused(() => builders.clientKill({ id: [1, 2] as never }), 'call clientKill once per id');
  });

  test('TTL-family replies above 2^53 come back as numbers', () => {
    const big = 2n ** 60n;
    for (const command of [
      builders.ttl('k'),
      builders.pTtl('k'),
      builders.expireTime('k'),
      builders.pExpireTime('k'),
      builders.clientId(),
    ]) {
      const value = command.decode!(big);
      assert.equal(typeof value, 'number', String(command.args[0]));
      assert.equal(value, Number(big));
      assert.equal(command.decode!(-2), -2);
    }
  });
});

// ---- property test ----

const WORDS = [
  '',
  'k',
  '0',
  '*',
  '$',
  '>',
  '-',
  '+',
  '1-0',
  'EX',
  'GET',
  'SET',
  'INCRBY',
  'OVERFLOW',
  'SAT',
  'u8',
  'i64',
  'MAXLEN',
  'MINID',
  'SCORE',
  'LEX',
  'LEFT',
  'RIGHT',
  'MIN',
  'MAX',
  'BEFORE',
  'AFTER',
  'NX',
  'GT',
  'ASYNC',
  'SUM',
  'km',
  'm',
  'ASC',
  'normal',
  'pubsub',
  'BIT',
  'BYTE',
  'AND',
  'NOT',
  'return 1',
  '(1',
  '[a',
  '#1',
  'a b',
];
const KEYS = [
  'ex',
  'px',
  'exAt',
  'pxAt',
  'keepTtl',
  'nx',
  'xx',
  'gt',
  'lt',
  'ch',
  'get',
  'persist',
  'match',
  'count',
  'type',
  'db',
  'replace',
  'absTtl',
  'idleTime',
  'freq',
  'rank',
  'maxLen',
  'limit',
  'by',
  'rev',
  'offset',
  'weights',
  'aggregate',
  'value',
  'score',
  'noMkStream',
  'trim',
  'strategy',
  'threshold',
  'approximate',
  'block',
  'noAck',
  'key',
  'id',
  'mkStream',
  'entriesRead',
  'idle',
  'consumer',
  'time',
  'retryCount',
  'force',
  'start',
  'end',
  'unit',
  'op',
  'encoding',
  'increment',
  'behavior',
  'member',
  'longitude',
  'latitude',
  'radius',
  'width',
  'height',
  'sort',
  'any',
  'withCoord',
  'withDist',
  'withHash',
  'storeDist',
  'ids',
  'user',
  'addr',
  'laddr',
  'skipMe',
  'maxAge',
  'samples',
  'a',
  'EX',
  'MATCH',
  '__proto__',
  'constructor',
  'toString',
];

function randomValue(random: () => number, depth: number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const roll = random();
  if (roll < 0.25) return pick(WORDS);
  if (roll < 0.45) {
    return pick([0, 1, -1, 2, 5, 1.5, -0, 60, 1e3, NaN, Infinity, -Infinity, 2 ** 53 + 2, 10n, -3n, 2n ** 70n]);
  }
  if (roll < 0.6) {
    return pick([
      undefined,
      null,
      true,
      false,
      Symbol('s'),
      () => 1,
      new Date(5000),
      new Date(NaN),
      /re/,
      Buffer.from('b'),
      new Uint8Array(1),
      Object.create(null) as unknown,
      new Set(['a']),
    ]);
  }
  if (depth >= 3) return pick(WORDS);
  if (roll < 0.75) {
    const n = Math.floor(random() * 4);
    return Array.from({ length: n }, () => randomValue(random, depth + 1));
  }
  if (roll < 0.8) return new Map([[randomValue(random, depth + 1), randomValue(random, depth + 1)]]);
  const record: Record<string, unknown> = {};
  const n = Math.floor(random() * 4);
  for (let i = 0; i < n; i++) {
    Object.defineProperty(record, pick(KEYS), {
      value: randomValue(random, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return record;
}

const METHODS = Object.getOwnPropertyNames(CommandSet.prototype).filter((n) => n !== 'constructor' && n !== 'execute');
const SEED = Number(process.env.ARGUMENTS_SEED ?? 0x5eed);
const CALLS = 20_000;

test(`property: ${CALLS} random calls either build a writable command or throw InvalidArgumentError (seed ${SEED})`, () => {
  const random = prng(SEED);
  let built = 0;
  for (let i = 0; i < CALLS; i++) {
    const method = METHODS[Math.floor(random() * METHODS.length)]!;
    const declared = (CommandSet.prototype as unknown as Record<string, Call>)[method]!.length;
    const count = Math.floor(random() * (declared + 2));
    const args = Array.from({ length: count }, () => randomValue(random, 0));
    const runner = new Recorder();
    const where = `seed ${SEED}, call ${i}: ${method} with ${args.length} argument(s)`;
    try {
      call(runner, method, args);
    } catch (err) {
      assert.ok(err instanceof InvalidArgumentError, `${where} threw ${String(err)}\n${(err as Error).stack}`);
      assert.equal(runner.submitted.length, 0, `${where}: refused but submitted`);
      continue;
    }
    assert.equal(runner.submitted.length, 1, where);
    const sent = runner.submitted[0]!.args;
    for (let j = 0; j < sent.length; j++)
      assert.ok(isRedisArg(sent[j]), `${where}: built args[${j}] = ${String(sent[j])}`);
    built++;
  }
  assert.ok(built > 0, `seed ${SEED}: no random call built a command`);
});
