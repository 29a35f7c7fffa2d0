/**
 * Rendered catalog API answers kept in memory: each entity's JSON, serialised once per etag, and
 * the ordered refs a list query matched. One store bounded by bytes, dropping the least recently used (second chance)
 * (API_CACHE_MB), reported on /metrics.
 *
 * An entry is tagged with the change generation read *before* its data was read from the database
 * (src/db/catalog-changes.ts) and served only while that generation is current and the change feed
 * is trusted: a change committed while an entry was being built moves the generation on, so what
 * that read saw is never served afterwards. Without a feed nothing is cached.
 */
import type { CatalogChangeFeed } from '../db/catalog-changes.js';
import { metrics } from '../metrics.js';

export interface CacheStats {
  bytes: number;
  entries: number;
  maxBytes: number;
  hits: number;
  misses: number;
}

export interface ApiCache {
  /** The generation to tag a read with, or undefined when the result must not be cached. */
  readGeneration(): number | undefined;
  get<T>(key: string): T | undefined;
  /** As get, but a miss is not counted: the caller falls back to a path that looks again (and counts). */
  peek<T>(key: string): T | undefined;
  /** Stores `value` (about `bytes` large) if `generation` is still current. */
  put(key: string, value: unknown, bytes: number, generation: number | undefined): void;
  stats(): CacheStats;
}

interface Entry {
  value: unknown;
  bytes: number;
  generation: number;
  /** Read since eviction last passed it (second-chance LRU). */
  used: boolean;
}

/** Per-entry overhead (key, map slot, object headers) counted on top of the payload. */
const ENTRY_OVERHEAD = 96;

/** Where a cache reports its size and look-ups on /metrics. */
export interface CacheSeries {
  bytes: { set(n: number): void };
  entries: { set(n: number): void };
  lookups: { labels(result: 'hit' | 'miss' | 'bypass'): { inc(): void } };
}

const ENTITY_SERIES: CacheSeries = { bytes: metrics.apiCacheBytes, entries: metrics.apiCacheEntries, lookups: metrics.apiCacheLookups };

export function createApiCache(options: { maxBytes: number; feed?: CatalogChangeFeed; series?: CacheSeries }): ApiCache {
  const { maxBytes, feed } = options;
  const series = options.series ?? ENTITY_SERIES;
  // A Map iterates in insertion order. A hit only marks its entry used: moving it to the end on
  // every hit (delete + set) cost more than the rest of a cached answer. Eviction gives a used
  // entry a second chance (moves it to the end, unmarked) and drops the first unused one.
  const entries = new Map<string, Entry>();
  let bytes = 0;
  let hits = 0;
  let misses = 0;
  let seen = feed?.generation();
  const lookups = { hit: series.lookups.labels('hit'), miss: series.lookups.labels('miss'), bypass: series.lookups.labels('bypass') };

  const report = () => {
    series.bytes.set(bytes);
    series.entries.set(entries.size);
  };
  const drop = (key: string, entry: Entry) => {
    entries.delete(key);
    bytes -= entry.bytes;
  };
  // A new generation makes every entry unservable: free them at once rather than waiting for LRU.
  const sweep = () => {
    const generation = feed?.generation();
    if (generation === seen) return;
    seen = generation;
    entries.clear();
    bytes = 0;
    report();
  };

  function lookup<T>(key: string, countMiss: boolean): T | undefined {
    if (!feed?.trusted()) {
      if (feed && countMiss) lookups.bypass.inc();
      return undefined;
    }
    sweep();
    const entry = entries.get(key);
    if (!entry || entry.generation !== feed.generation()) {
      if (countMiss) {
        misses++;
        lookups.miss.inc();
      }
      return undefined;
    }
    hits++;
    lookups.hit.inc();
    entry.used = true;
    return entry.value as T;
  }

  return {
    readGeneration() {
      if (!feed?.trusted()) return undefined;
      sweep();
      return feed.generation();
    },
    get<T>(key: string): T | undefined {
      return lookup<T>(key, true);
    },
    peek<T>(key: string): T | undefined {
      return lookup<T>(key, false);
    },
    put(key, value, size, generation) {
      if (generation === undefined || !feed?.trusted() || generation !== feed.generation()) return;
      const cost = size + key.length * 2 + ENTRY_OVERHEAD;
      if (cost > maxBytes / 4) return; // one huge answer must not flush everything else
      const old = entries.get(key);
      if (old) drop(key, old);
      entries.set(key, { value, bytes: cost, generation, used: false });
      bytes += cost;
      // Entries moved to the end are visited again by this loop, unmarked then: it ends.
      for (const [k, e] of entries) {
        if (bytes <= maxBytes) break;
        if (e.used && k !== key) {
          e.used = false;
          entries.delete(k);
          entries.set(k, e);
        } else drop(k, e);
      }
      report();
    },
    stats: () => ({ bytes, entries: entries.size, maxBytes, hits, misses }),
  };
}
