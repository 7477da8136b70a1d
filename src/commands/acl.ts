/** ACL: users, their rules, the log of refused commands. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import { NONE, READONLY, checkArgList, integer, invalid, pushValues, type KeyOrKeys } from './arguments.js';
import { asString, toNumber, toStringList } from './decoders.js';
import { mapEntries, stringList } from './reply-records.js';
import { parseClientList, type ClientInfo } from './server.js';

/** A user's rules for one set of commands, keys and channels (the root rules, or one selector). */
export interface AclSelector {
  /** `'+@all -debug'` */
  commands: string;
  /** `'~cache:* %R~app:*'` (empty when none) */
  keys: string;
  /** `'&news.*'` (empty when none) */
  channels: string;
}

/** ACL GETUSER: a user's flags, password hashes and rules. */
export interface AclUser extends AclSelector {
  /** `['on', 'nopass', …]` */
  flags: string[];
  /** SHA-256 hashes of the user's passwords. */
  passwords: string[];
  /** Extra rule sets (Redis ≥ 7.0); a command is allowed when the root rules or any selector allows it. */
  selectors: AclSelector[];
}

/** One entry of ACL LOG: a refused command or failed authentication, counted while it repeats. */
export interface AclLogEntry {
  count: number;
  /** `'command'`, `'key'`, `'channel'` or `'auth'`. */
  reason: string;
  /** `'toplevel'`, `'multi'`, `'lua'` or `'module'`. */
  context: string;
  /** The command, key or channel refused. */
  object: string;
  username: string;
  ageSeconds: number;
  /** The refused client, as CLIENT LIST describes it. */
  clientInfo: ClientInfo;
  /** Redis ≥ 7.2: a unique id, and when the entry was created and last updated (unix ms). */
  entryId?: number;
  timestampCreated?: number;
  timestampLastUpdated?: number;
}

/** `ACL CAT [category]`: the categories, or the commands of one category. */
export function aclCat(category?: string): Command<string[]> {
  const args: RedisArg[] = ['ACL', 'CAT'];
  if (category !== undefined) args.push(category);
  return { args, decode: toStringList, flags: READONLY };
}

/** `ACL DELUSER usernames`: how many users were deleted. */
export function aclDelUser(usernames: KeyOrKeys): Command<number> {
  const args: RedisArg[] = ['ACL', 'DELUSER'];
  pushValues(args, usernames, 'aclDelUser usernames');
  return { args, decode: undefined, flags: NONE };
}

/** `ACL DRYRUN username command…`: `'OK'` when the user may run it, else the reason it would be refused. */
export function aclDryRun(username: RedisArg, command: readonly RedisArg[]): Command<string> {
  checkArgList(command, 'aclDryRun', 'command');
  if (command.length === 0) invalid('aclDryRun command', "a non-empty list, such as ['GET', 'key']", command);
  return { args: ['ACL', 'DRYRUN', username, ...command], decode: undefined, flags: READONLY };
}

/** `ACL GENPASS [bits]`: a random password, hex (256 bits by default). */
export function aclGenPass(bits?: number): Command<string> {
  const args: RedisArg[] = ['ACL', 'GENPASS'];
  if (bits !== undefined) args.push(integer('aclGenPass bits', bits, 1));
  return { args, decode: undefined, flags: READONLY };
}

/** `ACL GETUSER username`: the user's flags, passwords and rules, or null when there is no such user. */
export function aclGetUser(username: RedisArg): Command<AclUser | null> {
  return { args: ['ACL', 'GETUSER', username], decode: decodeAclUser, flags: READONLY };
}

/** `ACL LIST`: every user's rules, one line each (as in an ACL file). */
export function aclList(): Command<string[]> {
  return { args: ['ACL', 'LIST'], decode: toStringList, flags: READONLY };
}

/** `ACL LOAD`: reloads the users from the ACL file. */
export function aclLoad(): Command<'OK'> {
  return { args: ['ACL', 'LOAD'], decode: undefined, flags: NONE };
}

