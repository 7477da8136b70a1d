import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { freePort, RedisServer } from '../helpers/redis-server.js';
import { serverVersion } from '../helpers/server-version.js';
import { cli, CLI_ARGS, run, shellQuote } from './cli-harness.js';

let server: RedisServer;
before(async () => {
  server = await RedisServer.start();
});
after(async () => {
  await server.stop();
});

interface LoadJson {
  command: string;
  target: string;
  spawned: boolean;
  workload: { command: string; concurrency: number; pipeline: number; blockers: number };
  durationS: number;
  ops: number;
  calls: number;
  opsPerSec: number;
  errors: number;
  latencyUs: { count: number; minUs: number; p50Us: number; p99Us: number; maxUs: number };
  histogram: { fromUs: number; toUs: number; count: number }[];
  blpop: { calls: number } | null;
  pool: { poolSize: number; hits: number; misses: number; timeouts: number; peakConns: number };
  blockingPool: { totalConns: number } | null;
  events: { connect: number };
  server: { name: string; version: string; commandsProcessed: number };
}

async function commandsProcessed(): Promise<number> {
  return Number((await server.info('stats'))['total_commands_processed']);
}

test('load --json: the summary parses and agrees with the server', async () => {
  const before = await commandsProcessed();
  const r = await cli([
    'load',
    '--url',
    server.url,
    '--json',
    '-d',
    '1',
    '-c',
    '8',
    '--pool-size',
    '3',
    '--keys',
    '200',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as LoadJson;
  assert.equal(s.command, 'load');
  assert.equal(s.target, `127.0.0.1:${server.port}`);
  assert.equal(s.spawned, false);
  assert.equal(s.workload.command, 'mixed');
  assert.equal(s.errors, 0);
  assert.ok(s.ops > 0 && s.ops === s.calls);
  assert.ok(s.durationS >= 0.9 && s.durationS < 5, String(s.durationS));
  assert.ok(Math.abs(s.opsPerSec - s.ops / s.durationS) < 1e-6 * s.opsPerSec + 1);
  const lat = s.latencyUs;
  assert.equal(lat.count, s.calls);
  assert.ok(lat.minUs <= lat.p50Us && lat.p50Us <= lat.p99Us && lat.p99Us <= lat.maxUs, JSON.stringify(lat));
  assert.equal(
    s.histogram.reduce((a, h) => a + h.count, 0),
    s.calls,
  );
  assert.equal(s.pool.poolSize, 3);
  assert.ok(s.pool.peakConns >= 1 && s.pool.peakConns <= 3);
  assert.ok(s.pool.hits + s.pool.misses > 0);
  assert.equal(s.pool.timeouts, 0);
  assert.equal(s.server.name, serverVersion().product);
  assert.equal(s.server.version, serverVersion().version.join('.'));
  // Every counted command reached the server (plus the fill, INFO and cleanup around the window).
  assert.ok((await commandsProcessed()) - before >= s.ops + 200);
  assert.ok(s.server.commandsProcessed >= s.ops);
  // The key space it wrote is gone.
  assert.equal(await server.rawCommand(['DBSIZE']), ':0\r\n');
});

test('load without a terminal: one plain progress line per second on stderr, a table and a histogram on stdout', async () => {
  const r = await cli([
    'load',
    '--url',
    server.url,
    '-d',
    '2.2',
    '-c',
    '4',
    '--command',
    'blpop-mix',
    '--pipeline',
    '5',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stderr.includes('\r'), 'no in-place refresh when stderr is not a terminal');
  const progress = r.stderr.split('\n').filter((l) => /^\s+\d+\.\ds .* ops\/s /.test(l));
  assert.ok(progress.length >= 2, r.stderr);
  assert.match(progress[0]!, /pool \d+ conns: \d+ idle, \d+ in use, \d+ waiting {2}hits \S+ misses \d+ timeouts \d+/);
  assert.match(r.stdout, /respool load: GET, plus 1 callers looping BLPOP/);
  assert.match(r.stdout, /pipelines of 5/);
  assert.match(r.stdout, /^ {2}operations +[\d,]+ {2}\(\S+ ops\/s\)$/m);
  assert.match(r.stdout, /^ {2}latency +p50 \S+ {2}p90 /m);
  assert.match(r.stdout, /^ {2}blpop callers +[\d,]+ BLPOPs/m);
  assert.match(r.stdout, /latency per operation \([\d,]+ samples\)\n .*│█+ +\d+\.\d%/);
});

const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

test('load on a terminal refreshes its status line in place', { skip: !hasScript && 'no script(1)' }, async () => {
  const command = [process.execPath, ...CLI_ARGS, 'load', '--url', server.url, '-d', '1.5', '-c', '4']
    .map(shellQuote)
    .join(' ');
  // script(1) gives the CLI a pseudo-terminal for stdout and stderr.
  const r = await run('script', ['-qfec', command, '/dev/null']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const refreshes = r.stdout.split('\r\x1b[2K').length - 1;
  assert.ok(refreshes >= 3, `expected several in-place refreshes, got ${refreshes}`);
  assert.match(r.stdout, /ops\/s +p50 /);
  assert.match(r.stdout, /latency per operation/);
});

test('load --spawn starts a private server on the URL port when nothing answers, and stops it', async () => {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const r = await cli(['load', '--url', url, '--spawn', '--json', '-d', '0.5', '-c', '2', '--keys', '10']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`started a private redis-server on 127\\.0\\.0\\.1:${port} \\(pid \\d+\\)`));
  const s = JSON.parse(r.stdout) as LoadJson;
  assert.equal(s.spawned, true);
  assert.ok(s.ops > 0);
  const refused = await new Promise<boolean>((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
  assert.ok(refused, 'the spawned server is gone after the command');
});
