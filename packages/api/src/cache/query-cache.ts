import type { Collection, ExplainTrace, SearchResult } from '@needle/engine';
import { LRUCache } from 'lru-cache';

/** What the cache keeps of one answered search. */
export interface CachedSearch {
  /** The collection object that answered: a dropped and recreated collection never matches. */
  readonly owner: Collection;
  /** Its `changeVersion` then: any write since makes the entry stale. */
  readonly version: number;
  readonly result: SearchResult;
  /** The trace, when the search was an explained one. */
  readonly trace: ExplainTrace | undefined;
}

/**
 * The query-result cache: an LRU of search answers keyed by collection and normalised
 * request. An entry is served only while its collection is the same object at the same
 * `changeVersion`, so every write invalidates the collection's answers at once; dropping or
 * restoring a collection also frees its entries. `entries = 0` turns it off.
 */
export class QueryCache {
  readonly #lru: LRUCache<string, CachedSearch> | null;

  constructor(entries: number) {
    this.#lru = entries > 0 ? new LRUCache({ max: entries }) : null;
  }

  /** False when the cache is off; lookups then always miss and are not reported. */
  get enabled(): boolean {
    return this.#lru !== null;
  }

  /** The cached answer for this request, if it is still current. */
  get(collection: Collection, key: string): CachedSearch | undefined {
    const lru = this.#lru;
    if (!lru) return undefined;
    const full = fullKey(collection.name, key);
    const hit = lru.get(full);
    if (!hit) return undefined;
    if (hit.owner !== collection || hit.version !== collection.changeVersion) {
      lru.delete(full);
      return undefined;
    }
    return hit;
  }

  /** Remembers an answer computed at `version` (read before the search started). */
  set(
    collection: Collection,
    key: string,
    version: number,
    result: SearchResult,
    trace?: ExplainTrace,
  ): void {
    // A write that landed while the search ran makes the answer possibly stale already.
    if (!this.#lru || collection.changeVersion !== version) return;
    this.#lru.set(fullKey(collection.name, key), { owner: collection, version, result, trace });
  }

  /** Frees every entry of a collection (drop, restore). */
  dropCollection(name: string): void {
    const lru = this.#lru;
    if (!lru) return;
    const prefix = fullKey(name, '');
    for (const key of [...lru.keys()]) if (key.startsWith(prefix)) lru.delete(key);
  }

  /** Entries held now. */
  get size(): number {
    return this.#lru?.size ?? 0;
  }
}

function fullKey(collection: string, request: string): string {
  return `${collection}\u0000${request}`;
}