/** `ACL LOG [count]`: the latest refusals, newest first (10 by default). */
export function aclLog(count?: number): Command<AclLogEntry[]> {
  const args: RedisArg[] = ['ACL', 'LOG'];
  if (count !== undefined) args.push(integer('aclLog count', count, 0));
  return { args, decode: decodeAclLog, flags: NONE };
}

/** `ACL LOG RESET`: empties the log. */
export function aclLogReset(): Command<'OK'> {
  return { args: ['ACL', 'LOG', 'RESET'], decode: undefined, flags: NONE };
}

/** `ACL SAVE`: writes the users to the ACL file. */
export function aclSave(): Command<'OK'> {
  return { args: ['ACL', 'SAVE'], decode: undefined, flags: NONE };
}

/**
 * `ACL SETUSER username rules…`: creates the user or applies the rules to it, in order
 * (`['on', '>secret', '~cache:*', '+@read']`). No rules creates a user that can do nothing.
 */
export function aclSetUser(username: RedisArg, rules?: KeyOrKeys): Command<'OK'> {
  const args: RedisArg[] = ['ACL', 'SETUSER', username];
  if (rules !== undefined && !(Array.isArray(rules) && rules.length === 0)) pushValues(args, rules, 'aclSetUser rules');
  return { args, decode: undefined, flags: NONE };
}

/** `ACL USERS`: every username. */
export function aclUsers(): Command<string[]> {
  return { args: ['ACL', 'USERS'], decode: toStringList, flags: READONLY };
}

/** `ACL WHOAMI`: the user the connection is authenticated as. */
export function aclWhoAmI(): Command<string> {
  return { args: ['ACL', 'WHOAMI'], decode: undefined, flags: READONLY };
}

/**
 * Redis 6.2 lists key and channel patterns bare (`['cache:*']`); 7.0 gives one rule string (`'~cache:*'`).
 * Both read as the rule string.
 */
function ruleText(value: RespValue | undefined, prefix: string): string {
  if (Array.isArray(value)) return value.map((pattern) => prefix + asString(pattern)).join(' ');
  return value === undefined || value === null ? '' : asString(value);
}

function decodeSelector(reply: RespValue): AclSelector {
  const selector: AclSelector = { commands: '', keys: '', channels: '' };
  for (const [field, value] of mapEntries(reply)) {
    if (field === 'commands') selector.commands = ruleText(value, '');
    else if (field === 'keys') selector.keys = ruleText(value, '~');
    else if (field === 'channels') selector.channels = ruleText(value, '&');
  }
  return selector;
}

function decodeAclUser(reply: RespValue): AclUser | null {
  if (reply === null) return null;
  const user: AclUser = { flags: [], passwords: [], selectors: [], ...decodeSelector(reply) };
  for (const [field, value] of mapEntries(reply)) {
    if (field === 'flags') user.flags = stringList(value);
    else if (field === 'passwords') user.passwords = stringList(value);
    else if (field === 'selectors') user.selectors = (Array.isArray(value) ? value : []).map(decodeSelector);
  }
  return user;
}

function decodeAclLogEntry(reply: RespValue): AclLogEntry {
  const entry: AclLogEntry = {
    count: 0,
    reason: '',
    context: '',
    object: '',
    username: '',
    ageSeconds: 0,
    clientInfo: {},
  };
  for (const [field, value] of mapEntries(reply)) {
    switch (field) {
      case 'count':
        entry.count = toNumber(value);
        break;
      case 'reason':
      case 'context':
      case 'object':
      case 'username':
        entry[field] = asString(value);
        break;
      case 'age-seconds':
        entry.ageSeconds = toNumber(value);
        break;
      case 'client-info':
        entry.clientInfo = parseClientList(asString(value))[0] ?? {};
        break;
      case 'entry-id':
        entry.entryId = toNumber(value);
        break;
      case 'timestamp-created':
        entry.timestampCreated = toNumber(value);
        break;
      case 'timestamp-last-updated':
        entry.timestampLastUpdated = toNumber(value);
        break;
    }
  }
  return entry;
}

function decodeAclLog(reply: RespValue): AclLogEntry[] {
  return (Array.isArray(reply) ? reply : []).map(decodeAclLogEntry);
}
