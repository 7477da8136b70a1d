import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { PassThrough } from 'node:stream';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  describeAddress,
  resolveClientOptions,
  type ClientOptions,
  type ResolvedClientOptions,
} from '../../src/options.js';

/** Asserts that resolving throws an InvalidArgumentError whose message contains every fragment. */
function rejects(input: unknown, ...fragments: (string | RegExp)[]): InvalidArgumentError {
  let caught: unknown;
  try {
    resolveClientOptions(input as ClientOptions);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof InvalidArgumentError, `expected InvalidArgumentError for ${String(input)}`);
  assert.equal(caught.code, 'ERR_INVALID_ARG');
  for (const fragment of fragments) {
    if (typeof fragment === 'string')
      assert.ok(caught.message.includes(fragment), `"${caught.message}" lacks "${fragment}"`);
    else assert.match(caught.message, fragment);
  }
  return caught;
}

const noop = (): void => {};
const dialer = async (): Promise<PassThrough> => new PassThrough();

describe('defaults', () => {
  test('no input gives the documented defaults', () => {
    const o = resolveClientOptions();
    const expected: ResolvedClientOptions = {
      host: '127.0.0.1',
      port: 6379,
      path: undefined,
      tls: undefined,
      username: undefined,
      password: undefined,
      db: 0,
      clientName: undefined,
      protocol: 3,
      onConnect: undefined,
      dialer: undefined,
      onClose: undefined,
      poolFIFO: false,
      poolSize: 10 * availableParallelism(),
      poolTimeout: 6000,
      minIdleConns: 0,
      maxIdleConns: 0,
      maxActiveConns: 0,
      connMaxIdleTime: 1_800_000,
      connMaxLifetime: 0,
      connMaxLifetimeJitter: 0,
      dialTimeout: 5000,
      dialerRetries: 5,
      dialerRetryTimeout: 100,
      maxConcurrentDials: 4 * availableParallelism(),
      readTimeout: 5000,
      writeTimeout: 5000,
      maxRetries: 3,
      minRetryBackoff: 10,
      maxRetryBackoff: 1000,
      blockingPoolSize: 1024,
      maxBatchSize: 1024,
      pingInterval: 30_000,
      maxBulkLength: 512 * 1024 * 1024,
      cache: undefined,
    };
    assert.deepEqual(o, expected);
    assert.deepEqual(resolveClientOptions({}), expected);
  });

  test('poolTimeout and writeTimeout follow readTimeout', () => {
    const o = resolveClientOptions({ readTimeout: 2000 });
    assert.equal(o.poolTimeout, 3000);
    assert.equal(o.writeTimeout, 2000);
    const none = resolveClientOptions({ readTimeout: 0 });
    assert.equal(none.poolTimeout, 30_000);
    assert.equal(none.writeTimeout, 0);
    assert.equal(resolveClientOptions({ readTimeout: 2_147_483_000 }).poolTimeout, 2_147_483_647);
    const explicit = resolveClientOptions({ readTimeout: 2000, poolTimeout: 50, writeTimeout: 70 });
    assert.equal(explicit.poolTimeout, 50);
    assert.equal(explicit.writeTimeout, 70);
  });

  test('undefined values count as not given', () => {
    const o = resolveClientOptions({ poolSize: undefined, host: undefined } as unknown as ClientOptions);
    assert.equal(o.poolSize, 10 * availableParallelism());
    assert.equal(o.host, '127.0.0.1');
  });
});

