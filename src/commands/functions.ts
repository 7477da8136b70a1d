/**
 * Managing Redis functions (Redis ≥ 7.0): FUNCTION LOAD / LIST / DELETE / DUMP / RESTORE / FLUSH / KILL / STATS.
 * Calling them is `fCall` / `fCallRo` (scripting.ts). RESP3 answers LIST and STATS with maps and a set of
 * flags; both protocols decode to the same records and arrays.
 */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import { NONE, READONLY, READ_BUFFERS, checkOptions, invalid, oneOf, optionKeys } from './arguments.js';
import { asString, setField, toArray, toNumber, toRecord, toStringArray } from './decoders.js';

/** One library, as FUNCTION LIST describes it. */
export interface FunctionLibrary {
  libraryName: string;
  /** `'LUA'`. */
  engine: string;
  functions: { name: string; description: string | null; flags: string[] }[];
}

/** FUNCTION LIST WITHCODE: the library and its source. */
export interface FunctionLibraryWithCode extends FunctionLibrary {
  libraryCode: string;
}

export interface FunctionListOptions {
  /** Only libraries whose name matches this glob-style pattern. */
  libraryName?: string;
}

/** FUNCTION STATS (of the node that answers). */
export interface FunctionStats {
  /** The function running now, or null. */
  runningScript: { name: string; command: string[]; durationMs: number } | null;
  /** Per engine (`'LUA'`): how many libraries and functions are loaded. */
  engines: Record<string, { librariesCount: number; functionsCount: number }>;
}

/** What FUNCTION RESTORE does with the libraries already loaded (default APPEND: refuse a name clash). */
export type FunctionRestorePolicy = 'FLUSH' | 'APPEND' | 'REPLACE';

const LOAD_OPTIONS = optionKeys([], ['replace']);
const LIST_OPTIONS = optionKeys(['libraryName']);

/** `FUNCTION LOAD [REPLACE] code`: the library's name (from the code's `#!lua name=…` line). */
export function functionLoad(code: string, options?: { replace?: boolean }): Command<string> {
  if (typeof code !== 'string' || code.length === 0) invalid('functionLoad code', 'a non-empty string', code);
  checkOptions('functionLoad', options, LOAD_OPTIONS);
  const args: RedisArg[] = ['FUNCTION', 'LOAD'];
  if (options?.replace === true) args.push('REPLACE');
  args.push(code);
  return { args, decode: undefined, flags: NONE };
}

function listArgs(method: string, options: FunctionListOptions | undefined): RedisArg[] {
  checkOptions(method, options, LIST_OPTIONS);
  const args: RedisArg[] = ['FUNCTION', 'LIST'];
  if (options?.libraryName !== undefined) args.push('LIBRARYNAME', options.libraryName);
  return args;
}

/** `FUNCTION LIST [LIBRARYNAME pattern]`: the loaded libraries and their functions. */
export function functionList(options?: FunctionListOptions): Command<FunctionLibrary[]> {
  return { args: listArgs('functionList', options), decode: decodeLibraries, flags: READONLY };
}

/** `FUNCTION LIST … WITHCODE`: the libraries with their source code. */
export function functionListWithCode(options?: FunctionListOptions): Command<FunctionLibraryWithCode[]> {
  const args = listArgs('functionListWithCode', options);
  args.push('WITHCODE');
  return { args, decode: decodeLibraries, flags: READONLY };
}

/** `FUNCTION DELETE library`. */
export function functionDelete(libraryName: RedisArg): Command<'OK'> {
  return { args: ['FUNCTION', 'DELETE', libraryName], decode: undefined, flags: NONE };
}

/** `FUNCTION DUMP`: every library, serialized (always a Buffer: the payload is binary). */
export function functionDump(): Command<Buffer> {
  return { args: ['FUNCTION', 'DUMP'], decode: undefined, flags: READ_BUFFERS };
}

/** `FUNCTION RESTORE payload [FLUSH | APPEND | REPLACE]`: loads the libraries of a `functionDump`. */
export function functionRestore(serialized: Buffer, policy?: FunctionRestorePolicy): Command<'OK'> {
  if (!Buffer.isBuffer(serialized)) invalid('functionRestore serialized', 'a Buffer from functionDump()', serialized);
  const args: RedisArg[] = ['FUNCTION', 'RESTORE', serialized];
  if (policy !== undefined) args.push(oneOf('functionRestore policy', policy, ['FLUSH', 'APPEND', 'REPLACE']));
  return { args, decode: undefined, flags: NONE };
}

/** `FUNCTION FLUSH [ASYNC | SYNC]`: deletes every library. */
export function functionFlush(mode?: 'ASYNC' | 'SYNC'): Command<'OK'> {
  const args: RedisArg[] = ['FUNCTION', 'FLUSH'];
  if (mode !== undefined) args.push(oneOf('functionFlush mode', mode, ['ASYNC', 'SYNC']));
  return { args, decode: undefined, flags: NONE };
}

/** `FUNCTION KILL`: stops the running function if it has not written (fails with NOTBUSY when none runs). */
export function functionKill(): Command<'OK'> {
  return { args: ['FUNCTION', 'KILL'], decode: undefined, flags: NONE };
}

/** `FUNCTION STATS`: the running function, and what each engine has loaded. */
export function functionStats(): Command<FunctionStats> {
  return { args: ['FUNCTION', 'STATS'], decode: decodeStats, flags: READONLY };
}

function decodeLibraries(reply: RespValue): FunctionLibraryWithCode[] {
  return toArray(reply).map((row) => {
    const r = toRecord(row);
    const library: FunctionLibrary & { libraryCode?: string } = {
      libraryName: asString(r['library_name'] ?? ''),
      engine: asString(r['engine'] ?? ''),
      functions: toArray(r['functions'] ?? null).map((fn) => {
        const f = toRecord(fn);
        const description = f['description'] ?? null;
        return {
          name: asString(f['name'] ?? ''),
          description: description === null ? null : asString(description),
          flags: toStringArray(f['flags'] ?? null),
        };
      }),
    };
    const code = r['library_code'];
    if (code !== undefined && code !== null) library.libraryCode = asString(code);
    return library as FunctionLibraryWithCode;
  });
}

function decodeStats(reply: RespValue): FunctionStats {
  const r = toRecord(reply);
  const running = r['running_script'] ?? null;
  let runningScript: FunctionStats['runningScript'] = null;
  if (running !== null) {
    const s = toRecord(running);
    runningScript = {
      name: asString(s['name'] ?? ''),
      command: toStringArray(s['command'] ?? null),
      durationMs: toNumber(s['duration_ms'] ?? null),
    };
  }
  const engines: FunctionStats['engines'] = {};
  for (const [name, value] of Object.entries(toRecord(r['engines'] ?? null))) {
    const e = toRecord(value);
    setField(engines, name, {
      librariesCount: toNumber(e['libraries_count'] ?? null),
      functionsCount: toNumber(e['functions_count'] ?? null),
    });
  }
  return { runningScript, engines };
}
