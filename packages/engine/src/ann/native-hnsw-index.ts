import { availableParallelism } from 'node:os';
import { EngineError } from '../errors.js';
import {
  checkOut,
  checkPositive,
  checkQueries,
  checkQuery,
  checkRows,
  isKey,
} from './check-index-args.js';
import {
  fromNativeError,
  loadNativeAddon,
  nativeAddonLoadError,
  type NativeHnswHandle,
} from './native-addon.js';
import { validateIndexOptions } from './validate-index-options.js';
import type {
  IndexBatchOptions,
  IndexMatches,
  IndexSearchOptions,
  VectorIndex,
  VectorIndexOptions,
} from './vector-index.js';

/**
 * Adds of at least this many vectors are spread over native threads (the addon then
 * re-links the nodes concurrent insertion left unreachable; see hnsw_index.cpp). Smaller
 * ones run on one thread, which keeps the graph of small writes deterministic.
 */
const PARALLEL_ADD_MIN = 256;

/**
 * Single searches for up to this many results write into two arrays the index keeps and
 * copy out only the matches: an exactly sized copy of a few matches is cheaper than the
 * ArrayBuffer and two views a native result would need (measured 90 ns against 350 ns for
 * 11 matches), which is a visible share of a search on a small collection.
 */
const REUSED_RESULTS = 256;

/** Knobs of {@link NativeHnswIndex} beyond the shared options. */
export interface NativeHnswTuning {
  /** Native threads for large `add` batches; default min(4, cores). */
  addThreads?: number;
}

/**
 * usearch's C++ HNSW through our own addon (`native/`): SIMD distances, in-traversal
 * filtering, per-query `ef`, traversal statistics and threaded batch search. Every call
 * is synchronous and blocks the event loop for its duration, like the stock binding.
 *
 * Distances are raw metric values (`l2sq`, or `1 − dot` for `ip`, rescaled for i8 so that
 * they match f32 ones). With i8, vectors are stored at unit length.
 *
 * @example
 * ```ts
 * const index = new NativeHnswIndex({ dimensions: 3, metric: 'l2sq', quantization: 'f32',
 *   connectivity: 16, expansionAdd: 128, expansionSearch: 64 });
 * index.add(Uint32Array.of(7), Float32Array.of(1, 2, 3));
 * index.search(Float32Array.of(1, 2, 2), 1, { ef: 64 }); // keys [7], distances [1]
 * ```
 */
export class NativeHnswIndex implements VectorIndex {
  readonly kind = 'native-hnsw';
  readonly dimensions: number;
  readonly #native: NativeHnswHandle;
  /** [visited, computed] of the last single search, written by the addon. */
  readonly #stats = new Float64Array(2);
  readonly #keys = new Uint32Array(REUSED_RESULTS);
  readonly #distances = new Float32Array(REUSED_RESULTS);
  readonly #addThreads: number;

