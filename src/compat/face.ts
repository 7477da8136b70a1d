/**
 * What the ioredis and node-redis faces share: the client under them, the face's own open/closed state and
 * events, where its commands go, and its subscriptions.
 *
 * A face is a view of one respool client: its commands go through the client's pool, its subscriptions
 * through the client's pub/sub connection, its blocking commands through the blocking pool. A face made by
 * `duplicate()` is another view of the same client, except when the library names it (`connectionName`,
 * `CLIENT SETNAME`): a name belongs to one connection, so such a face holds a dedicated connection of the
 * pool (`client.withConn`) for as long as it is open, and every command of that face goes there.
 *
 *   open ──quit()──▶ closing (new commands refused; in-flight ones finish; blocking ones end) ──▶ end
 *     └───disconnect()──────────────────────────────────────────────────────────────────────────▶ end
 *   end ──connect()──▶ open
 *
 * Closing a face never closes the client, unless the face owns it (it was made from options, or with
 * `ownsClient: true`): then the client closes when that face and every duplicate of it have closed.
 */
import { EventEmitter } from 'node:events';
import type { RedisClient } from '../client/client.js';
import type { PinnedConnection } from '../client/pinned.js';
import type { PubSubMessage, Subscription, SubscriptionKind } from '../client/subscription.js';
import { CommandFlags } from '../commands/command.js';
import { describeRaw } from '../commands/registry.js';
import { AbortError, ConnectionError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';

/** One command as a face sends it: raw arguments, and what turns the raw reply into the library's shape. */
export interface FaceCommand {
  args: RedisArg[];
  buffers: boolean;
  transform?: ((reply: unknown) => unknown) | undefined;
}

/** The open faces of each client: when the client closes, they close too (and let their connections go). */
const facesOf = new WeakMap<RedisClient, Set<Face>>();

function track(client: RedisClient, face: Face): void {
  let faces = facesOf.get(client);
  if (faces === undefined) {
    const set = new Set<Face>();
    facesOf.set(client, set);
    client.on('closing', () => {
      for (const f of [...set]) f.clientClosing();
    });
    faces = set;
  }
  faces.add(face);
}

/** The client a face and its duplicates share, and whether closing them closes it. */
export class SharedClient {
  private openFaces = 0;

  constructor(
    readonly client: RedisClient,
    private readonly owned: boolean,
  ) {}

  /** @internal */
  register(face: Face): void {
    track(this.client, face);
  }

  /** @internal */
  unregister(face: Face): void {
    facesOf.get(this.client)?.delete(face);
  }

  hold(): void {
    this.openFaces++;
  }

  async letGo(): Promise<void> {
    if (--this.openFaces === 0 && this.owned) await this.client.close();
  }
}

export type FaceState = 'connecting' | 'ready' | 'closing' | 'end';

export interface FaceInit {
  shared: SharedClient;
  /** Made by duplicate(): may hold a dedicated connection once named. */
  duplicate: boolean;
  /** The connection name the library asked for (a dedicated, named connection). */
  connectionName?: string | undefined;
}

/** Whether the server may hold this command's reply (BLPOP, XREAD BLOCK…): quit() ends those at once. */
export function isBlocking(args: readonly RedisArg[]): boolean {
  const info = describeRaw(args);
  return (info.flags & CommandFlags.BLOCKING) !== 0 && info.blockMs !== undefined;
}

interface PinWaiter {
  run: (conn: PinnedConnection) => void;
  fail: (error: unknown) => void;
}

export abstract class Face extends EventEmitter {
  protected readonly shared: SharedClient;
  protected readonly isDuplicate: boolean;
  protected connectionName: string | undefined;
  protected state: FaceState = 'end';
  /** Aborts every command of the face (disconnect). */
  private controller = new AbortController();
  /** Aborts the blocking commands of the face (quit). */
  private blockingController = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();
  private pinned: PinnedConnection | undefined;
  private pinning = false;
  private pinWaiters: PinWaiter[] = [];
  private releasePin: (() => void) | undefined;
  private pinnedBlocking = 0;
  /** What connect() resolves with: the first PING of this opening answered. */
  private readying: Promise<void> = Promise.resolve();
  private readonly subscriptions = new Map<string, Subscription<Buffer>>();

  protected constructor(init: FaceInit) {
    super();
    this.shared = init.shared;
    this.isDuplicate = init.duplicate;
    this.connectionName = init.connectionName;
  }

  /** The error a command of a closed face rejects with (each library's client has its own wording). */
  protected abstract closedError(): Error;

  /** A pub/sub message for this face (Buffers; the face converts and dispatches). */
  protected abstract deliver(message: PubSubMessage<Buffer>): void;

  /** The respool client under this face. */
  get respoolClient(): RedisClient {
    return this.shared.client;
  }

  /** Open, or opening: commands are accepted. */
  protected get accepting(): boolean {
    return this.state === 'connecting' || this.state === 'ready';
  }

  /** Opens the face: a PING checks the server (and, for a named face, takes its connection), then 'connect' and 'ready'. */
  protected openFace(): Promise<void> {
    if (this.accepting) return this.readying;
    this.controller = new AbortController();
    this.blockingController = new AbortController();
    this.state = this.connectionName === undefined ? 'ready' : 'connecting';
    this.shared.hold();
    this.shared.register(this);
    this.readying = this.run({ args: ['PING'], buffers: false }).then(
      () => {
        if (!this.accepting) return;
        this.state = 'ready';
        this.emit('connect');
        this.emit('ready');
      },
      (error: unknown) => {
        this.emitError(error);
        throw error;
      },
    );
    this.readying.catch(() => {}); // reported through 'error'; connect() callers get it too
    return this.readying;
  }

  /** 'error' reaches listeners when there are some; without any it is not thrown at the process. */
  protected emitError(error: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  /** Sends one command on this face's path and converts its reply. */
  protected run(command: FaceCommand): Promise<unknown> {
    if (!this.accepting) return Promise.reject(this.closedError());
    let promise: Promise<unknown>;
    try {
      promise = this.usesDedicated() ? this.sendDedicated(command) : this.sendShared(command);
    } catch (error) {
      return Promise.reject(error);
    }
    this.inflight.add(promise);
    const forget = (): void => void this.inflight.delete(promise);
    promise.then(forget, forget);
    return command.transform === undefined ? promise : promise.then(command.transform);
  }

  /**
   * Sends commands together, as a pipeline or a MULTI/EXEC transaction, on this face's path. Resolves with
   * one entry per command: its converted reply, or its ReplyError in place. A transaction whose WATCHed key
   * changed rejects with WatchError; a command refused when queued (a bad argument) rejects before sending.
   */
  protected runBatch(commands: readonly FaceCommand[], kind: 'pipeline' | 'multi'): Promise<unknown[]> {
    if (!this.accepting) return Promise.reject(this.closedError());
    const send = (host: RedisClient | PinnedConnection): Promise<unknown[]> => {
      const batch = kind === 'multi' ? host.multi() : host.pipeline();
      for (const c of commands) batch.sendCommand(c.args, { buffers: c.buffers });
      return batch.exec();
    };
    let promise: Promise<unknown[]>;
    try {
      promise = this.usesDedicated() ? this.onDedicated(send) : send(this.shared.client);
    } catch (error) {
      return Promise.reject(error);
    }
    this.inflight.add(promise);
    const forget = (): void => void this.inflight.delete(promise);
    promise.then(forget, forget);
    return promise.then((replies) =>
      replies.map((reply, i) => {
        const transform = commands[i]!.transform;
        if (reply instanceof Error || transform === undefined) return reply;
        try {
          return transform(reply);
        } catch (error) {
          return error;
        }
      }),
    );
  }

  /** Whether commands go to a dedicated connection (a named face) rather than through the pool. */
  protected usesDedicated(): boolean {
    return this.connectionName !== undefined;
  }

  private sendShared(command: FaceCommand): Promise<unknown> {
    const signal = isBlocking(command.args) ? this.blockingController.signal : this.controller.signal;
    return this.shared.client
      .sendCommand(command.args, { buffers: command.buffers, signal })
      .catch((error: unknown) => {
        throw signal.aborted && error instanceof AbortError ? this.closedError() : error;
      });
  }

  private sendDedicated(command: FaceCommand): Promise<unknown> {
    const blocking = isBlocking(command.args);
    const signal = blocking ? this.blockingController.signal : this.controller.signal;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(this.closedError());
      signal.addEventListener('abort', onAbort, { once: true });
      this.onDedicated((conn) => {
        if (blocking) this.pinnedBlocking++;
        return conn.sendCommand(command.args, { buffers: command.buffers }).finally(() => {
          if (blocking) this.pinnedBlocking--;
        });
      }).then(
        (reply) => {
          signal.removeEventListener('abort', onAbort);
          resolve(reply);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (error instanceof ConnectionError) this.dropDedicated(); // the next command takes a new one
          reject(error);
        },
      );
    });
  }

  /** Runs `fn` on the dedicated connection, taking it (and naming it) first if needed; in call order. */
  protected onDedicated<T>(fn: (conn: PinnedConnection) => Promise<T>): Promise<T> {
    if (this.pinned !== undefined) return fn(this.pinned);
    return new Promise<T>((resolve, reject) => {
      this.pinWaiters.push({ run: (conn) => void fn(conn).then(resolve, reject), fail: reject });
      this.takeDedicated();
    });
  }

  private takeDedicated(): void {
    if (this.pinning) return;
    this.pinning = true;
    const leased = new Promise<PinnedConnection>((resolve, reject) => {
      this.shared.client
        .withConn((conn) => {
          resolve(conn);
          return new Promise<void>((release) => (this.releasePin = release));
        })
        .catch(reject);
    });
    leased
      .then(async (conn) => {
        if (this.connectionName !== undefined) await conn.sendCommand(['CLIENT', 'SETNAME', this.connectionName]);
        return conn;
      })
      .then(
        (conn) => {
          this.pinned = conn;
          const waiters = this.pinWaiters;
          this.pinWaiters = [];
          for (const w of waiters) w.run(conn);
        },
        (error: unknown) => {
          this.dropDedicated();
          const waiters = this.pinWaiters;
          this.pinWaiters = [];
          for (const w of waiters) w.fail(error);
        },
      );
  }

  /** Gives the dedicated connection back (it leaves the pool: its name cannot be handed on). */
  private dropDedicated(): void {
    const release = this.releasePin;
    this.releasePin = undefined;
    this.pinned = undefined;
    this.pinning = false;
    release?.();
  }

  /** Names this face's connection: from now on it holds a dedicated connection with that name. */
  protected async nameConnection(name: string): Promise<'OK'> {
    if (this.pinned !== undefined) await this.pinned.sendCommand(['CLIENT', 'SETNAME', name]);
    this.connectionName = name;
    if (this.pinned === undefined) await this.onDedicated(() => Promise.resolve());
    return 'OK';
  }

  /** quit(): in-flight commands finish, blocking ones end, subscriptions end; then the face is closed. */
  protected async closeGracefully(): Promise<void> {
    if (!this.accepting) return;
    this.state = 'closing';
    this.blockingController.abort();
    await this.unblockDedicated();
    await Promise.allSettled([this.unsubscribeAll(), ...this.inflight]);
    await this.finish();
  }

  /** disconnect(): everything in flight rejects now; the face is closed. */
  protected closeNow(): Promise<void> {
    if (this.state === 'end') return Promise.resolve();
    const wasClosing = this.state === 'closing';
    this.state = 'closing';
    this.controller.abort();
    this.blockingController.abort();
    void this.unblockDedicated();
    void this.unsubscribeAll();
    return wasClosing ? Promise.resolve() : this.finish();
  }

  /**
   * @internal The client is closing under the face (its own close(), or the owner's): the face ends
   * with it, its dedicated connection is let go so that close() can finish, and 'end' is emitted.
   */
  clientClosing(): void {
    if (this.state === 'end') return;
    this.state = 'closing';
    this.controller.abort();
    this.blockingController.abort();
    this.subscriptions.clear(); // the client ends them itself
    void this.finish();
  }

  private async finish(): Promise<void> {
    this.dropDedicated();
    this.shared.unregister(this);
    this.state = 'end';
    try {
      await this.shared.letGo();
    } finally {
      // Listeners attach right before calling quit()/disconnect() and expect the events afterwards.
      process.nextTick(() => {
        this.emit('close');
        this.emit('end');
      });
    }
  }

  /** A blocking command on the dedicated connection is ended server-side (CLIENT UNBLOCK) so it can be given back. */
  private async unblockDedicated(): Promise<void> {
    const conn = this.pinned;
    if (conn === undefined || this.pinnedBlocking === 0) return;
    try {
      await this.shared.client.sendCommand(['CLIENT', 'UNBLOCK', conn.id]);
    } catch {
      // The connection is going anyway; a failed unblock only delays its release until the command's timeout.
    }
  }

  /** Subscribes this face to names of one kind (Buffers; deliver() converts). Resolves with the face's total. */
  protected async subscribeTo(kind: SubscriptionKind, names: readonly string[]): Promise<number> {
    if (!this.accepting) throw this.closedError();
    const fresh = names.filter((name) => !this.subscriptions.has(key(kind, name)));
    const unique = [...new Set(fresh)];
    if (unique.length > 0) {
      const listener = (message: PubSubMessage<Buffer>): void => this.deliver(message);
      const subs = await Promise.all(
        unique.map((name) => {
          const client = this.shared.client;
          if (kind === 'pattern') return client.psubscribe(name, listener, { buffers: true });
          if (kind === 'shard') return client.ssubscribe(name, listener, { buffers: true });
          return client.subscribe(name, listener, { buffers: true });
        }),
      );
      subs.forEach((sub, i) => {
        const k = key(kind, unique[i]!);
        if (this.subscriptions.has(k) || !this.accepting) void sub.unsubscribe();
        else this.subscriptions.set(k, sub);
      });
    }
    return this.subscriptions.size;
  }

  /** Unsubscribes names of one kind (all of that kind when `names` is empty). Resolves with the face's total. */
  protected async unsubscribeFrom(kind: SubscriptionKind, names: readonly string[]): Promise<number> {
    const keys =
      names.length > 0 ? names.map((n) => key(kind, n)) : [...this.subscriptions.keys()].filter((k) => isKind(k, kind));
    const leaving: Promise<void>[] = [];
    for (const k of keys) {
      const sub = this.subscriptions.get(k);
      if (sub === undefined) continue;
      this.subscriptions.delete(k);
      leaving.push(sub.unsubscribe());
    }
    await Promise.all(leaving);
    return this.subscriptions.size;
  }

  protected isSubscribed(kind: SubscriptionKind, name: string): boolean {
    return this.subscriptions.has(key(kind, name));
  }

  private async unsubscribeAll(): Promise<void> {
    const all = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.allSettled(all.map((s) => s.unsubscribe()));
  }
}

function key(kind: SubscriptionKind, name: string): string {
  return `${kind}\u0000${name}`;
}

function isKind(k: string, kind: SubscriptionKind): boolean {
  return k.startsWith(`${kind}\u0000`);
}
