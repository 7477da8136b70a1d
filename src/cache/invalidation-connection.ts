/**
 * One dedicated connection that hears every invalidation for the client, outside the pool:
 * - RESP2 tracking mode: subscribed to `__redis__:invalidate`; the pool's connections redirect their
 *   tracking here (`CLIENT TRACKING ON REDIRECT <this id>`).
 * - broadcast mode: `CLIENT TRACKING ON BCAST PREFIX …` for itself — RESP3 receives pushes directly;
 *   RESP2 redirects to itself and subscribes.
 *
 *   idle ──start──▶ connecting ──ready──▶ live ──lost / PING unanswered──▶ backoff ──▶ connecting
 *                       └──────failed─────────────────────────────────────▶ backoff
 *   any ──close──▶ closed
 *
 * Leaving `live` tells the owner, which flushes the cache: changes made while nobody listened are
 * unknown. Each live period has its own epoch, so that RESP2 pool connections still redirecting to an
 * older connection are recognised and re-pointed. Holds one `maxActiveConns` permit while it has a socket.
 */
import { ClientClosedError, ConnectionError } from '../errors.js';
import type { RedisArg, RespValue } from '../resp/types.js';
import type { CacheEnvironment, ListenerConnection } from './contracts.js';
import { INVALIDATE_CHANNEL, invalidationPayload, type InvalidationSink } from './messages.js';

export interface InvalidationOwner extends InvalidationSink {
  /** The connection became live (true) or stopped listening (false). */
  listening(live: boolean): void;
}

type State = 'idle' | 'connecting' | 'live' | 'backoff' | 'closed';

export class InvalidationConnection {
  /** The server's id of the live connection (the REDIRECT target). */
  serverId = 0;
  /** Increments each time a connection becomes live. */
  epoch = 0;
  /** Why the connection last failed or was lost. */
  lastError: string | undefined;
  private state: State = 'idle';
  private conn: ListenerConnection | undefined;
  private connecting: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private holdsPermit = false;
  private readonly closing = new AbortController();
  private confirm: ((error?: Error) => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private heard = false;
  private awaitingPong = false;

  constructor(
    private readonly env: CacheEnvironment,
    /** undefined: the RESP2 redirect target; an array (empty = every key): broadcast these prefixes. */
    private readonly broadcastPrefixes: readonly string[] | undefined,
    private readonly owner: InvalidationOwner,
  ) {}

  get live(): boolean {
    return this.state === 'live';
  }

  /** Connects unless it already is (or is about to). */
  start(): void {
    if (this.state === 'idle') this.connect();
  }

  async close(): Promise<void> {
    if (this.state !== 'closed') {
      const wasLive = this.state === 'live';
      this.state = 'closed';
      this.closing.abort(new ClientClosedError());
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.stopHeartbeat();
      const conn = this.conn;
      this.conn = undefined;
      conn?.close();
      if (wasLive) this.owner.listening(false);
    }
    await this.connecting;
    this.releasePermit();
  }

  private connect(): void {
    this.state = 'connecting';
    this.connecting = this.open().then(
      (conn) => {
        this.connecting = undefined;
        if (this.state === 'closed') {
          conn.close();
          return;
        }
        this.conn = conn;
        conn.unref?.(); // it only listens: it must not keep a finished script alive
        conn.owner = { connectionDrained: () => {}, connectionClosed: () => this.lost(conn) };
        this.state = 'live';
        this.attempt = 0;
        this.epoch++;
        this.startHeartbeat();
        this.owner.listening(true);
      },
      (error: unknown) => {
        this.connecting = undefined;
        this.lastError = error instanceof Error ? error.message : String(error);
        this.releasePermit();
        if (this.state !== 'closed') this.scheduleReconnect();
      },
    );
  }

  private async open(): Promise<ListenerConnection> {
    const env = this.env;
    const signal = this.closing.signal;
    if (env.limiter !== undefined && !this.holdsPermit) {
      await env.limiter.acquire({ timeoutMs: env.poolTimeout, signal });
      this.holdsPermit = true;
    }
    const conn = await env.openConnection(AbortSignal.any([AbortSignal.timeout(env.dialTimeout), signal]));
    try {
      if (conn.serverId === 0) conn.serverId = Number(await conn.call(['CLIENT', 'ID'], env.readTimeout));
      conn.onPush = (push) => this.handleFrame(push);
      const prefixes = this.broadcastPrefixes;
      if (prefixes !== undefined) {
        const args: RedisArg[] = ['CLIENT', 'TRACKING', 'ON', 'BCAST'];
        if (conn.protocol === 2) args.push('REDIRECT', conn.serverId); // to itself: it subscribes next
        for (const prefix of prefixes) args.push('PREFIX', prefix);
        await conn.call(args, env.readTimeout);
      }
      if (conn.protocol === 2) await this.subscribe(conn);
      this.serverId = conn.serverId;
      return conn;
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  /** SUBSCRIBE has no queued reply: its confirmation arrives as a pub/sub frame. */
  private subscribe(conn: ListenerConnection): Promise<void> {
    conn.pubSubMode = true;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => settle(new ConnectionError(`No SUBSCRIBE confirmation from ${conn.address}.`)),
        this.env.readTimeout || this.env.dialTimeout,
      );
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.confirm = undefined;
        conn.owner = undefined;
        if (error === undefined) resolve();
        else reject(error);
      };
      this.confirm = settle;
      conn.owner = { connectionDrained: () => {}, connectionClosed: (_, error) => settle(error) };
      conn.writeWithoutReply(['SUBSCRIBE', INVALIDATE_CHANNEL]);
    });
  }

  private handleFrame(frame: RespValue[]): void {
    this.heard = true;
    const payload = invalidationPayload(frame);
    if (payload !== undefined) {
      this.owner.invalidate(payload);
      return;
    }
    const head = frame[0];
    if (head instanceof Error) this.confirm?.(head);
    else if (String(head).toLowerCase() === 'subscribe') this.confirm?.();
  }

  /**
   * Each pingInterval: traffic since the last tick → nothing to do; silence → PING; silence again with the
   * PING out → the connection is dropped (and rebuilt), since invalidations may be lost on it.
   */
  private startHeartbeat(): void {
    const interval = this.env.pingInterval;
    if (interval <= 0) return;
    this.heard = false;
    this.awaitingPong = false;
    this.heartbeat = setInterval(() => this.beat(), interval);
    this.heartbeat.unref();
  }

  private beat(): void {
    const conn = this.conn;
    if (conn === undefined) return;
    if (this.heard) {
      this.heard = false;
      this.awaitingPong = false;
    } else if (this.awaitingPong) {
      conn.destroy(new ConnectionError('The invalidation connection did not answer PING; reconnecting.'));
    } else {
      this.awaitingPong = true;
      // Subscribed (RESP2): the PONG comes back as a pub/sub frame; otherwise as an ordinary reply.
      if (conn.pubSubMode) conn.writeWithoutReply(['PING']);
      else {
        conn.call(['PING'], 0).then(
          () => (this.heard = true),
          () => undefined,
        );
      }
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private lost(conn: ListenerConnection): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    this.stopHeartbeat();
    this.lastError = 'the invalidation connection was lost';
    this.releasePermit();
    if (this.state !== 'live') return;
    this.owner.listening(false);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.state = 'backoff';
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === 'backoff') this.connect();
    }, this.env.backoff(this.attempt++));
    // The cache must not keep a process alive on its own.
    this.timer.unref();
  }

  private releasePermit(): void {
    if (!this.holdsPermit) return;
    this.holdsPermit = false;
    this.env.limiter?.release();
  }
}
