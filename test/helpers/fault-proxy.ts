/**
 * A TCP proxy that tests put between the client and a private redis-server to inject network faults.
 *
 *   const proxy = await FaultProxy.start(server);   // client connects to proxy.port
 *   proxy.latencyMs = 200;                          // every chunk, both ways, arrives 200 ms later
 *   proxy.bytesPerSecond = 10_000;                  // throttle both ways
 *   proxy.blackhole('both'); … proxy.blackhole('none');   // hold traffic, then let it through
 *   proxy.resetAll();                               // RST every open connection
 *   proxy.cutAfter(100, 'down');                    // reset each new connection after 100 bytes to the client
 *   proxy.mode = 'silent';                          // accept, never dial upstream, never answer
 *   after(() => proxy.close());
 *
 * Each accepted connection is a pair (client side, server side) with one ordered queue per direction.
 *   forwarding ──blackhole──▶ holding (bytes kept, in order) ──heal──▶ forwarding
 *   any state ──reset / cut / either side closes──▶ closed (both sides destroyed)
 * A blackhole holds bytes instead of dropping them, as a partition does before TCP retransmits: dropping
 * would desynchronise the stream, which no real network does to a live TCP connection.
 */
import net from 'node:net';

export type Direction = 'up' | 'down';
export type BlackholeMode = 'none' | Direction | 'both';
/** forward: normal; silent: accept but never answer; close: end right after accept; reset: RST right after accept. */
export type ProxyMode = 'forward' | 'silent' | 'close' | 'reset';

interface Chunk {
  data: Buffer;
  /** performance.now() when it may be written. */
  at: number;
}

class Pipe {
  readonly queue: Chunk[] = [];
  timer: NodeJS.Timeout | undefined;
  /** Bytes already forwarded. */
  forwarded = 0;
  /** When the previous chunk leaves, so chunks keep their order under latency and throttling. */
  lastAt = 0;
  constructor(
    readonly to: () => net.Socket | undefined,
    readonly direction: Direction,
  ) {}
}

class ProxiedConnection {
  upstream: net.Socket | undefined;
  readonly pipes: Record<Direction, Pipe>;
  closed = false;
  constructor(
    readonly client: net.Socket,
    readonly cutAfter: Partial<Record<Direction, number>>,
  ) {
    this.pipes = {
      up: new Pipe(() => this.upstream, 'up'),
      down: new Pipe(() => this.client, 'down'),
    };
  }
}

export class FaultProxy {
  readonly host = '127.0.0.1';
  /** Added to every chunk in both directions, ms. */
  latencyMs = 0;
  /** Per connection and direction; 0 = unlimited. */
  bytesPerSecond = 0;
  mode: ProxyMode = 'forward';
  /** Connections accepted since start (every mode). */
  accepted = 0;
  private holding: BlackholeMode = 'none';
  private cut: Partial<Record<Direction, number>> = {};
  private readonly conns = new Set<ProxiedConnection>();

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<FaultProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const proxy = new FaultProxy(server, port, { host: target.host, port: target.port });
    server.on('connection', (socket) => proxy.accept(socket));
    return proxy;
  }

  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  /** Connections currently open through the proxy. */
  get open(): number {
    return this.conns.size;
  }

  /** Stops forwarding in one direction ('up' = to the server, 'down' = to the client) or both; 'none' heals. */
  blackhole(mode: BlackholeMode): void {
    this.holding = mode;
    if (mode !== 'both')
      for (const conn of this.conns) for (const pipe of Object.values(conn.pipes)) this.pump(conn, pipe);
  }

  /** New connections are reset once this many bytes went `direction`; undefined stops cutting. */
  cutAfter(bytes: number | undefined, direction: Direction = 'down'): void {
    if (bytes === undefined) delete this.cut[direction];
    else this.cut[direction] = bytes;
  }

  /** Resets (RST) every open connection, both sides. Returns how many. */
  resetAll(): number {
    const n = this.conns.size;
    for (const conn of [...this.conns]) this.destroy(conn);
    return n;
  }

  /** Resets one open connection chosen by `pick` (a number in [0, 1)); false when none is open. */
  resetOne(pick: number): boolean {
    const all = [...this.conns];
    const conn = all[Math.floor(pick * all.length)];
    if (conn === undefined) return false;
    this.destroy(conn);
    return true;
  }

  /** Back to a clean forwarding proxy (open connections are kept). */
  heal(): void {
    this.latencyMs = 0;
    this.bytesPerSecond = 0;
    this.mode = 'forward';
    this.cut = {};
    this.blackhole('none');
  }

  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    client.on('error', () => {});
    if (this.mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    if (this.mode === 'close') {
      client.end();
      client.destroySoon();
      return;
    }
    const conn = new ProxiedConnection(client, { ...this.cut });
    this.conns.add(conn);
    client.on('close', () => this.destroy(conn));
    if (this.mode === 'silent') {
      client.on('data', () => {}); // swallowed: nobody will ever answer
      return;
    }
    const upstream = net.connect(this.target);
    conn.upstream = upstream;
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    upstream.on('error', () => {});
    upstream.on('close', () => this.destroy(conn));
    upstream.on('connect', () => this.pump(conn, conn.pipes.up));
    client.on('data', (data: Buffer) => this.enqueue(conn, conn.pipes.up, data));
    upstream.on('data', (data: Buffer) => this.enqueue(conn, conn.pipes.down, data));
  }

  private enqueue(conn: ProxiedConnection, pipe: Pipe, data: Buffer): void {
    if (conn.closed) return;
    const now = performance.now();
    const transfer = this.bytesPerSecond > 0 ? (data.length * 1000) / this.bytesPerSecond : 0;
    const at = Math.max(now + this.latencyMs, pipe.lastAt) + transfer;
    pipe.lastAt = at;
    pipe.queue.push({ data, at });
    this.pump(conn, pipe);
  }

  private isHeld(direction: Direction): boolean {
    return this.holding === 'both' || this.holding === direction;
  }

  /** Writes every chunk that is due, in order; arms one timer for the next. */
  private pump(conn: ProxiedConnection, pipe: Pipe): void {
    if (conn.closed || this.isHeld(pipe.direction)) return;
    const to = pipe.to();
    if (to === undefined || to.connecting) return; // the 'connect' handler pumps again
    const now = performance.now();
    while (pipe.queue.length > 0) {
      const head = pipe.queue[0]!;
      if (head.at > now) {
        if (pipe.timer === undefined) {
          pipe.timer = setTimeout(() => {
            pipe.timer = undefined;
            this.pump(conn, pipe);
          }, head.at - now);
        }
        return;
      }
      pipe.queue.shift();
      const limit = conn.cutAfter[pipe.direction];
      if (limit !== undefined && pipe.forwarded + head.data.length >= limit) {
        to.write(head.data.subarray(0, limit - pipe.forwarded));
        pipe.forwarded = limit;
        // Let the partial bytes leave before the reset.
        setImmediate(() => this.destroy(conn));
        return;
      }
      pipe.forwarded += head.data.length;
      to.write(head.data);
    }
  }

  private destroy(conn: ProxiedConnection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.conns.delete(conn);
    for (const pipe of Object.values(conn.pipes)) {
      if (pipe.timer !== undefined) clearTimeout(pipe.timer);
      pipe.queue.length = 0;
    }
    if (!conn.client.destroyed) conn.client.resetAndDestroy();
    if (conn.upstream !== undefined && !conn.upstream.destroyed) {
      if (conn.upstream.connecting) conn.upstream.destroy();
      else conn.upstream.resetAndDestroy();
    }
  }
}
