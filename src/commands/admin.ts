/** Operating one server: ROLE, replication, failover, persistence in the background, modules. */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import {
  NONE,
  READONLY,
  checkArgList,
  checkOptions,
  checkShape,
  integer,
  invalid,
  optionKeys,
  pushFieldValues,
  timeoutMs,
  type FieldValues,
} from './arguments.js';
import { asString, toArray, toNumber } from './decoders.js';
import { mapEntries, stringList } from './reply-records.js';

/** A replica as its master's ROLE lists it. */
export interface RoleReplica {
  host: string;
  port: number;
  /** The replication offset the replica acknowledged. */
  replicationOffset: number;
}

/** ROLE: what the server is in replication. Redis says `slave` for replicas; respool says `'replica'`. */
export type RoleInfo =
  | { role: 'master'; replicationOffset: number; replicas: RoleReplica[] }
  | {
      role: 'replica';
      masterHost: string;
      masterPort: number;
      /** `'connect'`, `'connecting'`, `'sync'`, `'connected'` (or `'handshake'`, `'none'`). */
      state: string;
      /** The offset received from the master so far (-1 while connecting). */
      replicationOffset: number;
    }
  | { role: 'sentinel'; masterNames: string[] };

/** MODULE LIST: one loaded module. */
export interface ModuleInfo {
  name: string;
  /** The module's version, as a number (`10000` for 1.0.0). */
  ver: number;
  /** Redis ≥ 7.0: where it was loaded from, and its load arguments. */
  path?: string;
  args?: string[];
}

/** FAILOVER options: where to, whether to force, how long to wait; or `abort` alone. */
export interface FailoverOptions {
  /** The replica to promote (default: one the master picks); `force` promotes it even if it is behind. */
  to?: { host: string; port: number; force?: boolean };
  /** Stops an ongoing failover. */
  abort?: boolean;
  /** Give up after this many ms (the master then resumes writes). */
  timeout?: number;
}

const FAILOVER_OPTIONS = optionKeys(['to', 'timeout'], ['abort']);
const FAILOVER_TARGET = optionKeys(['host', 'port'], ['force']);
const BGSAVE_OPTIONS = optionKeys([], ['schedule']);
const MODULE_LOADEX_OPTIONS = optionKeys(['configs', 'args']);

/** `ROLE`: master with its replicas, replica with its master and link state, or sentinel with its masters. */
export function role(): Command<RoleInfo> {
  return { args: ['ROLE'], decode: decodeRole, flags: READONLY };
}

/**
 * `BGSAVE [SCHEDULE]`: starts an RDB save in the background (the server's status text). With `schedule`, waits
 * for an AOF rewrite in progress instead of failing.
 */
export function bgSave(options?: { schedule?: boolean }): Command<string> {
  checkOptions('bgSave', options, BGSAVE_OPTIONS);
  return { args: options?.schedule === true ? ['BGSAVE', 'SCHEDULE'] : ['BGSAVE'], decode: undefined, flags: NONE };
}

/** `BGREWRITEAOF`: starts rewriting the append-only file in the background (the server's status text). */
export function bgRewriteAof(): Command<string> {
  return { args: ['BGREWRITEAOF'], decode: undefined, flags: NONE };
}

/** `REPLICAOF host port`: makes the server a replica of that master (its data is replaced). */
export function replicaOf(host: string, port: number): Command<'OK'> {
  if (typeof host !== 'string' || host.length === 0) invalid('replicaOf host', 'a host name or address', host);
  return { args: ['REPLICAOF', host, integer('replicaOf port', port, 1)], decode: undefined, flags: NONE };
}

/** `REPLICAOF NO ONE`: makes a replica a master, keeping its data. */
export function replicaOfNoOne(): Command<'OK'> {
  return { args: ['REPLICAOF', 'NO', 'ONE'], decode: undefined, flags: NONE };
}

