import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  Index,
  MetricKind,
  ScalarKind,
  exactSearch,
  type BatchMatches,
  type Matches,
} from 'usearch';
import { EngineError } from '../errors.js';
import {
  checkOut,
  checkPositive,
  checkQueries,
  checkQuery,
  checkRows,
  isKey,
} from './check-index-args.js';
import { KeyedVectorArena } from './keyed-vector-arena.js';
import { i8DistanceFix, validateIndexOptions } from './validate-index-options.js';
import type {
  IndexBatchOptions,
  IndexMatches,
  IndexSearchOptions,
  VectorIndex,
  VectorIndexOptions,
} from './vector-index.js';

const SCALARS = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8 } as const;
const METRICS = { l2sq: MetricKind.L2sq, ip: MetricKind.IP } as const;
/** Suffix of the file holding the vectors arena beside a saved index. */
const ARENA_SUFFIX = '.vectors';

/**
 * The stock `usearch` npm binding behind {@link VectorIndex}: the fallback when the
 * native addon is unavailable. What the binding lacks is emulated in JS:
 *
 * - vectors are also kept in a {@link KeyedVectorArena} (keys must be dense), for `get`
 *   and for `searchSubset`, which runs usearch's SIMD `exactSearch` over gathered rows;
 * - filtered search over-fetches with a growing count until `count` allowed keys are found
 *   or the index is exhausted;
 * - per-query `ef` asks for `max(count, ef)` results (usearch searches with
 *   `max(expansion, wanted)`, so `ef` below `expansionSearch` has no effect) and keeps
 *   the first `count`;
 * - traversal statistics are unavailable (`visited`/`computed` are `null`);
 * - adds and batch searches run on one native thread (see `add` and `searchBatch`).
 *
 * `save(path)` writes usearch's file plus `path.vectors` (the arena); `load` needs both.
 */
export class UsearchJsIndex implements VectorIndex {
  readonly kind = 'usearch-js';
  readonly dimensions: number;
  readonly #options: VectorIndexOptions;
  readonly #fix: ((raw: number) => number) | null;
  #index: Index;
  #arena: KeyedVectorArena;
  #closed = false;

  constructor(options: VectorIndexOptions) {
    validateIndexOptions(options);
    this.#options = { ...options };
    this.dimensions = options.dimensions;
    this.#fix = i8DistanceFix(options);
    this.#index = this.#newIndex();
    this.#arena = new KeyedVectorArena(options.dimensions, options.capacity ?? 0);
  }

  size(): number {
    this.#assertOpen();
    return this.#arena.size;
  }

  /** Estimate: the arena plus usearch's vectors, base-layer links and key table. */
  memoryBytes(): number {
    this.#assertOpen();
    const { dimensions, connectivity, quantization } = this.#options;
    const scalarBytes = quantization === 'f32' ? 4 : quantization === 'f16' ? 2 : 1;
    const perVector = dimensions * scalarBytes + connectivity * 2 * 4 + 48;
    return this.#arena.byteLength + this.#index.capacity() * perVector;
  }

