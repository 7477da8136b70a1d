/**
 * The greeting every new connection goes through before it serves anyone:
 * HELLO 3 with AUTH and SETNAME (or, for RESP2 or servers without HELLO, AUTH and CLIENT SETNAME),
 * CLIENT SETINFO with the library's name and version (written with the rest, its errors ignored: servers
 * before 7.2 do not know it), then SELECT. A failure closes the connection and surfaces the server's reason.
 */
import { createRequire } from 'node:module';
import { ReplyError } from '../errors.js';
import type { RedisArg, RespValue } from '../resp/types.js';
import type { Connection } from './connection.js';

export interface HandshakeOptions {
  protocol: 2 | 3;
  username: string | undefined;
  password: string | undefined;
  clientName: string | undefined;
  db: number;
  readTimeout: number;
}

const require = createRequire(import.meta.url);
const { version: LIB_VERSION } = require('../../package.json') as { version: string };

/** What CLIENT LIST shows as `lib-name` and `lib-ver` for respool's connections (Redis ≥ 7.2). */
export const LIB_NAME = 'respool';
export { LIB_VERSION };

export async function handshake(conn: Connection, o: HandshakeOptions): Promise<void> {
  const timeout = o.readTimeout;
  if (o.protocol === 3) {
    const hello: RedisArg[] = ['HELLO', '3'];
    if (o.password !== undefined) hello.push('AUTH', o.username ?? 'default', o.password);
    if (o.clientName !== undefined) hello.push('SETNAME', o.clientName);
    const greeting = conn.call(hello, timeout);
    // Written with HELLO, after it, so that they run authenticated; awaited below, no round trip added.
    const libInfo = sendLibInfo(conn, timeout);
    try {
      const reply = await greeting;
      conn.protocol = 3;
      conn.serverId = helloField(reply, 'id');
    } catch (err) {
      // Servers before 6.0 do not know HELLO (nor CLIENT SETINFO): fall back to RESP2 with AUTH.
      if (!(err instanceof ReplyError) || !/unknown command|NOPROTO/i.test(err.message)) throw err;
      await libInfo;
      await legacyGreeting(conn, o, false);
    }
    await libInfo;
  } else {
    await legacyGreeting(conn, o, true);
  }
  if (o.db !== 0) await conn.call(['SELECT', o.db], timeout);
}

/**
 * CLIENT SETINFO lib-name and lib-ver, as the official clients send them. Their replies are awaited (in order
 * with the rest) but never fail the handshake: servers before 7.2, or an ACL without CLIENT, refuse them.
 */
function sendLibInfo(conn: Connection, timeout: number): Promise<unknown> {
  return Promise.allSettled([
    conn.call(['CLIENT', 'SETINFO', 'LIB-NAME', LIB_NAME], timeout),
    conn.call(['CLIENT', 'SETINFO', 'LIB-VER', LIB_VERSION], timeout),
  ]);
}

async function legacyGreeting(conn: Connection, o: HandshakeOptions, withLibInfo: boolean): Promise<void> {
  conn.protocol = 2;
  const pending: Promise<RespValue>[] = [];
  if (o.password !== undefined) {
    pending.push(
      conn.call(o.username !== undefined ? ['AUTH', o.username, o.password] : ['AUTH', o.password], o.readTimeout),
    );
  }
  if (o.clientName !== undefined) pending.push(conn.call(['CLIENT', 'SETNAME', o.clientName], o.readTimeout));
  const libInfo = withLibInfo ? sendLibInfo(conn, o.readTimeout) : undefined;
  pending.push(conn.call(['CLIENT', 'ID'], o.readTimeout));
  const settled = await Promise.allSettled(pending);
  await libInfo;
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  const id = settled[settled.length - 1];
  if (id?.status === 'fulfilled' && typeof id.value === 'number') conn.serverId = id.value;
}

function helloField(reply: RespValue, field: string): number {
  if (reply instanceof Map) {
    const v = reply.get(field);
    return typeof v === 'number' ? v : 0;
  }
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) {
      if (reply[i] === field && typeof reply[i + 1] === 'number') return reply[i + 1] as number;
    }
  }
  return 0;
}
