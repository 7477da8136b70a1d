/**
 * Scripts exit when their work is done: idle pooled sockets do not hold the process open, while work in flight
 * (a BLPOP waiting for its element) and live subscriptions do. Each case is a child program that imports the
 * built package by its name, as a user's script does, and never calls close().
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from '../helpers/packed.js';
import { RedisServer } from '../helpers/redis-server.js';
import { MASTER_NAME, SentinelProcess } from '../helpers/redis-sentinel.js';
import { waitFor, within } from '../helpers/wait.js';

let server: RedisServer;
before(async () => {
  assert.ok(
    existsSync(path.join(ROOT, 'dist/index.js')),
    'dist/ is missing: run `npm run build` first (npm test does)',
  );
  server = await RedisServer.start();
});
after(() => server.stop());

/** Long enough for a script whose sockets were wrongly unreferenced to exit; not a timing assertion. */
const CHANCE_TO_EXIT_MS = 500;
/** A script that holds nothing open exits long before this; one that hangs is killed here. */
const EXIT_LIMIT_MS = 20_000;

interface Script {
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Runs an ES module program from the package root, so that `import … from 'respool'` is the built package. */
function runScript(source: string, extraEnv: NodeJS.ProcessEnv = {}): Script {
  const env: NodeJS.ProcessEnv = { ...process.env, REDIS_PORT: String(server.port), ...extraEnv };
  delete env['NODE_TEST_CONTEXT'];
  delete env['NODE_OPTIONS'];
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, env });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_LIMIT_MS);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    }),
  );
  return { child, lines, exited, stderr: () => stderr };
}

async function assertExitsByItself(script: Script): Promise<void> {
  const { code, signal } = await script.exited;
  assert.equal(signal, null, `the script did not exit by itself (killed after ${EXIT_LIMIT_MS} ms)`);
  assert.equal(code, 0, script.stderr());
}

test('a script that runs commands and forgets close() exits by itself', async () => {
  const script = runScript(`
    import { createClient } from 'respool';
    const client = createClient({ port: Number(process.env.REDIS_PORT), minIdleConns: 2 });
    await client.set('exit:k', 'v');
    const [value, count] = await client.pipeline().get('exit:k').incr('exit:n').exec();
    await client.multi().incr('exit:n').exec();
    await client.withConn((conn) => conn.ping());
    await Promise.all(Array.from({ length: 50 }, (_, i) => client.incr('exit:n' + (i % 5))));
    console.log(value, typeof count, client.poolStats().idleConns > 0);
  `);
  await assertExitsByItself(script);
  assert.deepEqual(script.lines, ['v number true']);
});

test('with the client-side cache on (RESP3 tracking and the RESP2 listener connection) it exits too', async () => {
  const script = runScript(`
    import { createClient } from 'respool';
    for (const protocol of [2, 3]) {
      const client = createClient({ port: Number(process.env.REDIS_PORT), protocol, cache: { maxEntries: 10 } });
      await client.set('exit:cached', 'v');
      await client.get('exit:cached');
      console.log(await client.get('exit:cached'));
    }
  `);
  await assertExitsByItself(script);
  assert.deepEqual(script.lines, ['v', 'v']);
});

test('a pending BLPOP keeps the script alive until its element arrives', async () => {
  await server.rawCommand(['DEL', 'exit:queue']);
  const script = runScript(`
    import { createClient } from 'respool';
    const client = createClient({ port: Number(process.env.REDIS_PORT) });
    process.on('exit', () => console.log('exit'));
    console.log('popped', (await client.blPop('exit:queue', 0))?.element);
  `);
  await waitFor(
    'the BLPOP to block on the server',
    async () => (await server.info('clients'))['blocked_clients'] === '1',
  );
  await sleep(CHANCE_TO_EXIT_MS);
  assert.equal(script.child.exitCode, null, `exited while BLPOP waited: ${script.lines.join(' | ')}`);
  await server.rawCommand(['RPUSH', 'exit:queue', 'job']);
  await within('the script to exit after its BLPOP returned', assertExitsByItself(script), EXIT_LIMIT_MS);
  assert.deepEqual(script.lines, ['popped job', 'exit']);
});

test('a live subscription keeps the script alive; unsubscribing lets it exit', async () => {
  const script = runScript(`
    import { createClient } from 'respool';
    const client = createClient({ port: Number(process.env.REDIS_PORT) });
    const subscription = await client.subscribe('exit:channel', (m) => {
      console.log('message', m.message);
      void subscription.unsubscribe();
    });
    console.log('subscribed');
  `);
  await waitFor('the script to subscribe', () => script.lines.includes('subscribed') || script.child.exitCode !== null);
  await sleep(CHANCE_TO_EXIT_MS);
  assert.equal(script.child.exitCode, null, `exited while subscribed: ${script.stderr()}`);
  await server.rawCommand(['PUBLISH', 'exit:channel', 'hello']);
  await within('the script to exit after unsubscribing', assertExitsByItself(script), EXIT_LIMIT_MS);
  assert.deepEqual(script.lines, ['subscribed', 'message hello']);
});

test("a sentinel client's script exits by itself: its watch of master switches runs in the background", async () => {
  const sentinel = await SentinelProcess.start(server.port, { downAfterMs: 1000, failoverTimeoutMs: 5000 });
  try {
    const script = runScript(
      `
      import { createSentinel } from 'respool';
      const client = createSentinel({
        sentinels: [{ host: '127.0.0.1', port: Number(process.env.SENTINEL_PORT) }],
        masterName: '${MASTER_NAME}',
      });
      await client.set('exit:sentinel', 'v');
      console.log(await client.get('exit:sentinel'));
    `,
      { SENTINEL_PORT: String(sentinel.port) },
    );
    await assertExitsByItself(script);
    assert.deepEqual(script.lines, ['v']);
  } finally {
    await sentinel.stop();
  }
});
