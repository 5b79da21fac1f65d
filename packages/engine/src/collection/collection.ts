import type { VectorIndex } from '../ann/vector-index.js';
import type { ResolvedCollectionConfig, ResolvedDatabaseConfig } from '../config.js';
import { EngineError } from '../errors.js';
import { formatValue } from '../format-value.js';
import { compileFilter } from '../filter/compile-filter.js';
import type { Filter } from '../filter/filter-types.js';
import type { ExplainTrace } from '../search/explain.js';
import { runSearch } from '../search/run-search.js';
import type { SearchCursor, SearchHit, SearchRequest, SearchResult } from '../search/run-search.js';
import { SearchBatcher } from '../search/search-batcher.js';
import type { SearchContext } from '../search/search-context.js';
import type { Mutation, Storage } from '../storage/storage.js';
import { calibrate } from '../tuning/calibrate.js';
import type { CalibrationOptions, CalibrationReport } from '../tuning/calibrate.js';
import { prepareForIndex } from '../vectors/metric.js';
import { serializeMetadata, toVector } from '../vectors/validate-record.js';
import type { Metadata, VectorInput } from '../vectors/validate-record.js';
import { CollectionState } from './collection-state.js';
import { mergePatch, putMutations, validateRecords } from './stage-writes.js';
import type { ValidRecord, VectorRecordInput } from './stage-writes.js';
import {
  validateBatch,
  validateCursor,
  validateEf,
  validateK,
  validatePage,
  validatePostFilterFactor,
} from './validate-options.js';

/** Options of `search`, `searchExplain` and `batchSearch`. */
export interface SearchOptions {
  /** Only vectors whose metadata matches are ranked (applied before ranking). */
  filter?: Filter | null;
  /** Checked on the `k × postFilterFactor` best candidates, after ranking. */
  postFilter?: Filter | null;
  /** How many candidates per result the post-filter sees (default 3). */
  postFilterFactor?: number;
  /** Include each hit's stored vector. */
  includeVectors?: boolean;
  /** Continue after this cursor (the `nextCursor` of the previous page). */
  searchAfter?: SearchCursor | null;
  /** Search breadth for this query; defaults to the collection's `efSearch`. */
  efSearch?: number;
}

/** A stored vector as `get` returns it. */
export interface VectorRecord {
  id: string;
  vector: Float32Array;
  metadata: Metadata | null;
  /** Expiry in ms since the epoch, or null. */
  expiresAt: number | null;
}

/** Result of `insertMany`: duplicates fail one by one, the rest are written. */
export interface InsertManyResult {
  inserted: number;
  errors: { id: string; error: string; code: 'VECTOR_EXISTS' }[];
}

/** Figures about a collection. */
export interface CollectionStats {
  name: string;
  dimensions: number;
  distance: string;
  quantization: string;
  index: { kind: string; m: number; efConstruction: number; efSearch: number };
  count: number;
  deletedCount: number;
  /** deleted ÷ (live + deleted) index slots. */
  fragmentationRatio: number;
  /** True when the fragmentation ratio is at least 0.2. */
  needsCompaction: boolean;
  indexMemoryBytes: number;
  /** Index plus ids and metadata held in memory (estimate). */
  memoryBytes: number;
  /** Native batch calls made by coalescing concurrent searches, and the queries in them. */
  searchBatches: { calls: number; queries: number };
}

/**
 * A named set of vectors of one dimensionality with JSON metadata, an HNSW index and a
 * filter-aware planner. Get one from `Database.createCollection` or `Database.collection`.
 *
 * @example
 * ```ts
 * const docs = await db.createCollection('docs', { dimensions: 3, distance: 'cosine' });
 * await docs.insert({ id: 'a', vector: [0.1, 0.2, 0.3], metadata: { lang: 'en' } });
 * const { hits } = await docs.search([0.1, 0.2, 0.25], 5, { filter: { lang: 'en' } });
 * ```
 */
export class Collection {
  readonly name: string;
  #config: ResolvedCollectionConfig;
  readonly #db: ResolvedDatabaseConfig;
  readonly #storage: Storage;
  readonly #state = new CollectionState();
  readonly #index: VectorIndex;
  readonly #batcher: SearchBatcher;
  /** Staged view of ids with writes in flight: the key each will have (undefined: none). */
  readonly #pending = new Map<string, { key: number | undefined; refs: number }>();
  #closed = false;
  #busy: string | null = null;

