/**
 * Which commands of a server a client application calls ("client-facing"), which of them have a typed method,
 * and the README's "Command coverage" section that says so. The one list of what is left out, and why, is
 * NOT_CLIENT_FACING below (plus three rules read from COMMAND DOCS: HELP subcommands, `syscmd` and deprecated
 * commands). Used by test/integration/command-coverage.test.ts (`npm run coverage:commands` rewrites the README).
 */
import { commandSpec } from '../../src/commands/registry.js';
import { builtCommands } from './command-samples.js';

/** Commands a client reaches through other API, or that an application should not send; with the reason. */
export const NOT_CLIENT_FACING: readonly {
  readonly group: string;
  readonly names: readonly string[];
  readonly why: string;
}[] = [
  {
    group: 'Transactions',
    names: ['MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH'],
    why: '`client.multi()`, and `watch()` on a `withConn` connection',
  },
  {
    group: 'Subscriptions',
    names: ['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE'],
    why: '`client.subscribe()` and its subscriber connection',
  },
  {
    group: "The handshake and the connection's lifetime",
    names: ['HELLO', 'AUTH', 'QUIT', 'RESET'],
    why: 'the `protocol`, `username` and `password` options, and `close()`',
  },
  {
    group: 'Monitoring',
    names: ['MONITOR'],
    why: 'turns the connection into an endless stream of every command; a debugging tool (`redis-cli monitor`)',
  },
  {
    group: 'Replication and cluster internals',
    names: ['SYNC', 'PSYNC', 'REPLCONF', 'ASKING', 'READONLY', 'READWRITE'],
    why: 'sent by replicas, or by the cluster client itself (ASK redirects, reads from replicas)',
  },
  {
    group: 'Server lifetime',
    names: ['DEBUG', 'SHUTDOWN', 'SAVE'],
    why: 'operator actions that stop, stall or test the server; run them from `redis-cli`',
  },
  {
    group: 'Refused',
    names: ['SCRIPT DEBUG', 'CLIENT REPLY'],
    why:
      'respool refuses SCRIPT DEBUG YES/SYNC and CLIENT REPLY OFF/SKIP on every path: an interactive Lua ' +
      'debugger, or skipped replies, would break the matching of replies to commands',
  },
];

/** One command (or subcommand: `'CLIENT KILL'`) of the server, as COMMAND DOCS describes it. */
export interface DocumentedCommand {
  name: string;
  docFlags: string[];
  deprecated: boolean;
  fromModule: boolean;
}

export interface Coverage {
  /** The server's client-facing commands, sorted. */
  clientFacing: string[];
  /** Those with a typed method. */
  typed: string[];
  /** Those without. */
  untyped: string[];
  /** Typed commands the server does not have (newer than it), sorted. */
  newer: string[];
  /** Left out by rule, per rule, sorted. */
  help: string[];
  internal: string[];
  deprecated: string[];
}

/** `[[key, value], …]` of a RESP3 Map or a RESP2 flat array. */
function entries(value: unknown): [string, unknown][] {
  if (value instanceof Map) return [...value].map(([k, v]) => [String(k), v]);
  if (!Array.isArray(value)) return [];
  const out: [string, unknown][] = [];
  for (let i = 0; i + 1 < value.length; i += 2) out.push([String(value[i]), value[i + 1]]);
  return out;
}

/** The reply of `COMMAND DOCS` (either protocol) as one entry per command and subcommand. */
export function documentedCommands(reply: unknown): DocumentedCommand[] {
  const out: DocumentedCommand[] = [];
  const add = (name: string, fields: unknown, inherited: boolean): void => {
    const doc = new Map(entries(fields));
    const docFlags = Array.isArray(doc.get('doc_flags')) ? (doc.get('doc_flags') as unknown[]).map(String) : [];
    const fromModule = inherited || doc.has('module');
    const subcommands = entries(doc.get('subcommands'));
    if (subcommands.length > 0) {
      for (const [sub, subFields] of subcommands) add(sub, subFields, fromModule);
      return;
    }
    out.push({
      name: name.toUpperCase().replace('|', ' '),
      docFlags,
      deprecated: docFlags.includes('deprecated') || doc.has('deprecated_since'),
      fromModule,
    });
  };
  for (const [name, fields] of entries(reply)) add(name, fields, false);
  return out;
}

/** The Redis commands the typed methods emit (read from the sample calls of every method). */
export function typedCommandNames(): Set<string> {
  const names = new Set<string>();
  for (const { command } of builtCommands()) {
    const spec = commandSpec(command.args);
    if (spec !== undefined) names.add(spec.name);
  }
  return names;
}

export function computeCoverage(documented: readonly DocumentedCommand[], typed: ReadonlySet<string>): Coverage {
  const listed = new Set(NOT_CLIENT_FACING.flatMap((group) => group.names));
  const help: string[] = [];
  const internal: string[] = [];
  const deprecated: string[] = [];
  const clientFacing: string[] = [];
  for (const command of documented) {
    if (command.fromModule || listed.has(command.name)) continue;
    if (command.name.endsWith(' HELP')) help.push(command.name);
    else if (command.deprecated) deprecated.push(command.name);
    else if (command.docFlags.includes('syscmd')) internal.push(command.name);
    else clientFacing.push(command.name);
  }
  clientFacing.sort();
  const onServer = new Set(documented.map((c) => c.name));
  return {
    clientFacing,
    typed: clientFacing.filter((name) => typed.has(name)),
    untyped: clientFacing.filter((name) => !typed.has(name)),
    // A container typed bare (COMMAND, for every command's info) is on the server through its subcommands.
    newer: [...typed]
      .filter((name) => !onServer.has(name) && !documented.some((c) => c.name.startsWith(`${name} `)))
      .sort(),
    help: help.sort(),
    internal: internal.sort(),
    deprecated: deprecated.sort(),
  };
}

/** The README section, from its heading to its last line (a blank line then separates it from the next heading). */
export function renderSection(coverage: Coverage, server: string): string {
  const { clientFacing, typed, untyped, newer } = coverage;
  const percent = ((100 * typed.length) / clientFacing.length).toFixed(1);
  const list = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(', '));
  const lines = [
    '### Command coverage',
    '',
    `<!-- Generated from ${server}'s COMMAND DOCS by \`npm run coverage:commands\`; ` +
      'test/integration/command-coverage.test.ts fails when it is out of date. -->',
    '',
    `Typed methods cover **${typed.length} of the ${clientFacing.length} client-facing commands of ${server}** ` +
      `(${percent}%), plus ${newer.length} newer ones: ${list(newer)}.`,
    '',
    `Still untyped (call them with \`client.sendCommand\`): ${list(untyped)}.`,
    '',
    'Not client-facing, so not counted:',
    '',
    ...NOT_CLIENT_FACING.map(({ group, names, why }) => `- ${group} (${names.join(', ')}): ${why}.`),
    `- Help subcommands (${list(coverage.help)}): text for people at a prompt.`,
    `- Internal commands (${list(coverage.internal)}): COMMAND DOCS flags them \`syscmd\`.`,
    `- Deprecated commands (${list(coverage.deprecated)}): COMMAND DOCS names their replacements.`,
  ];
  return lines.join('\n');
}

/** Where the section starts and ends in the README text (end: the start of the next heading). */
export function findSection(readme: string): { start: number; end: number } | undefined {
  const start = readme.indexOf('\n### Command coverage\n');
  if (start === -1) return undefined;
  const next = readme.slice(start + 1).search(/\n#{2,3} /);
  const end = next === -1 ? readme.length : start + 1 + next + 1;
  return { start: start + 1, end };
}