  add(keys: Uint32Array, vectors: Float32Array): void {
    this.#assertOpen();
    checkRows(keys, vectors, this.dimensions);
    if (keys.length === 0) return;
    const seen = new Set<number>();
    for (const key of keys) {
      if (this.#arena.has(key) || seen.has(key)) {
        throw new EngineError(
          'INVALID_INPUT',
          `index add failed: key ${key} is already in the index`,
          {
            help: 'Check the arguments against the VectorIndex contract.',
            details: { key },
          },
        );
      }
      seen.add(key);
    }
    try {
      // One thread: the binding cannot re-link the nodes concurrent insertion leaves
      // unreachable (about twice as many as sequential insertion), as the addon does.
      this.#index.add(toBigKeys(keys), vectors, 1);
    } catch (error) {
      throw internal('add', error);
    }
    const dims = this.dimensions;
    keys.forEach((key, i) => this.#arena.set(key, vectors.subarray(i * dims, (i + 1) * dims)));
  }

  remove(keys: Uint32Array): number {
    this.#assertOpen();
    const removed = keys.filter((key) => this.#arena.delete(key));
    if (removed.length === 0) return 0;
    try {
      this.#index.remove(toBigKeys(removed));
    } catch (error) {
      for (const key of removed) this.#arena.set(key, this.#arena.row(key));
      throw internal('remove', error);
    }
    return removed.length;
  }

  has(key: number): boolean {
    this.#assertOpen();
    return isKey(key) && this.#arena.has(key);
  }

  get(key: number, out: Float32Array): boolean {
    this.#assertOpen();
    checkOut(out, this.dimensions);
    if (!this.has(key)) return false;
    out.set(this.#arena.row(key));
    return true;
  }

  search(query: Float32Array, count: number, options: IndexSearchOptions): IndexMatches {
    this.#assertOpen();
    checkQuery(query, this.dimensions);
    checkPositive('count', count);
    const wanted = Math.max(count, options.ef);
    const allowed = options.allowed;
    if (allowed === undefined) return this.#matches(this.#searchOne(query, wanted), count);
    const size = this.#arena.size;
    // Over-fetch until enough allowed keys turn up or the whole index has been returned.
    for (let asked = wanted * 4; ; asked *= 4) {
      const found = this.#searchOne(query, Math.min(asked, size));
      const keys: number[] = [];
      const distances: number[] = [];
      for (let i = 0; i < found.keys.length && keys.length < count; i++) {
        const key = Number(found.keys[i]);
        if (allowed[key]) {
          keys.push(key);
          distances.push(found.distances[i]!);
        }
      }
      if (keys.length === count || found.keys.length < asked || asked >= size) {
        return this.#finish(Uint32Array.from(keys), Float32Array.from(distances));
      }
    }
  }

  searchBatch(queries: Float32Array, count: number, options: IndexBatchOptions): IndexMatches[] {
    this.#assertOpen();
    checkQueries(queries, this.dimensions);
    checkPositive('count', count);
    checkPositive('threads', options.threads);
    const total = queries.length / this.dimensions;
    // One query comes back as Matches rather than BatchMatches; an empty index may throw.
    if (total <= 1 || this.#arena.size === 0) {
      return Array.from({ length: total }, (_, q) =>
        this.search(queries.subarray(q * this.dimensions, (q + 1) * this.dimensions), count, {
          ef: options.ef,
        }),
      );
    }
    let batch: BatchMatches;
    try {
      // A flat array of several queries yields BatchMatches; the typings cannot tell.
      // One thread: the binding sizes its search contexts by the thread count of the
      // last add that grew the index (1 here), so more threads fail at random.
      batch = this.#index.search(
        queries,
        Math.max(count, options.ef),
        1,
      ) as unknown as BatchMatches;
    } catch (error) {
      throw internal('searchBatch', error);
    }
    return Array.from({ length: total }, (_, q) => this.#matches(batch.get(q), count));
  }

  searchSubset(query: Float32Array, keys: Uint32Array, count: number): IndexMatches {
    this.#assertOpen();
    checkQuery(query, this.dimensions);
    checkPositive('count', count);
    const subset = this.#arena.gather(keys);
    if (subset.keys.length === 0)
      return {
        keys: new Uint32Array(0),
        distances: new Float32Array(0),
        visited: null,
        computed: null,
      };
    // exactSearch reads from the start of the query's ArrayBuffer, ignoring byteOffset.
    const q = query.byteOffset === 0 ? query : query.slice();
    const metric = METRICS[this.#options.metric];
    // One query yields Matches (BatchMatches has the same two fields, hence the typing).
    let found: Matches;
    try {
      found = exactSearch(
        subset.rows,
        q,
        this.dimensions,
        Math.min(count, subset.keys.length),
        metric,
        1,
      );
    } catch (error) {
      throw internal('searchSubset', error);
    }
    const out = Uint32Array.from(found.keys, (offset) => subset.keys[Number(offset)]!);
    return { keys: out, distances: found.distances, visited: null, computed: null };
  }

  /** Writes usearch's file to `path` and the vectors arena to `path.vectors`. */
  save(path: string): void {
    this.#assertOpen();
    try {
      this.#index.save(path);
    } catch (error) {
      throw internal('save', error);
    }
    writeFileSync(path + ARENA_SUFFIX, this.#arena.toBytes());
  }

  /**
   * Replaces the contents with an index written by {@link save}. Needs both files; a
   * missing, damaged or mismatched one throws INVALID_INPUT and changes nothing.
   */
  load(path: string): void {
    this.#assertOpen();
    const arenaPath = path + ARENA_SUFFIX;
    if (!existsSync(path) || !existsSync(arenaPath)) {
      throw incompatible(path, `${path} or its ${ARENA_SUFFIX} file is missing`);
    }
    const arena = KeyedVectorArena.fromBytes(readFileSync(arenaPath), this.dimensions);
    if (!arena) throw incompatible(path, `${arenaPath} is damaged or has other dimensions`);
    const index = this.#newIndex();
    try {
      index.load(path);
    } catch (error) {
      throw incompatible(path, error instanceof Error ? error.message : String(error), error);
    }
    if (index.dimensions() !== this.dimensions || index.size() !== arena.size) {
      throw incompatible(path, `${path} does not match its ${ARENA_SUFFIX} file`);
    }
    this.#index = index;
    this.#arena = arena;
  }

  close(): void {
    // The binding has no explicit free; dropping the references lets GC reclaim it.
    this.#closed = true;
    this.#arena = new KeyedVectorArena(this.dimensions);
  }

  #newIndex(): Index {
    const o = this.#options;
    return new Index({
      dimensions: o.dimensions,
      metric: METRICS[o.metric],
      quantization: SCALARS[o.quantization],
      connectivity: o.connectivity,
      expansion_add: o.expansionAdd,
      expansion_search: o.expansionSearch,
      multi: false,
    });
  }

  #searchOne(query: Float32Array, wanted: number): Matches {
    if (this.#arena.size === 0)
      return { keys: new BigUint64Array(0), distances: new Float32Array(0) };
    try {
      return this.#index.search(query, wanted, 1);
    } catch (error) {
      throw internal('search', error);
    }
  }

  #matches(found: Matches, count: number): IndexMatches {
    const n = Math.min(count, found.keys.length);
    const keys = new Uint32Array(n);
    for (let i = 0; i < n; i++) keys[i] = Number(found.keys[i]);
    return this.#finish(keys, found.distances.slice(0, n));
  }

  #finish(keys: Uint32Array, distances: Float32Array): IndexMatches {
    const fix = this.#fix;
    if (fix) for (let i = 0; i < distances.length; i++) distances[i] = fix(distances[i]!);
    return { keys, distances, visited: null, computed: null };
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new EngineError('CLOSED', 'the index is closed', {
        help: 'The index was closed; reopen the collection.',
      });
    }
  }
}

function toBigKeys(keys: Uint32Array): BigUint64Array {
  const big = new BigUint64Array(keys.length);
  for (let i = 0; i < keys.length; i++) big[i] = BigInt(keys[i]!);
  return big;
}

function internal(operation: string, cause: unknown): EngineError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new EngineError('INTERNAL_ERROR', `index ${operation} failed: ${message}`, {
    help: 'This is a bug in the usearch-js index; please report it with the message.',
    cause,
  });
}

function incompatible(path: string, reason: string, cause?: unknown): EngineError {
  return new EngineError('INVALID_INPUT', `cannot load the index at ${path}: ${reason}`, {
    help: 'Rebuild the index from the stored vectors.',
    details: { path },
    cause,
  });
}
