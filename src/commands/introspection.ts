/** What a server says about its commands: COMMAND COUNT, DOCS, GETKEYS, GETKEYSANDFLAGS, INFO, LIST. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import { READONLY, checkArgList, checkOptions, invalid, optionKeys, pushValues, type KeyOrKeys } from './arguments.js';
import { asString, setField, toArray, toNumber, toStringList } from './decoders.js';
import { camelCase, camelRecord, mapEntries, stringList, stringOrNumber } from './reply-records.js';

/** COMMAND INFO: where a command finds its keys, as the server describes it (fields camelCased). */
export interface CommandKeySpec {
  /** `['RW', 'access', 'delete']`, … */
  flags: string[];
  notes?: string;
  /** `{ type: 'index', spec: { index: 1 } }` or `{ type: 'keyword', spec: { keyword: 'STREAMS', startfrom: 1 } }`. */
  beginSearch: { type: string; spec: Record<string, string | number> };
  /** `{ type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } }` or `{ type: 'keynum', spec: { keynumidx, firstkey, keystep } }`. */
  findKeys: { type: string; spec: Record<string, string | number> };
}

/** COMMAND INFO: one command (or subcommand, named `'client|kill'`). */
export interface CommandInfo {
  name: string;
  /** Number of arguments with the name; negative: at least that many. */
  arity: number;
  flags: string[];
  firstKey: number;
  lastKey: number;
  step: number;
  /** `['@read', '@string', '@fast']` */
  aclCategories: string[];
  /** Redis ≥ 7.0: hints for clients (`'request_policy:all_shards'`…), key specs and subcommands; empty before. */
  tips: string[];
  keySpecs: CommandKeySpec[];
  subcommands: CommandInfo[];
}

/** COMMAND DOCS: one argument of a command (fields camelCased; nested for blocks and choices). */
export interface CommandArgumentDoc {
  name: string;
  /** `'key'`, `'string'`, `'integer'`, `'double'`, `'pattern'`, `'unix-time'`, `'pure-token'`, `'oneof'`, `'block'` */
  type: string;
  displayText?: string;
  keySpecIndex?: number;
  token?: string;
  summary?: string;
  since?: string;
  deprecatedSince?: string;
  /** `['optional', 'multiple', 'multiple_token']` */
  flags?: string[];
  arguments?: CommandArgumentDoc[];
}

/** COMMAND DOCS: one command's documentation (fields camelCased). */
export interface CommandDoc {
  summary: string;
  since: string;
  group: string;
  complexity: string;
  module?: string;
  /** `['deprecated']`, `['syscmd']` */
  docFlags?: string[];
  deprecatedSince?: string;
  replacedBy?: string;
  /** `[version, what changed]` */
  history?: [version: string, description: string][];
  arguments?: CommandArgumentDoc[];
  /** By name (`'object|encoding'`). */
  subcommands?: Record<string, CommandDoc>;
}

/** COMMAND GETKEYSANDFLAGS: one key of a command and how the command uses it. */
export interface CommandKeyFlags {
  key: string;
  /** `['RW', 'access', 'delete']`, … */
  flags: string[];
}

/** COMMAND LIST filter: at most one. */
export interface CommandListFilter {
  /** Only the commands of this module. */
  module?: string;
  /** Only the commands of this ACL category (`'read'`, `'admin'`). */
  aclCat?: string;
  /** Only the names matching this glob. */
  pattern?: string;
}

const COMMAND_LIST_FILTER = optionKeys(['module', 'aclCat', 'pattern']);

/** `COMMAND COUNT`: how many commands the server has. */
export function commandCount(): Command<number> {
  return { args: ['COMMAND', 'COUNT'], decode: undefined, flags: READONLY };
}

/** `COMMAND DOCS [names]` (Redis ≥ 7.0): documentation by command name, of these commands or all. */
export function commandDocs(names?: KeyOrKeys): Command<Record<string, CommandDoc>> {
  const args: RedisArg[] = ['COMMAND', 'DOCS'];
  if (names !== undefined) pushValues(args, names, 'commandDocs names');
  return { args, decode: decodeCommandDocs, flags: READONLY };
}

/** `COMMAND GETKEYS command…`: the keys of a full command (`['SET', 'k', 'v']` → `['k']`). */
export function commandGetKeys(command: readonly RedisArg[]): Command<string[]> {
  return {
    args: ['COMMAND', 'GETKEYS', ...fullCommand('commandGetKeys', command)],
    decode: toStringList,
    flags: READONLY,
  };
}

/** `COMMAND GETKEYSANDFLAGS command…` (Redis ≥ 7.0): the keys of a full command and how it uses each. */
export function commandGetKeysAndFlags(command: readonly RedisArg[]): Command<CommandKeyFlags[]> {
  const args: RedisArg[] = ['COMMAND', 'GETKEYSANDFLAGS', ...fullCommand('commandGetKeysAndFlags', command)];
  return { args, decode: decodeKeysAndFlags, flags: READONLY };
}

/**
 * `COMMAND INFO names`: each command's arity, flags, key positions and ACL categories (null for an unknown
 * name); without names, every command (bare `COMMAND`).
 */
