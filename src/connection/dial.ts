/**
 * Opens the byte stream to a server: TCP, TLS or a unix socket, or the user's own dialer.
 * Every failure becomes a ConnectionError whose message says where and what to check.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls, { type ConnectionOptions as TlsOptions } from 'node:tls';
import { AbortError, ConnectionError } from '../errors.js';

export interface DialTarget {
  host: string;
  port: number;
  path: string | undefined;
  tls: TlsOptions | undefined;
  dialer: ((signal: AbortSignal) => Promise<Duplex>) | undefined;
  address: string;
}

export async function dialSocket(target: DialTarget, signal: AbortSignal): Promise<Duplex> {
  if (signal.aborted) throw abortReason(signal, target.address);
  if (target.dialer !== undefined) {
    try {
      return await target.dialer(signal);
    } catch (err) {
      if (err instanceof ConnectionError || err instanceof AbortError) throw err;
      throw new ConnectionError(`The custom dialer failed to connect to ${target.address}: ${errorText(err)}`, {
        cause: err,
        duringDial: true,
      });
    }
  }
  return new Promise<Duplex>((resolve, reject) => {
    let socket: net.Socket;
    try {
      socket = openSocket(target);
    } catch (err) {
      // node:net/tls validate some options synchronously (a TLS CA of the wrong type, …): still a typed error.
      reject(
        new ConnectionError(`Could not connect to Redis at ${target.address}: ${errorText(err)}`, {
          cause: err,
          duringDial: true,
        }),
      );
      return;
    }
    const readyEvent = target.tls !== undefined ? 'secureConnect' : 'connect';
    const onAbort = () => {
      cleanup();
      socket.destroy();
      reject(abortReason(signal, target.address));
    };
    const onError = (err: Error) => {
      cleanup();
      socket.destroy();
      reject(
        new ConnectionError(
          `Could not connect to Redis at ${target.address}: ${errorText(err)}. Check that the server is running and reachable.`,
          { cause: err, duringDial: true },
        ),
      );
    };
    const onReady = () => {
      cleanup();
      if (socket instanceof net.Socket) {
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 30_000);
      }
      resolve(socket);
    };
    const cleanup = () => {
      signal.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off(readyEvent, onReady);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once(readyEvent, onReady);
  });
}

function openSocket(target: DialTarget): net.Socket {
  if (target.tls !== undefined) {
    const options: tls.ConnectionOptions = { ...target.tls };
    if (target.path !== undefined) options.path = target.path;
    else {
      options.host = target.host;
      options.port = target.port;
      if (options.servername === undefined && net.isIP(target.host) === 0) options.servername = target.host;
    }
    return tls.connect(options);
  }
  if (target.path !== undefined) return net.connect({ path: target.path });
  return net.connect({ host: target.host, port: target.port });
}

function abortReason(signal: AbortSignal, address: string): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new ConnectionError(`Connecting to ${address} timed out (dialTimeout).`, {
      cause: reason,
      duringDial: true,
    });
  }
  if (reason instanceof Error && (reason instanceof ConnectionError || reason.name === 'ClientClosedError'))
    return reason;
  return new AbortError(reason, `Connecting to ${address} was aborted.`);
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== undefined && !err.message.includes(code) ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}
