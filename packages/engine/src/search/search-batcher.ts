import { checkQuery } from '../ann/check-index-args.js';
import type { IndexMatches, VectorIndex } from '../ann/vector-index.js';

interface Pending {
  query: Float32Array;
  count: number;
  ef: number;
  /** Turns the matches into what the caller's promise resolves with. */
  finish: (matches: IndexMatches) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const settled = Promise.resolve();
/**
 * Runs `flush` once the current synchronous work and the microtasks queued before it are
 * done. A reaction on a settled promise is queued by V8 itself; `queueMicrotask` also
 * creates an async resource per call in Node (measured 180 ns against 120 ns a query).
 */
const afterMicrotasks = (flush: () => void): void => void settled.then(flush);

const matchesAsIs = (matches: IndexMatches): IndexMatches => matches;

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
  readonly #flushQueue = (): void => this.#flush();
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
    this.#schedule =
      options.window === 'immediate' ? (flush) => void setImmediate(flush) : afterMicrotasks;
  }

  /** Queues one query; resolves with its matches after the next flush. */
  search(query: Float32Array, count: number, ef: number): Promise<IndexMatches> {
    return this.searchThen(query, count, ef, matchesAsIs);
  }

  /**
   * Like {@link search}, resolving with `finish(matches)` instead (a throw rejects; a
   * returned promise is followed): one promise per query where `search(…).then(finish)`
   * would make two.
   */
  searchThen<T>(
    query: Float32Array,
    count: number,
    ef: number,
    finish: (matches: IndexMatches) => T | PromiseLike<T>,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        query,
        count,
        ef,
        finish,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      if (this.#queue.push(pending) === 1) this.#schedule(this.#flushQueue);
    });
  }

  #flush(): void {
    const queue = this.#queue;
    this.#queue = [];
    const index = this.#index();
    if (queue.length === 1) {
      const only = queue[0]!;
      let matches: IndexMatches;
      try {
        matches = index.search(only.query, only.count, { ef: only.ef });
      } catch (err) {
        only.reject(err);
        return;
      }
      settle(only, matches);
      return;
    }
    let results: IndexMatches[];
    try {
      let count = 0;
      let ef = 0;
      const dims = index.dimensions;
      const flat = new Float32Array(queue.length * dims);
      for (let i = 0; i < queue.length; i++) {
        const p = queue[i]!;
        checkQuery(p.query, dims);
        flat.set(p.query, i * dims);
        if (p.count > count) count = p.count;
        if (p.ef > ef) ef = p.ef;
      }
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
      settle(
        p,
        m.keys.length > p.count
          ? { ...m, keys: m.keys.subarray(0, p.count), distances: m.distances.subarray(0, p.count) }
          : m,
      );
    }
  }
}

function settle(pending: Pending, matches: IndexMatches): void {
  let value: unknown;
  try {
    value = pending.finish(matches);
  } catch (err) {
    pending.reject(err);
    return;
  }
  pending.resolve(value);
}
