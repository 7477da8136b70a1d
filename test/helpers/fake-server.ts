/**
 * A scripted fake Redis server for hostile-input tests. It speaks enough RESP to greet a client (HELLO 3,
 * CLIENT ID/SETNAME, AUTH, SELECT) and to serve PING, ECHO, GET, SET, INCR and DEL from memory; a script
 * decides per command what goes on the wire instead: malformed bytes, extra replies, push frames, lies.
 *
 *   const fake = await FakeServer.start({
 *     onCommand: (cmd, conn) => (cmd[0] === 'GET' && conn.index === 1 ? '?garbage\r\n' : undefined),
 *   });
 *   after(() => fake.close());
 *
 * onCommand returns undefined for the default reply, a string or Buffer to write those raw bytes instead,
 * or null to answer nothing. onAccept may write, close or destroy a connection the moment it is accepted.
 * Both may be swapped while the server runs.
 */
import net from 'node:net';

export type CommandScript = (command: string[], conn: FakeConnection) => string | Buffer | null | undefined;

export interface FakeServerOptions {
  onAccept?: (conn: FakeConnection) => void;
  onCommand?: CommandScript;
}

export class FakeConnection {
  /** Every command received, in order (names upper-cased). */
  readonly commands: string[][] = [];
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    readonly socket: net.Socket,
    /** Accept order, from 0. */
    readonly index: number,
  ) {}

  get closed(): boolean {
    return this.socket.destroyed;
  }

  write(raw: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(raw);
  }

  /** Ends the connection (FIN). */
  close(): void {
    this.socket.end();
  }

  /** Resets the connection (RST). */
  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  /** Appends bytes and returns the complete commands they finish. */
  take(data: Buffer): string[][] {
    this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
    const out: string[][] = [];
    let pos = 0;
    for (;;) {
      const parsed = parseCommand(this.pending, pos);
      if (parsed === undefined) break;
      out.push(parsed.args);
      pos = parsed.end;
    }
    this.pending = this.pending.subarray(pos);
    return out;
  }
}

export class FakeServer {
  readonly host = '127.0.0.1';
  /** Connections accepted since start. */
  accepted = 0;
  /** The string store behind GET/SET/INCR/DEL, shared by every connection. */
  readonly store = new Map<string, string>();
  readonly connections: FakeConnection[] = [];
  /** The script; tests may swap it at any time. */
  onAccept: FakeServerOptions['onAccept'];
  onCommand: FakeServerOptions['onCommand'];

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    options: FakeServerOptions,
  ) {
    this.onAccept = options.onAccept;
    this.onCommand = options.onCommand;
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeServer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const fake = new FakeServer(server, port, options);
    server.on('connection', (socket) => fake.accept(socket));
    return fake;
  }

  /** Connections still open. */
  get open(): number {
    return this.connections.filter((c) => !c.closed).length;
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.reset();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const conn = new FakeConnection(socket, this.accepted++);
    this.connections.push(conn);
    socket.on('error', () => {});
    socket.setNoDelay(true);
    this.onAccept?.(conn);
    if (socket.destroyed) return;
    socket.on('data', (data: Buffer) => {
      for (const command of conn.take(data)) {
        command[0] = (command[0] ?? '').toUpperCase();
        conn.commands.push(command);
        const scripted = this.onCommand?.(command, conn);
        if (scripted === null) continue;
        conn.write(scripted ?? this.defaultReply(command, conn));
      }
    });
  }

  private defaultReply(command: string[], conn: FakeConnection): string {
    const [name, a, b] = command;
    switch (name) {
      case 'HELLO':
        return `%3\r\n+server\r\n+fake\r\n+proto\r\n:3\r\n+id\r\n:${conn.index + 1}\r\n`;
      case 'CLIENT':
        return a?.toUpperCase() === 'ID' ? `:${conn.index + 1}\r\n` : '+OK\r\n';
      case 'AUTH':
      case 'SELECT':
        return '+OK\r\n';
      case 'PING':
        return '+PONG\r\n';
      case 'ECHO':
        return bulk(a ?? '');
      case 'GET': {
        const value = this.store.get(a ?? '');
        return value === undefined ? '$-1\r\n' : bulk(value);
      }
      case 'SET':
        this.store.set(a ?? '', b ?? '');
        return '+OK\r\n';
      case 'INCR': {
        const next = Number(this.store.get(a ?? '') ?? '0') + 1;
        this.store.set(a ?? '', String(next));
        return `:${next}\r\n`;
      }
      case 'DEL':
        return `:${command.slice(1).filter((k) => this.store.delete(k)).length}\r\n`;
      default:
        return `-ERR unknown command '${name ?? ''}'\r\n`;
    }
  }
}

export function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
}

/** One `*N\r\n$len\r\n…` command starting at `pos`, or undefined when it is not complete yet. */
export function parseCommand(buf: Buffer, pos: number): { args: string[]; end: number } | undefined {
  const line = readLine(buf, pos);
  if (line === undefined) return undefined;
  if (line.text[0] !== '*') throw new Error(`fake server: expected an array, got ${JSON.stringify(line.text)}`);
  const count = Number(line.text.slice(1));
  const args: string[] = [];
  let at = line.end;
  for (let i = 0; i < count; i++) {
    const header = readLine(buf, at);
    if (header === undefined) return undefined;
    const length = Number(header.text.slice(1));
    if (buf.length < header.end + length + 2) return undefined;
    args.push(buf.toString('utf8', header.end, header.end + length));
    at = header.end + length + 2;
  }
  return { args, end: at };
}

function readLine(buf: Buffer, pos: number): { text: string; end: number } | undefined {
  const cr = buf.indexOf('\r\n', pos);
  return cr < 0 ? undefined : { text: buf.toString('latin1', pos, cr), end: cr + 2 };
}
