/**
 * One rule per client option: what type and range it accepts, how its URL query form is read,
 * and the error it raises otherwise. Used for both the options object and URL parameters, so
 * the two sources accept exactly the same values and give the same messages.
 */
import { constants as bufferConstants } from 'node:buffer';
import { isIPv6 } from 'node:net';
import { InvalidArgumentError } from './errors.js';
import { resolveCacheOptions } from './options-cache.js';
import { redactUrl } from './options-secrets.js';

/** setTimeout fires at once (with a warning) for delays above this, so longer durations are refused. */
import { MAX_TIMER_MS } from './pool/options.js';

export { MAX_TIMER_MS };
const MAX_INTEGER = Number.MAX_SAFE_INTEGER;

export interface FieldRule {
  /** The accepted values, as the error message states them. */
  readonly expected: string;
  /** Checks a value and returns it (normalized where noted); throws InvalidArgumentError naming `label`. */
  check(value: unknown, label: string): unknown;
  /** Reads a URL query value; undefined when the option cannot be given in a URL. */
  readonly fromQuery?: (text: string) => unknown;
}

/** Throws the one error shape every option uses: `Invalid <label>: expected <range>, got <value>`. */
export function invalid(label: string, expected: string, got: unknown, secret = false): never {
  throw new InvalidArgumentError(`Invalid ${label}: expected ${expected}, got ${describeValue(got, secret)}`);
}

/** A short, safe rendering of what the caller passed. Secrets show only their type. */
export function describeValue(value: unknown, secret = false): string {
  if (secret) return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** URL query numbers: plain decimal only ("1e3", "0x10", " 5" are refused by the rule as strings). */
function numberFromQuery(text: string): unknown {
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

function booleanFromQuery(text: string): unknown {
  return text === 'true' ? true : text === 'false' ? false : text;
}

function integer(min: number, max = MAX_INTEGER, note = ''): FieldRule {
  const range = max === MAX_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  const expected = note ? `${range} (${note})` : range;
  return {
    expected,
    check(value, label) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        invalid(label, expected, value);
      }
      return value === 0 ? 0 : value; // -0 becomes 0
    },
    fromQuery: numberFromQuery,
  };
}

/** Milliseconds. `positive`: 0 is refused because it has no sensible meaning for this option. */
function duration(options: { positive?: boolean; note?: string } = {}): FieldRule {
  const low = options.positive ? '> 0 and <= ' : 'from 0 to ';
  const range = `a number of milliseconds ${low}${MAX_TIMER_MS}`;
  const expected = options.note ? `${range} (${options.note})` : range;
  return {
    expected,
    check(value, label) {
      if (
        typeof value !== 'number' ||
        !Number.isFinite(value) ||
        value < 0 ||
        (options.positive === true && value === 0) ||
        value > MAX_TIMER_MS
      ) {
        invalid(label, expected, value);
      }
      return value === 0 ? 0 : value;
    },
    fromQuery: numberFromQuery,
  };
}

const booleanRule: FieldRule = {
  expected: 'true or false',
  check(value, label) {
    if (typeof value !== 'boolean') invalid(label, 'true or false', value);
    return value;
  },
  fromQuery: booleanFromQuery,
};

function functionRule(signature: string): FieldRule {
  const expected = `a function ${signature}`;
  return {
    expected,
    check(value, label) {
      if (typeof value !== 'function') invalid(label, expected, value);
      return value;
    },
  };
}

function stringRule(expected: string, valid: (s: string) => boolean, secret = false): FieldRule {
  return {
    expected,
    check(value, label) {
      if (typeof value !== 'string' || !valid(value)) invalid(label, expected, value, secret);
      return value;
    },
    fromQuery: (text) => text,
  };
}

/** Hostnames as Node's resolver takes them, or an IP address. A `host:port` mistake is caught here. */
const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/;

const HOST_EXPECTED = 'a host name or an IP address (the port goes in the port option)';
const hostRule: FieldRule = {
  expected: HOST_EXPECTED,
  check(value, label) {
    if (typeof value !== 'string') invalid(label, HOST_EXPECTED, value);
    // '[::1]' is accepted as written in URLs; the brackets are dropped.
    const bracketed = value.startsWith('[') && value.endsWith(']');
    const host = bracketed ? value.slice(1, -1) : value;
    // A URL or "user:password@host" given as the host is shown without its password.
    if (bracketed || host.includes(':') ? !isIPv6(host) : !HOSTNAME.test(host)) {
      invalid(label, HOST_EXPECTED, redactUrl(value));
    }
    return host;
  },
};

