/**
 * `getOrLoad`: read-through caching of values computed elsewhere (a database, an API), in the spirit of
 * go-redis/cache's Once. Per key, at most one load runs at a time in this process (single-flight):
 *
 *   call ──flight for key?──yes──▶ share its result
 *          └─no──▶ GET (local entry, else Redis) ──found──▶ deserialize
 *                     └─absent──▶ loader() ──▶ SET key value [PX ttl] ──▶ GET again in the background,
 *                                                                       so the tracked copy lands locally
 *
 * The value is stored locally only through a tracked read, never straight after the SET: the server
 * reports changes to keys a connection *read*, so a copy stored without a read could go stale unnoticed.
 */
import { getBuffer, set } from '../commands/strings.js';
import type { Command } from '../commands/command.js';
import { InvalidArgumentError } from '../errors.js';

/** Turns values into bytes for Redis and back. */
export interface Serializer<T> {
  serialize(value: T): string | Buffer;
  deserialize(raw: Buffer): T;
}

export interface LoadOptions<T = unknown> {
  /** Expiry in Redis, ms (SET … PX); also caps the local copy's life. None: no expiry. */
  ttl?: number;
  /** Default `'json'`; `'buffer'` stores Buffers as they are; or your own serializer. */
  serializer?: 'json' | 'buffer' | Serializer<T>;
}

export const jsonSerializer: Serializer<unknown> = {
  serialize(value) {
    const text = JSON.stringify(value);
    if (text === undefined) {
      throw new InvalidArgumentError('getOrLoad: the loaded value has no JSON form (undefined or a function).');
    }
    return text;
  },
  deserialize: (raw) => JSON.parse(raw.toString('utf8')),
};

export const bufferSerializer: Serializer<Buffer> = {
  serialize(value) {
    if (!Buffer.isBuffer(value)) {
      throw new InvalidArgumentError(`getOrLoad with serializer 'buffer': the loader must return a Buffer.`);
    }
    return value;
  },
  deserialize: (raw) => raw,
};

/** What the loader needs from the client and its cache. */
export interface LoaderHost {
  /** Sends a command through the client (hooks and cache included). */
  dispatch<T>(command: Command<T>): Promise<T>;
  /** Marks a read so that the entry it fills lives at most `ttl` ms. */
  limitTtl(command: Command, ttl: number): void;
}

export class Loader {
  loads = 0;
  private readonly flights = new Map<string, Promise<unknown>>();

  constructor(private readonly host: LoaderHost) {}

  getOrLoad<T>(key: string, options: LoadOptions<T> | undefined, loader: () => T | Promise<T>): Promise<T> {
    if (typeof key !== 'string' || key.length === 0) {
      return Promise.reject(new InvalidArgumentError('getOrLoad: the key must be a non-empty string.'));
    }
    if (typeof loader !== 'function') {
      return Promise.reject(new InvalidArgumentError('getOrLoad: the loader must be a function.'));
    }
    const ttl = options?.ttl;
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl <= 0)) {
      return Promise.reject(
        new InvalidArgumentError(`getOrLoad: ttl must be an integer number of ms > 0, got ${ttl}.`),
      );
    }
    const existing = this.flights.get(key);
    if (existing !== undefined) return existing as Promise<T>;
    const flight = this.load(key, ttl, serializerOf(options?.serializer), loader).finally(() =>
      this.flights.delete(key),
    );
    this.flights.set(key, flight);
    return flight;
  }

  private async load<T>(
    key: string,
    ttl: number | undefined,
    serializer: Serializer<T>,
    loader: () => T | Promise<T>,
  ): Promise<T> {
    const stored = await this.read(key, ttl);
    if (stored !== null) return serializer.deserialize(stored);
    this.loads++;
    const value = await loader();
    const bytes = serializer.serialize(value);
    if (typeof bytes !== 'string' && !Buffer.isBuffer(bytes)) {
      throw new InvalidArgumentError(
        `getOrLoad: the serializer must return a string or a Buffer; got ${typeof bytes}.`,
      );
    }
    await this.host.dispatch(set(key, bytes, ttl !== undefined ? { px: ttl } : undefined));
    this.read(key, ttl).catch(() => undefined); // best effort: the next call reads Redis otherwise
    return value;
  }

  private read(key: string, ttl: number | undefined): Promise<Buffer | null> {
    const command = getBuffer(key);
    if (ttl !== undefined) this.host.limitTtl(command, ttl);
    return this.host.dispatch(command);
  }
}

function serializerOf<T>(choice: LoadOptions<T>['serializer']): Serializer<T> {
  if (choice === undefined || choice === 'json') return jsonSerializer as Serializer<T>;
  if (choice === 'buffer') return bufferSerializer as unknown as Serializer<T>;
  if (typeof choice.serialize !== 'function' || typeof choice.deserialize !== 'function') {
    throw new InvalidArgumentError(`getOrLoad: serializer must be 'json', 'buffer' or { serialize, deserialize }.`);
  }
  return choice;
}
