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
/** Magic of the vectors file written beside a saved index: "NDLV" little-endian. */
const SIDECAR_MAGIC = 0x564c444e;
const SIDECAR_SUFFIX = '.vectors';

/**
 * The stock `usearch` npm binding behind {@link VectorIndex}: the fallback when the
 * native addon is unavailable. What the binding lacks is emulated in JS:
 *
 * - vectors are also kept in a Float32Array arena indexed by key (keys are expected to be
 *   dense, as the collection allocates them), for `get` and for `searchSubset`, which runs
 *   usearch's SIMD `exactSearch` over the gathered rows;
 * - filtered search over-fetches with a growing count until `count` allowed keys are found
 *   or the index is exhausted;
 * - per-query `ef` asks for `max(count, ef)` results (usearch searches with
 *   `max(expansion, wanted)`) and keeps the first `count`;
 * - traversal statistics are unavailable (`visited`/`computed` are `null`).
 *
 * `save(path)` writes usearch's file plus `path.vectors` (the arena).
 */
export class UsearchJsIndex implements VectorIndex {
  readonly kind = 'usearch-js';
  readonly dimensions: number;
  readonly #options: VectorIndexOptions;
  readonly #fix: ((raw: number) => number) | null;
  #index: Index;
  /** Row `key` holds the vector of `key` while `#present[key]` is 1. */
  #arena = new Float32Array(0);
  #present = new Uint8Array(0);
  #size = 0;
  #closed = false;

  constructor(options: VectorIndexOptions) {
    validateIndexOptions(options);
    this.#options = { ...options };
    this.dimensions = options.dimensions;
    this.#fix = i8DistanceFix(options);
    this.#index = this.#newIndex();
    this.#grow(options.capacity ?? 0);
  }

  size(): number {
    this.#assertOpen();
    return this.#size;
  }

  /** Estimate: the arena plus usearch's vectors, base-layer links and key table. */
  memoryBytes(): number {
    this.#assertOpen();
    const { dimensions, connectivity, quantization } = this.#options;
    const scalarBytes = quantization === 'f32' ? 4 : quantization === 'f16' ? 2 : 1;
    const perVector = dimensions * scalarBytes + connectivity * 2 * 4 + 48;
    return this.#arena.byteLength + this.#present.byteLength + this.#index.capacity() * perVector;
  }