const TLS_EXPECTED = 'true, false or a node:tls ConnectionOptions object';
const tlsRule: FieldRule = {
  expected: TLS_EXPECTED,
  check(value, label) {
    if (typeof value === 'boolean') return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(label, TLS_EXPECTED, value);
    // tls.connect checks servername only after its socket is connecting, so a bad one would orphan that socket.
    const servername = (value as { servername?: unknown }).servername;
    if (servername !== undefined && typeof servername !== 'string')
      invalid(`${label}.servername`, 'a string', servername);
    return value;
  },
};

const protocolRule: FieldRule = {
  expected: '2 or 3',
  check(value, label) {
    if (value !== 2 && value !== 3) invalid(label, '2 or 3', value);
    return value;
  },
  fromQuery: numberFromQuery,
};

/**
 * Redis accepts client names made of printable ASCII without spaces (CLIENT SETNAME); checking
 * here turns a handshake failure on every connection into one error at construction.
 */
const CLIENT_NAME = /^[!-~]+$/;

/** Not in URLs: caching is set up in code. The checks live beside the cache option's types. */
const cacheRule: FieldRule = {
  expected: 'true, false or a cache options object',
  check: (value, label) => resolveCacheOptions(value, label),
};

/** Every option of the options object (`url` is read separately) with its rule. */
export const FIELD_RULES = {
  host: hostRule,
  port: integer(1, 65535),
  path: stringRule('a non-empty unix socket path', (s) => s.length > 0 && !s.includes('\0')),
  username: stringRule('a string', () => true),
  password: stringRule('a string', () => true, true),
  db: integer(0),
  clientName: stringRule('a non-empty string of printable ASCII without spaces', (s) => CLIENT_NAME.test(s)),
  protocol: protocolRule,
  tls: tlsRule,
  onConnect: functionRule('(conn) => void | Promise<void>'),
  dialer: functionRule('(signal) => Promise<Duplex>'),
  onClose: functionRule('({ id, reason }) => void'),
  poolFIFO: booleanRule,
  poolSize: integer(1),
  poolTimeout: duration({ positive: true }),
  minIdleConns: integer(0),
  maxIdleConns: integer(0, MAX_INTEGER, '0 = no limit'),
  maxActiveConns: integer(0, MAX_INTEGER, '0 = no limit'),
  connMaxIdleTime: duration({ note: '0 = off' }),
  connMaxLifetime: duration({ note: '0 = off' }),
  connMaxLifetimeJitter: duration(),
  dialTimeout: duration({ positive: true }),
  dialerRetries: integer(1),
  dialerRetryTimeout: duration(),
  maxConcurrentDials: integer(0, MAX_INTEGER, '0 = no limit'),
  readTimeout: duration({ note: '0 = no timeout' }),
  writeTimeout: duration({ note: '0 = no timeout' }),
  maxRetries: integer(0, MAX_INTEGER, '0 = no retries'),
  minRetryBackoff: duration(),
  maxRetryBackoff: duration(),
  blockingPoolSize: integer(0, MAX_INTEGER, '0 = blocking commands share the main pool'),
  maxBatchSize: integer(1),
  pingInterval: duration({ note: '0 = off' }),
  maxBulkLength: integer(1, bufferConstants.MAX_LENGTH, 'bytes'),
  cache: cacheRule,
} satisfies Record<string, FieldRule>;

export type FieldName = keyof typeof FIELD_RULES;
export const FIELD_NAMES = Object.keys(FIELD_RULES) as FieldName[];

/** Options a URL may carry as query parameters (the address and TLS come from the URL itself). */
export const QUERY_FIELD_NAMES: ReadonlySet<string> = new Set(
  FIELD_NAMES.filter((name) => FIELD_RULES[name].fromQuery !== undefined && name !== 'port' && name !== 'path'),
);

/** "Did you mean …?" for a misspelt option or parameter name. */
export function suggestName(unknown: string, known: Iterable<string>): string {
  const lower = unknown.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3; // suggest only close matches
  for (const name of known) {
    const distance = name.toLowerCase() === lower ? 0 : editDistance(lower, name.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [name, distance];
  }
  return best === undefined ? '' : ` Did you mean ${best}?`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
