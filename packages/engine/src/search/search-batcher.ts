import type { IndexMatches, VectorIndex } from '../ann/vector-index.js';

interface Pending {
  query: Float32Array;
  count: number;
  ef: number;
  resolve: (matches: IndexMatches) => void;
  reject: (err: unknown) => void;
}

/**
 * Coalesces concurrent unfiltered searches into one native batch call. Each native call
 * blocks the event loop, so answering N waiting queries in one call spread over the
 * native threads beats N calls one after another; a lone query goes the single-query path
 * and pays nothing extra.
 */
export class SearchBatcher {
  readonly #index: () => VectorIndex;
  readonly #threads: number;
  readonly #schedule: (flush: () => void) => void;
  #queue: Pending[] = [];
  /** Number of native batch calls made, and queries answered by them (for stats). */
  batches = 0;
  batchedQueries = 0;

  constructor(
    index: () => VectorIndex,
    options: { threads: number; window: 'microtask' | 'immediate' },
  ) {
    this.#index = index;
    this.#threads = options.threads;
    this.#schedule = options.window === 'immediate' ? (f) => void setImmediate(f) : queueMicrotask;
  }

  /** Queues one query; resolves with its matches after the next flush. */
  search(query: Float32Array, count: number, ef: number): Promise<IndexMatches> {
    return new Promise((resolve, reject) => {
      if (this.#queue.push({ query, count, ef, resolve, reject }) === 1) {
        this.#schedule(() => this.#flush());
      }
    });
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    const index = this.#index();
    if (queue.length === 1) {
      const only = queue[0]!;
      try {
        only.resolve(index.search(only.query, only.count, { ef: only.ef }));
      } catch (err) {
        only.reject(err);
      }
      return;
    }
    let count = 0;
    let ef = 0;
    const dims = index.dimensions;
    const flat = new Float32Array(queue.length * dims);
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i]!;
      flat.set(p.query, i * dims);
      if (p.count > count) count = p.count;
      if (p.ef > ef) ef = p.ef;
    }
    let results: IndexMatches[];
    try {
      results = index.searchBatch(flat, count, { ef, threads: this.#threads });
    } catch (err) {
      for (const p of queue) p.reject(err);
      return;
    }
    this.batches += 1;
    this.batchedQueries += queue.length;
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i]!;
      const m = results[i]!;
      p.resolve(
        m.keys.length > p.count
          ? { ...m, keys: m.keys.subarray(0, p.count), distances: m.distances.subarray(0, p.count) }
          : m,
      );
    }
  }
}
