import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { freePort, RedisServer } from '../helpers/redis-server.js';
import { cli, ROOT, run } from './cli-harness.js';

let secured: RedisServer;
before(async () => {
  secured = await RedisServer.start({ args: ['--requirepass', 'sesame'] });
});
after(async () => {
  await secured.stop();
});

/** Exit code 2 and exactly one line on stderr, `respool: …`; nothing on stdout. */
function assertOneLineFailure(r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^respool: /);
  assert.match(lines[0]!, pattern);
  assert.equal(r.stdout, '');
}

test('a URL that does not parse is one line and exit code 2', async () => {
  assertOneLineFailure(await cli(['doctor', '--url', 'http://example.com']), /Invalid URL scheme/);
  assertOneLineFailure(await cli(['load', '--url', 'redis://127.0.0.1:99999']), /port/i);
});

test('an unreachable host is one line and exit code 2, offering --spawn only where it can help', async () => {
  const port = await freePort();
  const load = await cli(['load', '--url', `redis://127.0.0.1:${port}`, '-d', '1']);
  assertOneLineFailure(load, new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*add --spawn`));
  const stats = await cli(['stats', '--url', `redis://127.0.0.1:${port}`]);
  assertOneLineFailure(stats, /cannot connect to .*ECONNREFUSED/);
  assert.ok(!stats.stderr.includes('--spawn'), 'stats does not offer --spawn');
  const unknownHost = await cli(['doctor', '--url', 'redis://no-such-host.invalid:6379']);
  assertOneLineFailure(unknownHost, /cannot connect to no-such-host\.invalid:6379: /);
});

test('a server that refuses us (wrong or missing password) is one line and exit code 2', async () => {
  assertOneLineFailure(await cli(['doctor', '--url', secured.url]), /cannot use 127\.0\.0\.1:\d+: NOAUTH/);
  const wrong = await cli(['stats', '--url', `redis://:nope@127.0.0.1:${secured.port}`]);
  assertOneLineFailure(wrong, /cannot use .*(WRONGPASS|invalid)/i);
  assert.ok(!wrong.stderr.includes('nope'), 'the password is never printed');
  const ok = await cli(['stats', '--url', `redis://:sesame@127.0.0.1:${secured.port}`, '--json']);
  assert.equal(ok.code, 0, ok.stderr);
});

test('usage errors exit 2; help and version exit 0', async () => {
  let r = await cli(['load', '--bogus']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--bogus'/);
  r = await cli(['load', '--pool-size', 'many']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--pool-size <n>.*expected an integer >= 1/);
  r = await cli(['load', '--command', 'del']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Allowed choices are get, set, mixed, blpop-mix/);
  r = await cli(['advise', '--url', secured.url]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /required option '--target-ops <n>' not specified/);
  r = await cli(['frobnicate']);
  assert.equal(r.code, 2);

  r = await cli(['--version']);
  assert.equal(r.code, 0);
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
    bin: Record<string, string>;
  };
  assert.equal(r.stdout.trim(), pkg.version);
  r = await cli(['load', '--help']);
  assert.equal(r.code, 0);
  for (const flag of [
    '--url',
    '--pool-size',
    '--concurrency',
    '--duration',
    '--command',
    '--value-size',
    '--pipeline',
  ]) {
    assert.ok(r.stdout.includes(flag), `help lists ${flag}`);
  }
});

test('the package bin is the compiled entry, which starts with a shebang', async (t) => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(pkg.bin['respool'], './dist/cli/main.js');
  assert.ok(readFileSync(path.join(ROOT, 'src/cli/main.ts'), 'utf8').startsWith('#!/usr/bin/env node\n'));
  const built = path.join(ROOT, 'dist/cli/main.js');
  if (!existsSync(built)) return t.skip('not built (npm run build)');
  assert.ok(readFileSync(built, 'utf8').startsWith('#!/usr/bin/env node\n'));
  const r = await run(process.execPath, [built, '--version']);
  assert.equal(r.code, 0, r.stderr);
});
