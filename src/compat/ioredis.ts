/**
 * `toIORedis(client)`: what libraries written for ioredis call, over a respool client.
 *
 * Every Redis command is a lower-case method with positional arguments (`set(k, v, 'PX', ms, 'NX')`),
 * sent as the raw command it spells, so no option is reinterpreted or dropped; a `…Buffer` twin returns
 * Buffers. Arguments follow ioredis's rules (arrays flattened one level, objects spread for MSET/HSET,
 * `null`/`undefined` as "", numbers and booleans as text); a trailing function is a callback. Replies have
 * ioredis's RESP2 shapes whatever protocol respool speaks (maps as flat arrays, scores as strings, HGETALL
 * as an object). Pipelines and transactions resolve with `[[error], [null, value], …]`.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { createClient, RedisClient } from '../client/client.js';
import type { PubSubMessage, SubscriptionKind } from '../client/subscription.js';
import { commandSpecs } from '../commands/registry.js';
import { ClientClosedError, InvalidArgumentError, ReplyError, WatchError } from '../errors.js';
import type { ClientOptions } from '../options.js';
import type { RedisArg } from '../resp/types.js';
import { ioredisArg, ioredisArgs, takeCallback, toRecord, withCallback, type Callback } from './convert.js';
import { Face, SharedClient, type FaceCommand, type FaceInit } from './face.js';
import { toResp2 } from './resp2.js';

/** A Lua script registered with defineCommand. */
export interface IORedisScriptDefinition {
  /** How many of the call's first arguments are keys; without it, the call's first argument says. */
  numberOfKeys?: number;
  lua: string;
  readOnly?: boolean;
}

export interface ToIORedisOptions {
  /** quit()/disconnect() of this face (and of all its duplicates, once every one is closed) close the client. */
  ownsClient?: boolean;
  /**
   * A class the face must be an instance of, for libraries that check `instanceof Redis` (pass ioredis's
   * `Redis`). The face's prototype chain then includes that class's prototype; every method of that class
   * the face does not implement throws InvalidArgumentError naming it, so nothing falls through to ioredis.
   */
  instanceOf?: abstract new (...args: never[]) => unknown;
}

/** ioredis's message for a command on a closed connection; libraries written for ioredis test for it. */
const CLOSED_MESSAGE = 'Connection is closed.';

/** Options a library may pass to duplicate() that do not change where or how commands go. */
const NEUTRAL_DUPLICATE_OPTIONS = new Set([
  'connectionName',
  'maxRetriesPerRequest',
  'enableReadyCheck',
  'lazyConnect',
  'enableOfflineQueue',
  'enableAutoPipelining',
  'autoResubscribe',
  'autoResendUnfulfilledCommands',
  'retryStrategy',
  'reconnectOnError',
  'connectTimeout',
  'showFriendlyErrorStack',
]);

/** Methods with their own implementation below, not the generic command path. */
const OWN_METHODS = new Set([
  'subscribe',
  'unsubscribe',
  'psubscribe',
  'punsubscribe',
  'ssubscribe',
  'sunsubscribe',
  'quit',
  'client',
  'multi',
  'exec',
  'discard',
  'monitor',
]);

/** The lower-case names of every Redis command respool's registry knows. */
const COMMAND_NAMES: readonly string[] = [
  ...new Set(
    commandSpecs()
      .map((spec) => spec.name)
      .filter((name) => !name.includes(' '))
      .map((name) => name.toLowerCase()),
  ),
].filter((name) => !OWN_METHODS.has(name));

interface ScriptEntry {
  readonly name: string;
  readonly definition: IORedisScriptDefinition;
  readonly sha: string;
}

interface IORedisFaceInit extends FaceInit {
  instanceOf: ToIORedisOptions['instanceOf'];
  scripts: ReadonlyMap<string, ScriptEntry>;
}

/** ioredis's connection states, as libraries read them from `status`. */
type IORedisStatus = 'wait' | 'connecting' | 'connect' | 'ready' | 'close' | 'reconnecting' | 'end';

