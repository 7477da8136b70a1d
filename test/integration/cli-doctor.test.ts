import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RedisServer } from '../helpers/redis-server.js';
import { serverLabel, serverVersion } from '../helpers/server-version.js';
import { cli } from './cli-harness.js';

let server: RedisServer;
/** A server that closes clients idle for 2 s. */
let strict: RedisServer;
before(async () => {
  [server, strict] = await Promise.all([RedisServer.start(), RedisServer.start({ args: ['--timeout', '2'] })]);
});
after(async () => {
  await Promise.all([server.stop(), strict.stop()]);
});

interface Finding {
  level: string;
  code: string;
  message: string;
}
interface DoctorJson {
  command: string;
  target: string;
  server: { name: string; version: string; mode: string };
  protocol: number;
  tls: boolean;
  rttUs: { count: number; minUs: number; p50Us: number; p99Us: number };
  clients: { connected: number; maxClients: number };
  idle: { serverTimeoutS: number; connMaxIdleTimeMs: number };
  options: Record<string, number>;
  findings: Finding[];
}

test('doctor --json on a healthy setup: facts from the server, no findings, exit 0', async () => {
  const r = await cli(['doctor', '--url', server.url, '--json']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const d = JSON.parse(r.stdout) as DoctorJson;
  const info = await server.info('server');
  // Valkey reports its own version in valkey_version (redis_version stays 7.2.4) and renames redis_mode.
  const { product, version } = serverVersion();
  assert.equal(d.server.name, product);
  assert.equal(d.server.version, version.join('.'));
  assert.equal(d.server.version, info[`${product}_version`] ?? info['redis_version']);
  assert.equal(d.server.mode, 'standalone');
  assert.equal(d.protocol, 3);
  assert.equal(d.tls, false);
  assert.equal(d.rttUs.count, 100);
  assert.ok(d.rttUs.minUs > 0 && d.rttUs.minUs <= d.rttUs.p50Us && d.rttUs.p50Us <= d.rttUs.p99Us);
  assert.equal(
    d.clients.maxClients,
    Number((await server.rawCommand(['CONFIG', 'GET', 'maxclients'])).split('\r\n')[4]),
  );
  assert.ok(d.clients.connected >= 1);
  assert.equal(d.idle.serverTimeoutS, 0);
  assert.deepEqual(
    d.findings.filter((f) => f.level !== 'info'),
    [],
  );

  const text = await cli(['doctor', '--url', server.url]);
  assert.match(
    text.stdout,
    new RegExp(`^ {2}server +${serverLabel().replace(/\./g, '\\.')} \\(standalone\\), up `, 'm'),
  );
});

test('doctor spots options that work against each other, and the server closing idle connections first', async () => {
  let r = await cli(['doctor', '--url', `${server.url}?protocol=2`, '-o', 'poolTimeout=100', '-o', 'readTimeout=5000']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^ {2}protocol +RESP2$/m);
  assert.match(r.stdout, /^ {2}warn +poolTimeout \(100 ms\) is shorter than readTimeout \(5 s\)/m);

  r = await cli(['doctor', '--url', server.url, '--json', '-o', 'poolSize=10', '-o', 'minIdleConns=50']);
  assert.equal(r.code, 1, r.stderr);
  const invalid = (JSON.parse(r.stdout) as DoctorJson).findings;
  assert.equal(invalid[0]?.code, 'invalid-options');
  assert.match(invalid[0].message, /minIdleConns/);

  r = await cli(['doctor', '--url', strict.url, '--json']);
  assert.equal(r.code, 1, r.stderr);
  const d = JSON.parse(r.stdout) as DoctorJson;
  assert.equal(d.idle.serverTimeoutS, 2);
  const idle = d.findings.find((f) => f.code === 'server-closes-idle-first');
  assert.ok(idle, JSON.stringify(d.findings));
  assert.equal(idle.level, 'warn');

  // With connMaxIdleTime below the server's timeout, the warning goes away.
  r = await cli(['doctor', '--url', strict.url, '--json', '-o', 'connMaxIdleTime=1500']);
  assert.equal(r.code, 0, r.stdout);
});

test("advise --json: recommendations follow from the measured numbers by Little's law", async () => {
  const r = await cli(['advise', '--url', server.url, '--target-ops', '20000', '-d', '0.5', '-c', '8', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const a = JSON.parse(r.stdout) as {
    rttUs: { p50Us: number };
    measurement: { opsPerSec: number; callers: number };
    recommendation: {
      poolSize: number;
      minIdleConns: number;
      readTimeout: number;
      poolTimeout: number;
      inFlight: number;
    };
    options: Record<string, number>;
  };
  assert.ok(a.measurement.opsPerSec > 0);
  assert.equal(a.measurement.callers, 8);
  const rec = a.recommendation;
  assert.ok(Math.abs(rec.inFlight - 20000 * (a.rttUs.p50Us / 1e6)) < 1e-9);
  assert.equal(rec.poolSize, Math.max(4, Math.ceil(2 * rec.inFlight)));
  assert.ok(rec.minIdleConns >= 1 && rec.minIdleConns <= rec.poolSize);
  assert.equal(rec.poolTimeout, rec.readTimeout + 1000);
  assert.deepEqual(a.options, {
    poolSize: rec.poolSize,
    minIdleConns: rec.minIdleConns,
    readTimeout: rec.readTimeout,
    poolTimeout: rec.poolTimeout,
  });
  assert.equal(await server.rawCommand(['DBSIZE']), ':0\r\n');

  const text = await cli(['advise', '--url', server.url, '--target-ops', '20000', '-d', '0.3', '-c', '4']);
  assert.equal(text.code, 0, text.stderr);
  // The reasoning: the lines after "why", up to the blank line (a saturation warning may follow it).
  const why = text.stdout.split('\nwhy\n')[1]?.split('\n\n')[0]?.trim().split('\n') ?? [];
  assert.equal(why.length, 3, text.stdout);
  assert.match(why[1]!, /Little's law L = λ·W/);
});

test('stats: one sample, or --watch with a count, as text or JSON lines', async () => {
  let r = await cli(['stats', '--url', server.url]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}connected clients +\d+ \(maxclients [\d,]+\)$/m);

  r = await cli(['stats', '--url', server.url, '--watch', '--count', '3', '--interval', '0.2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const samples = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { connectedClients: number; commandsPerSec: number | null; time: string });
  assert.equal(samples.length, 3);
  assert.equal(samples[0]!.commandsPerSec, null);
  // Each sample itself runs two INFO commands, so the rate between samples is positive.
  assert.ok((samples[1]!.commandsPerSec ?? 0) > 0);
  assert.ok(samples.every((s) => s.connectedClients >= 1));
  assert.ok(Date.parse(samples[2]!.time) > Date.parse(samples[0]!.time));

  r = await cli(['stats', '--url', server.url, '-w', '-n', '2', '-i', '0.2']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[1]!, /^time +clients +blocked/);
  assert.equal(lines.length, 4);
});