/** For each option: values it accepts (with the resolved result) and values it rejects. */
const OPTION_CASES: {
  name: keyof ClientOptions & keyof ResolvedClientOptions;
  good: [unknown, unknown][];
  bad: unknown[];
  range: string;
  extra?: ClientOptions;
}[] = [
  {
    name: 'host',
    good: [
      ['redis.local', 'redis.local'],
      ['::1', '::1'],
      ['[::1]', '::1'],
      ['10.0.0.2', '10.0.0.2'],
    ],
    bad: ['', 'a b', 'h:6379', 7, '[x]'],
    range: 'a host name or an IP address',
  },
  {
    name: 'port',
    good: [
      [1, 1],
      [65535, 65535],
    ],
    bad: [0, 65536, 1.5, '6379', -1, NaN],
    range: 'an integer from 1 to 65535',
  },
  { name: 'path', good: [['/tmp/r.sock', '/tmp/r.sock']], bad: ['', 5, 'a\0b'], range: 'a non-empty unix socket path' },
  { name: 'username', good: [['alice', 'alice']], bad: [5, {}], range: 'a string', extra: { password: 'pw' } },
  {
    name: 'password',
    good: [
      ['s3cret', 's3cret'],
      ['', undefined],
    ],
    bad: [1234, null],
    range: 'a string',
  },
  {
    name: 'db',
    good: [
      [0, 0],
      [15, 15],
    ],
    bad: [-1, 1.5, '1', NaN],
    range: 'an integer >= 0',
  },
  {
    name: 'clientName',
    good: [['worker-1', 'worker-1']],
    bad: ['', 'a b', 'a\nb', 'é', 3],
    range: 'printable ASCII without spaces',
  },
  {
    name: 'protocol',
    good: [
      [2, 2],
      [3, 3],
    ],
    bad: [1, 4, '3', 2.5],
    range: '2 or 3',
  },
  {
    name: 'tls',
    good: [
      [false, undefined],
      [{ rejectUnauthorized: false }, { rejectUnauthorized: false }],
    ],
    bad: ['yes', 1, null, []],
    range: 'true, false or a node:tls ConnectionOptions object',
    extra: { host: '10.1.1.1' },
  },
  { name: 'onConnect', good: [[noop, noop]], bad: ['fn', {}], range: 'a function' },
  { name: 'dialer', good: [[dialer, dialer]], bad: [true, 'net'], range: 'a function' },
  { name: 'onClose', good: [[noop, noop]], bad: [1], range: 'a function' },
  {
    name: 'poolFIFO',
    good: [
      [true, true],
      [false, false],
    ],
    bad: ['true', 1, 0],
    range: 'true or false',
  },
  {
    name: 'poolSize',
    good: [
      [1, 1],
      [500, 500],
    ],
    bad: [0, -3, 2.5, '10', Infinity],
    range: 'an integer >= 1',
  },
  {
    name: 'poolTimeout',
    good: [
      [1, 1],
      [0.5, 0.5],
      [60_000, 60_000],
    ],
    bad: [0, -1, Infinity, NaN, 2 ** 31, '100'],
    range: 'a number of milliseconds > 0 and <= 2147483647',
  },
  {
    name: 'minIdleConns',
    good: [
      [0, 0],
      [3, 3],
    ],
    bad: [-1, 1.5, '2'],
    range: 'an integer >= 0',
  },
  {
    name: 'maxIdleConns',
    good: [
      [0, 0],
      [7, 7],
    ],
    bad: [-1, 0.5, true],
    range: 'an integer >= 0 (0 = no limit)',
  },
  {
    name: 'maxActiveConns',
    good: [
      [0, 0],
      [50, 50],
    ],
    bad: [-5, 2.2, null],
    range: 'an integer >= 0 (0 = no limit)',
  },
  {
    name: 'connMaxIdleTime',
    good: [
      [0, 0],
      [60_000, 60_000],
    ],
    bad: [-1, Infinity, '1s'],
    range: 'from 0 to 2147483647 (0 = off)',
  },
  {
    name: 'connMaxLifetime',
    good: [
      [0, 0],
      [3_600_000, 3_600_000],
    ],
    bad: [-100, NaN],
    range: '(0 = off)',
  },
  {
    name: 'connMaxLifetimeJitter',
    good: [
      [0, 0],
      [500, 500],
    ],
    bad: [-1, 'x'],
    range: 'a number of milliseconds from 0 to',
    extra: { connMaxLifetime: 10_000 },
  },
  { name: 'dialTimeout', good: [[100, 100]], bad: [0, -1, 1e12], range: 'a number of milliseconds > 0' },
  {
    name: 'dialerRetries',
    good: [
      [1, 1],
      [10, 10],
    ],
    bad: [0, -1, 1.5],
    range: 'an integer >= 1',
  },
  {
    name: 'dialerRetryTimeout',
    good: [
      [0, 0],
      [250, 250],
    ],
    bad: [-1, '100'],
    range: 'a number of milliseconds from 0',
  },
  {
    name: 'maxConcurrentDials',
    good: [
      [0, 0],
      [3, 3],
    ],
    bad: [-1, 1.5, '4'],
    range: '(0 = no limit)',
  },
  {
    name: 'readTimeout',
    good: [
      [0, 0],
      [100, 100],
    ],
    bad: [-1, Infinity, 3_000_000_000],
    range: '(0 = no timeout)',
  },
  {
    name: 'writeTimeout',
    good: [
      [0, 0],
      [100, 100],
    ],
    bad: [-1, {}],
    range: '(0 = no timeout)',
  },
  {
    name: 'maxRetries',
    good: [
      [0, 0],
      [5, 5],
    ],
    bad: [-1, 1.5, '3'],
    range: 'an integer >= 0 (0 = no retries)',
  },
  {
    name: 'minRetryBackoff',
    good: [
      [0, 0],
      [100, 100],
    ],
    bad: [-1, NaN],
    range: 'a number of milliseconds from 0',
  },
  {
    name: 'maxRetryBackoff',
    good: [
      [10, 10],
      [60_000, 60_000],
    ],
    bad: [-1, Infinity],
    range: 'a number of milliseconds from 0',
  },
  {
    name: 'blockingPoolSize',
    good: [
      [0, 0],
      [64, 64],
    ],
    bad: [-1, 0.5],
    range: 'an integer >= 0 (0 = blocking commands share the main pool)',
  },
  {
    name: 'maxBatchSize',
    good: [
      [1, 1],
      [16, 16],
    ],
    bad: [0, -1, 1.5],
    range: 'an integer >= 1',
  },
  {
    name: 'pingInterval',
    good: [
      [0, 0],
      [1000, 1000],
    ],
    bad: [-1, '30s'],
    range: '(0 = off)',
  },
  {
    name: 'maxBulkLength',
    good: [
      [1, 1],
      [1024, 1024],
    ],
    bad: [0, -1, 1.5, 2 ** 53],
    range: 'an integer from 1 to',
  },
  {
    // Objects are resolved to new objects; their fields are checked in cache-options.test.ts.
    name: 'cache',
    good: [[false, undefined]],
    bad: ['yes', 3, []],
    range: 'true, false or a cache options object',
  },
];