  add(keys: Uint32Array, vectors: Float32Array): void {
    this.#assertOpen();
    checkRows(keys, vectors, this.dimensions);
    if (keys.length === 0) return;
    let max = 0;
    for (const key of keys) max = Math.max(max, key);
    this.#grow(max + 1);
    // Mark as we check, so repeats within the batch are caught; undo on rejection.
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (this.#present[key] === 1) {
        for (let j = 0; j < i; j++) this.#present[keys[j]!] = 0;
        throw new EngineError(
          'INVALID_INPUT',
          `index add failed: key ${key} is already in the index`,
          {
            help: 'Check the arguments against the VectorIndex contract.',
            details: { key },
          },
        );
      }
      this.#present[key] = 1;
    }
    try {
      this.#index.add(toBigKeys(keys), vectors, keys.length >= 256 ? 2 : 1);
    } catch (error) {
      for (const key of keys) this.#present[key] = 0;
      throw internal('add', error);
    }
    const dims = this.dimensions;
    for (let i = 0; i < keys.length; i++) {
      this.#arena.set(vectors.subarray(i * dims, (i + 1) * dims), keys[i]! * dims);
    }
    this.#size += keys.length;
  }

  remove(keys: Uint32Array): number {
    this.#assertOpen();
    const removed: number[] = [];
    for (const key of keys) {
      if (this.#present[key] === 1) {
        this.#present[key] = 0;
        removed.push(key);
      }
    }
    if (removed.length === 0) return 0;
    try {
      this.#index.remove(toBigKeys(Uint32Array.from(removed)));
    } catch (error) {
      for (const key of removed) this.#present[key] = 1;
      throw internal('remove', error);
    }
    this.#size -= removed.length;
    return removed.length;
  }

  has(key: number): boolean {
    this.#assertOpen();
    return isKey(key) && this.#present[key] === 1;
  }

  get(key: number, out: Float32Array): boolean {
    this.#assertOpen();
    checkOut(out, this.dimensions);
    if (!this.has(key)) return false;
    out.set(this.#arena.subarray(key * this.dimensions, (key + 1) * this.dimensions));
    return true;
  }

  search(query: Float32Array, count: number, options: IndexSearchOptions): IndexMatches {
    this.#assertOpen();
    checkQuery(query, this.dimensions);
    checkPositive('count', count);
    const wanted = Math.max(count, options.ef);
    const allowed = options.allowed;
    if (allowed === undefined) return this.#matches(this.#searchOne(query, wanted), count);
    // Over-fetch until enough allowed keys turn up or the whole index has been returned.
    for (let asked = wanted * 4; ; asked *= 4) {
      const found = this.#searchOne(query, Math.min(asked, this.#size));
      const keys: number[] = [];
      const distances: number[] = [];
      for (let i = 0; i < found.keys.length && keys.length < count; i++) {
        const key = Number(found.keys[i]);
        if (allowed[key]) {
          keys.push(key);
          distances.push(found.distances[i]!);
        }
      }
      if (keys.length === count || found.keys.length < asked || asked >= this.#size) {
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
    if (total === 0) return [];
    if (total === 1) return [this.search(queries, count, { ef: options.ef })];
    const wanted = Math.max(count, options.ef);
    if (this.#size === 0)
      return Array.from({ length: total }, () =>
        this.#finish(new Uint32Array(0), new Float32Array(0)),
      );
    let batch: BatchMatches;
    try {
      // A flat array of several queries yields BatchMatches; the typings cannot tell.
      batch = this.#index.search(queries, wanted, options.threads) as unknown as BatchMatches;
    } catch (error) {
      throw internal('searchBatch', error);
    }
    return Array.from({ length: total }, (_, q) => this.#matches(batch.get(q), count));
  }

  searchSubset(query: Float32Array, keys: Uint32Array, count: number): IndexMatches {
    this.#assertOpen();
    checkQuery(query, this.dimensions);
    checkPositive('count', count);
    const dims = this.dimensions;
    const rows = keys.filter((key) => this.#present[key] === 1);
    if (rows.length === 0) return this.#finish(new Uint32Array(0), new Float32Array(0));
    // exactSearch reads from the start of each ArrayBuffer, ignoring byteOffset: gather
    // into a fresh array and pass the query only when it starts at offset 0.
    const dataset = new Float32Array(rows.length * dims);
    for (let i = 0; i < rows.length; i++) {
      dataset.set(this.#arena.subarray(rows[i]! * dims, (rows[i]! + 1) * dims), i * dims);
    }
    const q = query.byteOffset === 0 ? query : query.slice();
    // One query yields Matches (BatchMatches has the same two fields, hence the typing).
    let found: Matches;
    try {
      found = exactSearch(
        dataset,
        q,
        dims,
        Math.min(count, rows.length),
        METRICS[this.#options.metric],
        1,
      );
    } catch (error) {
      throw internal('searchSubset', error);
    }
    const out = new Uint32Array(found.keys.length);
    for (let i = 0; i < out.length; i++) out[i] = rows[Number(found.keys[i])]!;
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
    const keys: number[] = [];
    for (let key = 0; key < this.#present.length; key++)
      if (this.#present[key] === 1) keys.push(key);
    const header = Uint32Array.of(SIDECAR_MAGIC, this.dimensions, keys.length);
    const vectors = new Float32Array(keys.length * this.dimensions);
    keys.forEach((key, i) =>
      vectors.set(
        this.#arena.subarray(key * this.dimensions, (key + 1) * this.dimensions),
        i * this.dimensions,
      ),
    );
    writeFileSync(
      path + SIDECAR_SUFFIX,
      Buffer.concat([u8(header), u8(Uint32Array.from(keys)), u8(vectors)]),
    );
  }

  /**
   * Replaces the contents with an index saved by {@link save}. Needs both files; a missing,
   * damaged or mismatched one throws INVALID_INPUT and changes nothing.
   */
  load(path: string): void {
    this.#assertOpen();
    const sidecar = path + SIDECAR_SUFFIX;
    if (!existsSync(path) || !existsSync(sidecar)) {
      throw incompatible(path, `${path} or its ${SIDECAR_SUFFIX} file is missing`);
    }
    const bytes = readFileSync(sidecar);
    const words = new Uint32Array(
      bytes.buffer.slice(
        bytes.byteOffset,
        bytes.byteOffset + bytes.byteLength - (bytes.byteLength % 4),
      ),
    );
    const count = words[2] ?? 0;
    if (
      words[0] !== SIDECAR_MAGIC ||
      words[1] !== this.dimensions ||
      words.length !== 3 + count * (1 + this.dimensions)
    ) {
      throw incompatible(path, `${sidecar} is damaged or has other dimensions`);
    }
    const index = this.#newIndex();
    try {
      index.load(path);
    } catch (error) {
      throw incompatible(path, error instanceof Error ? error.message : String(error), error);
    }
    if (index.dimensions() !== this.dimensions || index.size() !== count) {
      throw incompatible(path, `${path} does not match its ${SIDECAR_SUFFIX} file`);
    }
    const keys = words.subarray(3, 3 + count);
    const vectors = new Float32Array(words.buffer, (3 + count) * 4, count * this.dimensions);
    this.#index = index;
    this.#arena = new Float32Array(0);
    this.#present = new Uint8Array(0);
    let max = -1;
    for (const key of keys) max = Math.max(max, key);
    this.#grow(max + 1);
    for (let i = 0; i < count; i++) {
      this.#present[keys[i]!] = 1;
      this.#arena.set(
        vectors.subarray(i * this.dimensions, (i + 1) * this.dimensions),
        keys[i]! * this.dimensions,
      );
    }
    this.#size = count;
  }

  close(): void {
    // The binding has no explicit free; dropping the references lets GC reclaim it.
    this.#closed = true;
    this.#arena = new Float32Array(0);
    this.#present = new Uint8Array(0);
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
    if (this.#size === 0) return { keys: new BigUint64Array(0), distances: new Float32Array(0) };
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

  /** Makes room for keys below `keys`, doubling to keep growth amortised. */
  #grow(keys: number): void {
    if (keys <= this.#present.length) return;
    const length = Math.max(keys, this.#present.length * 2, 64);
    const arena = new Float32Array(length * this.dimensions);
    arena.set(this.#arena);
    const present = new Uint8Array(length);
    present.set(this.#present);
    this.#arena = arena;
    this.#present = present;
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

function u8(array: Uint32Array | Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
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
