/**
 * The thin layer around every CommandSet method, installed once at module load:
 * - refuses calls with more arguments than the method declares (`set('k', 'v', 'EX', 60)`, ioredis style,
 *   would otherwise drop the expiry without a word);
 * - turns the argument check of `CommandSet.execute` (which only sees the built command) into a message
 *   that names the method and the caller's argument: `set(): argument 2 (value) must be …; got undefined`.
 *
 * Cost on the hot path: one `arguments.length` compare and a try/catch (free when nothing throws).
 * The wrappers take fixed parameters and call the method with them, so no arguments object or rest
 * array is built per call. Everything else runs only when a call is refused.
 */
import { InvalidArgumentError } from '../errors.js';
import { mustBe, optionExample, takeRefusal, type Refusal } from './arguments.js';
import type { Command } from './command.js';

type Method = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Wraps every method of `prototype` but those named in `skip` (once). Methods with rest parameters
 * take any number of arguments.
 */
export function guardMethods(prototype: object, skip: readonly string[]): void {
  for (const name of Object.getOwnPropertyNames(prototype)) {
    if (name === 'constructor' || skip.includes(name)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
    if (descriptor === undefined || typeof descriptor.value !== 'function') continue;
    const method = descriptor.value as Method;
    const wrapped = guard(name, method);
    Object.defineProperty(wrapped, 'name', { value: name });
    Object.defineProperty(wrapped, 'length', { value: method.length });
    Object.defineProperty(prototype, name, { ...descriptor, value: wrapped });
  }
}

// `arguments.length` (not a rest parameter) is the allocation-free way to count what the caller passed.
function guard(name: string, m: Method): Method {
  const hasRest = parameterNames(m).some((p) => p.startsWith('...'));
  if (hasRest) {
    return function (this: unknown, ...args: unknown[]) {
      try {
        return m.apply(this, args);
      } catch (error) {
        throw explain(error, name, m, args);
      }
    };
  }
  // One wrapper per arity, with fixed parameters: V8 passes them through without building an array.
  switch (m.length) {
    case 0:
      return function (this: unknown) {
        if (arguments.length > 0) throw tooMany(name, m, arguments.length);
        return m.call(this);
      };
    case 1:
      return function (this: unknown, a: unknown) {
        if (arguments.length > 1) throw tooMany(name, m, arguments.length);
        try {
          return m.call(this, a);
        } catch (error) {
          throw explain(error, name, m, [a]);
        }
      };
    case 2:
      return function (this: unknown, a: unknown, b: unknown) {
        if (arguments.length > 2) throw tooMany(name, m, arguments.length);
        try {
          return m.call(this, a, b);
        } catch (error) {
          throw explain(error, name, m, [a, b]);
        }
      };
    case 3:
      return function (this: unknown, a: unknown, b: unknown, c: unknown) {
        if (arguments.length > 3) throw tooMany(name, m, arguments.length);
        try {
          return m.call(this, a, b, c);
        } catch (error) {
          throw explain(error, name, m, [a, b, c]);
        }
      };
    case 4:
      return function (this: unknown, a: unknown, b: unknown, c: unknown, d: unknown) {
        if (arguments.length > 4) throw tooMany(name, m, arguments.length);
        try {
          return m.call(this, a, b, c, d);
        } catch (error) {
          throw explain(error, name, m, [a, b, c, d]);
        }
      };
    case 5:
      return function (this: unknown, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown) {
        if (arguments.length > 5) throw tooMany(name, m, arguments.length);
        try {
          return m.call(this, a, b, c, d, e);
        } catch (error) {
          throw explain(error, name, m, [a, b, c, d, e]);
        }
      };
    case 6:
      return function (this: unknown, a: unknown, b: unknown, c: unknown, d: unknown, e: unknown, f: unknown) {
        if (arguments.length > 6) throw tooMany(name, m, arguments.length);
        try {
          return m.call(this, a, b, c, d, e, f);
        } catch (error) {
          throw explain(error, name, m, [a, b, c, d, e, f]);
        }
      };
    default: {
      const declared = m.length;
      return function (this: unknown, ...args: unknown[]) {
        if (args.length > declared) throw tooMany(name, m, args.length);
        try {
          return m.apply(this, args);
        } catch (error) {
          throw explain(error, name, m, args);
        }
      };
    }
  }
}

/** `set() takes at most 3 arguments (key, value, options); got 4. …` */
function tooMany(name: string, m: Method, given: number): InvalidArgumentError {
  const params = parameterNames(m);
  let message =
    params.length === 0
      ? `${name}() takes no arguments; got ${given}.`
      : `${name}() takes at most ${params.length} argument${params.length === 1 ? '' : 's'} ` +
        `(${params.join(', ')}); got ${given}.`;
  if (params.includes('options')) {
    message +=
      ` Options go in one object as the last argument, such as ${optionExample(exampleKey(name))}; ` +
      "respool does not read ioredis-style tokens like 'EX', 60.";
  }
  return new InvalidArgumentError(message);
}

/** The option most callers reach for first, per family (for the example in messages). */
function exampleKey(name: string): string {
  if (name === 'set' || name.startsWith('getEx')) return 'ex';
  if (/Scan$|^scan$/.test(name)) return 'match';
  return 'count';
}

/** Parameter names of a method, read from its source (compiled JS: no types, no defaults in CommandSet). */
function parameterNames(m: Method): string[] {
  const source = Function.prototype.toString.call(m);
  const open = source.indexOf('(');
  const close = source.indexOf(')', open);
  if (open < 0 || close < 0) return [];
  return source
    .slice(open + 1, close)
    .split(',')
    .map((p) => p.replace(/=.*$/s, '').trim())
    .filter((p) => p.length > 0);
}

/**
 * The error to throw for `error`, raised inside guarded method `name` called with `callArgs`: an argument
 * refusal (by the command check or a builder's check) is restated naming the method and the caller's
 * argument; anything else, or a refusal that cannot be traced to an argument, passes through.
 */
function explain(error: unknown, name: string, m: Method, callArgs: readonly unknown[]): unknown {
  const refusal = takeRefusal(error);
  if (refusal === undefined) return error;
  const where = locate(m, callArgs, refusal);
  const problem = mustBe(refusal.expectation, refusal.value);
  if (where === undefined) {
    if (refusal.word === undefined) return error;
    const { args, index } = refusal.word;
    return new InvalidArgumentError(`${name}(): an argument ${problem} (word ${index} of ${String(args[0])})`);
  }
  const param = parameterNames(m)[where.param] ?? `#${where.param + 1}`;
  return new InvalidArgumentError(
    `${name}(): argument ${where.param + 1} (${param}${formatPath(where.path)}) ${problem}`,
  );
}

type Step = { kind: 'index'; at: number } | { kind: 'key'; at: string } | { kind: 'mapKey' | 'mapValue'; at: number };

interface Spot {
  param: number;
  path: Step[];
}

function formatPath(path: readonly Step[]): string {
  let out = '';
  for (const step of path) {
    if (step.kind === 'index') out += `[${step.at}]`;
    else if (step.kind === 'key')
      out += /^[A-Za-z_$][\w$]*$/.test(step.at) ? `.${step.at}` : `[${JSON.stringify(step.at)}]`;
    else out += step.kind === 'mapKey' ? `, key of Map entry ${step.at}` : `, value of Map entry ${step.at}`;
  }
  return out;
}

/**
 * Which of the caller's arguments (or which element or field inside one) holds the refused value.
 * Every place holding that value is a candidate (`set('k', undefined)` has two undefined arguments); each
 * is replaced in turn by a marker string and the method run again on a stand-in that returns the command
 * unchecked. The candidate is the one when the marker takes the refused value's place: in the same word
 * of the command, or in a refusal by the same check (or that check now passes).
 */
function locate(m: Method, callArgs: readonly unknown[], refusal: Refusal): Spot | undefined {
  const spots: Spot[] = [];
  // Parameters the caller left out are undefined too, and may be what was refused.
  if (callArgs.length < m.length) callArgs = [...callArgs, ...new Array<unknown>(m.length - callArgs.length)];
  for (let p = 0; p < callArgs.length; p++) collect(callArgs[p], refusal.value, { param: p, path: [] }, spots, 0);
  // An object is found by identity: one holder is the one.
  const value = refusal.value;
  if (spots.length === 1 && ((typeof value === 'object' && value !== null) || typeof value === 'function')) {
    return spots[0];
  }
  return spots.find((spot) => takesThePlace(m, callArgs, spot, refusal));
}

const MAX_DEPTH = 4;

function collect(holder: unknown, value: unknown, at: Spot, out: Spot[], depth: number): void {
  if (Object.is(holder, value)) {
    out.push(at);
    return;
  }
  if (depth >= MAX_DEPTH || holder === null || typeof holder !== 'object' || Buffer.isBuffer(holder)) return;
  const next = (step: Step): Spot => ({ param: at.param, path: [...at.path, step] });
  if (Array.isArray(holder)) {
    for (let i = 0; i < holder.length; i++) collect(holder[i], value, next({ kind: 'index', at: i }), out, depth + 1);
  } else if (holder instanceof Map) {
    let i = 0;
    for (const [k, v] of holder) {
      collect(k, value, next({ kind: 'mapKey', at: i }), out, depth + 1);
      collect(v, value, next({ kind: 'mapValue', at: i }), out, depth + 1);
      i++;
    }
  } else {
    const proto = Object.getPrototypeOf(holder) as unknown;
    if (proto !== Object.prototype && proto !== null) return;
    const record = holder as Record<string, unknown>;
    for (const key of Object.keys(record)) collect(record[key], value, next({ kind: 'key', at: key }), out, depth + 1);
  }
}

const MARKER = '\u0000respool-probe\u0000';

/** Runs the method again with `spot` replaced by MARKER: does MARKER take the refused value's place? */
function takesThePlace(m: Method, callArgs: readonly unknown[], spot: Spot, refusal: Refusal): boolean {
  const args = callArgs.slice();
  args[spot.param] = replaced(args[spot.param], spot.path, 0);
  const standIn = { execute: (command: Command) => command };
  try {
    const command = m.apply(standIn, args) as Command | undefined;
    // A builder's check no longer refuses (`del([])` → `del(MARKER)`), or the marker is where the bad word was.
    return refusal.word === undefined || command?.args[refusal.word.index] === MARKER;
  } catch (error) {
    // Refused again: by the same check, now of the marker; or, past it, by a later check of another value.
    const again = takeRefusal(error);
    if (again === undefined) return false;
    return again.check === refusal.check
      ? again.value === MARKER
      : again.value !== MARKER && refusal.word === undefined;
  }
}

/** A copy of `holder` with the value at `path` replaced by MARKER (only the containers on the path are copied). */
function replaced(holder: unknown, path: readonly Step[], from: number): unknown {
  if (from === path.length) return MARKER;
  const step = path[from]!;
  if (step.kind === 'index') {
    const copy = (holder as unknown[]).slice();
    copy[step.at] = replaced(copy[step.at], path, from + 1);
    return copy;
  }
  if (step.kind === 'key') {
    const record = holder as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(record)) {
      Object.defineProperty(copy, key, {
        value: key === step.at ? replaced(record[key], path, from + 1) : record[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy;
  }
  const entries = [...(holder as Map<unknown, unknown>)];
  const entry = entries[step.at]!;
  entries[step.at] =
    step.kind === 'mapKey'
      ? [replaced(entry[0], path, from + 1), entry[1]]
      : [entry[0], replaced(entry[1], path, from + 1)];
  return new Map(entries);
}
