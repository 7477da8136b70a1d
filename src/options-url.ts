/**
 * Parses connection URLs into option values. Forms:
 *   redis://[user[:password]@]host[:port][/db][?option=value&…]
 *   rediss://…                              (TLS)
 *   unix:///path/redis.sock[?db=N&…]        (also unix:/path, redis+unix://, and unix://[user:password]@/path)
 * Written by hand rather than with WHATWG `URL` so that every rejection names the part at fault,
 * and so that no message ever echoes a password.
 */
import { isIPv6 } from 'node:net';
import { InvalidArgumentError } from './errors.js';
import { FIELD_RULES, QUERY_FIELD_NAMES, invalid, suggestName, type FieldName } from './options-fields.js';

export interface ParsedUrl {
  /** `tcp` with host/port when the URL names them; `unix` with the socket path. */
  readonly address: { kind: 'tcp'; host?: string; port?: number } | { kind: 'unix'; path: string };
  readonly tls: boolean;
  /** Checked values of username, password, db and the query parameters, by option name. */
  readonly values: Partial<Record<FieldName, unknown>>;
}

const FORMS = 'redis://host:port/db, rediss://host:port/db or unix:///path/to/redis.sock';
const SCHEMES: Record<string, { transport: 'tcp' | 'unix'; tls: boolean }> = {
  redis: { transport: 'tcp', tls: false },
  rediss: { transport: 'tcp', tls: true },
  unix: { transport: 'unix', tls: false },
  'redis+unix': { transport: 'unix', tls: false },
};

function urlError(message: string): never {
  throw new InvalidArgumentError(`Invalid URL: ${message}`);
}

/** Percent-decodes one part of the URL. `secret` parts are never echoed. */
function decode(text: string, part: string, secret = false): string {
  try {
    return decodeURIComponent(text);
  } catch {
    urlError(`malformed percent-encoding in the ${part}${secret ? '' : ` ${JSON.stringify(text)}`}`);
  }
}

export function parseRedisUrl(input: string): ParsedUrl {
  const url = input.trim();
  // Control characters and spaces must be percent-encoded; a raw one usually means a pasting mistake.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f]/.test(url)) urlError('it contains spaces or control characters; percent-encode them');
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  const scheme = schemeMatch?.[1]?.toLowerCase();
  const kind = scheme === undefined ? undefined : SCHEMES[scheme];
  if (scheme === undefined || kind === undefined) {
    const shown = scheme === undefined ? 'none' : JSON.stringify(`${scheme}:`);
    throw new InvalidArgumentError(`Invalid URL scheme: expected redis:, rediss:, unix: or redis+unix:, got ${shown}`);
  }
  let rest = url.slice(scheme.length + 1);
  // A raw '/', '?' or '#' in a password ends the authority early; the rest of the password would then
  // be parsed (and echoed in errors) as a path, query or port. Any '@' after the authority means that.
  const authorityEnd = rest.startsWith('//') ? rest.slice(2).search(/[/?#]/) + 2 : 0;
  if (authorityEnd >= 2 && rest.lastIndexOf('@') > authorityEnd) {
    urlError("'@' after the host; percent-encode '/', '?', '#' and '@' in the user name, password and query values");
  }
  // Without '//' there is no place for credentials (unix:/path): an '@' means some were misplaced.
  if (!rest.startsWith('//') && rest.includes('@')) {
    urlError("'@' without '//'; write credentials as unix://user:password@/path and percent-encode '@' elsewhere");
  }
  if (rest.includes('#')) urlError("fragments (#…) are not supported; percent-encode '#' in a password as %23");

  const queryStart = rest.indexOf('?');
  const query = queryStart === -1 ? '' : rest.slice(queryStart + 1);
  if (queryStart !== -1) rest = rest.slice(0, queryStart);

  let authority = '';
  let pathPart = rest;
  if (rest.startsWith('//')) {
    const pathStart = rest.indexOf('/', 2);
    authority = pathStart === -1 ? rest.slice(2) : rest.slice(2, pathStart);
    pathPart = pathStart === -1 ? '' : rest.slice(pathStart);
  } else if (kind.transport === 'tcp') {
    urlError(`expected ${scheme}://host after the scheme (forms: ${FORMS})`);
  }

  const values: Partial<Record<FieldName, unknown>> = {};
  const at = authority.lastIndexOf('@');
  const hostPort = authority.slice(at + 1);
  if (at !== -1) readUserInfo(authority.slice(0, at), values);

  let address: ParsedUrl['address'];
  if (kind.transport === 'tcp') {
    address = { kind: 'tcp', ...readHostPort(hostPort) };
    const db = readDbPath(pathPart);
    if (db !== undefined) values.db = db;
  } else {
    if (hostPort !== '') {
      urlError(
        `a unix socket URL has no host; write ${scheme}:///path/to/redis.sock, got host ${JSON.stringify(hostPort)}`,
      );
    }
    address = { kind: 'unix', path: readSocketPath(pathPart) };
  }
  readQuery(query, values);
  return { address, tls: kind.tls, values };
}

function readUserInfo(userInfo: string, values: Partial<Record<FieldName, unknown>>): void {
  const colon = userInfo.indexOf(':');
  const username = decode(colon === -1 ? userInfo : userInfo.slice(0, colon), 'user name');
  const password = colon === -1 ? '' : decode(userInfo.slice(colon + 1), 'password', true);
  // An empty part means "not given", as in redis://:password@host.
  if (username !== '') values.username = username;
  if (password !== '') values.password = password;
}

function readHostPort(hostPort: string): { host?: string; port?: number } {
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) urlError(`unclosed '[' in the host ${JSON.stringify(hostPort)}`);
    host = hostPort.slice(1, close);
    if (!isIPv6(host)) urlError(`expected an IPv6 address inside [ ], got ${JSON.stringify(host)}`);
    const after = hostPort.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) urlError(`unexpected ${JSON.stringify(after)} after the host`);
    if (after !== '') portText = after.slice(1);
  } else {
    const colon = hostPort.indexOf(':');
    host = colon === -1 ? hostPort : hostPort.slice(0, colon);
    if (colon !== -1) portText = hostPort.slice(colon + 1);
    if (portText?.includes(':')) urlError('an IPv6 host must be written in brackets, as in redis://[::1]:6379');
    // An empty host (redis://:6380, redis:///1) leaves the host to the options or the default.
    if (host !== '') host = FIELD_RULES.host.check(host, 'URL host') as string;
  }
  const result: { host?: string; port?: number } = {};
  if (host !== '') result.host = host;
  if (portText !== undefined) {
    const port = /^\d+$/.test(portText) ? Number(portText) : portText;
    result.port = FIELD_RULES.port.check(port, 'URL port') as number;
  }
  return result;
}