// The surface is every Redis command, typed as loosely as ioredis's own `call()`.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-declaration-merging */
export interface IORedisFace {
  [command: string]: any;
}
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-declaration-merging */

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class IORedisFace extends Face {
  readonly isCluster = false;
  /** What ioredis exposes as `options`: the address and the settings libraries check (no secrets). */
  readonly options: Record<string, unknown>;
  private readonly instanceOf: ToIORedisOptions['instanceOf'];
  private readonly scripts = new Map<string, ScriptEntry>();

  constructor(init: IORedisFaceInit) {
    super(init);
    this.instanceOf = init.instanceOf;
    const o = init.shared.client.options;
    this.options = {
      host: o.host,
      port: o.port,
      path: o.path,
      db: o.db,
      username: o.username,
      connectionName: init.connectionName ?? o.clientName,
      keyPrefix: '',
      lazyConnect: false,
      enableReadyCheck: false,
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    };
    for (const entry of init.scripts.values()) this.addScript(entry);
    void this.openFace();
  }

  /** ioredis's `status`: 'ready' while open ('connecting' while a named face takes its connection), 'end' after quit/disconnect. */
  get status(): IORedisStatus {
    if (this.state === 'closing') return 'close';
    return this.state;
  }

  /**
   * Libraries written for ioredis set `status = 'end'` themselves after quit() (BullMQ does). 'end' closes the
   * face if it is still open; other values are ioredis's own transitions, which the face makes itself.
   */
  set status(value: IORedisStatus) {
    if (value === 'end') void this.closeNow();
  }

  protected closedError(): Error {
    return new ClientClosedError(CLOSED_MESSAGE);
  }

  /** Opens the face again after quit()/disconnect(); resolves once the server answered. */
  connect(callback?: Callback): Promise<void> {
    return withCallback(this.openFace(), callback);
  }

  /** Closes this face after its in-flight commands; closes the client only if the face owns it. */
  quit(callback?: Callback): Promise<'OK'> {
    return withCallback(
      this.closeGracefully().then(() => 'OK' as const),
      callback,
    );
  }

  /** Closes this face now: its in-flight commands reject with "Connection is closed.". */
  disconnect(reconnect = false): void {
    const closing = this.closeNow();
    if (reconnect) void closing.then(() => this.openFace());
  }

  /** Another face of the same client (same pool). With `connectionName`, a face on its own named connection. */
  duplicate(overrides?: Record<string, unknown>): IORedisFace {
    let connectionName: string | undefined;
    if (overrides !== undefined) {
      if (typeof overrides !== 'object' || overrides === null) {
        throw new InvalidArgumentError('duplicate(): options must be an object.');
      }
      for (const [k, v] of Object.entries(overrides)) {
        if (v === undefined || NEUTRAL_DUPLICATE_OPTIONS.has(k)) continue;
        throw new InvalidArgumentError(
          `duplicate(): option ${k} would need a connection set up differently, but a duplicate shares the ` +
            'respool client (its address, database and credentials). Create another client for that, and toIORedis() it.',
        );
      }
      if (overrides['connectionName'] !== undefined) connectionName = String(overrides['connectionName']);
    }
    return makeFace({
      shared: this.shared,
      duplicate: true,
      connectionName,
      instanceOf: this.instanceOf,
      scripts: this.scripts,
    });
  }

  /** Any command by name: `call('SET', 'k', 'v', 'PX', 100)`. */
  call(command: string, ...args: unknown[]): Promise<unknown> {
    return this.sendNamed(String(command).toLowerCase(), args, false);
  }

  callBuffer(command: string, ...args: unknown[]): Promise<unknown> {
    return this.sendNamed(String(command).toLowerCase(), args, true);
  }

  /** ioredis's older spelling: `send_command(name, argsArray?, callback?)`. */
  send_command(command: string, ...args: unknown[]): Promise<unknown> {
    return this.sendNamed(String(command).toLowerCase(), args, false);
  }

  /** `client('SETNAME', name)` names this face's connection (a duplicate only); other subcommands are sent as they are. */
  client(...input: unknown[]): Promise<unknown> {
    const callback = takeCallback(input);
    const sub = String(input[0] ?? '').toUpperCase();
    if (sub !== 'SETNAME') return withCallback(this.sendNamed('client', input, false), callback);
    if (!this.isDuplicate) {
      return withCallback(
        Promise.reject(
          new InvalidArgumentError(
            "client('SETNAME') names one connection, but this face shares the client's pool. Name a duplicate " +
              'instead (face.duplicate({ connectionName })), or give the respool client a clientName option.',
          ),
        ),
        callback,
      );
    }
    return withCallback(this.nameConnection(String(input[1] ?? '')), callback);
  }

  /** Registers a Lua script as a method (and its `…Buffer` twin) of this face and of its pipelines. */
  defineCommand(name: string, definition: IORedisScriptDefinition): void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidArgumentError('defineCommand(): the name must be a non-empty string.');
    }
    if (typeof definition?.lua !== 'string' || definition.lua.length === 0) {
      throw new InvalidArgumentError(`defineCommand(${name}): definition.lua must be the Lua source.`);
    }
    const n = definition.numberOfKeys;
    if (n !== undefined && n !== null && (!Number.isInteger(n) || n < 0)) {
      throw new InvalidArgumentError(`defineCommand(${name}): numberOfKeys must be an integer >= 0, got ${String(n)}.`);
    }
    const sha = sha1(definition.lua);
    this.addScript({ name, definition, sha });
  }

  private addScript(entry: ScriptEntry): void {
    this.scripts.set(entry.name, entry);
    Object.defineProperty(this, entry.name, {
      configurable: true,
      writable: true,
      value: (...input: unknown[]) => this.runScript(entry, input, false),
    });
    Object.defineProperty(this, `${entry.name}Buffer`, {
      configurable: true,
      writable: true,
      value: (...input: unknown[]) => this.runScript(entry, input, true),
    });
  }

  private runScript(entry: ScriptEntry, input: unknown[], buffers: boolean): Promise<unknown> {
    const callback = takeCallback(input);
    const promise = (async () => {
      const tail = scriptTail(entry, input);
      const sha = entry.sha;
      try {
        return await this.run(convertCommand('evalsha', ['EVALSHA', sha, ...tail], buffers));
      } catch (error) {
        if (!(error instanceof ReplyError) || error.code !== 'NOSCRIPT') throw error;
        return this.run(convertCommand('eval', ['EVAL', entry.definition.lua, ...tail], buffers));
      }
    })();
    return withCallback(promise, callback);
  }

  /** @internal The generic path of every command method. */
  sendNamed(name: string, input: unknown[], buffers: boolean): Promise<unknown> {
    const callback = takeCallback(input);
    let promise: Promise<unknown>;
    try {
      promise = this.run(convertCommand(name, [name.toUpperCase(), ...ioredisArgs(name, input)], buffers));
    } catch (error) {
      promise = Promise.reject(error);
    }
    return withCallback(promise, callback);
  }

  /** A pipeline: commands queued, sent together on exec(); `[[error], [null, value], …]`. */
  pipeline(commands?: unknown[][]): IORedisBatch {
    const batch = new IORedisBatch(this, 'pipeline', this.scripts);
    if (commands !== undefined) batch.addBatch(commands);
    return batch;
  }

  /** MULTI/EXEC: exec() resolves with `[[error], [null, value], …]`, or null when a WATCHed key changed. */
  multi(commands?: unknown[][] | { pipeline?: boolean }, options?: { pipeline?: boolean }): IORedisBatch {
    const opts = Array.isArray(commands) ? options : commands;
    if (opts?.pipeline === false) {
      throw new InvalidArgumentError(
        'multi({ pipeline: false }) sends MULTI now and each command separately on one connection; the face ' +
          'cannot hold that connection between calls. Use multi() and exec() (one round trip).',
      );
    }
    const batch = new IORedisBatch(this, 'multi', this.scripts);
    if (Array.isArray(commands)) batch.addBatch(commands);
    return batch;
  }

  exec(): Promise<never> {
    return Promise.reject(new InvalidArgumentError('exec() without multi(): use face.multi()….exec().'));
  }

  discard(): Promise<never> {
    return Promise.reject(
      new InvalidArgumentError('discard() without multi(): a face.multi() that is not exec()uted sends nothing.'),
    );
  }

  monitor(): Promise<never> {
    return Promise.reject(
      new InvalidArgumentError('monitor() takes over a connection for good; use redis-cli MONITOR for debugging.'),
    );
  }

  /** @internal */
  execBatch(commands: FaceCommand[], kind: 'pipeline' | 'multi'): Promise<unknown[]> {
    return this.runBatch(commands, kind);
  }

  subscribe(...input: unknown[]): Promise<number> {
    return this.subscription('channel', true, input);
  }
  unsubscribe(...input: unknown[]): Promise<number> {
    return this.subscription('channel', false, input);
  }
  psubscribe(...input: unknown[]): Promise<number> {
    return this.subscription('pattern', true, input);
  }
  punsubscribe(...input: unknown[]): Promise<number> {
    return this.subscription('pattern', false, input);
  }
  ssubscribe(...input: unknown[]): Promise<number> {
    return this.subscription('shard', true, input);
  }
  sunsubscribe(...input: unknown[]): Promise<number> {
    return this.subscription('shard', false, input);
  }

  private subscription(kind: SubscriptionKind, on: boolean, input: unknown[]): Promise<number> {
    const callback = takeCallback(input);
    const names = input.flat(1).map((n) => String(ioredisArg('subscribe', n, 0)));
    const promise = on ? this.subscribeTo(kind, names) : this.unsubscribeFrom(kind, names);
    return withCallback(promise, callback);
  }

  /** ioredis's events: 'message' (channel, message) and 'messageBuffer' (Buffers); likewise pmessage, smessage. */
  protected deliver(m: PubSubMessage<Buffer>): void {
    const event = m.kind === 'pattern' ? 'pmessage' : m.kind === 'shard' ? 'smessage' : 'message';
    const head = m.pattern === undefined ? [] : [m.pattern];
    if (this.listenerCount(event) > 0) {
      this.emit(event, ...head.map(String), m.channel.toString(), m.message.toString());
    }
    if (this.listenerCount(`${event}Buffer`) > 0) this.emit(`${event}Buffer`, ...head, m.channel, m.message);
  }

  /** SCAN as a readable stream of key pages (`scanStream({ match, count, type })`). */
  scanStream(options: { match?: string; count?: number; type?: string } = {}): Readable {
    const args: unknown[] = [];
    if (options.match !== undefined) args.push('MATCH', options.match);
    if (options.count !== undefined) args.push('COUNT', options.count);
    if (options.type !== undefined) args.push('TYPE', options.type);
    return scanPages(this, 'scan', [], args);
  }

  hscanStream(key: RedisArg, options: { match?: string; count?: number } = {}): Readable {
    return scanPages(this, 'hscan', [key], scanArgs(options));
  }

  sscanStream(key: RedisArg, options: { match?: string; count?: number } = {}): Readable {
    return scanPages(this, 'sscan', [key], scanArgs(options));
  }

  zscanStream(key: RedisArg, options: { match?: string; count?: number } = {}): Readable {
    return scanPages(this, 'zscan', [key], scanArgs(options));
  }
}

