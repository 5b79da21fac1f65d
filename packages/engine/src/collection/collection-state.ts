import type { Metadata } from '../vectors/validate-record.js';

/**
 * The in-memory working set of a collection, derived from storage: which id lives under
 * which integer key, its parsed metadata and expiry. Keys are never reused within a process,
 * so a key in a search result names the record that was indexed under it. After a restart the
 * next key follows the highest live one; the replay of a saved index handles a key that comes
 * back (see `Collection.load`).
 */
export class CollectionState {
  /** Id by key; `undefined` for deleted keys. */
  readonly ids: (string | undefined)[] = [];
  /** Parsed metadata by key. */
  readonly metadata: (Metadata | null | undefined)[] = [];
  /** Live key of each id. */
  readonly keyOf = new Map<string, number>();
  /** Expiry (ms since epoch) of the keys that have one. */
  readonly expiresAt = new Map<number, number>();
  /** Deleted keys still occupying slots in the index (until compaction). */
  deletedSlots = 0;
  /** Next key to hand out. */
  nextKey = 0;
  /** Bumped by every change, so caches derived from the state know when they are stale. */
  version = 0;
  #live = 0;
  #metadataBytes = 0;
  readonly #metadataSizes = new Map<number, number>();
  #idChars = 0;

  /** Number of live records (expired-but-not-yet-swept ones included). */
  get live(): number {
    return this.#live;
  }

  /** Makes a record visible (the caller adds its vector to the index). */
  put(
    key: number,
    id: string,
    metadata: Metadata | null,
    expiresAt: number | null,
    metadataBytes: number,
  ): void {
    this.ids[key] = id;
    this.metadata[key] = metadata;
    this.version += 1;
    this.#metadataBytes += metadataBytes;
    this.#idChars += id.length;
    this.#metadataSizes.set(key, metadataBytes);
    this.keyOf.set(id, key);
    if (expiresAt !== null) this.expiresAt.set(key, expiresAt);
    if (key >= this.nextKey) this.nextKey = key + 1;
    this.#live += 1;
  }

  /** Removes a record; returns false if the key was not live. */
  remove(key: number): boolean {
    const id = this.ids[key];
    if (id === undefined) return false;
    this.ids[key] = undefined;
    this.metadata[key] = undefined;
    this.version += 1;
    this.#metadataBytes -= this.#metadataSizes.get(key) ?? 0;
    this.#metadataSizes.delete(key);
    this.#idChars -= id.length;
    if (this.keyOf.get(id) === key) this.keyOf.delete(id);
    this.expiresAt.delete(key);
    this.#live -= 1;
    this.deletedSlots += 1;
    return true;
  }

  /** Replaces the metadata of a live key. */
  setMetadata(key: number, metadata: Metadata | null, metadataBytes: number): void {
    if (this.ids[key] === undefined) return;
    this.metadata[key] = metadata;
    this.version += 1;
    this.#metadataBytes += metadataBytes - (this.#metadataSizes.get(key) ?? 0);
    this.#metadataSizes.set(key, metadataBytes);
  }

  /**
   * Rough bytes of JS heap this state holds: ids (UTF-16), metadata (parsed objects take
   * about twice their JSON size) and per-record bookkeeping in maps and arrays.
   */
  heapEstimateBytes(): number {
    return this.#idChars * 2 + this.#metadataBytes * 2 + this.nextKey * 16 + this.#live * 72;
  }

  /** True if the key is live and not expired at `now`. */
  isVisible(key: number, now: number): boolean {
    if (this.ids[key] === undefined) return false;
    if (this.expiresAt.size === 0) return true;
    const expiry = this.expiresAt.get(key);
    return expiry === undefined || expiry > now;
  }

  /** The visible key of an id, or undefined. */
  visibleKey(id: string, now: number): number | undefined {
    const key = this.keyOf.get(id);
    return key !== undefined && this.isVisible(key, now) ? key : undefined;
  }

  /** Keys whose expiry has passed. */
  expiredKeys(now: number): number[] {
    const out: number[] = [];
    for (const [key, expiry] of this.expiresAt) if (expiry <= now) out.push(key);
    return out;
  }

  /** Share of index slots held by deleted vectors: deleted ÷ (live + deleted). */
  fragmentationRatio(): number {
    const total = this.#live + this.deletedSlots;
    return total === 0 ? 0 : this.deletedSlots / total;
  }

  /** Calls `visit` for every visible key in key (insertion) order; stops when it returns false. */
  forEachVisible(now: number, visit: (key: number) => boolean | void): void {
    const { ids } = this;
    const checkExpiry = this.expiresAt.size > 0;
    for (let key = 0; key < this.nextKey; key++) {
      if (ids[key] === undefined) continue;
      if (checkExpiry && !this.isVisible(key, now)) continue;
      if (visit(key) === false) return;
    }
  }
}