function readDbPath(pathPart: string): number | undefined {
  if (pathPart === '' || pathPart === '/') return undefined;
  const digits = /^\/(\d+)\/?$/.exec(pathPart)?.[1];
  const db = digits === undefined ? undefined : Number(digits);
  if (db === undefined || !Number.isSafeInteger(db)) {
    invalid('URL database', 'a path of /N with N an integer >= 0', decode(pathPart, 'path'));
  }
  return db;
}

function readSocketPath(pathPart: string): string {
  // An '@' may be credentials written without '//' (unix:user:password@/path): such a path is never echoed.
  const secret = pathPart.includes('@');
  const path = decode(pathPart, 'socket path', secret);
  if (!path.startsWith('/') || path === '/' || path.includes('\0')) {
    const expected = 'an absolute path such as unix:///run/redis.sock (credentials as unix://user:password@/path)';
    invalid('URL socket path', expected, path, secret);
  }
  return FIELD_RULES.path.check(path, 'URL socket path') as string;
}

function readQuery(query: string, values: Partial<Record<FieldName, unknown>>): void {
  const seen = new Set<string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue; // tolerate "?" alone, "&&" and a trailing "&"
    const equals = pair.indexOf('=');
    if (equals === -1)
      urlError(`query parameter ${JSON.stringify(decode(pair, 'query'))} has no value; write name=value`);
    const name = decode(pair.slice(0, equals), 'query parameter name');
    if (!QUERY_FIELD_NAMES.has(name)) {
      throw new InvalidArgumentError(
        `Unknown URL parameter ${JSON.stringify(name)}.${suggestName(name, QUERY_FIELD_NAMES)} ` +
          `Accepted: ${[...QUERY_FIELD_NAMES].join(', ')}.`,
      );
    }
    const field = name as FieldName;
    if (seen.has(name)) urlError(`query parameter ${name} is given twice`);
    seen.add(name);
    if (values[field] !== undefined) {
      const where = field === 'db' ? 'the path (/N)' : 'the user info (user:password@)';
      urlError(`${name} is given both in ${where} and as a query parameter`);
    }
    const rule = FIELD_RULES[field];
    const text = decode(pair.slice(equals + 1), `value of ${name}`, field === 'password');
    const parsed = rule.fromQuery === undefined ? text : rule.fromQuery(text);
    values[field] = rule.check(parsed, `URL parameter ${name}`);
  }
  // Same meaning as in the user info: an empty value is "not given".
  if (values.username === '') delete values.username;
  if (values.password === '') delete values.password;
}