describe('every option: accepted and rejected values', () => {
  test('the cases cover every option', () => {
    const covered = new Set<string>(OPTION_CASES.map((c) => c.name));
    for (const name of Object.keys(resolveClientOptions())) assert.ok(covered.has(name), `no case for ${name}`);
  });

  for (const { name, good, bad, range, extra } of OPTION_CASES) {
    test(name, () => {
      for (const [value, resolved] of good) {
        const o = resolveClientOptions({ ...extra, [name]: value });
        if (name === 'tls' && resolved !== undefined) assert.deepEqual(o.tls, resolved);
        else assert.equal(o[name], resolved, `${name}: ${String(value)}`);
      }
      for (const value of bad) {
        const err = rejects({ ...extra, [name]: value }, `Invalid option ${name}: expected `, range, ', got ');
        if (name === 'password') assert.ok(!err.message.includes('1234'), 'a password is never echoed');
        else if (typeof value === 'number') assert.ok(err.message.endsWith(`got ${value}`), err.message);
      }
    });
  }

  test('the message names option, range and value exactly', () => {
    rejects({ poolSize: -3 }, /^Invalid option poolSize: expected an integer >= 1, got -3$/);
    rejects({ db: 'x' }, /^Invalid option db: expected an integer >= 0, got "x"$/);
    rejects(
      { tls: null },
      /^Invalid option tls: expected true, false or a node:tls ConnectionOptions object, got null$/,
    );
  });

  test('-0 is read as 0', () => {
    assert.ok(Object.is(resolveClientOptions({ db: -0 }).db, 0));
  });
});

