/**
 * `respool doctor`: connects, reports what matters for a pool (server version, protocol, TLS, RTT,
 * client headroom, idle timeouts) and the misconfigurations it can spot in the given options.
 * Exit code 0 when nothing needs attention, 1 when a finding is a warning or an error.
 */
import { checkOptions, checkServer, productName, serverIdentity, type Finding, type ServerFacts } from './checks.js';
import { fmtDuration, fmtUs, keyValueTable } from './format.js';
import { logTo, printJson, type CliIO } from './io.js';
import { createClient, parseInfo, resolveClientOptions, type ClientOptions } from './library.js';
import { measureRoundTrips, type LatencySummary } from './measure.js';
import { firstLine, openTarget } from './target.js';

export interface DoctorFlags {
  url: string;
  spawn: boolean;
  json: boolean;
  /** Client options to check, from repeated `-o name=value`. */
  options: ClientOptions;
}

export interface DoctorReport {
  command: 'doctor';
  target: string;
  spawned: boolean;
  server: { name: string; version: string | null; mode: string | null; uptimeS: number | null };
  /** The RESP version the connection negotiated (CLIENT INFO), or null when the server would not say. */
  protocol: number | null;
  tls: boolean;
  rttUs: LatencySummary;
  clients: { connected: number | null; maxClients: number | null };
  idle: { serverTimeoutS: number | null; connMaxIdleTimeMs: number };
  options: Record<string, number | boolean>;
  findings: Finding[];
}

const PINGS = 100;

export async function runDoctor(flags: DoctorFlags, io: CliIO): Promise<number> {
  const findings: Finding[] = [];
  let overrides = flags.options;
  try {
    resolveClientOptions({ ...overrides, url: flags.url });
  } catch (err) {
    // The given options are refused by the client itself: report it, then check the server with the URL alone.
    findings.push({ level: 'error', code: 'invalid-options', message: firstLine(err) });
    overrides = {};
  }
  const target = await openTarget({
    url: flags.url,
    spawn: flags.spawn,
    spawnOffered: true,
    overrides,
    log: logTo(io),
  });
  const o = target.resolved;
  const client = createClient({ ...target.clientOptions, maxRetries: 0, minIdleConns: 0 });
  try {
    const [serverInfo, clientsInfo, clientInfo] = await Promise.all([
      client.info('server').then(parseInfo),
      client.info('clients').then(parseInfo),
      client.clientInfo().catch(() => undefined),
    ]);
    const rttUs = await measureRoundTrips(() => client.ping(), PINGS);
    const facts: ServerFacts = {
      idleTimeoutS: await configNumber(client, 'timeout'),
      maxClients: await configNumber(client, 'maxclients'),
      connectedClients: toNumber(clientsInfo['connected_clients']),
    };
    findings.push(...checkOptions(o), ...checkServer(o, facts));
    const report: DoctorReport = {
      command: 'doctor',
      target: target.address,
      spawned: target.spawned !== undefined,
      server: {
        ...serverIdentity(serverInfo),
        uptimeS: toNumber(serverInfo['uptime_in_seconds']),
      },
      protocol: await negotiatedProtocol(client, clientInfo),
      tls: o.tls !== undefined,
      rttUs,
      clients: { connected: facts.connectedClients, maxClients: facts.maxClients },
      idle: { serverTimeoutS: facts.idleTimeoutS, connMaxIdleTimeMs: o.connMaxIdleTime },
      options: {
        poolSize: o.poolSize,
        blockingPoolSize: o.blockingPoolSize,
        minIdleConns: o.minIdleConns,
        maxActiveConns: o.maxActiveConns,
        poolTimeout: o.poolTimeout,
        readTimeout: o.readTimeout,
        dialTimeout: o.dialTimeout,
        connMaxIdleTime: o.connMaxIdleTime,
        connMaxLifetime: o.connMaxLifetime,
      },
      findings,
    };
    if (flags.json) printJson(io, report);
    else io.stdout.write(renderDoctor(report));
    return findings.some((f) => f.level !== 'info') ? 1 : 0;
  } finally {
    await client.close();
    await target.release();
  }
}

/**
 * The RESP version of the connection: CLIENT INFO's `resp` field, which servers before 7.0 do not have; then
 * the shape of a reply that is a map in RESP3 and a flat array in RESP2 (HGETALL of a key that is not there).
 */
async function negotiatedProtocol(
  client: ReturnType<typeof createClient>,
  clientInfo: Record<string, string> | undefined,
): Promise<number | null> {
  const resp = toNumber(clientInfo?.['resp']);
  if (resp !== null) return resp;
  try {
    const reply = await client.sendCommand(['HGETALL', 'respool:doctor:protocol-probe']);
    return reply instanceof Map ? 3 : Array.isArray(reply) ? 2 : null;
  } catch {
    return null;
  }
}

/** CONFIG GET of one numeric parameter; null when CONFIG is not allowed (managed services often rename it). */
async function configNumber(client: ReturnType<typeof createClient>, name: string): Promise<number | null> {
  try {
    const reply = await client.configGet(name);
    return toNumber(reply[name]);
  } catch {
    return null;
  }
}

function toNumber(text: string | undefined): number | null {
  if (text === undefined || text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function renderDoctor(r: DoctorReport): string {
  const unknown = 'unknown (the server would not say)';
  const opt = r.options;
  const idle =
    r.idle.serverTimeoutS === null
      ? `server timeout ${unknown}`
      : r.idle.serverTimeoutS === 0
        ? 'server never closes idle clients (timeout 0)'
        : `server closes clients idle for ${r.idle.serverTimeoutS} s`;
  const rows: [string, string][] = [
    [
      'server',
      r.server.version === null
        ? unknown
        : `${productName(r.server.name)} ${r.server.version}${r.server.mode === null ? '' : ` (${r.server.mode})`}` +
          (r.server.uptimeS === null ? '' : `, up ${fmtDuration(r.server.uptimeS * 1000)}`),
    ],
    ['protocol', r.protocol === null ? unknown : `RESP${r.protocol}`],
    ['TLS', r.tls ? 'on' : 'off'],
    [
      'RTT',
      `min ${fmtUs(r.rttUs.minUs)}  p50 ${fmtUs(r.rttUs.p50Us)}  p99 ${fmtUs(r.rttUs.p99Us)}  (${r.rttUs.count} PINGs)`,
    ],
    [
      'clients',
      `${r.clients.connected ?? '?'} connected, maxclients ${r.clients.maxClients === null ? unknown : r.clients.maxClients}`,
    ],
    ['idle timeout', `${idle}; connMaxIdleTime ${fmtDuration(r.idle.connMaxIdleTimeMs)}`],
    [
      'pool options',
      `poolSize ${opt['poolSize']}, blockingPoolSize ${opt['blockingPoolSize']}, minIdleConns ${opt['minIdleConns']}, ` +
        `poolTimeout ${fmtDuration(Number(opt['poolTimeout']))}, readTimeout ${fmtDuration(Number(opt['readTimeout']))}`,
    ],
  ];
  const findings =
    r.findings.length === 0
      ? '  ok     nothing to fix'
      : r.findings.map((f) => `  ${f.level.padEnd(5)}  ${f.message}`).join('\n');
  return `respool doctor: ${r.target}\n\n${keyValueTable(rows)}\n\nfindings\n${findings}\n`;
}
