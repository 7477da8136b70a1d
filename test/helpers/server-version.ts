/**
 * Which server the tests run against: the `redis-server` first on PATH (Redis 6.2, 7.x or Valkey, see
 * README "Servers we test on"). Tests of a feature the server lacks are skipped by asking here, never by
 * catching the server's error:
 *
 *   test('SSUBSCRIBE …', { skip: !serverAtLeast(7, 0) && 'needs Redis 7.0' }, async () => { … });
 *   if (!(await hasCommand(server, 'lmpop'))) return t.skip('server lacks LMPOP');
 */
import { execFileSync } from 'node:child_process';
import type { RedisServer } from './redis-server.js';

export interface ServerVersion {
  /** 'redis' or 'valkey', from the first word of `redis-server --version`. */
  product: 'redis' | 'valkey';
  /** The product's own version, e.g. [8, 0, 1] for Valkey 8.0.1. */
  version: [number, number, number];
  /**
   * The Redis version whose features the server has: the version itself for Redis; for Valkey the
   * `redis_version` it reports (7.2.4 for Valkey 7.2 and 8.x), since Valkey forked from Redis 7.2.
   */
  redisCompatible: [number, number, number];
}

let cached: ServerVersion | undefined;

/** Parses `redis-server --version` of the binary first on PATH (once per process). */
export function serverVersion(): ServerVersion {
  if (cached !== undefined) return cached;
  const text = execFileSync('redis-server', ['--version'], { encoding: 'utf8' });
  const match = /^(\w+) server v=(\d+)\.(\d+)\.(\d+)/i.exec(text.trim());
  if (match === null) throw new Error(`cannot read the version from \`redis-server --version\`: ${text}`);
  const product = match[1]!.toLowerCase() === 'valkey' ? 'valkey' : 'redis';
  const version: [number, number, number] = [Number(match[2]), Number(match[3]), Number(match[4])];
  cached = { product, version, redisCompatible: product === 'valkey' ? [7, 2, 4] : version };
  return cached;
}

/** True when the server has the features of Redis `major.minor` (Valkey counts as Redis 7.2). */
export function serverAtLeast(major: number, minor = 0): boolean {
  const [ma, mi] = serverVersion().redisCompatible;
  return ma > major || (ma === major && mi >= minor);
}

/**
 * For node:test's `skip` option: false when the server has the features of Redis `major.minor`, else the
 * reason, e.g. `{ skip: unlessServer(7, 0, 'SSUBSCRIBE') }` → "SSUBSCRIBE needs Redis 7.0 (running Redis 6.2.16)".
 */
export function unlessServer(major: number, minor: number, feature: string): string | false {
  return serverAtLeast(major, minor) ? false : `${feature} needs Redis ${major}.${minor} (running ${serverLabel()})`;
}

/** A short label for test output and skip messages, e.g. "Redis 6.2.16" or "Valkey 8.0.1". */
export function serverLabel(): string {
  const { product, version } = serverVersion();
  return `${product === 'valkey' ? 'Valkey' : 'Redis'} ${version.join('.')}`;
}

/**
 * True when the running `server` knows the top-level `command` (COMMAND INFO answers with a non-nil entry).
 * Subcommands (CLUSTER SHARDS) are listed by COMMAND INFO only from 7.0: check those with serverAtLeast.
 */
export async function hasCommand(server: RedisServer, command: string): Promise<boolean> {
  const reply = await server.rawCommand(['COMMAND', 'INFO', command]);
  // One nil (`$-1` or `*-1`, by version) when the server does not know it; an array of details when it does.
  return !/^\*1\r\n[$*]-1\r\n$/.test(reply);
}

/**
 * What CLIENT LIST / CLIENT INFO show in a connection's `resp` field for `protocol`: servers before 7.0 have
 * no such field (undefined), so the same assertion holds on every server.
 */
export function respField(protocol: 2 | 3): string | undefined {
  return serverAtLeast(7, 0) ? String(protocol) : undefined;
}
