/**
 * The command registry against a live server: for every command and subcommand the server has, the registry
 * knows it, agrees on read-only/write and blocking, finds the first key where COMMAND INFO says it is, and
 * finds the same keys as COMMAND GETKEYS. So the hand-kept table cannot drift from Redis.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { CommandFlags } from '../../src/commands/command.js';
import { commandSpec, commandSpecs, keysOf } from '../../src/commands/registry.js';
import { createClient, type RedisClient } from '../../src/index.js';
import { ReplyError } from '../../src/errors.js';
import { RedisServer } from '../helpers/redis-server.js';

const F = CommandFlags;

/** In the registry though newer than the Redis 7.0 these tests run on; a server that has them checks them too. */
const NEWER_THAN_7_0 = new Set(
  `CLIENT SETINFO, CLIENT NO-TOUCH, CLUSTER MYSHARDID, WAITAOF, HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT, HTTL,
   HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST, HGETDEL, HGETEX, HSETEX, CLIENT CAPA, SCRIPT SHOW,
   CLUSTER SLOT-STATS`.split(/,\s*/),
);
/** Blocking in the registry (they hold the reply up to a timeout) though Redis does not flag them so. */
const BLOCKING_BY_TIMEOUT = new Set(['WAIT', 'WAITAOF']);
/** Shard channels: not keys to Redis (COMMAND GETKEYS omits them), but routed by slot like keys. */
const SHARD_CHANNEL_COMMANDS = new Set(['SPUBLISH', 'SSUBSCRIBE', 'SUNSUBSCRIBE']);

interface ServerCommand {
  name: string;
  arity: number;
  flags: string[];
  firstKey: number;
}

let server: RedisServer;
let client: RedisClient;
let serverCommands: ServerCommand[];

before(async () => {
  server = await RedisServer.start();
  client = createClient({ host: server.host, port: server.port, protocol: 2 });
  serverCommands = await listServerCommands();
});
after(async () => {
  await client?.close();
  await server?.stop();
});

/** COMMAND (with subcommands), minus module commands (COMMAND DOCS names their module). */
async function listServerCommands(): Promise<ServerCommand[]> {
  const docs = (await client.sendCommand(['COMMAND', 'DOCS'])) as unknown[];
  const fromModules = new Set<string>();
  for (let i = 0; i < docs.length; i += 2) {
    const fields = docs[i + 1] as unknown[];
    if (fields.includes('module')) fromModules.add(String(docs[i]).toUpperCase());
  }
  const out: ServerCommand[] = [];
  const add = (entry: unknown[]) => {
    const name = String(entry[0]).toUpperCase().replace('|', ' ');
    out.push({ name, arity: Number(entry[1]), flags: (entry[2] as unknown[]).map(String), firstKey: Number(entry[3]) });
    for (const sub of (entry[9] as unknown[][] | undefined) ?? []) add(sub);
  };
  for (const entry of (await client.sendCommand(['COMMAND'])) as unknown[][]) {
    if (!fromModules.has(String(entry[0]).toUpperCase())) add(entry);
  }
  return out;
}

test('the registry knows every command of the server, and nothing the server lacks but the newer ones', () => {
  assert.ok(serverCommands.length > 300, `the server lists ${serverCommands.length} commands`);
  const unknown = serverCommands.filter((c) => commandSpec(c.name.split(' '))?.name !== c.name).map((c) => c.name);
  assert.deepEqual(unknown, [], 'add these commands to src/commands/registry.ts');
  const onServer = new Set(serverCommands.map((c) => c.name));
  const strays = commandSpecs()
    .filter((s) => !onServer.has(s.name) && !NEWER_THAN_7_0.has(s.name))
    .map((s) => s.name);
  assert.deepEqual(strays, [], 'the registry has commands the server does not know (typos?)');
});

test('read-only, write, blocking and pub/sub flags agree with COMMAND INFO', () => {
  const mismatches: string[] = [];
  for (const command of serverCommands) {
    const spec = commandSpec(command.name.split(' '));
    if (spec === undefined) continue; // reported by the coverage test
    const readonly = (spec.flags & F.READONLY) !== 0;
    if (command.flags.includes('write') && readonly) mismatches.push(`${command.name}: writes, registry says READONLY`);
    if (command.flags.includes('readonly') && !readonly) mismatches.push(`${command.name}: read-only, not READONLY`);
    const blocking = (spec.flags & F.BLOCKING) !== 0;
    if (command.flags.includes('blocking') !== blocking && !BLOCKING_BY_TIMEOUT.has(spec.name)) {
      mismatches.push(`${command.name}: blocking ${command.flags.includes('blocking')}, registry ${blocking}`);
    }
    if ((spec.flags & F.PUBSUB) !== 0 && !command.flags.includes('pubsub')) {
      mismatches.push(`${command.name}: PUBSUB in the registry, not a pub/sub command to the server`);
    }
  }
  assert.deepEqual(mismatches, []);
});

