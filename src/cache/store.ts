/**
 * The local store: a size-bounded LRU (lru-cache) of replies, plus an index from each Redis key to the
 * cached reads that depend on it, so that one invalidated key drops every entry built from it.
 *
 *   absent ──set──▶ stored ──get (hit)──▶ stored
 *                     │ evicted (entries/bytes) · expired (ttl) · invalidated · its owner connection closed
 *                     └──▶ absent (its index links go in the same step, whatever the reason)
 *
 * An entry whose owner (the connection whose tracking covers it) has closed is never returned, from the
 * moment the connection is closed; `sweepClosedOwners` then frees such entries in one pass.
 */
import { LRUCache } from 'lru-cache';
import type { RespValue } from '../resp/types.js';

export interface Entry {
  readonly reply: RespValue;
  /** Canonical Redis keys the reply depends on. */
  readonly keys: readonly string[];
  /** The connection whose tracking covers this entry (tracking mode), else undefined. */
  readonly owner: { readonly closed: boolean } | undefined;
  readonly size: number;
}

export interface StoreLimits {
  maxEntries: number;
  maxBytes: number;
  /** ms; 0 = none. */
  ttl: number;
}

export class LocalStore {
  evictions = 0;
  expirations = 0;
  private readonly lru: LRUCache<string, Entry>;
  /** Redis key → the cache key, or the cache keys, of the entries that depend on it. */
  private readonly index = new Map<string, string | Set<string>>();
  private readonly maxBytes: number;
  private readonly ttl: number;

  constructor(limits: StoreLimits) {
    this.maxBytes = limits.maxBytes;
    this.ttl = limits.ttl;
    this.lru = new LRUCache<string, Entry>({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      sizeCalculation: (entry) => entry.size,
      // The TTL is a safety net measured in seconds or minutes: reading the clock at most every 100 ms is plenty.
      ...(limits.ttl > 0 ? { ttl: limits.ttl, ttlResolution: Math.min(100, limits.ttl) } : {}),
      updateAgeOnGet: false,
      allowStale: false,
      dispose: (entry, cacheKey, reason) => {
        if (reason === 'evict') this.evictions++;
        else if (reason === 'expire') this.expirations++;
        this.unindex(cacheKey, entry.keys);
      },
    });
  }

  get entries(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }

  get(cacheKey: string): Entry | undefined {
    const entry = this.lru.get(cacheKey);
    if (entry?.owner?.closed !== true) return entry;
    this.lru.delete(cacheKey);
    return undefined;
  }

  /** Looks without touching recency or stats. */
  peek(cacheKey: string): Entry | undefined {
    const entry = this.lru.peek(cacheKey);
    return entry?.owner?.closed === true ? undefined : entry;
  }

  /** Stores an entry; `ttl` (ms) may shorten its life below the store's TTL. False when it is too large. */
  set(cacheKey: string, entry: Entry, ttl: number | undefined): boolean {
    if (entry.size > this.maxBytes) return false;
    if (ttl === undefined) this.lru.set(cacheKey, entry);
    else this.lru.set(cacheKey, entry, { ttl: this.ttl > 0 ? Math.min(ttl, this.ttl) : ttl });
    for (const key of entry.keys) this.link(key, cacheKey);
    return true;
  }

  /** Drops every entry that depends on this Redis key; returns how many. */
  invalidate(key: string): number {
    const linked = this.index.get(key);
    if (linked === undefined) return 0;
    if (typeof linked === 'string') return this.lru.delete(linked) ? 1 : 0;
    let dropped = 0;
    for (const cacheKey of [...linked]) if (this.lru.delete(cacheKey)) dropped++;
    return dropped;
  }

  /** Drops every entry whose owner connection has closed (one pass, however many closed). */
  sweepClosedOwners(): number {
    const doomed: string[] = [];
    for (const [cacheKey, entry] of this.lru.entries()) if (entry.owner?.closed === true) doomed.push(cacheKey);
    for (const cacheKey of doomed) this.lru.delete(cacheKey);
    return doomed.length;
  }

  clear(): void {
    this.lru.clear();
    this.index.clear();
  }

  /** Every stored read's cache key (for inspection and tests). */
  keys(): IterableIterator<string> {
    return this.lru.keys();
  }

  private link(key: string, cacheKey: string): void {
    const linked = this.index.get(key);
    if (linked === undefined) this.index.set(key, cacheKey);
    else if (typeof linked === 'string') {
      if (linked !== cacheKey) this.index.set(key, new Set([linked, cacheKey]));
    } else linked.add(cacheKey);
  }

  private unindex(cacheKey: string, keys: readonly string[]): void {
    for (const key of keys) {
      const linked = this.index.get(key);
      if (linked === undefined) continue;
      if (typeof linked === 'string') {
        if (linked === cacheKey) this.index.delete(key);
      } else {
        linked.delete(cacheKey);
        if (linked.size === 0) this.index.delete(key);
      }
    }
  }
}
