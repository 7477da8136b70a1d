/**
 * The typed commands that return promises, plus the SCAN-family iterators built on them: the surface shared
 * by the client, its views, pinned connections, and the cluster and sentinel clients.
 */
import type { Command } from '../commands/command.js';
import {
  KEY_SCAN_OPTIONS,
  MEMBER_SCAN_OPTIONS,
  checkOptions,
  checkRawArgs,
  isRedisArg,
  notAnArg,
} from '../commands/arguments.js';
import { CommandSet } from '../commands/command-set.js';
import { hScan } from '../commands/hashes.js';
import { scan, type ScanOptions } from '../commands/keys.js';
import { sScan } from '../commands/sets.js';
import { zScan } from '../commands/sorted-sets.js';
import { InvalidArgumentError } from '../errors.js';
import type { RedisArg } from '../resp/types.js';
import type { CallOptions } from './pending.js';
import { cursorItems } from './scan.js';

export interface KeyScanOptions {
  /** Glob-style pattern for fields or members. */
  match?: string;
  /** Work hint per call (not an exact page size). */
  count?: number;
}

/**
 * Iterators check their arguments when called, not at the first `next()`: a bad argument must throw
 * where the caller wrote it. Building the first page's command checks the option values (count ≥ 1…).
 */
function checkIteratorKey(method: string, key: unknown): void {
  if (!isRedisArg(key)) throw new InvalidArgumentError(`${method}(): argument 1 (key) ${notAnArg(key)}`);
}

export abstract class AsyncCommands extends CommandSet<'promise'> {
  /** Every key (SCAN), page by page under the hood; `type` filters by key type. */
  scanIterator(options?: ScanOptions): AsyncIterableIterator<string> {
    checkOptions('scanIterator', options, KEY_SCAN_OPTIONS);
    scan('0', options);
    return cursorItems(
      (cursor) => this.scan(cursor, options),
      (page) => page.keys,
    );
  }

  /** Every field and value of a hash (HSCAN). */
  hScanIterator(key: RedisArg, options?: KeyScanOptions) {
    checkIteratorKey('hScanIterator', key);
    checkOptions('hScanIterator', options, MEMBER_SCAN_OPTIONS);
    hScan(key, '0', options);
    return cursorItems(
      (cursor) => this.hScan(key, cursor, options),
      (page) => page.entries,
    );
  }

  /** Every member of a set (SSCAN). */
  sScanIterator(key: RedisArg, options?: KeyScanOptions) {
    checkIteratorKey('sScanIterator', key);
    checkOptions('sScanIterator', options, MEMBER_SCAN_OPTIONS);
    sScan(key, '0', options);
    return cursorItems(
      (cursor) => this.sScan(key, cursor, options),
      (page) => page.members,
    );
  }

  /** Every member and score of a sorted set (ZSCAN). */
  zScanIterator(key: RedisArg, options?: KeyScanOptions) {
    checkIteratorKey('zScanIterator', key);
    checkOptions('zScanIterator', options, MEMBER_SCAN_OPTIONS);
    zScan(key, '0', options);
    return cursorItems(
      (cursor) => this.zScan(key, cursor, options),
      (page) => page.members,
    );
  }
}

/** Options of `sendCommand`: the per-call options, and whether bulk strings come back as Buffers. */
export type RawCallOptions = CallOptions & { buffers?: boolean };

/** @internal Where commands go: the single-node client, the cluster client or the sentinel client. */
export interface CommandDispatcher {
  dispatch<T>(command: Command<T>, options: CallOptions | undefined): Promise<T>;
  /** Any command given as arguments (`sendCommand`); each dispatcher routes and checks it its own way. */
  dispatchRaw(args: RedisArg[], options: RawCallOptions | undefined): Promise<unknown>;
}

/** Commands sent through a dispatcher with fixed per-call options: the base of every client and its views. */
export abstract class DispatchingCommands extends AsyncCommands {
  /** @internal */
  protected abstract readonly core: CommandDispatcher;
  /** @internal */
  protected abstract readonly callOptions: CallOptions | undefined;

  protected submit<T>(command: Command<T>): Promise<T> {
    return this.core.dispatch(command, this.callOptions);
  }

  /** Any command, typed or not. Replies decode to RespValue (strings for bulk strings unless `buffers`). */
  sendCommand(args: RedisArg[], options?: RawCallOptions): Promise<unknown> {
    checkRawArgs(args, 'sendCommand');
    const merged = options === undefined ? this.callOptions : { ...this.callOptions, ...options };
    return this.core.dispatchRaw(args, merged);
  }
}

/** A view whose commands all carry fixed per-call options (`client.with({ signal, timeout })`). */
export class CommandView extends DispatchingCommands {
  /** @internal */
  protected readonly core: CommandDispatcher;
  /** @internal */
  protected readonly callOptions: CallOptions;

  /** @internal Made by `with()`. */
  constructor(core: CommandDispatcher, options: CallOptions) {
    super();
    this.core = core;
    this.callOptions = options;
  }
}