describe('relations between options', () => {
  test('minIdleConns <= poolSize', () => {
    assert.equal(resolveClientOptions({ poolSize: 4, minIdleConns: 4 }).minIdleConns, 4);
    rejects({ poolSize: 4, minIdleConns: 5 }, 'Invalid option minIdleConns', 'from 0 to poolSize (4)', 'got 5');
  });

  test('maxIdleConns is 0 or >= minIdleConns', () => {
    assert.equal(resolveClientOptions({ minIdleConns: 3, maxIdleConns: 0 }).maxIdleConns, 0);
    assert.equal(resolveClientOptions({ minIdleConns: 3, maxIdleConns: 3 }).maxIdleConns, 3);
    rejects({ minIdleConns: 3, maxIdleConns: 2 }, 'Invalid option maxIdleConns', '>= minIdleConns (3)', 'got 2');
  });

  test('maxActiveConns is 0 or >= minIdleConns', () => {
    assert.equal(resolveClientOptions({ minIdleConns: 3, maxActiveConns: 5 }).maxActiveConns, 5);
    rejects({ minIdleConns: 3, maxActiveConns: 1 }, 'Invalid option maxActiveConns', '>= minIdleConns (3)', 'got 1');
  });

  test('minRetryBackoff <= maxRetryBackoff, naming the option that was given', () => {
    assert.equal(resolveClientOptions({ minRetryBackoff: 50, maxRetryBackoff: 50 }).maxRetryBackoff, 50);
    rejects({ minRetryBackoff: 2000 }, 'Invalid option minRetryBackoff', '<= maxRetryBackoff (1000)', 'got 2000');
    rejects({ maxRetryBackoff: 5 }, 'Invalid option maxRetryBackoff', '>= minRetryBackoff (10)', 'got 5');
    rejects({ minRetryBackoff: 30, maxRetryBackoff: 20 }, 'Invalid option minRetryBackoff', '(20)');
  });

  test('connMaxLifetimeJitter <= connMaxLifetime (and nothing to jitter when lifetime is off)', () => {
    assert.equal(
      resolveClientOptions({ connMaxLifetime: 1000, connMaxLifetimeJitter: 1000 }).connMaxLifetimeJitter,
      1000,
    );
    rejects({ connMaxLifetime: 1000, connMaxLifetimeJitter: 1001 }, 'Invalid option connMaxLifetimeJitter', 'got 1001');
    rejects({ connMaxLifetimeJitter: 5 }, 'connMaxLifetime (0; 0 = off)');
  });

  test('a username needs a password', () => {
    rejects({ username: 'alice' }, 'Invalid option username', 'password');
    assert.equal(resolveClientOptions({ username: '', password: 'x' }).username, undefined);
  });

  test('path and host/port in one object conflict', () => {
    rejects({ path: '/tmp/r.sock', host: 'h' }, 'Invalid option path', 'not both', 'host');
    rejects({ path: '/tmp/r.sock', port: 7000 }, 'Invalid option path', 'port');
  });
});

describe('input shape', () => {
  test('unknown keys are named, with a suggestion for typos', () => {
    rejects({ poolsize: 3 }, 'Unknown option "poolsize"', 'Did you mean poolSize?');
    rejects({ readTimout: 3 }, 'Unknown option "readTimout"', 'Did you mean readTimeout?');
    const err = rejects({ whatever: 1 }, 'Unknown option "whatever"');
    assert.ok(!err.message.includes('Did you mean'));
  });

  test('input that is neither an object nor a string', () => {
    for (const input of [5, null, [], true])
      rejects(input, 'Invalid options: expected an options object or a URL string');
  });

  test('url must be a string', () => {
    rejects({ url: 5 }, 'Invalid option url: expected a URL string, got 5');
  });
});

describe('TLS', () => {
  test('tls: true gives {} with servername = host, but not for an IP', () => {
    assert.deepEqual(resolveClientOptions({ tls: true, host: 'cache.example.com' }).tls, {
      servername: 'cache.example.com',
    });
    assert.deepEqual(resolveClientOptions({ tls: true, host: '10.0.0.1' }).tls, {});
    assert.deepEqual(resolveClientOptions({ tls: true, host: '::1' }).tls, {});
    assert.deepEqual(resolveClientOptions({ tls: true, path: '/tmp/r.sock' }).tls, {});
  });

  test('a TLS options object is copied, not mutated, and its servername kept', () => {
    const given = { rejectUnauthorized: false };
    const o = resolveClientOptions({ tls: given, host: 'a.example' });
    assert.deepEqual(o.tls, { rejectUnauthorized: false, servername: 'a.example' });
    assert.deepEqual(given, { rejectUnauthorized: false });
    assert.equal(
      resolveClientOptions({ tls: { servername: 'sni.example' }, host: 'a.example' }).tls?.servername,
      'sni.example',
    );
  });

  test('rediss: turns TLS on; explicit tls overrides the scheme', () => {
    assert.deepEqual(resolveClientOptions('rediss://cache.example.com:6380').tls, { servername: 'cache.example.com' });
    assert.deepEqual(resolveClientOptions('rediss://127.0.0.1').tls, {});
    assert.equal(resolveClientOptions({ url: 'rediss://h', tls: false }).tls, undefined);
    assert.deepEqual(resolveClientOptions({ url: 'redis://h', tls: true }).tls, { servername: 'h' });
    assert.equal(resolveClientOptions('redis://h').tls, undefined);
  });
});

