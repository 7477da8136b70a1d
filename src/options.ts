/**
 * The client's public options: `ClientOptions` (what users write, all optional, or a URL) becomes
 * `ResolvedClientOptions` (every field set, checked once here). Precedence, lowest first:
 * defaults < values from the URL < options given explicitly. Every invalid value is an
 * InvalidArgumentError naming the option, what was given, and the accepted range.
 */
import { isIP, isIPv6 } from 'node:net';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { Duplex } from 'node:stream';
import { POOL_DEFAULTS, defaultMaxConcurrentDials, defaultPoolSize } from './pool/options.js';
import type { RedisArg } from './resp/types.js';
import { InvalidArgumentError } from './errors.js';
import {
  FIELD_NAMES,
  FIELD_RULES,
  MAX_TIMER_MS,
  describeValue,
  suggestName,
  type FieldName,
} from './options-fields.js';
import { parseRedisUrl, type ParsedUrl } from './options-url.js';
import { hideSecrets } from './options-secrets.js';
import type { CacheOptions, ResolvedCacheOptions } from './options-cache.js';

/** What onConnect receives: the new connection, before it serves anyone. */
export interface ConnectHookContext {
  sendCommand(args: RedisArg[]): Promise<unknown>;
  /** Our local connection id (not the server's CLIENT ID). */
  readonly id: number;
}

export interface ClientOptions {
  /** `redis://[user:pass@]host[:port][/db]`, `rediss://…` or `unix:///path.sock`, with options as query parameters. */
  url?: string;
  host?: string;
  port?: number;
  /** Unix socket path. Given explicitly, it selects a unix socket even when `url` names a host. */
  path?: string;
  username?: string;
  password?: string;
  db?: number;
  clientName?: string;
  protocol?: 2 | 3;
  tls?: boolean | TlsOptions;
  onConnect?: (conn: ConnectHookContext) => void | Promise<void>;
  dialer?: (signal: AbortSignal) => Promise<Duplex>;
  onClose?: (info: { id: number; reason: string }) => void;
  poolFIFO?: boolean;
  poolSize?: number;
  poolTimeout?: number;
  minIdleConns?: number;
  maxIdleConns?: number;
  maxActiveConns?: number;
  connMaxIdleTime?: number;
  connMaxLifetime?: number;
  connMaxLifetimeJitter?: number;
  dialTimeout?: number;
  dialerRetries?: number;
  dialerRetryTimeout?: number;
  /** Dials in flight at once per pool (default 4 × cores; 0 = no limit). */
  maxConcurrentDials?: number;
  readTimeout?: number;
  writeTimeout?: number;
  maxRetries?: number;
  minRetryBackoff?: number;
  maxRetryBackoff?: number;
  blockingPoolSize?: number;
  /** Commands issued in one tick are written as one batch; larger batches are split at this many commands. Default 1024. */
  maxBatchSize?: number;
  /** Pub/sub liveness PING when a subscriber connection is quiet this long, ms. Default 30000; 0 = off. */
  pingInterval?: number;
  /** Largest bulk string accepted from the server, bytes. Default 512 MiB. */
  maxBulkLength?: number;
  /** Client-side caching of reads, kept right by server-assisted invalidation (README, Client-side caching). Default off. */
  cache?: boolean | CacheOptions;
}