/** `FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]`: hands the master role to a replica, without losing writes. */
export function failover(options?: FailoverOptions): Command<'OK'> {
  checkOptions('failover', options, FAILOVER_OPTIONS);
  const args: RedisArg[] = ['FAILOVER'];
  if (options?.abort === true) {
    if (options.to !== undefined || options.timeout !== undefined) {
      invalid('failover options', 'abort alone (ABORT takes no TO or TIMEOUT)', options);
    }
    args.push('ABORT');
    return { args, decode: undefined, flags: NONE };
  }
  const to = options?.to;
  if (to !== undefined) {
    checkShape('failover', to, FAILOVER_TARGET, 'options.to');
    args.push('TO', to.host, integer('failover options.to.port', to.port, 1));
    if (to.force === true) args.push('FORCE');
  }
  if (options?.timeout !== undefined) args.push('TIMEOUT', timeoutMs('failover options.timeout', options.timeout));
  if (to?.force === true && options?.timeout === undefined) {
    invalid(
      'failover options.timeout',
      'given with to.force (Redis forces the failover only after a timeout)',
      undefined,
    );
  }
  return { args, decode: undefined, flags: NONE };
}

/** `MODULE LIST`: the loaded modules. */
export function moduleList(): Command<ModuleInfo[]> {
  return { args: ['MODULE', 'LIST'], decode: decodeModuleList, flags: READONLY };
}

/** `MODULE LOAD path [args]`: loads a module (needs `enable-module-command` on Redis ≥ 7.0). */
export function moduleLoad(path: string, args?: readonly RedisArg[]): Command<'OK'> {
  if (args !== undefined) checkArgList(args, 'moduleLoad', 'args');
  return { args: ['MODULE', 'LOAD', path, ...(args ?? [])], decode: undefined, flags: NONE };
}

/** `MODULE LOADEX path [CONFIG name value…] [ARGS args…]` (Redis ≥ 7.0): loads a module with configuration. */
export function moduleLoadEx(
  path: string,
  options?: { configs?: FieldValues; args?: readonly RedisArg[] },
): Command<'OK'> {
  checkOptions('moduleLoadEx', options, MODULE_LOADEX_OPTIONS);
  const args: RedisArg[] = ['MODULE', 'LOADEX', path];
  if (options?.configs !== undefined) {
    const pairs: RedisArg[] = [];
    pushFieldValues(pairs, options.configs, 'moduleLoadEx options.configs');
    for (let i = 0; i < pairs.length; i += 2) args.push('CONFIG', pairs[i]!, pairs[i + 1]!);
  }
  if (options?.args !== undefined) {
    checkArgList(options.args, 'moduleLoadEx', 'options.args');
    if (options.args.length > 0) args.push('ARGS', ...options.args);
  }
  return { args, decode: undefined, flags: NONE };
}

/** `MODULE UNLOAD name`: unloads a module. */
export function moduleUnload(name: string): Command<'OK'> {
  return { args: ['MODULE', 'UNLOAD', name], decode: undefined, flags: NONE };
}

function decodeRole(reply: RespValue): RoleInfo {
  const [kind, ...rest] = toArray(reply);
  const name = asString(kind ?? '');
  if (name === 'master') {
    const replicas = toArray(rest[1] ?? null).map((row) => {
      const [host, port, offset] = toArray(row);
      return { host: asString(host ?? ''), port: toNumber(port ?? null), replicationOffset: toNumber(offset ?? null) };
    });
    return { role: 'master', replicationOffset: toNumber(rest[0] ?? null), replicas };
  }
  if (name === 'slave' || name === 'replica') {
    const [host, port, state, offset] = rest;
    return {
      role: 'replica',
      masterHost: asString(host ?? ''),
      masterPort: toNumber(port ?? null),
      state: asString(state ?? ''),
      replicationOffset: toNumber(offset ?? null),
    };
  }
  return { role: 'sentinel', masterNames: stringList(rest[0] ?? null) };
}

function decodeModuleList(reply: RespValue): ModuleInfo[] {
  return toArray(reply).map((entry) => {
    const module: ModuleInfo = { name: '', ver: 0 };
    for (const [field, value] of mapEntries(entry)) {
      if (field === 'name') module.name = asString(value);
      else if (field === 'ver') module.ver = toNumber(value);
      else if (field === 'path') module.path = asString(value);
      else if (field === 'args') module.args = stringList(value);
    }
    return module;
  });
}
