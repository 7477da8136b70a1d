/**
 * Secrets never show: passwords (also the sentinels'), URL credentials and TLS key material print as
 * `[redacted]` in util.inspect, JSON.stringify, String() and error messages, while the objects keep the
 * real values. The failed-AUTH cases run against a private redis-server with requirepass.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { format, inspect } from 'node:util';
import {
  createClient,
  createCluster,
  createSentinel,
  InvalidArgumentError,
  resolveClientOptions,
  type RedisClient,
} from '../../src/index.js';
import { redactUrl, scrubSecret } from '../../src/options-secrets.js';
import { FakeServer } from '../helpers/fake-server.js';
import { RedisServer } from '../helpers/redis-server.js';

const SECRET = 'S3cret-pw';
const TLS_KEY = 'PRIVATE-KEY-material';
const PASSPHRASE = 'key-passphrase';
const PFX = Buffer.from('pfx-bundle-bytes');

/** Every printed form of `value` that a log line or a crash report could carry. */
function printedForms(value: unknown): string[] {
  return [
    inspect(value),
    inspect(value, { depth: Infinity, showHidden: true }),
    format('%o', value),
    format('%O', value),
    format('%s', value),
    format('%j', value),
    JSON.stringify(value) ?? '',
    String(value),
    `${value as string}`,
  ];
}

function assertHidden(value: unknown, secrets: string[], what: string): void {
  for (const text of printedForms(value)) {
    for (const secret of secrets) {
      assert.ok(!text.includes(secret), `${what} shows ${JSON.stringify(secret)}: ${text.slice(0, 400)}`);
    }
  }
}

describe('options objects', () => {
  test('resolved options redact the password and TLS secrets and keep the real values', () => {
    const o = resolveClientOptions({
      host: 'example.com',
      username: 'alice',
      password: SECRET,
      tls: { key: TLS_KEY, passphrase: PASSPHRASE, pfx: PFX, cert: 'public-cert' },
    });
    assertHidden(o, [SECRET, TLS_KEY, PASSPHRASE, PFX.toString()], 'resolved options');
    assert.match(inspect(o), /password: '\[redacted\]'/);
    const json = JSON.parse(JSON.stringify(o)) as Record<string, Record<string, unknown>>;
    assert.equal(json['password'], '[redacted]');
    assert.equal(json['tls']!['key'], '[redacted]');
    assert.equal(json['tls']!['passphrase'], '[redacted]');
    assert.equal(json['tls']!['pfx'], '[redacted]');
    assert.equal(json['tls']!['cert'], 'public-cert', 'what is not secret still shows');
    assert.equal(json['username'], 'alice');
    // The values are intact for the handshake and the TLS dial, also in a spread copy.
    assert.equal(o.password, SECRET);
    assert.equal(o.tls?.key, TLS_KEY);
    assert.equal({ ...o }.password, SECRET);
    assert.ok(!Object.keys(o).includes('toJSON'), 'the redaction adds no enumerable field');
  });

  test('a URL with a password', () => {
    const o = resolveClientOptions(`redis://alice:${SECRET}@example.com:6380/2?clientName=app`);
    assert.equal(o.password, SECRET);
    assertHidden(o, [SECRET], 'options from a URL');
    const q = resolveClientOptions(`redis://example.com?password=${SECRET}`);
    assert.equal(q.password, SECRET);
    assertHidden(q, [SECRET], 'options from a URL query');
  });

  test('redactUrl covers URLs, bare user:password@host and password= parameters', () => {
    assert.equal(redactUrl(`redis://alice:${SECRET}@h:1/0`), 'redis://alice:[redacted]@h:1/0');
    assert.equal(redactUrl(`rediss://:${SECRET}@h`), 'rediss://:[redacted]@h');
    assert.equal(redactUrl(`redis://alice:p@ss@h`), 'redis://alice:[redacted]@h');
    assert.equal(redactUrl(`unix://alice:${SECRET}@/run/redis.sock`), 'unix://alice:[redacted]@/run/redis.sock');
    assert.equal(redactUrl(`alice:${SECRET}@h:6379`), 'alice:[redacted]@h:6379');
    assert.equal(redactUrl(`redis://h?db=1&password=${SECRET}&x=1`), 'redis://h?db=1&password=[redacted]&x=1');
    assert.equal(redactUrl('redis://alice@h:6379'), 'redis://alice@h:6379', 'a user name alone is no secret');
    assert.equal(redactUrl('redis://h:6379/0'), 'redis://h:6379/0');
  });
});