describe('URL forms', () => {
  test('redis:// with everything', () => {
    const o = resolveClientOptions('redis://alice:s3cret@cache.example.com:6380/2');
    assert.equal(o.host, 'cache.example.com');
    assert.equal(o.port, 6380);
    assert.equal(o.db, 2);
    assert.equal(o.username, 'alice');
    assert.equal(o.password, 's3cret');
    assert.equal(o.path, undefined);
    assert.equal(o.tls, undefined);
  });

  test('redis:// minimal forms', () => {
    assert.deepEqual(pickAddress(resolveClientOptions('redis://h')), ['h', 6379, undefined, 0]);
    assert.deepEqual(pickAddress(resolveClientOptions('redis://h/')), ['h', 6379, undefined, 0]);
    assert.deepEqual(pickAddress(resolveClientOptions('redis://h/5/')), ['h', 6379, undefined, 5]);
    assert.deepEqual(pickAddress(resolveClientOptions('redis://:6380')), ['127.0.0.1', 6380, undefined, 0]);
    assert.deepEqual(pickAddress(resolveClientOptions('redis:///3')), ['127.0.0.1', 6379, undefined, 3]);
    assert.deepEqual(pickAddress(resolveClientOptions('REDIS://H:1')), ['H', 1, undefined, 0]);
    assert.deepEqual(pickAddress(resolveClientOptions('  redis://h:7000\n')), ['h', 7000, undefined, 0]);
  });

  test('password only, and percent-decoding of user and password', () => {
    const o = resolveClientOptions('redis://:p%40ss%3Aw%2Fo%23rd@h');
    assert.equal(o.username, undefined);
    assert.equal(o.password, 'p@ss:w/o#rd');
    const u = resolveClientOptions('redis://us%65r:a:b@h');
    assert.equal(u.username, 'user');
    assert.equal(u.password, 'a:b');
    assert.equal(resolveClientOptions('redis://:@h').password, undefined);
  });

  test('IPv6 hosts in brackets', () => {
    const o = resolveClientOptions('redis://[::1]:7000/1');
    assert.equal(o.host, '::1');
    assert.equal(o.port, 7000);
    assert.equal(o.db, 1);
    assert.equal(resolveClientOptions('redis://[2001:db8::5]').host, '2001:db8::5');
  });

  test('unix socket forms', () => {
    for (const url of ['unix:///run/redis.sock', 'unix:/run/redis.sock', 'redis+unix:///run/redis.sock']) {
      assert.deepEqual(pickAddress(resolveClientOptions(url)), ['127.0.0.1', 6379, '/run/redis.sock', 0], url);
    }
    const o = resolveClientOptions('unix://bob:pw@/run/my%20redis.sock?db=4');
    assert.equal(o.path, '/run/my redis.sock');
    assert.equal(o.db, 4);
    assert.equal(o.username, 'bob');
    assert.equal(o.password, 'pw');
    assert.equal(resolveClientOptions('unix:///run/r.sock?password=x%26y').password, 'x&y');
  });

  test('every query option is read with its type', () => {
    const url =
      'redis://h?clientName=app-1&protocol=2&poolFIFO=true&poolSize=20&poolTimeout=900&minIdleConns=2&maxIdleConns=4' +
      '&maxActiveConns=30&connMaxIdleTime=1000&connMaxLifetime=5000&connMaxLifetimeJitter=250&dialTimeout=1500' +
      '&dialerRetries=2&dialerRetryTimeout=50&readTimeout=2000&writeTimeout=2500&maxRetries=0&minRetryBackoff=5' +
      '&maxRetryBackoff=500&blockingPoolSize=0&maxBatchSize=64&pingInterval=0&maxBulkLength=1048576' +
      '&username=u&password=p&db=9';
    const o = resolveClientOptions(url);
    assert.deepEqual(
      [
        o.clientName,
        o.protocol,
        o.poolFIFO,
        o.poolSize,
        o.poolTimeout,
        o.minIdleConns,
        o.maxIdleConns,
        o.maxActiveConns,
      ],
      ['app-1', 2, true, 20, 900, 2, 4, 30],
    );
    assert.deepEqual(
      [
        o.connMaxIdleTime,
        o.connMaxLifetime,
        o.connMaxLifetimeJitter,
        o.dialTimeout,
        o.dialerRetries,
        o.dialerRetryTimeout,
      ],
      [1000, 5000, 250, 1500, 2, 50],
    );
    assert.deepEqual(
      [o.readTimeout, o.writeTimeout, o.maxRetries, o.minRetryBackoff, o.maxRetryBackoff, o.blockingPoolSize],
      [2000, 2500, 0, 5, 500, 0],
    );
    assert.deepEqual(
      [o.maxBatchSize, o.pingInterval, o.maxBulkLength, o.username, o.password, o.db],
      [64, 0, 1048576, 'u', 'p', 9],
    );
    assert.equal(resolveClientOptions('redis://h?poolFIFO=false').poolFIFO, false);
    assert.equal(resolveClientOptions('redis://h?readTimeout=1.5').readTimeout, 1.5);
    assert.equal(resolveClientOptions('redis://h?&poolSize=3&').poolSize, 3);
  });

  test('a readTimeout from the URL drives the derived defaults', () => {
    const o = resolveClientOptions('redis://h?readTimeout=2000');
    assert.equal(o.poolTimeout, 3000);
    assert.equal(o.writeTimeout, 2000);
  });
});

