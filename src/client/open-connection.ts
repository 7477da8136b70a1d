/** Dials, wraps and greets one connection: the one way every pool and pub/sub connection is made. */
import { Connection } from '../connection/connection.js';
import { dialSocket } from '../connection/dial.js';
import { handshake } from '../connection/handshake.js';
import { ConnectionError } from '../errors.js';
import { describeAddress, type ResolvedClientOptions } from '../options.js';
import { scrubSecret } from '../options-secrets.js';

export async function openConnection(o: ResolvedClientOptions, signal: AbortSignal): Promise<Connection> {
  const address = describeAddress(o);
  const socket = await dialSocket(
    { host: o.host, port: o.port, path: o.path, tls: o.tls, dialer: o.dialer, address },
    signal,
  );
  const conn = new Connection(socket, { maxBulkLength: o.maxBulkLength, writeTimeout: o.writeTimeout, address });
  const onAbort = () =>
    conn.destroy(new ConnectionError(`Connecting to ${address} timed out during the handshake.`, { duringDial: true }));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await handshake(conn, {
      protocol: o.protocol,
      username: o.username,
      password: o.password,
      clientName: o.clientName,
      db: o.db,
      readTimeout: o.readTimeout,
    });
    if (o.onConnect !== undefined) {
      await o.onConnect({ id: conn.id, sendCommand: (args) => conn.call(args, o.readTimeout) });
    }
  } catch (err) {
    conn.close();
    throw scrubSecret(err, o.password); // a server or proxy may echo the AUTH arguments
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return conn;
}
