/**
 * The typed commands that return promises, plus the SCAN-family iterators built on them: the surface shared
 * by the client, its views, pinned connections, and the cluster and sentinel clients.
 */
import { CommandSet } from '../commands/command-set.js';
import type { ScanOptions } from '../commands/keys.js';
import type { RedisArg } from '../resp/types.js';
import { cursorItems } from './scan.js';

export interface KeyScanOptions {
  /** Glob-style pattern for fields or members. */
  match?: string;
  /** Work hint per call (not an exact page size). */
  count?: number;
}

export abstract class AsyncCommands extends CommandSet<'promise'> {
  /** Every key (SCAN), page by page under the hood; `type` filters by key type. */
  scanIterator(options?: ScanOptions): AsyncIterableIterator<string> {
    return cursorItems(
      (cursor) => this.scan(cursor, options),
      (page) => page.keys,
    );
  }

  /** Every field and value of a hash (HSCAN). */
  hScanIterator(key: RedisArg, options?: KeyScanOptions) {
    return cursorItems(
      (cursor) => this.hScan(key, cursor, options),
      (page) => page.entries,
    );
  }

  /** Every member of a set (SSCAN). */
  sScanIterator(key: RedisArg, options?: KeyScanOptions) {
    return cursorItems(
      (cursor) => this.sScan(key, cursor, options),
      (page) => page.members,
    );
  }

  /** Every member and score of a sorted set (ZSCAN). */
  zScanIterator(key: RedisArg, options?: KeyScanOptions) {
    return cursorItems(
      (cursor) => this.zScan(key, cursor, options),
      (page) => page.members,
    );
  }
}