describe('URL rejections', () => {
  test('unknown or missing scheme', () => {
    rejects('http://h', 'Invalid URL scheme', 'got "http:"');
    rejects('localhost:6379', 'Invalid URL scheme', 'got "localhost:"');
    rejects('just-a-host', 'Invalid URL scheme', 'got none');
    rejects('', 'Invalid URL scheme');
    rejects('redis:h:6379', 'expected redis://host');
  });

  test('bad port', () => {
    for (const port of ['0', '65536', '99999', 'abc', '', '1.5', '-1']) {
      rejects(`redis://h:${port}`, 'Invalid URL port: expected an integer from 1 to 65535, got');
    }
    rejects('redis://[::1]:0', 'Invalid URL port');
  });

  test('bad db path', () => {
    for (const path of ['/abc', '/-1', '/1/2', '/1.5', '/ 1'.replace(' ', '%20')]) {
      rejects(`redis://h${path}`, 'Invalid URL database: expected a path of /N with N an integer >= 0, got');
    }
    rejects('redis://h/99999999999999999999', 'Invalid URL database');
  });

  test('bad hosts', () => {
    rejects('redis://::1:6379', 'IPv6 host must be written in brackets');
    rejects('redis://[::1', "unclosed '['");
    rejects('redis://[nope]:1', 'expected an IPv6 address inside [ ]');
    rejects('redis://[::1]x', 'after the host');
    rejects('redis://h%41', 'Invalid URL host');
    rejects('unix://somehost/run/r.sock', 'a unix socket URL has no host');
  });

  test('bad socket paths', () => {
    rejects('unix://', 'Invalid URL socket path');
    rejects('unix:///', 'Invalid URL socket path');
    rejects('unix:relative.sock', 'Invalid URL socket path', 'an absolute path');
  });

  test('unknown, duplicate, valueless and conflicting query parameters', () => {
    rejects('redis://h?poolsize=2', 'Unknown URL parameter "poolsize"', 'Did you mean poolSize?');
    rejects('redis://h?tls=true', 'Unknown URL parameter "tls"');
    rejects('redis://h?onConnect=x', 'Unknown URL parameter "onConnect"');
    rejects('redis://h?host=x', 'Unknown URL parameter "host"');
    rejects('redis://h?poolSize=2&poolSize=3', 'poolSize is given twice');
    rejects('redis://h?poolFIFO', 'has no value');
    rejects('redis://h/1?db=2', 'db is given both in the path');
    rejects('redis://:a@h?password=b', 'password is given both in the user info');
  });

  test('query values of the wrong type name the parameter', () => {
    rejects('redis://h?poolSize=abc', 'Invalid URL parameter poolSize: expected an integer >= 1, got "abc"');
    rejects('redis://h?poolSize=0', 'Invalid URL parameter poolSize', 'got 0');
    rejects('redis://h?poolSize=', 'Invalid URL parameter poolSize', 'got ""');
    rejects('redis://h?readTimeout=1e3', 'Invalid URL parameter readTimeout', 'got "1e3"');
    rejects('redis://h?readTimeout=5s', 'Invalid URL parameter readTimeout');
    rejects('redis://h?poolFIFO=yes', 'Invalid URL parameter poolFIFO: expected true or false, got "yes"');
    rejects('redis://h?protocol=4', 'Invalid URL parameter protocol: expected 2 or 3, got 4');
    rejects('redis://h?clientName=a%20b', 'Invalid URL parameter clientName');
    rejects('unix:///r.sock?db=-1', 'Invalid URL parameter db');
  });

  test('malformed percent-encoding, never echoing a password', () => {
    const err = rejects('redis://:se%ZZcret@h', 'malformed percent-encoding in the password');
    assert.ok(!err.message.includes('cret'));
    rejects('redis://us%zer:pw@h', 'malformed percent-encoding in the user name');
    rejects('unix:///run/%E0%A4%A.sock', 'malformed percent-encoding in the socket path');
    rejects('redis://h?clientName=%', 'malformed percent-encoding in the value of clientName');
    const q = rejects('redis://h?password=se%ZZcret', 'malformed percent-encoding');
    assert.ok(!q.message.includes('cret'));
  });

  test('raw delimiters in a password are caught without echoing it', () => {
    for (const url of ['redis://:Zq/xW@h', 'redis://:Zq?xW@h', 'redis://u:Zq/xW@h:6379/0', 'redis://:Zq?a=xW@h']) {
      const err = rejects(url, "'@' after the host");
      assert.ok(!/Zq|xW/.test(err.message), err.message);
    }
    const hash = rejects('redis://:Zq#xW@h', "'@' after the host");
    assert.ok(!/Zq|xW/.test(hash.message), hash.message);
    rejects('redis://h/0#frag', 'fragments (#…) are not supported');
  });

  test('spaces and control characters inside the URL', () => {
    rejects('redis://h ost', 'spaces or control characters');
    rejects('redis://h\u0000', 'spaces or control characters');
  });

  test('username without password from a URL', () => {
    rejects('redis://alice@h', 'Invalid option username');
  });
});

