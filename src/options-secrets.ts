/**
 * Secrets never show. Passwords (also the sentinels'), the credentials in a URL, and the TLS private key,
 * its passphrase and a PFX bundle are replaced by `[redacted]` wherever an options object or a client is
 * printed: `util.inspect` / `console.log`, `JSON.stringify`, and error messages.
 *
 * The objects keep the real values (the handshake and the TLS dial need them); only their printed forms
 * are redacted, by a non-enumerable `toJSON` and `util.inspect.custom` that spreading does not copy.
 */
import { inspect, type InspectOptions } from 'node:util';

export const REDACTED = '[redacted]';

/** Field names whose value is a secret wherever they appear in options. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['password', 'sentinelPassword']);
/** Secret fields of a node:tls options object. */
const TLS_SECRET_FIELDS: ReadonlySet<string> = new Set(['key', 'passphrase', 'pfx']);

const KNOWN_SCHEMES: ReadonlySet<string> = new Set(['redis', 'rediss', 'unix', 'redis+unix']);

/**
 * The text with any password it carries replaced: `redis://user:pw@host` → `redis://user:[redacted]@host`,
 * also without a scheme (`user:pw@host:6379`) and in a `password=` query parameter.
 */
export function redactUrl(text: string): string {
  let out = text;
  const at = out.lastIndexOf('@');
  if (at !== -1) {
    // `name:` is a scheme when '//' follows or it is one of ours (unix:user:pw@/path); else a user name.
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):(\/\/)?/.exec(out);
    const isScheme = scheme !== null && (scheme[2] !== undefined || KNOWN_SCHEMES.has(scheme[1]!.toLowerCase()));
    const userStart = isScheme ? scheme[0].length : 0;
    const colon = out.indexOf(':', userStart);
    // user:password@…: the password runs to the last '@' (an unencoded '@' may be part of it).
    if (colon !== -1 && colon < at) out = `${out.slice(0, colon + 1)}${REDACTED}${out.slice(at)}`;
  }
  return out.replace(/([?&]password=)[^&#]*/gi, `$1${REDACTED}`);
}

/** A copy of an options object (plain objects and arrays, at any depth) with every secret redacted. */
export function redactOptions(value: unknown): unknown {
  return redactValue(value, undefined, new Set());
}

/** Strings that may carry credentials: URLs, and addresses in lists (`rootNodes`, `sentinels`). */
const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

function redactValue(value: unknown, field: string | undefined, seen: Set<object>): unknown {
  if (typeof value === 'string') {
    const mayHoldCredentials = field === undefined || field === 'url' || URL_LIKE.test(value);
    return mayHoldCredentials ? redactUrl(value) : value;
  }
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return value;
  if (seen.has(value)) return '[Circular]';
  if (Array.isArray(value)) {
    seen.add(value);
    const copy = value.map((item) => redactValue(item, undefined, seen));
    seen.delete(value);
    return copy;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value; // a class instance: shown as it shows itself
  seen.add(value);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const secret = SECRET_FIELDS.has(key) || (field === 'tls' && TLS_SECRET_FIELDS.has(key));
    copy[key] = secret && item !== undefined ? REDACTED : redactValue(item, key, seen);
  }
  seen.delete(value);
  return copy;
}

/** `util.inspect` of a stand-in value, one level deeper, as a custom inspect function must. */
export function inspectNested(value: unknown, depth: number, options: InspectOptions): string {
  const nestedDepth = options.depth === null || options.depth === undefined ? options.depth : depth - 1;
  return inspect(value, { ...options, depth: nestedDepth });
}

/**
 * Gives an options object a redacted `toJSON` and `util.inspect` (non-enumerable: the object's fields,
 * spreads and deep-equality stay as they were). Returns the same object.
 */
export function hideSecrets<T extends object>(target: T): T {
  Object.defineProperty(target, 'toJSON', {
    value(this: object) {
      return redactOptions(this);
    },
    enumerable: false,
    configurable: true,
    writable: true,
  });
  Object.defineProperty(target, inspect.custom, {
    value(this: object, depth: number, options: InspectOptions) {
      return inspectNested(redactOptions(this), depth, options);
    },
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return target;
}

/**
 * How a client shows itself in `util.inspect` / `console.log`: its class name and the public facts its
 * `toJSON()` gives (redacted there), never its internals (pools, connections, copies of the options).
 */
export function inspectClient(
  client: { toJSON(): Record<string, unknown> },
  depth: number,
  options: InspectOptions,
): string {
  return `${client.constructor.name} ${inspectNested(client.toJSON(), depth, options)}`;
}

/**
 * Error messages name what went wrong, never a password: `secret` replaced wherever it stands as a word of
 * the message (a server or proxy that echoes the arguments, as `ERR unknown command … 'AUTH' 'pw'` does).
 * Returns the same error.
 */
export function scrubSecret<E>(error: E, secret: string | undefined): E {
  if (secret === undefined || secret === '' || !(error instanceof Error)) return error;
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const word = new RegExp(`(^|[\\s'"\`:=])${escaped}(?=$|[\\s'"\`,.;])`, 'g');
  const message = error.message.replace(word, `$1${REDACTED}`);
  if (message !== error.message) {
    error.message = message;
    if (error.stack !== undefined) error.stack = error.stack.replace(word, `$1${REDACTED}`);
  }
  return error;
}