test('the first key is where COMMAND INFO says it is', () => {
  const mismatches: string[] = [];
  let checked = 0;
  for (const command of serverCommands) {
    const spec = commandSpec(command.name.split(' '));
    if (spec === undefined) continue;
    const first = spec.keySpecs?.[0]?.begin;
    if (command.firstKey > 0) {
      checked++;
      if (first !== command.firstKey)
        mismatches.push(`${command.name}: first key ${command.firstKey}, registry ${String(first)}`);
    } else if (!command.flags.includes('movablekeys') && spec.keySpecs !== undefined) {
      mismatches.push(`${command.name}: takes no key, the registry finds some`);
    } else if (command.flags.includes('movablekeys') && spec.keySpecs === undefined) {
      mismatches.push(`${command.name}: has keys, the registry finds none`);
    }
  }
  assert.deepEqual(mismatches, []);
  assert.ok(checked > 150, `only ${checked} commands with keys`);
});

/** COMMAND GETKEYS, or [] when the command takes no key (or the arguments do not fit its arity). */
async function serverKeys(args: string[]): Promise<string[] | 'invalid'> {
  try {
    return ((await client.sendCommand(['COMMAND', 'GETKEYS', ...args])) as unknown[]).map(String);
  } catch (err) {
    assert.ok(err instanceof ReplyError, String(err));
    if (/no key arguments/i.test(err.message)) return [];
    return 'invalid';
  }
}

test('keysOf finds what COMMAND GETKEYS finds, for every fixed-position command', async () => {
  const mismatches: string[] = [];
  let compared = 0;
  for (const command of serverCommands) {
    if (command.flags.includes('movablekeys') || SHARD_CHANNEL_COMMANDS.has(command.name)) continue;
    const words = command.name.split(' ');
    // Filler arguments: exactly the arity, and two more for commands that take more.
    const lengths = command.arity > 0 ? [command.arity] : [-command.arity, -command.arity + 2];
    for (const length of lengths) {
      const args = [...words];
      while (args.length < length) args.push(`a${args.length}`);
      const expected = await serverKeys(args);
      if (expected === 'invalid') continue;
      compared++;
      const actual = (keysOf(args) ?? []).map(String);
      if (!isDeepStrictEqual(actual, expected)) {
        mismatches.push(`${args.join(' ')}: server ${expected.join(' ')}, registry ${actual.join(' ')}`);
      }
    }
  }
  assert.deepEqual(mismatches, []);
  assert.ok(compared > 250, `only ${compared} argument lists compared`);
});

test('keysOf finds what COMMAND GETKEYS finds, for the shapes read from the arguments', async () => {
  const samples = [
    'EVAL return 2 a b x',
    'EVALSHA_RO abc 0 x',
    'FCALL f 1 a x',
    'ZUNIONSTORE d 2 a b WEIGHTS 1 2',
    'ZINTER 2 a b WITHSCORES',
    'ZDIFFSTORE d 1 a',
    'SINTERCARD 2 a b LIMIT 1',
    'LMPOP 2 a b LEFT COUNT 2',
    'BLMPOP 0 2 a b LEFT',
    'BZMPOP 1.5 1 a MIN',
    'XREAD COUNT 1 BLOCK 0 STREAMS a b $ $',
    'XREADGROUP GROUP g c COUNT 1 STREAMS a >',
    'SORT k BY w_* GET # STORE d',
    'SORT_RO k ALPHA',
    'GEORADIUS k 0 0 5 km STOREDIST d',
    'GEORADIUSBYMEMBER k m 5 km STORE d',
    'MIGRATE h 6379 k 0 5000',
    'BITOP AND d a b',
    'MSET a 1 b 2 c 3',
    'BLPOP a b c 0',
    'XGROUP CREATE s g $ MKSTREAM',
    'XINFO STREAM s FULL',
    'OBJECT ENCODING k',
    'MEMORY USAGE k SAMPLES 5',
  ];
  for (const sample of samples) {
    const args = sample.split(' ');
    assert.deepEqual((keysOf(args) ?? []).map(String), await serverKeys(args), sample);
  }
  // MIGRATE with KEYS leaves the key argument empty; the keys follow KEYS.
  const migrate = ['MIGRATE', 'h', '6379', '', '0', '5000', 'KEYS', 'a', 'b'];
  assert.deepEqual(keysOf(migrate), await serverKeys(migrate));
});
