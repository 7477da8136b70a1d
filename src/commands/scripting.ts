/**
 * Lua scripting and functions. Replies are returned as decoded (`RespValue`): a script decides
 * its own reply shape. For EVALSHA with a NOSCRIPT fallback, use the client's `defineScript`.
 */
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Command } from './command.js';
import { NONE, READONLY, invalid, oneOf } from './arguments.js';
import { toBooleanArray } from './decoders.js';

function scriptCall(
  name: string,
  body: string,
  keys: readonly RedisArg[] | undefined,
  args: readonly RedisArg[] | undefined,
  flags: number,
): Command<RespValue> {
  const label = name.toLowerCase();
  if (typeof body !== 'string' || body.length === 0) invalid(`${label} script`, 'a non-empty string', body);
  if (keys !== undefined && !Array.isArray(keys)) invalid(`${label} keys`, 'an array', keys);
  if (args !== undefined && !Array.isArray(args)) invalid(`${label} args`, 'an array', args);
  const out: RedisArg[] = [name, body, keys === undefined ? 0 : keys.length];
  if (keys !== undefined) for (let i = 0; i < keys.length; i++) out.push(keys[i] as RedisArg);
  if (args !== undefined) for (let i = 0; i < args.length; i++) out.push(args[i] as RedisArg);
  return { args: out, decode: undefined, flags, keys: keys === undefined ? [] : keys.slice() };
}

/** `EVAL script numkeys keys… args…`: the script's reply. */
export function evalScript(script: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]): Command<RespValue> {
  return scriptCall('EVAL', script, keys, args, NONE);
}

/** `EVAL_RO`: a read-only script (may run on replicas; safe to retry). */
export function evalRo(script: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]): Command<RespValue> {
  return scriptCall('EVAL_RO', script, keys, args, READONLY);
}

/** `EVALSHA sha1 numkeys keys… args…`; fails with NOSCRIPT when the server does not have it. */
export function evalSha(sha1: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]): Command<RespValue> {
  return scriptCall('EVALSHA', sha1, keys, args, NONE);
}

export function evalShaRo(sha1: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]): Command<RespValue> {
  return scriptCall('EVALSHA_RO', sha1, keys, args, READONLY);
}

/** `FCALL function numkeys keys… args…`: calls a loaded Redis function. */
export function fCall(fn: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]): Command<RespValue> {
  return scriptCall('FCALL', fn, keys, args, NONE);
}

export function fCallRo(fn: string, keys?: readonly RedisArg[], args?: readonly RedisArg[]): Command<RespValue> {
  return scriptCall('FCALL_RO', fn, keys, args, READONLY);
}

/** `SCRIPT LOAD`: the script's SHA1. */
export function scriptLoad(script: string): Command<string> {
  if (typeof script !== 'string' || script.length === 0) invalid('scriptLoad script', 'a non-empty string', script);
  return { args: ['SCRIPT', 'LOAD', script], decode: undefined, flags: NONE };
}

/** `SCRIPT EXISTS`: one boolean per SHA1. */
export function scriptExists(sha1s: readonly string[]): Command<boolean[]> {
  if (!Array.isArray(sha1s) || sha1s.length === 0) invalid('scriptExists sha1s', 'a non-empty list', sha1s);
  return { args: ['SCRIPT', 'EXISTS', ...sha1s], decode: toBooleanArray, flags: READONLY };
}

export function scriptFlush(mode?: 'ASYNC' | 'SYNC'): Command<'OK'> {
  const args: RedisArg[] = ['SCRIPT', 'FLUSH'];
  if (mode !== undefined) args.push(oneOf('scriptFlush mode', mode, ['ASYNC', 'SYNC']));
  return { args, decode: undefined, flags: NONE };
}

/** `SCRIPT KILL`: stops the running read-only script. */
export function scriptKill(): Command<'OK'> {
  return { args: ['SCRIPT', 'KILL'], decode: undefined, flags: NONE };
}