function scanArgs(options: { match?: string; count?: number }): unknown[] {
  const args: unknown[] = [];
  if (options.match !== undefined) args.push('MATCH', options.match);
  if (options.count !== undefined) args.push('COUNT', options.count);
  return args;
}

function scanPages(face: IORedisFace, command: string, head: unknown[], tail: unknown[]) {
  async function* pages(): AsyncGenerator<unknown[]> {
    let cursor = '0';
    do {
      const [next, items] = (await face.sendNamed(command, [...head, cursor, ...tail], false)) as [string, unknown[]];
      cursor = String(next);
      if (items.length > 0) yield items;
    } while (cursor !== '0');
  }
  return streamFrom(pages());
}

function streamFrom(source: AsyncGenerator<unknown[]>): Readable {
  return Readable.from(source, { objectMode: true });
}

/** The face command for `args`, with ioredis's reply shape. */
function convertCommand(name: string, args: RedisArg[], buffers: boolean): FaceCommand {
  return { args, buffers, transform: (reply) => ioredisReply(name, args, reply) };
}

function ioredisReply(name: string, args: readonly RedisArg[], reply: unknown): unknown {
  const value = toResp2(name, args, reply);
  return name === 'hgetall' ? toRecord(value) : value;
}

/** The arguments after EVALSHA/EVAL's first: the key count, then keys and arguments. */
function scriptTail(entry: ScriptEntry, input: unknown[]): RedisArg[] {
  const flat = ioredisArgs(entry.name, input);
  const n = entry.definition.numberOfKeys;
  if (n === undefined || n === null) {
    if (flat.length === 0) {
      throw new InvalidArgumentError(`${entry.name}(): without numberOfKeys, the first argument is the key count.`);
    }
    return flat;
  }
  if (flat.length < n) {
    throw new InvalidArgumentError(`${entry.name}(): expects ${n} keys, got ${flat.length} arguments.`);
  }
  return [n, ...flat];
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** A pipeline or transaction of a face: the same command methods, queued; exec() sends them together. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class IORedisBatch {
  private readonly commands: FaceCommand[] = [];
  /** A command that could not be built: exec() rejects with it and sends nothing. */
  private refused: unknown;

  constructor(
    private readonly face: IORedisFace,
    private readonly kind: 'pipeline' | 'multi',
    scripts: ReadonlyMap<string, ScriptEntry>,
  ) {
    for (const entry of scripts.values()) {
      const add =
        (buffers: boolean) =>
        (...input: unknown[]) => {
          takeCallback(input);
          return this.queue(() => {
            // Inside a batch the script goes as EVAL: a NOSCRIPT there could not be retried in place.
            const args: RedisArg[] = ['EVAL', entry.definition.lua, ...scriptTail(entry, input)];
            return convertCommand('eval', args, buffers);
          });
        };
      Object.defineProperty(this, entry.name, { configurable: true, writable: true, value: add(false) });
      Object.defineProperty(this, `${entry.name}Buffer`, { configurable: true, writable: true, value: add(true) });
    }
  }

  get length(): number {
    return this.commands.length;
  }

  /** @internal */
  queueCommand(name: string, input: unknown[], buffers: boolean): this {
    takeCallback(input);
    return this.queue(() => convertCommand(name, [name.toUpperCase(), ...ioredisArgs(name, input)], buffers));
  }

  call(command: string, ...args: unknown[]): this {
    return this.queueCommand(String(command).toLowerCase(), args, false);
  }

  /** `[['set', 'k', 'v'], ['get', 'k']]`. */
  addBatch(commands: unknown[][]): this {
    for (const [name, ...args] of commands) {
      const method = (this as unknown as Record<string, unknown>)[String(name)];
      if (typeof method !== 'function') {
        this.refused ??= new InvalidArgumentError(`pipeline: unknown command ${String(name)}.`);
        continue;
      }
      (method as (...a: unknown[]) => unknown).apply(this, args);
    }
    return this;
  }

  private queue(build: () => FaceCommand): this {
    try {
      this.commands.push(build());
    } catch (error) {
      this.refused ??= error;
    }
    return this;
  }

  /** Sends the queued commands. Transactions resolve with null when a WATCHed key changed. */
  exec(callback?: Callback): Promise<[Error | null, unknown][] | null> {
    const commands = this.commands.splice(0);
    const refused = this.refused;
    this.refused = undefined;
    const promise: Promise<[Error | null, unknown][] | null> =
      refused !== undefined
        ? Promise.reject(refused)
        : this.face.execBatch(commands, this.kind).then(
            (replies) => replies.map((r): [Error | null, unknown] => (r instanceof Error ? [r, undefined] : [null, r])),
            (error: unknown) => {
              if (error instanceof WatchError) return null;
              throw error;
            },
          );
    return withCallback(promise, callback);
  }
}

// The batch has the same command methods, queued instead of sent.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-declaration-merging */
export interface IORedisBatch {
  [command: string]: any;
}
/* eslint-enable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-declaration-merging */

for (const name of COMMAND_NAMES) {
  if (name in IORedisFace.prototype) continue; // a method of the face's own (connect, quit…) wins
  Object.defineProperty(IORedisFace.prototype, name, {
    configurable: true,
    writable: true,
    value: function (this: IORedisFace, ...input: unknown[]) {
      return this.sendNamed(name, input, false);
    },
  });
  Object.defineProperty(IORedisFace.prototype, `${name}Buffer`, {
    configurable: true,
    writable: true,
    value: function (this: IORedisFace, ...input: unknown[]) {
      return this.sendNamed(name, input, true);
    },
  });
  for (const [suffix, buffers] of [
    ['', false],
    ['Buffer', true],
  ] as const) {
    Object.defineProperty(IORedisBatch.prototype, `${name}${suffix}`, {
      configurable: true,
      writable: true,
      value: function (this: IORedisBatch, ...input: unknown[]) {
        return this.queueCommand(name, input, buffers);
      },
    });
  }
}

/** Builds a face, with the prototype chain `instanceOf` asks for. */
function makeFace(init: IORedisFaceInit): IORedisFace {
  const face = new IORedisFace(init);
  if (init.instanceOf !== undefined) Object.setPrototypeOf(face, graftedPrototype(init.instanceOf));
  return face;
}

const grafted = new WeakMap<object, object>();

/**
 * A prototype that is an instance of `base`'s prototype and carries every member of the face's own chain;
 * what `base` has and the face does not is shadowed by a refusal, so no call reaches `base`'s internals.
 */
function graftedPrototype(base: NonNullable<ToIORedisOptions['instanceOf']>): object {
  const cached = grafted.get(base);
  if (cached !== undefined) return cached;
  const proto = Object.create(base.prototype as object) as object;
  const own = new Set<PropertyKey>();
  for (
    let p: object | null = IORedisFace.prototype;
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    for (const key of Reflect.ownKeys(p)) {
      if (key === 'constructor' || own.has(key)) continue;
      own.add(key);
      Object.defineProperty(proto, key, Object.getOwnPropertyDescriptor(p, key)!);
    }
  }
  for (
    let p: object | null = base.prototype as object;
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    for (const key of Reflect.ownKeys(p)) {
      if (key === 'constructor' || own.has(key) || typeof key === 'symbol') continue;
      own.add(key);
      const descriptor = Object.getOwnPropertyDescriptor(p, key)!;
      if (typeof descriptor.value === 'function') {
        Object.defineProperty(proto, key, {
          configurable: true,
          writable: true,
          value: () => {
            throw new InvalidArgumentError(`toIORedis: ${key}() is not supported by the respool face.`);
          },
        });
      } else if (descriptor.get !== undefined) {
        Object.defineProperty(proto, key, { configurable: true, get: () => undefined });
      }
    }
  }
  grafted.set(base, proto);
  return proto;
}

/**
 * An ioredis-shaped face of a respool client. Given a client, the face shares it and its quit() leaves it
 * open (unless `ownsClient`); given options or a URL, the face creates the client and owns it.
 */
export function toIORedis(client: RedisClient | ClientOptions | string, options: ToIORedisOptions = {}): IORedisFace {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('toIORedis(): options must be an object.');
  for (const k of Object.keys(options)) {
    if (k !== 'ownsClient' && k !== 'instanceOf') {
      throw new InvalidArgumentError(`toIORedis(): unknown option ${k} (known: ownsClient, instanceOf).`);
    }
  }
  const { client: respool, owned } = resolveClient(client, options.ownsClient);
  return makeFace({
    shared: new SharedClient(respool, owned),
    duplicate: false,
    instanceOf: options.instanceOf,
    scripts: new Map(),
  });
}

/** The client to wrap: the one given (owned only when asked), or one created from options (owned). */
export function resolveClient(
  input: RedisClient | ClientOptions | string,
  ownsClient: boolean | undefined,
): { client: RedisClient; owned: boolean } {
  if (input instanceof RedisClient) return { client: input, owned: ownsClient === true };
  return { client: createClient(input), owned: ownsClient !== false };
}