/** Every field set; `undefined` only where "none" is meaningful. */
export interface ResolvedClientOptions {
  host: string;
  port: number;
  /** Set for a unix socket; then host and port are unused. */
  path: string | undefined;
  tls: TlsOptions | undefined;
  username: string | undefined;
  password: string | undefined;
  db: number;
  clientName: string | undefined;
  protocol: 2 | 3;
  onConnect: ClientOptions['onConnect'] | undefined;
  dialer: ClientOptions['dialer'] | undefined;
  onClose: ClientOptions['onClose'] | undefined;
  poolFIFO: boolean;
  poolSize: number;
  poolTimeout: number;
  minIdleConns: number;
  maxIdleConns: number;
  maxActiveConns: number;
  connMaxIdleTime: number;
  connMaxLifetime: number;
  connMaxLifetimeJitter: number;
  dialTimeout: number;
  dialerRetries: number;
  dialerRetryTimeout: number;
  maxConcurrentDials: number;
  readTimeout: number;
  writeTimeout: number;
  maxRetries: number;
  minRetryBackoff: number;
  maxRetryBackoff: number;
  blockingPoolSize: number;
  maxBatchSize: number;
  pingInterval: number;
  maxBulkLength: number;
  cache: ResolvedCacheOptions | undefined;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 6379;

/** Defaults that depend on nothing else. poolSize, poolTimeout and writeTimeout are derived in resolve. */
const { poolTimeout: _derivedHere, ...POOL_FIXED_DEFAULTS } = POOL_DEFAULTS;
const FIXED_DEFAULTS = {
  db: 0,
  protocol: 3,
  ...POOL_FIXED_DEFAULTS,
  readTimeout: 5000,
  maxRetries: 3,
  minRetryBackoff: 10,
  maxRetryBackoff: 1000,
  blockingPoolSize: 1024,
  maxBatchSize: 1024,
  pingInterval: 30_000,
  maxBulkLength: 512 * 1024 * 1024,
} as const;

const OPTION_NAMES: ReadonlySet<string> = new Set(['url', ...FIELD_NAMES]);

type Values = Partial<Record<FieldName, unknown>>;

/**
 * Accepts an options object or a URL string. Options given explicitly override values from `url`. Throws
 * InvalidArgumentError. The result prints (`util.inspect`, `JSON.stringify`) with its secrets `[redacted]`.
 */
export function resolveClientOptions(input?: ClientOptions | string): ResolvedClientOptions {
  const { explicit, url } = readInput(input);
  const parsed = url === undefined ? undefined : parseRedisUrl(url);
  const fromUrl: Values = parsed?.values ?? {};
  /** Explicit beats URL beats default; both sources are already checked. */
  const pick = <T>(name: FieldName, fallback: T): T => (explicit[name] ?? fromUrl[name] ?? fallback) as T;

  const address = resolveAddress(explicit, parsed);
  const readTimeout = pick<number>('readTimeout', FIXED_DEFAULTS.readTimeout);
  const resolved: ResolvedClientOptions = {
    ...address,
    tls: resolveTls(explicit.tls, parsed?.tls ?? false, address),
    username: pick<string | undefined>('username', undefined),
    password: pick<string | undefined>('password', undefined),
    db: pick('db', FIXED_DEFAULTS.db),
    clientName: pick<string | undefined>('clientName', undefined),
    protocol: pick<2 | 3>('protocol', FIXED_DEFAULTS.protocol),
    onConnect: pick<ClientOptions['onConnect']>('onConnect', undefined),
    dialer: pick<ClientOptions['dialer']>('dialer', undefined),
    onClose: pick<ClientOptions['onClose']>('onClose', undefined),
    poolFIFO: pick<boolean>('poolFIFO', FIXED_DEFAULTS.poolFIFO),
    poolSize: pick('poolSize', defaultPoolSize()),
    // go-redis's rule, clamped so the derived value stays a valid timer delay.
    poolTimeout: pick('poolTimeout', readTimeout === 0 ? 30_000 : Math.min(readTimeout + 1000, MAX_TIMER_MS)),
    minIdleConns: pick<number>('minIdleConns', FIXED_DEFAULTS.minIdleConns),
    maxIdleConns: pick<number>('maxIdleConns', FIXED_DEFAULTS.maxIdleConns),
    maxActiveConns: pick<number>('maxActiveConns', FIXED_DEFAULTS.maxActiveConns),
    connMaxIdleTime: pick<number>('connMaxIdleTime', FIXED_DEFAULTS.connMaxIdleTime),
    connMaxLifetime: pick<number>('connMaxLifetime', FIXED_DEFAULTS.connMaxLifetime),
    connMaxLifetimeJitter: pick<number>('connMaxLifetimeJitter', FIXED_DEFAULTS.connMaxLifetimeJitter),
    dialTimeout: pick<number>('dialTimeout', FIXED_DEFAULTS.dialTimeout),
    dialerRetries: pick<number>('dialerRetries', FIXED_DEFAULTS.dialerRetries),
    dialerRetryTimeout: pick<number>('dialerRetryTimeout', FIXED_DEFAULTS.dialerRetryTimeout),
    maxConcurrentDials: pick('maxConcurrentDials', defaultMaxConcurrentDials()),
    readTimeout,
    writeTimeout: pick('writeTimeout', readTimeout),
    maxRetries: pick<number>('maxRetries', FIXED_DEFAULTS.maxRetries),
    minRetryBackoff: pick<number>('minRetryBackoff', FIXED_DEFAULTS.minRetryBackoff),
    maxRetryBackoff: pick<number>('maxRetryBackoff', FIXED_DEFAULTS.maxRetryBackoff),
    blockingPoolSize: pick<number>('blockingPoolSize', FIXED_DEFAULTS.blockingPoolSize),
    maxBatchSize: pick<number>('maxBatchSize', FIXED_DEFAULTS.maxBatchSize),
    pingInterval: pick<number>('pingInterval', FIXED_DEFAULTS.pingInterval),
    maxBulkLength: pick<number>('maxBulkLength', FIXED_DEFAULTS.maxBulkLength),
    cache: pick<ResolvedCacheOptions | undefined>('cache', undefined),
  };
  checkRelations(resolved, (name) => explicit[name] !== undefined || fromUrl[name] !== undefined);
  return hideSecrets(resolved);
}

/** Human-readable address for messages: 'host:port' or the unix path. */
export function describeAddress(o: ResolvedClientOptions): string {
  if (o.path !== undefined) return o.path;
  return isIPv6(o.host) ? `[${o.host}]:${o.port}` : `${o.host}:${o.port}`;
}

/** Splits the input into checked explicit values and the URL text. `undefined` values count as not given. */
function readInput(input: unknown): { explicit: Values; url: string | undefined } {
  if (input === undefined) return { explicit: {}, url: undefined };
  if (typeof input === 'string') return { explicit: {}, url: input };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidArgumentError(
      `Invalid options: expected an options object or a URL string, got ${describeValue(input)}`,
    );
  }
  const explicit: Values = {};
  let url: string | undefined;
  for (const [key, value] of Object.entries(input)) {
    if (!OPTION_NAMES.has(key)) {
      throw new InvalidArgumentError(
        `Unknown option ${JSON.stringify(key)}.${suggestName(key, OPTION_NAMES)} README.md (Options) lists every option.`,
      );
    }
    if (value === undefined) continue;
    if (key === 'url') {
      if (typeof value !== 'string') {
        throw new InvalidArgumentError(`Invalid option url: expected a URL string, got ${describeValue(value)}`);
      }
      url = value;
      continue;
    }
    const name = key as FieldName;
    explicit[name] = FIELD_RULES[name].check(value, `option ${name}`);
  }
  // An empty password (an unset environment variable, say) means "no password", as in URLs.
  if (explicit.password === '') delete explicit.password;
  if (explicit.username === '') delete explicit.username;
  return { explicit, url };
}

