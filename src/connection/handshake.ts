/**
 * The greeting every new connection goes through before it serves anyone:
 * HELLO 3 with AUTH and SETNAME (or, for RESP2 or servers without HELLO, AUTH and CLIENT SETNAME),
 * then SELECT. A failure closes the connection and surfaces the server's reason.
 */
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

export async function handshake(conn: Connection, o: HandshakeOptions): Promise<void> {
  const timeout = o.readTimeout;
  if (o.protocol === 3) {
    const hello: RedisArg[] = ['HELLO', '3'];
    if (o.password !== undefined) hello.push('AUTH', o.username ?? 'default', o.password);
    if (o.clientName !== undefined) hello.push('SETNAME', o.clientName);
    try {
      const reply = await conn.call(hello, timeout);
      conn.protocol = 3;
      conn.serverId = helloField(reply, 'id');
    } catch (err) {
      // Servers before 6.0 do not know HELLO: fall back to RESP2 with AUTH.
      if (!(err instanceof ReplyError) || !/unknown command|NOPROTO/i.test(err.message)) throw err;
      await legacyGreeting(conn, o);
    }
  } else {
    await legacyGreeting(conn, o);
  }
  if (o.db !== 0) await conn.call(['SELECT', o.db], timeout);
}

async function legacyGreeting(conn: Connection, o: HandshakeOptions): Promise<void> {
  conn.protocol = 2;
  const pending: Promise<RespValue>[] = [];
  if (o.password !== undefined) {
    pending.push(
      conn.call(o.username !== undefined ? ['AUTH', o.username, o.password] : ['AUTH', o.password], o.readTimeout),
    );
  }
  if (o.clientName !== undefined) pending.push(conn.call(['CLIENT', 'SETNAME', o.clientName], o.readTimeout));
  pending.push(conn.call(['CLIENT', 'ID'], o.readTimeout));
  const settled = await Promise.allSettled(pending);
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