export function commandInfo(names?: KeyOrKeys): Command<(CommandInfo | null)[]> {
  const args: RedisArg[] = ['COMMAND'];
  if (names !== undefined) {
    args.push('INFO');
    pushValues(args, names, 'commandInfo names');
  }
  return { args, decode: decodeCommandInfos, flags: READONLY };
}

/** `COMMAND LIST [FILTERBY …]` (Redis ≥ 7.0): command names, all or those of a module, ACL category or pattern. */
export function commandList(filter?: CommandListFilter): Command<string[]> {
  checkOptions('commandList', filter, COMMAND_LIST_FILTER, 'filter');
  const args: RedisArg[] = ['COMMAND', 'LIST'];
  if (filter !== undefined) {
    const given = (['module', 'aclCat', 'pattern'] as const).filter((k) => filter[k] !== undefined);
    if (given.length > 1) invalid('commandList filter', 'at most one of module, aclCat, pattern', filter);
    if (filter.module !== undefined) args.push('FILTERBY', 'MODULE', filter.module);
    else if (filter.aclCat !== undefined) args.push('FILTERBY', 'ACLCAT', filter.aclCat);
    else if (filter.pattern !== undefined) args.push('FILTERBY', 'PATTERN', filter.pattern);
  }
  return { args, decode: toStringList, flags: READONLY };
}

function fullCommand(method: string, command: readonly RedisArg[]): readonly RedisArg[] {
  checkArgList(command, method, 'command');
  if (command.length === 0) invalid(`${method} command`, "a non-empty list, such as ['SET', 'k', 'v']", command);
  return command;
}

function decodeKeysAndFlags(reply: RespValue): CommandKeyFlags[] {
  return toArray(reply).map((row) => {
    const [key, flags] = toArray(row);
    return { key: asString(key ?? ''), flags: stringList(flags ?? null) };
  });
}

function decodeSearch(reply: RespValue): { type: string; spec: Record<string, string | number> } {
  const out = { type: '', spec: {} as Record<string, string | number> };
  for (const [field, value] of mapEntries(reply)) {
    if (field === 'type') out.type = asString(value);
    else if (field === 'spec') out.spec = camelRecord(value, stringOrNumber);
  }
  return out;
}

function decodeKeySpec(reply: RespValue): CommandKeySpec {
  const spec: CommandKeySpec = {
    flags: [],
    beginSearch: { type: '', spec: {} },
    findKeys: { type: '', spec: {} },
  };
  for (const [field, value] of mapEntries(reply)) {
    if (field === 'flags') spec.flags = stringList(value);
    else if (field === 'notes') spec.notes = asString(value);
    else if (field === 'begin_search') spec.beginSearch = decodeSearch(value);
    else if (field === 'find_keys') spec.findKeys = decodeSearch(value);
  }
  return spec;
}

function decodeCommandInfo(reply: RespValue): CommandInfo | null {
  if (!Array.isArray(reply)) return null;
  const [name, arity, flags, firstKey, lastKey, step, categories, tips, keySpecs, subcommands] = reply;
  return {
    name: asString(name ?? ''),
    arity: toNumber(arity ?? null),
    flags: stringList(flags ?? null),
    firstKey: toNumber(firstKey ?? null),
    lastKey: toNumber(lastKey ?? null),
    step: toNumber(step ?? null),
    aclCategories: stringList(categories ?? null),
    tips: stringList(tips ?? null),
    keySpecs: toArray(keySpecs ?? null).map(decodeKeySpec),
    subcommands: toArray(subcommands ?? null).flatMap((sub) => decodeCommandInfo(sub) ?? []),
  };
}

function decodeCommandInfos(reply: RespValue): (CommandInfo | null)[] {
  return toArray(reply).map(decodeCommandInfo);
}

/** Fields whose values are lists of words, in docs and their arguments. */
const WORD_LISTS = new Set(['flags', 'doc_flags']);

function decodeArgumentDoc(reply: RespValue): CommandArgumentDoc {
  const doc: Record<string, unknown> = {};
  for (const [field, value] of mapEntries(reply)) {
    let converted: unknown;
    if (field === 'arguments') converted = toArray(value).map(decodeArgumentDoc);
    else if (WORD_LISTS.has(field)) converted = stringList(value);
    else converted = stringOrNumber(value);
    setField(doc, camelCase(field), converted);
  }
  return doc as unknown as CommandArgumentDoc;
}

function decodeCommandDoc(reply: RespValue): CommandDoc {
  const doc: Record<string, unknown> = {};
  for (const [field, value] of mapEntries(reply)) {
    let converted: unknown;
    if (field === 'arguments') converted = toArray(value).map(decodeArgumentDoc);
    else if (field === 'subcommands') converted = decodeCommandDocs(value);
    else if (field === 'history') {
      converted = toArray(value).map((entry) => {
        const [version, description] = toArray(entry);
        return [asString(version ?? ''), asString(description ?? '')];
      });
    } else if (WORD_LISTS.has(field)) converted = stringList(value);
    else converted = stringOrNumber(value);
    setField(doc, camelCase(field), converted);
  }
  return doc as unknown as CommandDoc;
}

function decodeCommandDocs(reply: RespValue): Record<string, CommandDoc> {
  const out: Record<string, CommandDoc> = {};
  for (const [name, doc] of mapEntries(reply)) setField(out, name, decodeCommandDoc(doc));
  return out;
}