describe('clients', () => {
  test('a client prints its address and redacted options, never a secret nor its internals', async () => {
    const client = createClient({
      url: `redis://alice:${SECRET}@127.0.0.1:1`,
      tls: { key: TLS_KEY, passphrase: PASSPHRASE },
    });
    try {
      assertHidden(client, [SECRET, TLS_KEY, PASSPHRASE], 'client');
      assertHidden(client.options, [SECRET, TLS_KEY, PASSPHRASE], 'client.options');
      assert.match(inspect(client), /^RedisClient \{/);
      assert.match(inspect(client), /address: '127\.0\.0\.1:1'/);
      const json = JSON.parse(JSON.stringify(client)) as { options: { password: string }; closed: boolean };
      assert.equal(json.options.password, '[redacted]');
      assert.equal(json.closed, false);
    } finally {
      await client.close();
    }
  });

  test('the cluster client and its options', async () => {
    const cluster = createCluster({
      rootNodes: [`redis://bob:${SECRET}@127.0.0.1:1`],
      topologyRefreshInterval: 0,
      tls: { key: TLS_KEY },
    });
    try {
      assert.equal(cluster.options.template.password, SECRET, 'the URL credentials reach every node');
      assertHidden(cluster, [SECRET, TLS_KEY], 'cluster client');
      assertHidden(cluster.options, [SECRET, TLS_KEY], 'cluster options');
      assertHidden(cluster.options.nodeOptions, [SECRET, TLS_KEY], 'cluster node options');
      assert.match(inspect(cluster), /^ClusterClient \{/);
    } finally {
      await cluster.close();
    }
  });

  test('the sentinel client, its data-node and sentinel passwords', async () => {
    const sentinel = createSentinel({
      sentinels: ['127.0.0.1:1'],
      masterName: 'mymaster',
      password: SECRET,
      sentinelPassword: `${SECRET}-sentinel`,
      tls: { passphrase: PASSPHRASE },
    });
    try {
      assertHidden(sentinel, [SECRET, PASSPHRASE], 'sentinel client');
      assert.match(inspect(sentinel), /^SentinelClient \{/);
      assert.match(inspect(sentinel), /masterName: 'mymaster'/);
    } finally {
      await sentinel.close();
    }
  });
});

describe('error messages', () => {
  const badUrls = [
    `redis://alice:${SECRET}@exa mple.com`,
    `redis://alice:${SECRET}@host:notaport`,
    `redis://alice:${SECRET}@host/notadb`,
    `redis://alice:${SECRET}@[::1`,
    `redis://alice:${SECRET}@host?nope=1`,
    `redis://alice:${SECRET}@host?db=x`,
    `redis://alice:${SECRET}%zz@host`,
    `redis://alice:${SECRET}/x@host`,
    `redis://alice:${SECRET}#x@host`,
    `redis:alice:${SECRET}@host`,
    `unix:alice:${SECRET}@/run/redis.sock`,
    `unix://alice:${SECRET}@host/run/redis.sock`,
    `http://alice:${SECRET}@host`,
    `redis://host?password=${SECRET}%zz`,
    `redis://host?password=${SECRET}&password=x`,
    `redis://alice:${SECRET}@host?password=${SECRET}`,
  ];
  for (const url of badUrls) {
    test(`bad URL ${redactUrl(url)}`, () => {
      assert.throws(
        () => createClient(url),
        (err: unknown) => {
          assert.ok(err instanceof InvalidArgumentError, String(err));
          assert.ok(!err.message.includes(SECRET), err.message);
          assert.ok(!(err.stack ?? '').includes(SECRET), 'stack');
          return true;
        },
      );
    });
  }

  test('credentials given where an address goes are shown redacted', () => {
    const cases: [() => unknown, string][] = [
      [() => createClient({ host: `alice:${SECRET}@example.com` }), 'host option'],
      [() => createClient({ password: 42 as unknown as string }), 'password of the wrong type'],
      [() => createCluster({ rootNodes: [`alice:${SECRET}@example.com`] }), 'cluster root node'],
      [() => createCluster({ rootNodes: [`alice:${SECRET}@example.com:6379`] }), 'cluster root node with a port'],
      [
        () =>
          createCluster({ rootNodes: [{ host: 'h', password: SECRET } as unknown as { host: string; port: number }] }),
        'cluster root node object',
      ],
      [() => createSentinel({ sentinels: [`alice:${SECRET}@example.com`], masterName: 'm' }), 'sentinel address'],
    ];
    for (const [make, what] of cases) {
      assert.throws(make, (err: unknown) => {
        assert.ok(err instanceof InvalidArgumentError, `${what}: ${String(err)}`);
        assert.ok(!err.message.includes(SECRET), `${what}: ${err.message}`);
        return true;
      });
    }
    assert.throws(() => createClient({ host: `alice:${SECRET}@example.com` }), /alice:\[redacted\]@example\.com/);
  });

  test('scrubSecret replaces a password standing as a word of a message, and nothing else', () => {
    const err = scrubSecret(
      new Error(`ERR unknown command 'HELLO', with args beginning with: 'AUTH' '${SECRET}'`),
      SECRET,
    );
    assert.equal(err.message, "ERR unknown command 'HELLO', with args beginning with: 'AUTH' '[redacted]'");
    assert.ok(!(err.stack ?? '').includes(SECRET));
    // A short password is replaced where it stands alone, not inside other words.
    const short = scrubSecret(new Error("the password 'a' was refused by the server"), 'a');
    assert.equal(short.message, "the password '[redacted]' was refused by the server");
    const untouched = new Error('nothing to hide here');
    assert.equal(scrubSecret(untouched, SECRET).message, 'nothing to hide here');
  });

  test('a server that echoes the AUTH arguments: the error shows [redacted]', async () => {
    const fake = await FakeServer.start({
      onCommand: (cmd) =>
        cmd[0] === 'HELLO' ? `-ERR bad greeting ${cmd.map((a) => `'${a}'`).join(' ')}\r\n` : undefined,
    });
    const client = createClient({
      host: fake.host,
      port: fake.port,
      password: SECRET,
      maxRetries: 0,
      dialerRetries: 1,
    });
    try {
      await assert.rejects(client.ping(), (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.ok(!err.message.includes(SECRET), err.message);
        assert.match(err.message, /\[redacted\]/);
        return true;
      });
    } finally {
      await client.close();
      await fake.close();
    }
  });
});

describe('a failed AUTH against a real server with requirepass', () => {
  let server: RedisServer;
  before(async () => {
    server = await RedisServer.start({ args: ['--requirepass', 'the-right-one'] });
  });
  after(async () => {
    await server.stop();
  });

  for (const protocol of [2, 3] as const) {
    test(`RESP${protocol}: the error names the failure, never the password tried`, async () => {
      const wrong = `${SECRET}-${protocol}`;
      const clients: RedisClient[] = [
        createClient({ host: server.host, port: server.port, protocol, password: wrong, maxRetries: 0 }),
        createClient({ url: `redis://default:${wrong}@${server.host}:${server.port}`, protocol, maxRetries: 0 }),
      ];
      try {
        for (const client of clients) {
          await assert.rejects(client.ping(), (err: unknown) => {
            assert.ok(err instanceof Error);
            assert.match(err.message, /WRONGPASS|invalid password|invalid username-password/i);
            for (const text of [err.message, err.stack ?? '', inspect(err), JSON.stringify(err)]) {
              assert.ok(!text.includes(wrong), text);
            }
            return true;
          });
          assertHidden(client, [wrong], 'the client after the failure');
        }
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    });
  }
});