type Address = Pick<ResolvedClientOptions, 'host' | 'port' | 'path'>;

/**
 * An explicit `path` selects a unix socket; an explicit `host` or `port` selects TCP; otherwise the
 * URL decides. `path` together with `host`/`port` in the same object is a contradiction and refused.
 */
function resolveAddress(explicit: Values, parsed: ParsedUrl | undefined): Address {
  const host = explicit.host as string | undefined;
  const port = explicit.port as number | undefined;
  const path = explicit.path as string | undefined;
  if (path !== undefined && (host !== undefined || port !== undefined)) {
    const other = host !== undefined ? 'host' : 'port';
    throw new InvalidArgumentError(
      `Invalid option path: give either path (a unix socket) or host/port (TCP), not both; got path and ${other}`,
    );
  }
  if (path !== undefined) return { host: DEFAULT_HOST, port: DEFAULT_PORT, path };
  const urlAddress = parsed?.address;
  if (host === undefined && port === undefined && urlAddress?.kind === 'unix') {
    return { host: DEFAULT_HOST, port: DEFAULT_PORT, path: urlAddress.path };
  }
  const fromUrl: { host?: string; port?: number } = urlAddress?.kind === 'tcp' ? urlAddress : {};
  return { host: host ?? fromUrl.host ?? DEFAULT_HOST, port: port ?? fromUrl.port ?? DEFAULT_PORT, path: undefined };
}

/** `true` or `rediss:` → `{}`; an explicit `tls` (even `false`) beats the URL scheme. SNI defaults to the host name. */
function resolveTls(explicit: unknown, fromUrl: boolean, address: Address): TlsOptions | undefined {
  const chosen = explicit ?? fromUrl;
  if (chosen === false) return undefined;
  const tls: TlsOptions = chosen === true ? {} : { ...(chosen as TlsOptions) };
  if (tls.servername === undefined && address.path === undefined && isIP(address.host) === 0) {
    tls.servername = address.host;
  }
  return tls;
}

/** Rules between options, checked on the final values. `given` tells which side of a pair to name. */
function checkRelations(o: ResolvedClientOptions, given: (name: FieldName) => boolean): void {
  const fail = (name: FieldName, expected: string, got: unknown): never => {
    throw new InvalidArgumentError(`Invalid option ${name}: expected ${expected}, got ${describeValue(got)}`);
  };
  if (o.minIdleConns > o.poolSize) {
    fail('minIdleConns', `an integer from 0 to poolSize (${o.poolSize})`, o.minIdleConns);
  }
  if (o.maxIdleConns !== 0 && o.maxIdleConns < o.minIdleConns) {
    fail('maxIdleConns', `0 (no limit) or an integer >= minIdleConns (${o.minIdleConns})`, o.maxIdleConns);
  }
  if (o.maxActiveConns !== 0 && o.maxActiveConns < o.minIdleConns) {
    fail('maxActiveConns', `0 (no limit) or an integer >= minIdleConns (${o.minIdleConns})`, o.maxActiveConns);
  }
  if (o.minRetryBackoff > o.maxRetryBackoff) {
    if (given('maxRetryBackoff') && !given('minRetryBackoff')) {
      fail('maxRetryBackoff', `a number of milliseconds >= minRetryBackoff (${o.minRetryBackoff})`, o.maxRetryBackoff);
    }
    fail('minRetryBackoff', `a number of milliseconds <= maxRetryBackoff (${o.maxRetryBackoff})`, o.minRetryBackoff);
  }
  if (o.connMaxLifetimeJitter > o.connMaxLifetime) {
    // With connMaxLifetime 0 (off) a jitter has nothing to shift; larger than the lifetime it could make it negative.
    fail(
      'connMaxLifetimeJitter',
      `a number of milliseconds from 0 to connMaxLifetime (${o.connMaxLifetime}; 0 = off)`,
      o.connMaxLifetimeJitter,
    );
  }
  if (o.username !== undefined && o.password === undefined) {
    throw new InvalidArgumentError(
      'Invalid option username: a user name needs a password too (any value for a nopass ACL user); got no password',
    );
  }
}
