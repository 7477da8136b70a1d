/**
 * Hostile configuration: every option fed values of every wrong type, and URLs mangled at random
 * (seeded). Construction either accepts the value or throws one InvalidArgumentError whose message
 * names the option (or URL part) and what it accepts — never a TypeError, a URIError or a crash, and
 * never a password echoed back. test/unit/options.test.ts holds the per-option tables; this file
 * checks the property across all of them, plus two holes the suites found (TLS options that node:tls
 * only checks once its socket is connecting).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConnectionError, createClient, InvalidArgumentError } from '../../src/index.js';
import { FIELD_NAMES } from '../../src/options-fields.js';
import { freePort } from '../helpers/redis-server.js';
import { prng } from '../unit/resp-writer.js';

const SECRET = 'Zq7-secret';

const HOSTILE_VALUES: unknown[] = [
  undefined,
  null,
  NaN,
  -Infinity,
  Infinity,
  -0,
  -1,
  0.5,
  2 ** 31,
  2 ** 53 + 2,
  Number.MIN_VALUE,
  10n,
  Symbol('x'),
  '',
  ' ',
  '1',
  'true',
  '\u0000',
  'x'.repeat(10_000),
  true,
  false,
  [],
  [1],
  {},
  Object.create(null),
  { valueOf: () => 5 },
  { toString: () => '5' },
  () => {},
  new Date(0),
  Buffer.from('x'),
  new Map(),
];

/** Accepted, or one InvalidArgumentError naming `name`. */
function checkConstruction(input: unknown, name: string): 'accepted' | 'rejected' {
  try {
    void createClient(input as Parameters<typeof createClient>[0]).close();
    return 'accepted';
  } catch (err) {
    assert.ok(err instanceof InvalidArgumentError, `${name}: ${String(err)}`);
    assert.equal(err.code, 'ERR_INVALID_ARG');
    assert.ok(err.message.includes(name), `${name}: the message names it: ${err.message}`);
    assert.match(err.message, /expected|needs|must|not supported|percent-encode|unknown|Did you mean/i, err.message);
    assert.ok(!err.message.includes(SECRET), `a password was echoed: ${err.message}`);
    return 'rejected';
  }
}

describe('hostile options', () => {
  test('every option, every wrong type: accepted or one InvalidArgumentError naming it', () => {
    let rejected = 0;
    for (const name of FIELD_NAMES) {
      for (const value of HOSTILE_VALUES) {
        if (value === undefined) continue; // "not given"
        // Relations need a partner: a username needs a password; keep the rest alone.
        const extra = name === 'username' ? { password: 'pw' } : {};
        if (checkConstruction({ ...extra, [name]: value }, name) === 'rejected') rejected++;
      }
    }
    assert.ok(rejected > FIELD_NAMES.length * 15, `only ${rejected} rejections`);
    assert.equal(checkConstruction({ password: 12345 }, 'password'), 'rejected');
  });

  test('mangled URLs (seeded): parsed or one InvalidArgumentError naming the part, never echoing the password', () => {
    const random = prng(Number(process.env['HOSTILE_SEED'] ?? 0x0411));
    const seeds = [
      `redis://alice:${SECRET}@cache.local:6380/3?poolSize=5&readTimeout=100`,
      `rediss://:${SECRET}@[::1]:6379/0`,
      `unix://alice:${SECRET}@/run/redis.sock?db=2`,
      'redis+unix:///tmp/r.sock?protocol=2',
    ];
    const inserts = [
      '%',
      '%zz',
      '%00',
      '@',
      ':',
      '/',
      '?',
      '&',
      '=',
      '#',
      '[',
      ']',
      '-1',
      '99999',
      ' ',
      'é',
      '\n',
      '+',
    ];
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      let url = seeds[Math.floor(random() * seeds.length)]!;
      for (let m = 1 + Math.floor(random() * 3); m > 0; m--) {
        const at = Math.floor(random() * (url.length + 1));
        const r = random();
        if (r < 0.4) url = url.slice(0, at) + inserts[Math.floor(random() * inserts.length)]! + url.slice(at);
        else if (r < 0.7) url = url.slice(0, at) + url.slice(at + 1 + Math.floor(random() * 4));
        else url = url.slice(0, at) + String.fromCharCode(32 + Math.floor(random() * 95)) + url.slice(at + 1);
      }
      try {
        void createClient(url).close();
      } catch (err) {
        assert.ok(err instanceof InvalidArgumentError, `${JSON.stringify(url)}: ${String(err)}`);
        assert.match(err.message, /URL|option|username|password/, err.message);
        // Whatever still reads as a password (between ':' and '@') must not show, not even 5 characters of it.
        const password = /:([^:@/]*)@/.exec(url)?.[1] ?? '';
        for (let k = 0; k + 5 <= password.length; k++) {
          const piece = password.slice(k, k + 5);
          if (SECRET.includes(piece)) assert.ok(!err.message.includes(piece), `${url}: ${err.message}`);
        }
        rejected++;
      }
    }
    assert.ok(rejected > 500, `only ${rejected} of 3000 mangled URLs were rejected`);
  });

  // Regression (found by the test above): unix URLs written without '//' quoted credentials back in errors.
  test('credentials in a unix URL without "//" are never quoted back', () => {
    for (const url of [
      `unix:alice:${SECRET}@/run/redis.sock`,
      `unix:/alice:?${SECRET}@/run/redis.sock`,
      `unix:://alice:${SECRET}@/run/redis.sock`,
      `unix:%//alice:${SECRET}%00@/run/redis.sock`,
    ]) {
      assert.throws(
        () => createClient(url),
        (err: unknown) => err instanceof InvalidArgumentError && !err.message.includes(SECRET.slice(0, 5)),
        url,
      );
    }
    // A socket path is still fine, and so are credentials in the documented form.
    const unixClient = createClient('unix:/run/redis.sock');
    assert.equal(unixClient.options.path, '/run/redis.sock');
    void unixClient.close();
    const withCredentials = createClient(`unix://alice:${SECRET}@/run/redis.sock`);
    assert.equal(withCredentials.options.password, SECRET);
    void withCredentials.close();
  });

  // Regression: tls.connect checks `servername` after its socket started connecting; the TypeError left that
  // socket without an error listener, and its ECONNREFUSED then crashed the process.
  test('tls.servername of the wrong type is rejected at construction', () => {
    assert.throws(
      () => createClient({ host: 'cache.local', tls: { servername: 5 as unknown as string } }),
      (err: unknown) => err instanceof InvalidArgumentError && /tls\.servername: expected a string/.test(err.message),
    );
  });

  // Regression: node:tls threw its TypeError synchronously inside the dial; it reached callers untyped.
  test('TLS options node:tls refuses while dialing give a ConnectionError naming the cause', async () => {
    const port = await freePort();
    const client = createClient({
      host: '127.0.0.1',
      port,
      tls: { ca: 5 as unknown as string },
      dialerRetries: 1,
      maxRetries: 0,
    });
    try {
      const err = await client.ping().catch((e: unknown) => e);
      assert.ok(err instanceof ConnectionError, `got ${String(err)}`);
      assert.match(err.message, /options\.ca/);
      assert.ok(err.cause instanceof TypeError);
    } finally {
      await client.close();
    }
  });
});
