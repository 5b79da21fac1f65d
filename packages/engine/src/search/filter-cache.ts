/**
 * Remembers which keys matched recent filters, so repeated filters (a tenant, a category)
 * skip the metadata scan. Every entry belongs to one version of the collection's state; any
 * write bumps the version and so empties the cache.
 */
export class FilterCache {
  readonly #capacity: number;
  #version = -1;
  readonly #entries = new Map<string, Uint32Array>();
  hits = 0;
  misses = 0;

  constructor(capacity = 32) {
    this.#capacity = capacity;
  }

  /** The keys cached for `filterKey` at `version`, or undefined. */
  get(filterKey: string, version: number): Uint32Array | undefined {
    if (version !== this.#version) {
      this.#entries.clear();
      this.#version = version;
    }
    const keys = this.#entries.get(filterKey);
    if (keys === undefined) {
      this.misses += 1;
      return undefined;
    }
    // Map order is insertion order: re-insert to mark as recently used.
    this.#entries.delete(filterKey);
    this.#entries.set(filterKey, keys);
    this.hits += 1;
    return keys;
  }

  /** Caches the keys matching `filterKey` at `version`. */
  set(filterKey: string, version: number, keys: Uint32Array): void {
    if (version !== this.#version) return;
    this.#entries.set(filterKey, keys);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }
}