  /** Throws INTERNAL_ERROR when the addon is not built (see `nativeIndexAvailable`). */
  constructor(options: VectorIndexOptions, tuning: NativeHnswTuning = {}) {
    validateIndexOptions(options);
    const addon = loadNativeAddon();
    if (!addon) {
      throw new EngineError('INTERNAL_ERROR', 'the native HNSW addon is not available', {
        help: 'Build it with `npm run build:native -w @needle/engine`, or use the usearch-js index.',
        cause: nativeAddonLoadError(),
      });
    }
    this.dimensions = options.dimensions;
    this.#addThreads = Math.max(
      1,
      Math.floor(tuning.addThreads ?? Math.min(4, availableParallelism())),
    );
    try {
      this.#native = new addon.HnswIndex(
        options.dimensions,
        options.metric,
        options.quantization,
        options.connectivity,
        options.expansionAdd,
        options.expansionSearch,
        options.capacity ?? 0,
        this.#stats,
      );
    } catch (error) {
      throw fromNativeError(error, 'construction');
    }
  }

  size(): number {
    return this.#call('size', (n) => n.size());
  }

  memoryBytes(): number {
    return this.#call('memoryBytes', (n) => n.memoryUsage());
  }

  dataBytes(): number {
    return this.#call('dataBytes', (n) => n.serializedLength());
  }

  /** The SIMD target of the distance kernel, e.g. `skylake`, `neon` or `serial`. */
  isa(): string {
    return this.#call('isa', (n) => n.isa());
  }

  add(keys: Uint32Array, vectors: Float32Array): void {
    checkRows(keys, vectors, this.dimensions);
    if (keys.length === 0) return;
    const threads = keys.length >= PARALLEL_ADD_MIN ? this.#addThreads : 1;
    this.#call('add', (n) => n.add(keys, vectors, threads));
  }

  remove(keys: Uint32Array): number {
    return this.#call('remove', (n) => n.remove(keys));
  }

  has(key: number): boolean {
    if (!isKey(key)) return false;
    try {
      return this.#native.contains(key);
    } catch (error) {
      throw fromNativeError(error, 'has');
    }
  }

  get(key: number, out: Float32Array): boolean {
    checkOut(out, this.dimensions);
    if (!isKey(key)) return false;
    try {
      return this.#native.get(key, out);
    } catch (error) {
      throw fromNativeError(error, 'get');
    }
  }

  search(query: Float32Array, count: number, options: IndexSearchOptions): IndexMatches {
    checkQuery(query, this.dimensions);
    checkPositive('count', count);
    const reused = count <= REUSED_RESULTS;
    const keys = reused ? this.#keys : new Uint32Array(count);
    const distances = reused ? this.#distances : new Float32Array(count);
    let found: number;
    try {
      found = this.#native.search(
        query,
        count,
        Math.max(options.ef, count),
        options.allowed,
        keys,
        distances,
      );
    } catch (error) {
      throw fromNativeError(error, 'search');
    }
    return {
      keys: reused ? keys.slice(0, found) : keys.subarray(0, found),
      distances: reused ? distances.slice(0, found) : distances.subarray(0, found),
      visited: this.#stats[0]!,
      computed: this.#stats[1]!,
    };
  }

  searchBatch(queries: Float32Array, count: number, options: IndexBatchOptions): IndexMatches[] {
    checkQueries(queries, this.dimensions);
    checkPositive('count', count);
    checkPositive('threads', options.threads);
    const total = queries.length / this.dimensions;
    if (total === 0) return [];
    const ef = Math.max(options.ef, count);
    const buffer = this.#call('searchBatch', (n) =>
      n.searchBatch(queries, count, ef, options.threads),
    );
    const stats = new Float64Array(buffer, 0, 2 * total);
    const found = new Uint32Array(buffer, 16 * total, total);
    const keysAt = 20 * total;
    const distancesAt = keysAt + 4 * total * count;
    const results = new Array<IndexMatches>(total);
    for (let q = 0; q < total; q++) {
      const n = found[q]!;
      results[q] = {
        keys: new Uint32Array(buffer, keysAt + 4 * q * count, n),
        distances: new Float32Array(buffer, distancesAt + 4 * q * count, n),
        visited: stats[2 * q]!,
        computed: stats[2 * q + 1]!,
      };
    }
    return results;
  }

  /** Exact search among `keys`; `visited` and `computed` are the number of keys scanned. */
  searchSubset(query: Float32Array, keys: Uint32Array, count: number): IndexMatches {
    checkQuery(query, this.dimensions);
    checkPositive('count', count);
    const buffer = this.#call('searchSubset', (n) => n.searchSubset(query, keys, count));
    const found = buffer.byteLength >>> 3;
    return {
      keys: new Uint32Array(buffer, 0, found),
      distances: new Float32Array(buffer, found * 4, found),
      visited: this.#stats[0]!,
      computed: this.#stats[1]!,
    };
  }

  /** Writes the index (graph and vectors) to `path` in usearch's file format. */
  save(path: string): void {
    this.#call('save', (n) => n.save(path));
  }

  /**
   * Replaces the contents with the index saved at `path`. A file of other dimensions,
   * metric or quantization, or a damaged one, throws INVALID_INPUT and changes nothing.
   */
  load(path: string): void {
    this.#call('load', (n) => n.load(path));
  }

  close(): void {
    this.#native.close();
  }

  #call<T>(operation: string, run: (native: NativeHnswHandle) => T): T {
    try {
      return run(this.#native);
    } catch (error) {
      throw fromNativeError(error, operation);
    }
  }
}
