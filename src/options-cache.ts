/**
 * The `cache` client option: what users write (`true` or a CacheOptions object) and the checked,
 * complete form the cache runs with. Every invalid value is an InvalidArgumentError naming the field.
 */
import { MAX_TIMER_MS, invalid } from './options-fields.js';

/**
 * - `tracking`: the server tells us when a key we read changes (CLIENT TRACKING). RESP3: on the pool's own
 *   connections; RESP2: redirected to one dedicated connection subscribed to `__redis__:invalidate`.
 * - `broadcast`: the server reports every change under the given key prefixes (BCAST) to one dedicated
 *   connection; only keys under those prefixes are cached.
 * - `ttl`: no help from the server; entries live `ttl` ms. For servers without CLIENT TRACKING (before 6.0).
 */
export type CacheMode = 'tracking' | 'broadcast' | 'ttl';

export interface CacheOptions {
  /** Default `'tracking'`. */
  mode?: CacheMode;
  /** Most entries kept (least recently used go first). Default 10000. */
  maxEntries?: number;
  /** Most bytes kept, as estimated from the replies' sizes. Default 64 MiB. */
  maxBytes?: number;
  /** Longest life of an entry, ms, as a safety net; 0 = none. Default 600000; required (> 0) in `ttl` mode. */
  ttl?: number;
  /** `broadcast` mode only: key prefixes to track and cache; none = every key. */
  prefixes?: string[];
  /**
   * Names of the read commands to cache. Default: the commands whose builders are marked cacheable
   * (`DEFAULT_CACHED_COMMANDS`). Extend it with other read-only typed commands that name their keys.
   */
  commands?: string[];
}

export interface ResolvedCacheOptions {
  mode: CacheMode;
  maxEntries: number;
  maxBytes: number;
  ttl: number;
  prefixes: readonly string[];
  /** undefined: cache exactly the commands flagged CACHEABLE (the fast check). */
  commands: ReadonlySet<string> | undefined;
}

export const CACHE_DEFAULTS = {
  mode: 'tracking',
  maxEntries: 10_000,
  maxBytes: 64 * 1024 * 1024,
  ttl: 600_000,
} as const;

const MODES: readonly CacheMode[] = ['tracking', 'broadcast', 'ttl'];
const FIELDS = new Set(['mode', 'maxEntries', 'maxBytes', 'ttl', 'prefixes', 'commands']);

/** `false`/`undefined` → no cache; `true` → defaults; an object → checked and completed. */
export function resolveCacheOptions(value: unknown, label: string): ResolvedCacheOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { ...CACHE_DEFAULTS, prefixes: [], commands: undefined };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(
      label,
      'true, false or a cache options object ({ mode, maxEntries, maxBytes, ttl, prefixes, commands })',
      value,
    );
  }
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!FIELDS.has(key)) invalid(`${label}.${key}`, `one of ${[...FIELDS].join(', ')} (unknown field)`, key);
  }
  const mode = o['mode'] ?? CACHE_DEFAULTS.mode;
  if (!MODES.includes(mode as CacheMode)) invalid(`${label}.mode`, `'tracking', 'broadcast' or 'ttl'`, mode);
  const maxEntries = positiveInteger(o['maxEntries'], CACHE_DEFAULTS.maxEntries, `${label}.maxEntries`);
  const maxBytes = positiveInteger(o['maxBytes'], CACHE_DEFAULTS.maxBytes, `${label}.maxBytes`);
  const ttl = o['ttl'] ?? (mode === 'ttl' ? undefined : CACHE_DEFAULTS.ttl);
  if (mode === 'ttl' && (typeof ttl !== 'number' || ttl <= 0)) {
    invalid(
      `${label}.ttl`,
      `a number of milliseconds > 0 (required in 'ttl' mode: it is the only bound on staleness)`,
      ttl,
    );
  }
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0 || ttl > MAX_TIMER_MS) {
    invalid(`${label}.ttl`, `a number of milliseconds from 0 to ${MAX_TIMER_MS} (0 = no TTL)`, ttl);
  }
  const prefixes = stringList(o['prefixes'], `${label}.prefixes`, true);
  if (prefixes.length > 0 && mode !== 'broadcast') {
    invalid(`${label}.prefixes`, `no prefixes outside 'broadcast' mode`, 'an array');
  }
  // The server refuses prefixes of one another in one BCAST registration; say so before connecting.
  for (const a of prefixes) {
    const other = prefixes.find((b) => b !== a && b.startsWith(a));
    if (other !== undefined || prefixes.indexOf(a) !== prefixes.lastIndexOf(a)) {
      invalid(`${label}.prefixes`, 'prefixes none of which starts another (the server refuses overlaps)', a);
    }
  }
  const commands = o['commands'] === undefined ? undefined : stringList(o['commands'], `${label}.commands`, false);
  return {
    mode: mode as CacheMode,
    maxEntries,
    maxBytes,
    ttl,
    prefixes,
    commands: commands === undefined ? undefined : new Set(commands.map((c) => c.toUpperCase())),
  };
}

function positiveInteger(value: unknown, fallback: number, label: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) invalid(label, 'an integer >= 1', value);
  return value;
}

function stringList(value: unknown, label: string, allowEmptyStrings: boolean): string[] {
  if (value === undefined) return [];
  const expected = allowEmptyStrings ? 'an array of strings' : 'an array of non-empty strings';
  if (!Array.isArray(value)) invalid(label, expected, value);
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || (!allowEmptyStrings && item.length === 0)) invalid(label, expected, item);
  }
  return [...(value as string[])];
}