describe('precedence: explicit options over url over defaults', () => {
  test('explicit fields override the URL', () => {
    const o = resolveClientOptions({
      url: 'redis://u:p@h:7000/3?poolSize=20&readTimeout=2000',
      port: 7001,
      db: 4,
      poolSize: 5,
      password: 'override',
    });
    assert.deepEqual(
      [o.host, o.port, o.db, o.poolSize, o.readTimeout, o.username, o.password],
      ['h', 7001, 4, 5, 2000, 'u', 'override'],
    );
  });

  test('an invalid URL value is rejected even when overridden', () => {
    rejects({ url: 'redis://h?poolSize=0', poolSize: 5 }, 'Invalid URL parameter poolSize');
  });

  test('relations are checked across sources', () => {
    rejects({ url: 'redis://h?minIdleConns=8', poolSize: 4 }, 'Invalid option minIdleConns', 'poolSize (4)');
  });

  test('explicit path selects a unix socket over a TCP URL', () => {
    const o = resolveClientOptions({ url: 'redis://:pw@h:7000/2', path: '/run/r.sock' });
    assert.equal(o.path, '/run/r.sock');
    assert.equal(o.password, 'pw');
    assert.equal(o.db, 2);
  });

  test('explicit host or port selects TCP over a unix URL', () => {
    assert.deepEqual(pickAddress(resolveClientOptions({ url: 'unix:///run/r.sock?db=1', host: 'h' })), [
      'h',
      6379,
      undefined,
      1,
    ]);
    assert.deepEqual(pickAddress(resolveClientOptions({ url: 'unix:///run/r.sock', port: 7000 })), [
      '127.0.0.1',
      7000,
      undefined,
      0,
    ]);
  });

  test('explicit host keeps the URL port', () => {
    assert.deepEqual(pickAddress(resolveClientOptions({ url: 'redis://a:7000', host: 'b' })), [
      'b',
      7000,
      undefined,
      0,
    ]);
  });
});

describe('describeAddress', () => {
  test('host:port, bracketed IPv6, or the socket path', () => {
    assert.equal(describeAddress(resolveClientOptions()), '127.0.0.1:6379');
    assert.equal(describeAddress(resolveClientOptions('redis://cache:7000')), 'cache:7000');
    assert.equal(describeAddress(resolveClientOptions('redis://[::1]:7000')), '[::1]:7000');
    assert.equal(describeAddress(resolveClientOptions('unix:///run/r.sock')), '/run/r.sock');
  });
});

function pickAddress(o: ResolvedClientOptions): [string, number, string | undefined, number] {
  return [o.host, o.port, o.path, o.db];
}
