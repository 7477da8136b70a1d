/**
 * The server a CLI command talks to: the URL and options checked, the address probed, a private
 * server started for `--spawn` when nothing answers, and one PING so that authentication or TLS
 * problems surface as one clear line (exit code 2) before any work starts.
 */
import { createClient, describeAddressOf, resolveClientOptions, type ClientOptions } from './library.js';
import type { ResolvedClientOptions } from './library.js';
import { isLoopback, probe, redisServerInstalled, SpawnedServer } from './spawn.js';

export const DEFAULT_URL = 'redis://127.0.0.1:6379';

/** A failure the user can act on: printed as one line `respool: <message>`, then exit with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export interface TargetRequest {
  url: string;
  /** Start a private redis-server when nothing answers (local URLs only). */
  spawn: boolean;
  /** Whether this command offers --spawn (its error message then says so). */
  spawnOffered: boolean;
  /** Client options on top of the URL (flags such as --pool-size). */
  overrides?: ClientOptions;
  /** Progress messages (stderr). */
  log: (line: string) => void;
}

export interface Target {
  /** What to pass to createClient: the URL plus the overrides. */
  clientOptions: ClientOptions;
  resolved: ResolvedClientOptions;
  /** host:port or the socket path; never the password. */
  address: string;
  spawned: SpawnedServer | undefined;
  /** Stops the spawned server, if any. */
  release(): Promise<void>;
}

/** Checks the URL and options; an invalid one is a CliError naming what was wrong. */
export function resolveTarget(url: string, overrides: ClientOptions = {}): ResolvedClientOptions {
  try {
    return resolveClientOptions({ ...overrides, url });
  } catch (err) {
    throw new CliError(firstLine(err));
  }
}

export async function openTarget(request: TargetRequest): Promise<Target> {
  const clientOptions: ClientOptions = { ...request.overrides, url: request.url };
  const resolved = resolveTarget(request.url, request.overrides);
  const address = describeAddressOf(resolved);
  let spawned: SpawnedServer | undefined;
  const unreachable = await probe(resolved, Math.min(resolved.dialTimeout, 3000));
  if (unreachable !== undefined) {
    const local = resolved.path === undefined && isLoopback(resolved.host);
    if (!request.spawn) {
      const hint =
        request.spawnOffered && local && redisServerInstalled()
          ? '; start Redis there, or add --spawn to run a private redis-server for this command'
          : '';
      throw new CliError(`cannot connect to ${address}: ${unreachable}${hint}`);
    }
    if (!local) throw new CliError(`cannot connect to ${address}: ${unreachable} (--spawn only starts a local server)`);
    if (resolved.tls !== undefined)
      throw new CliError(`--spawn starts a plain server; use redis:// rather than rediss://`);
    if (!redisServerInstalled())
      throw new CliError(`cannot connect to ${address}, and --spawn needs redis-server on PATH`);
    try {
      spawned = await SpawnedServer.start(resolved.port);
    } catch (err) {
      throw new CliError(`--spawn failed: ${firstLine(err)}`);
    }
    request.log(
      `started a private redis-server on 127.0.0.1:${resolved.port} (pid ${spawned.pid}); it stops when this command ends`,
    );
  }
  const server = spawned;
  const release = async () => {
    await server?.stop();
  };
  try {
    await checkAnswers(clientOptions, resolved, address);
  } catch (err) {
    await release();
    throw err;
  }
  return { clientOptions, resolved, address, spawned, release };
}

/** One PING with no retries: a wrong password, TLS mismatch or non-Redis server fails here, clearly. */
async function checkAnswers(clientOptions: ClientOptions, resolved: ResolvedClientOptions, address: string) {
  const client = createClient({
    ...clientOptions,
    maxRetries: 0,
    dialerRetries: 1,
    dialTimeout: Math.min(resolved.dialTimeout, 5000),
    minIdleConns: 0,
  });
  try {
    await client.ping();
  } catch (err) {
    throw new CliError(`cannot use ${address}: ${firstLine(err)}`);
  } finally {
    await client.close();
  }
}

export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.trim();
}

/** Redacts the password of a URL for display. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
