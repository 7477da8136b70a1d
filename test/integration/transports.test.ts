import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createClient, ReplyError } from '../../src/index.js';
import { freePort, RedisServer } from '../helpers/redis-server.js';
import { respField } from '../helpers/server-version.js';

let server: RedisServer;
let tlsPort: number;
let certDir: string;

before(async () => {
  certDir = mkdtempSync(path.join(tmpdir(), 'respool-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'].concat([
      '-keyout',
      path.join(certDir, 'key.pem'),
      '-out',
      path.join(certDir, 'cert.pem'),
    ]),
    { stdio: 'ignore' },
  );
  tlsPort = await freePort();
  server = await RedisServer.start({
    args: [
      '--tls-port',
      String(tlsPort),
      '--tls-cert-file',
      path.join(certDir, 'cert.pem'),
      '--tls-key-file',
      path.join(certDir, 'key.pem'),
      '--tls-ca-cert-file',
      path.join(certDir, 'cert.pem'),
      '--tls-auth-clients',
      'no',
    ],
  });
});
after(async () => {
  await server.stop();
  rmSync(certDir, { recursive: true, force: true });
});

test('TLS: rediss:// with the server certificate as CA, and tls options', async () => {
  const ca = readFileSync(path.join(certDir, 'cert.pem'));
  const client = createClient({ url: `rediss://localhost:${tlsPort}`, tls: { ca } });
  try {
    assert.equal(await client.ping(), 'PONG');
    await client.set('tls:k', 'secure');
    assert.equal(await client.get('tls:k'), 'secure');
  } finally {
    await client.close();
  }
  // Without the CA the certificate is rejected: a clear connection error, no hang.
  const untrusted = createClient({ url: `rediss://localhost:${tlsPort}`, maxRetries: 0, dialerRetries: 1 });
  try {
    await assert.rejects(untrusted.ping(), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ERR_CONNECTION');
      assert.match(err.message, /localhost:\d+/);
      return true;
    });
  } finally {
    await untrusted.close();
  }
});

test('unix socket via unix:// URL with a db', async () => {
  const client = createClient(`unix://${server.socketPath}?db=3`);
  try {
    await client.set('unix:k', 'v');
    assert.equal(await client.get('unix:k'), 'v');
    const list = await server.clients();
    assert.ok(
      list.some((c) => c['db'] === '3'),
      'a connection selected db 3',
    );
  } finally {
    await client.close();
  }
  const tcp = createClient({ port: server.port, db: 3 });
  try {
    assert.equal(await tcp.get('unix:k'), 'v');
  } finally {
    await tcp.close();
  }
});

test('redis:// URL with user, password, db and query options', async () => {
  await server.rawCommand(['ACL', 'SETUSER', 'app', 'on', '>s3cr%t', '~*', '+@all']);
  const client = createClient(
    `redis://app:${encodeURIComponent('s3cr%t')}@127.0.0.1:${server.port}/2?poolSize=3&clientName=urlclient&protocol=2`,
  );
  try {
    assert.equal(client.options.poolSize, 3);
    await client.set('url:k', 'v');
    const mine = (await server.clients()).filter((c) => c['name'] === 'urlclient');
    assert.ok(mine.length >= 1);
    assert.equal(mine[0]!['user'], 'app');
    assert.equal(mine[0]!['db'], '2');
    assert.equal(mine[0]!['resp'], respField(2));
  } finally {
    await client.close();
  }
  // Default dialerRetries (5): a refused AUTH is not retried by the pool, nor the command by the client.
  const wrong = createClient({ port: server.port, username: 'app', password: 'nope' });
  try {
    const before = Number((await server.info('stats'))['total_connections_received']);
    await assert.rejects(wrong.ping(), (err: unknown) => err instanceof ReplyError && err.code === 'WRONGPASS');
    const after = Number((await server.info('stats'))['total_connections_received']);
    assert.equal(after - before, 2, 'one dial for the command, one for the INFO probe');
  } finally {
    await wrong.close();
  }
});

test('onConnect runs on every new connection before it serves anyone', async () => {
  const seen: number[] = [];
  const client = createClient({
    port: server.port,
    onConnect: async (conn) => {
      seen.push(conn.id);
      await conn.sendCommand(['CLIENT', 'SETNAME', `hooked-${conn.id}`]);
    },
  });
  try {
    await client.ping();
    assert.equal(seen.length, 1);
    const names = (await server.clients()).map((c) => c['name']);
    assert.ok(names.includes(`hooked-${seen[0]}`));
  } finally {
    await client.close();
  }
  // A failing onConnect fails the command with its error and leaves no connection behind.
  const failing = createClient({
    port: server.port,
    maxRetries: 0,
    onConnect: () => {
      throw new Error('not today');
    },
  });
  try {
    await assert.rejects(failing.ping(), /not today/);
    assert.equal(failing.poolStats().totalConns, 0);
  } finally {
    await failing.close();
  }
});
