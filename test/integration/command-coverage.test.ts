/**
 * The README's "Command coverage" section against a live server: how many of the server's client-facing
 * commands (COMMAND DOCS, minus what test/helpers/command-coverage.ts leaves out, with reasons) have a typed
 * method, and which do not. The section is written for Redis 7.0, the reference server; on another server the
 * comparison is skipped and the coverage only reported. `npm run coverage:commands` rewrites the section.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CommandSet, parseInfo } from '../../src/commands/index.js';
import { createClient, type RedisClient } from '../../src/index.js';
import {
  NOT_CLIENT_FACING,
  computeCoverage,
  documentedCommands,
  findSection,
  renderSection,
  typedCommandNames,
  type DocumentedCommand,
} from '../helpers/command-coverage.js';
import { RedisServer } from '../helpers/redis-server.js';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));
/** The server the README's numbers are about (the machine's and CI's redis-server). */
const REFERENCE = /^7\.0\./;

let server: RedisServer;
let client: RedisClient;
let documented: DocumentedCommand[];
let version: string;
/** What the server calls itself: `Redis 7.0.15`, `Valkey 8.0.1`. */
let serverName: string;
let isValkey: boolean;

before(async () => {
  server = await RedisServer.start();
  client = createClient({ host: server.host, port: server.port });
  const info = parseInfo(await client.info('server'));
  version = info['redis_version'] ?? '';
  isValkey = info['valkey_version'] !== undefined;
  serverName = isValkey ? `Valkey ${info['valkey_version']}` : `Redis ${version}`;
  documented = documentedCommands(await client.sendCommand(['COMMAND', 'DOCS']));
});
after(async () => {
  await client?.close();
  await server?.stop();
});

test('COMMAND DOCS is read whole: commands, subcommands, flags', () => {
  assert.ok(documented.length > 300, `only ${documented.length} commands`);
  const names = new Set(documented.map((c) => c.name));
  for (const name of ['GET', 'CLIENT KILL', 'XINFO STREAM', 'FUNCTION LOAD']) assert.ok(names.has(name), name);
  assert.equal(names.has('CLIENT'), false, 'containers count through their subcommands');
  assert.ok(documented.find((c) => c.name === 'GETSET')?.deprecated);
  assert.ok(documented.find((c) => c.name === 'PFSELFTEST')?.docFlags.includes('syscmd'));
});

test('every command left out is a command of the server, and none of them is typed', () => {
  const names = new Set(documented.map((c) => c.name));
  const typed = typedCommandNames();
  const unknown: string[] = [];
  const typedAnyway: string[] = [];
  for (const group of NOT_CLIENT_FACING) {
    for (const name of group.names) {
      if (!names.has(name)) unknown.push(name);
      if (typed.has(name)) typedAnyway.push(name);
    }
  }
  assert.deepEqual(unknown, [], 'NOT_CLIENT_FACING names commands this server does not have (typos?)');
  assert.deepEqual(typedAnyway, [], 'typed now: count them, and take them out of NOT_CLIENT_FACING');
});

test('the README\'s "Command coverage" section matches the server and the typed methods', (t) => {
  const coverage = computeCoverage(documented, typedCommandNames());
  const percent = ((100 * coverage.typed.length) / coverage.clientFacing.length).toFixed(1);
  t.diagnostic(
    `${serverName}: ${coverage.typed.length} of ${coverage.clientFacing.length} client-facing commands typed (${percent}%)`,
  );
  if (isValkey || !REFERENCE.test(version)) {
    t.skip(`the section is about Redis 7.0; this server is ${serverName}`);
    return;
  }
  const expected = renderSection(coverage, 'Redis 7.0');
  const readme = readFileSync(README, 'utf8');
  const at = findSection(readme);
  assert.ok(at !== undefined, 'README.md has no "### Command coverage" section (under "Typed commands")');
  if (process.env['RESPOOL_WRITE_COVERAGE'] === '1') {
    writeFileSync(README, readme.slice(0, at.start) + expected + '\n\n' + readme.slice(at.end));
    return;
  }
  assert.equal(
    readme.slice(at.start, at.end).trimEnd(),
    expected,
    'README.md\'s "Command coverage" section is out of date: run `npm run coverage:commands` ' +
      '(with Redis 7.0 first on the PATH) and commit the README',
  );
});

test("every typed method has a row in the README's tables", () => {
  const readme = readFileSync(README, 'utf8');
  const methods = Object.getOwnPropertyNames(CommandSet.prototype).filter(
    (n) => n !== 'constructor' && n !== 'execute',
  );
  assert.ok(methods.length > 250);
  const missing = methods.filter((method) => !readme.includes(`| \`${method}(`));
  assert.deepEqual(missing, [], 'add a row for these methods under "Typed commands" in README.md');
});
