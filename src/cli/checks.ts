/** The rules `respool doctor` applies: to resolved client options alone, and to them beside the server's settings. */
import { fmtDuration } from './format.js';
import type { ResolvedClientOptions } from './library.js';

export interface Finding {
  level: 'info' | 'warn' | 'error';
  /** Stable identifier for scripts, e.g. 'pool-timeout-below-read-timeout'. */
  code: string;
  message: string;
}

/** What doctor learned from the server (null when the server would not say, e.g. CONFIG disabled). */
export interface ServerFacts {
  /** CONFIG GET timeout: seconds after which the server closes an idle client; 0 = never. */
  idleTimeoutS: number | null;
  maxClients: number | null;
  connectedClients: number | null;
}

/** Which server answered, from INFO server. */
export interface ServerIdentity {
  /** 'redis', or `server_name` when the server says (Valkey: 'valkey'). */
  name: string;
  /** The server's own version: Valkey reports `valkey_version` beside a fixed `redis_version` (7.2.4). */
  version: string | null;
  /** standalone, cluster or sentinel: `redis_mode` on Redis, `server_mode` on Valkey. */
  mode: string | null;
}

export function serverIdentity(info: Record<string, string>): ServerIdentity {
  const name = info['server_name'] ?? 'redis';
  return {
    name,
    version: info[`${name}_version`] ?? info['redis_version'] ?? null,
    mode: info['redis_mode'] ?? info['server_mode'] ?? null,
  };
}

/** 'redis' → 'Redis', 'valkey' → 'Valkey'. */
export function productName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function checkOptions(o: ResolvedClientOptions): Finding[] {
  const findings: Finding[] = [];
  if (o.readTimeout > 0 && o.poolTimeout < o.readTimeout) {
    findings.push({
      level: 'warn',
      code: 'pool-timeout-below-read-timeout',
      message:
        `poolTimeout (${fmtDuration(o.poolTimeout)}) is shorter than readTimeout (${fmtDuration(o.readTimeout)}): ` +
        'under load, callers give up waiting for a connection sooner than a slow reply would time out, so pool ' +
        'timeouts hide the real slowness. Set poolTimeout >= readTimeout (the default is readTimeout + 1 s).',
    });
  }
  if (o.readTimeout === 0) {
    findings.push({
      level: 'warn',
      code: 'no-read-timeout',
      message: 'readTimeout is 0 (off): a reply that never comes holds its connection and its caller forever.',
    });
  }
  if (o.connMaxLifetime > 0 && o.connMaxLifetime < 10_000) {
    findings.push({
      level: 'warn',
      code: 'short-lifetime',
      message: `connMaxLifetime ${fmtDuration(o.connMaxLifetime)} redials every connection that often: dial churn costs latency.`,
    });
  }
  if (o.connMaxIdleTime > 0 && o.connMaxIdleTime < 1000) {
    findings.push({
      level: 'warn',
      code: 'short-idle-time',
      message: `connMaxIdleTime ${fmtDuration(o.connMaxIdleTime)} closes connections between bursts; most gets will dial.`,
    });
  }
  if (o.maxActiveConns > 0 && o.maxActiveConns < o.poolSize) {
    findings.push({
      level: 'info',
      code: 'max-active-below-pool-size',
      message:
        `maxActiveConns ${o.maxActiveConns} is below poolSize ${o.poolSize}: the socket cap, not poolSize, ` +
        'bounds the connections in use.',
    });
  }
  if (o.blockingPoolSize === 0) {
    findings.push({
      level: 'info',
      code: 'no-blocking-pool',
      message:
        `blockingPoolSize is 0: blocking commands (BLPOP, XREAD BLOCK…) take connections of the main pool ` +
        `(poolSize ${o.poolSize}) for as long as they block.`,
    });
  }
  return findings;
}

export function checkServer(o: ResolvedClientOptions, server: ServerFacts): Finding[] {
  const findings: Finding[] = [];
  const timeout = server.idleTimeoutS;
  if (timeout !== null && timeout > 0 && (o.connMaxIdleTime === 0 || o.connMaxIdleTime >= timeout * 1000)) {
    const suggestion = Math.max(1000, Math.floor(timeout * 1000 * 0.8));
    findings.push({
      level: 'warn',
      code: 'server-closes-idle-first',
      message:
        `the server closes clients idle for ${timeout} s, but connMaxIdleTime is ${fmtDuration(o.connMaxIdleTime)}: ` +
        'idle pooled connections die on the server side first and a command can meet a closed socket. ' +
        `Set connMaxIdleTime below ${timeout * 1000} ms (e.g. ${suggestion}).`,
    });
  }
  if (server.maxClients !== null && server.connectedClients !== null) {
    const free = server.maxClients - server.connectedClients;
    const reach = o.maxActiveConns > 0 ? Math.min(o.maxActiveConns, o.poolSize) : o.poolSize;
    if (reach > free) {
      findings.push({
        level: 'warn',
        code: 'maxclients-headroom',
        message:
          `a busy pool opens up to ${reach} connections, but the server accepts only ${free} more ` +
          `(maxclients ${server.maxClients}, ${server.connectedClients} connected): dials will be refused.`,
      });
    } else if (o.maxActiveConns === 0 && o.poolSize + o.blockingPoolSize > free) {
      findings.push({
        level: 'info',
        code: 'maxclients-blocking-headroom',
        message:
          `with many concurrent blocking commands the blocking pool (up to ${o.blockingPoolSize}) could exceed the ` +
          `${free} connections the server still accepts; maxActiveConns caps both pools.`,
      });
    }
  }
  return findings;
}