  /** @internal Use `Database.createCollection` / `Database.collection`. */
  constructor(name: string, config: ResolvedCollectionConfig, db: ResolvedDatabaseConfig, storage: Storage, index: VectorIndex) {
    this.name = name;
    this.#config = config;
    this.#db = db;
    this.#storage = storage;
    this.#index = index;
    this.#batcher = new SearchBatcher(() => this.#index, { threads: db.searchThreads, window: db.searchBatchWindow });
  }

  /** The collection's resolved settings. */
  get config(): ResolvedCollectionConfig {
    return structuredClone(this.#config);
  }

  /** Number of live vectors. */
  get size(): number {
    return this.#state.live;
  }

  /** @internal Loads the stored records into memory and the index (on open). */
  load(): void {
    const chunk: ValidRecord[] = [];
    const keys: number[] = [];
    const flush = (): void => {
      if (keys.length === 0) return;
      this.#addToIndex(Uint32Array.from(keys), chunk.map((r) => r.indexed));
      keys.length = 0;
      chunk.length = 0;
    };
    this.#storage.scan(this.name, (r) => {
      this.#state.put(r.key, r.id, parseMetadata(r.metadata), r.expiresAt, r.metadata?.length ?? 0);
      const indexed = this.#config.distance === 'cosine' ? prepareForIndex('cosine', r.vector.slice(), r.id) : r.vector;
      chunk.push({ id: r.id, vector: r.vector, indexed, metadata: r.metadata, expiresAt: r.expiresAt });
      keys.push(r.key);
      if (keys.length >= 4096) flush();
    });
    flush();
  }

  // ---- writes -------------------------------------------------------------------------

  /** Inserts one vector; an existing id is refused with `VECTOR_EXISTS`. */
  async insert(record: VectorRecordInput): Promise<void> {
    const result = await this.insertMany([record]);
    const failure = result.errors[0];
    if (failure) {
      throw new EngineError('VECTOR_EXISTS', failure.error, {
        help: 'Use upsert to replace an existing vector, or delete it first.',
        details: { id: failure.id },
      });
    }
  }

  /**
   * Inserts many vectors in one commit. A malformed record (dimensions, NaN, id, metadata)
   * rejects the whole batch, naming it; an id that already exists fails alone and is
   * reported in `errors`.
   */
  async insertMany(records: readonly VectorRecordInput[]): Promise<InsertManyResult> {
    this.#assertOpen();
    const valid = validateRecords(validateBatch(records, this.#db.limits, 'records'), this.#config, this.#db.limits, Date.now());
    const errors: InsertManyResult['errors'] = [];
    const accepted: ValidRecord[] = [];
    const seen = new Set<string>();
    for (const r of valid) {
      if (seen.has(r.id) || this.#stagedExists(r.id)) {
        errors.push({ id: r.id, error: `vector "${r.id}" already exists`, code: 'VECTOR_EXISTS' });
      } else {
        seen.add(r.id);
        accepted.push(r);
      }
    }
    if (accepted.length > 0) await this.#writePuts(accepted);
    return { inserted: accepted.length, errors };
  }

  /** Inserts or replaces one vector; `updated` says whether the id existed before. */
  async upsert(record: VectorRecordInput): Promise<{ id: string; updated: boolean }> {
    const [result] = await this.upsertMany([record]);
    return result!;
  }

  /** Inserts or replaces many vectors in one commit; the last of repeated ids wins. */
  async upsertMany(records: readonly VectorRecordInput[]): Promise<{ id: string; updated: boolean }[]> {
    this.#assertOpen();
    const valid = validateRecords(validateBatch(records, this.#db.limits, 'records'), this.#config, this.#db.limits, Date.now());
    const results = valid.map((r) => ({ id: r.id, updated: this.#stagedExists(r.id) }));
    const last = new Map<string, ValidRecord>();
    for (const r of valid) last.set(r.id, r);
    await this.#writePuts([...last.values()]);
    return results;
  }

  /** Deletes one vector; an unknown id is refused with `VECTOR_NOT_FOUND`. */
  async delete(id: string): Promise<void> {
    if ((await this.deleteMany([id])) === 0) throw notFound(this.name, id);
  }

  /** Deletes the given ids in one commit; unknown ids are skipped. Returns how many went. */
  async deleteMany(ids: readonly string[]): Promise<number> {
    this.#assertOpen();
    validateBatch(ids, this.#db.limits, 'ids');
    const mutations: Mutation[] = [];
    const touched: [string, number | undefined][] = [];
    for (const id of new Set(ids)) {
      if (typeof id !== 'string') continue;
      const key = this.#stagedKey(id);
      if (key === undefined || !this.#stagedExists(id)) continue;
      mutations.push({ op: 'delete', key, id });
      touched.push([id, undefined]);
    }
    if (mutations.length > 0) await this.#write(mutations, touched, new Map());
    return mutations.length;
  }

  /**
   * Updates a vector's metadata: a JSON merge patch by default (keys set to null are
   * removed), or a full replacement with `{ replace: true }`.
   */
  async updateMetadata(id: string, metadata: Record<string, unknown> | null, options: { replace?: boolean } = {}): Promise<void> {
    this.#assertOpen();
    const key = this.#stagedKey(id);
    if (key === undefined || !this.#stagedExists(id)) throw notFound(this.name, id);
    const next = options.replace ? metadata : mergePatch(this.#state.metadata[key] ?? {}, metadata ?? {});
    const text = serializeMetadata(next, this.#db.limits, `vector "${id}"`);
    await this.#write([{ op: 'metadata', key, id, metadata: text }], [[id, key]], new Map());
  }

  /** Removes vectors whose TTL has passed; returns how many. Runs in the background too. */
  async sweepExpired(): Promise<number> {
    if (this.#closed || this.#state.expiresAt.size === 0) return 0;
    const mutations: Mutation[] = [];
    const touched: [string, number | undefined][] = [];
    for (const key of this.#state.expiredKeys(Date.now())) {
      const id = this.#state.ids[key];
      if (id === undefined || this.#pending.has(id)) continue;
      mutations.push({ op: 'delete', key, id });
      touched.push([id, undefined]);
    }
    if (mutations.length > 0) await this.#write(mutations, touched, new Map());
    return mutations.length;
  }

  // ---- reads --------------------------------------------------------------------------

  /** The vector with this id, or null when there is none (or it expired). */
  get(id: string): VectorRecord | null {
    this.#assertOpen();
    const key = this.#state.visibleKey(id, Date.now());
    if (key === undefined) return null;
    const vector = new Float32Array(this.#config.dimensions);
    this.#storage.readVector(this.name, key, vector);
    return { id, vector, metadata: this.#state.metadata[key] ?? null, expiresAt: this.#state.expiresAt.get(key) ?? null };
  }

  /** True if a live vector has this id. */
  has(id: string): boolean {
    return this.#state.visibleKey(id, Date.now()) !== undefined;
  }

  /** Ids in insertion order, a page at a time (limit ≤ 1000, default 100). */
  list(options: { offset?: number; limit?: number } = {}): { ids: string[]; total: number; offset: number; limit: number } {
    this.#assertOpen();
    const { limit, offset } = validatePage(options.limit, options.offset, 1000, 100);
    const ids: string[] = [];
    let index = 0;
    this.#state.forEachVisible(Date.now(), (key) => {
      if (index++ >= offset) ids.push(this.#state.ids[key]!);
      return ids.length < limit;
    });
    return { ids, total: this.#state.live, offset, limit };
  }

  /** The `k` nearest vectors to `vector` (see {@link SearchOptions}). */
  async search(vector: VectorInput, k: number, options: SearchOptions = {}): Promise<SearchResult> {
    return runSearch(this.#context(), this.#request(vector, k, options, false));
  }

  /** Like `search`, plus a trace of how the query was planned and where the time went. */
  async searchExplain(vector: VectorInput, k: number, options: SearchOptions = {}): Promise<SearchResult & { explain: ExplainTrace }> {
    const result = await runSearch(this.#context(), this.#request(vector, k, options, true));
    return result as SearchResult & { explain: ExplainTrace };
  }

  /** Many searches at once, answered in input order (unfiltered ones share native calls). */
  async batchSearch(vectors: readonly VectorInput[], k: number, options: SearchOptions = {}): Promise<SearchResult[]> {
    validateBatch(vectors, this.#db.limits, 'vectors');
    const requests = vectors.map((v, i) => this.#request(v, k, options, false, `query ${i}`));
    const ctx = this.#context();
    return Promise.all(requests.map((r) => runSearch(ctx, r)));
  }

  /** Every vector within `maxDistance` (public distance), nearest first, at most `limit`. */
  async radiusSearch(
    vector: VectorInput,
    maxDistance: number,
    options: { limit?: number; filter?: Filter | null; includeVectors?: boolean; efSearch?: number } = {},
  ): Promise<{ hits: SearchHit[]; maxDistance: number }> {
    if (typeof maxDistance !== 'number' || !Number.isFinite(maxDistance)) {
      throw new EngineError('INVALID_MAX_DISTANCE', `maxDistance must be a finite number, got ${formatValue(maxDistance)}`, {
        help: 'Give the largest distance a result may have, e.g. 0.3 for cosine.',
      });
    }
    const limit = validateK(options.limit ?? 1000, this.#db.limits, 'limit');
    const ctx = this.#context();
    const hits: SearchHit[] = [];
    let cursor: SearchCursor | null = null;
    // Page through results nearest-first until one lies beyond the radius.
    for (let page = Math.min(limit, 64); hits.length < limit; page = Math.min(page * 4, this.#db.limits.maxK)) {
      const req = this.#request(vector, Math.min(page, limit - hits.length), { ...options, searchAfter: cursor }, false);
      const result = await runSearch(ctx, req);
      for (const hit of result.hits) {
        if (hit.distance > maxDistance) return { hits, maxDistance };
        hits.push(hit);
      }
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return { hits, maxDistance };
  }

  /** Vectors whose metadata matches `filter`, in insertion order, a page at a time. */
  query(filter: Filter, options: { limit?: number; offset?: number } = {}): { records: { id: string; metadata: Metadata | null }[]; total: number; hasMore: boolean } {
    this.#assertOpen();
    const { limit, offset } = validatePage(options.limit, options.offset, this.#db.limits.maxQueryLimit, 100);
    const test = compileFilter(filter).test;
    const { ids, metadata } = this.#state;
    const records: { id: string; metadata: Metadata | null }[] = [];
    let total = 0;
    this.#state.forEachVisible(Date.now(), (key) => {
      const meta = metadata[key] ?? null;
      if (!test(meta)) return;
      if (total >= offset && records.length < limit) records.push({ id: ids[key]!, metadata: meta });
      total += 1;
    });
    return { records, total, hasMore: offset + records.length < total };
  }

  /** Number of live vectors, or of those matching `filter`. */
  count(filter?: Filter | null): number {
    this.#assertOpen();
    if (filter === undefined || filter === null) return this.#state.expiresAt.size === 0 ? this.#state.live : this.#countVisible(() => true);
    const test = compileFilter(filter).test;
    const { metadata } = this.#state;
    return this.#countVisible((key) => test(metadata[key] ?? null));
  }

  /** Figures for dashboards and capacity planning. */
  stats(): CollectionStats {
    const state = this.#state;
    const fragmentationRatio = state.fragmentationRatio();
    const indexMemoryBytes = this.#index.memoryBytes();
    return {
      name: this.name,
      dimensions: this.#config.dimensions,
      distance: this.#config.distance,
      quantization: this.#config.quantization,
      index: { kind: this.#index.kind, ...this.#config.index },
      count: state.live,
      deletedCount: state.deletedSlots,
      fragmentationRatio,
      needsCompaction: fragmentationRatio >= 0.2,
      indexMemoryBytes,
      memoryBytes: indexMemoryBytes + state.heapEstimateBytes(),
      searchBatches: { calls: this.#batcher.batches, queries: this.#batcher.batchedQueries },
    };
  }

  /**
   * Measures recall@k of the index against exact search on a sample of stored vectors and
   * sets the smallest `efSearch` that reaches `targetRecall`; reports the curve it measured.
   */
  async calibrate(options: CalibrationOptions = {}): Promise<CalibrationReport> {
    this.#assertOpen();
    if (this.#busy) throw busy(this.name, this.#busy);
    this.#busy = 'calibration';
    try {
      const report = await calibrate(this.#context(), options);
      this.#config = { ...this.#config, index: { ...this.#config.index, efSearch: report.efSearch } };
      await this.#storage.updateCollectionConfig(this.name, this.#config);
      return report;
    } finally {
      this.#busy = null;
    }
  }

  /** @internal Releases the index; the collection is unusable afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#index.close();
  }

  // ---- internals ----------------------------------------------------------------------

  #context(): SearchContext {
    this.#assertOpen();
    return {
      config: this.#config,
      dbConfig: this.#db,
      state: this.#state,
      index: this.#index,
      batcher: this.#batcher,
      readVector: (key, out) => this.#storage.readVector(this.name, key, out),
    };
  }

  #request(vector: VectorInput, k: number, options: SearchOptions, explain: boolean, label = 'query'): SearchRequest {
    this.#assertOpen();
    const limits = this.#db.limits;
    const rawQuery = toVector(vector, this.#config.dimensions, label);
    const query = this.#config.distance === 'cosine' ? prepareForIndex('cosine', rawQuery.slice(), label) : rawQuery;
    const filter = options.filter == null ? null : compileFilter(options.filter).test;
    const postFilter = options.postFilter == null ? null : compileFilter(options.postFilter, { code: 'INVALID_POST_FILTER' }).test;
    return {
      query,
      rawQuery,
      k: validateK(k, limits),
      ef: validateEf(options.efSearch, this.#config.index.efSearch),
      filter,
      postFilter,
      postFilterFactor: validatePostFilterFactor(options.postFilterFactor),
      includeVectors: options.includeVectors === true,
      searchAfter: validateCursor(options.searchAfter),
      explain,
    };
  }

  #countVisible(test: (key: number) => boolean): number {
    let n = 0;
    this.#state.forEachVisible(Date.now(), (key) => {
      if (test(key)) n += 1;
    });
    return n;
  }

  #stagedKey(id: string): number | undefined {
    const pending = this.#pending.get(id);
    return pending ? pending.key : this.#state.keyOf.get(id);
  }

  #stagedExists(id: string): boolean {
    const pending = this.#pending.get(id);
    return pending ? pending.key !== undefined : this.#state.visibleKey(id, Date.now()) !== undefined;
  }

  async #writePuts(records: readonly ValidRecord[]): Promise<void> {
    const mutations: Mutation[] = [];
    const touched: [string, number | undefined][] = [];
    const indexed = new Map<number, Float32Array>();
    for (const r of records) {
      const key = this.#state.nextKey++;
      mutations.push(...putMutations(r, key, this.#stagedKey(r.id)));
      touched.push([r.id, key]);
      indexed.set(key, r.indexed);
    }
    await this.#write(mutations, touched, indexed);
  }

  /**
   * Stages mutations (so later writes see them), commits them to storage, then applies them
   * to memory and the index. Nothing is visible to readers before its commit.
   */
  async #write(mutations: Mutation[], touched: [string, number | undefined][], indexed: Map<number, Float32Array>): Promise<void> {
    for (const [id, key] of touched) {
      const entry = this.#pending.get(id);
      if (entry) {
        entry.key = key;
        entry.refs += 1;
      } else this.#pending.set(id, { key, refs: 1 });
    }
    try {
      await this.#storage.commit(this.name, mutations);
      if (!this.#closed) this.#apply(mutations, indexed);
    } finally {
      for (const [id] of touched) {
        const entry = this.#pending.get(id);
        if (entry && --entry.refs === 0) this.#pending.delete(id);
      }
    }
  }

  #apply(mutations: readonly Mutation[], indexed: Map<number, Float32Array>): void {
    const removed: number[] = [];
    const addedKeys: number[] = [];
    const addedVectors: Float32Array[] = [];
    for (const m of mutations) {
      switch (m.op) {
        case 'put':
          this.#state.put(m.key, m.id, parseMetadata(m.metadata), m.expiresAt, m.metadata?.length ?? 0);
          addedKeys.push(m.key);
          addedVectors.push(indexed.get(m.key)!);
          break;
        case 'delete':
          if (this.#state.remove(m.key)) removed.push(m.key);
          break;
        case 'metadata':
          this.#state.setMetadata(m.key, parseMetadata(m.metadata), m.metadata?.length ?? 0);
          break;
      }
    }
    if (removed.length > 0) this.#index.remove(Uint32Array.from(removed));
    if (addedKeys.length > 0) this.#addToIndex(Uint32Array.from(addedKeys), addedVectors);
  }

  #addToIndex(keys: Uint32Array, vectors: readonly Float32Array[]): void {
    const dims = this.#config.dimensions;
    const flat = new Float32Array(keys.length * dims);
    for (let i = 0; i < vectors.length; i++) flat.set(vectors[i]!, i * dims);
    this.#index.add(keys, flat);
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new EngineError('CLOSED', `collection "${this.name}" is closed or was dropped`, {
        help: 'Get the collection again from an open database.',
      });
    }
  }
}

function parseMetadata(text: string | null): Metadata | null {
  return text === null ? null : (JSON.parse(text) as Metadata);
}

function notFound(collection: string, id: string): EngineError {
  return new EngineError('VECTOR_NOT_FOUND', `no vector "${id}" in collection "${collection}"`, {
    help: 'Check the id; list the collection to see which ids exist.',
    details: { collection, id },
  });
}

function busy(collection: string, operation: string): EngineError {
  return new EngineError('OPERATION_IN_PROGRESS', `a ${operation} is already running on "${collection}"`, {
    help: 'Wait for it to finish, then try again.',
    details: { collection, operation },
  });
}
