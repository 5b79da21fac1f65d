import type { VectorIndex } from '../ann/vector-index.js';
import type { ResolvedCollectionConfig, ResolvedDatabaseConfig } from '../config.js';
import { EngineError } from '../errors.js';
import { formatValue } from '../format-value.js';
import { compileFilter } from '../filter/compile-filter.js';
import type { Filter } from '../filter/filter-types.js';
import type { ExplainTrace } from '../search/explain.js';
import { exactSearch } from '../search/exact-search.js';
import { runSearch } from '../search/run-search.js';
import type { SearchCursor, SearchHit, SearchRequest, SearchResult } from '../search/run-search.js';
import { FilterCache } from '../search/filter-cache.js';
import { SearchBatcher } from '../search/search-batcher.js';
import type { SearchContext } from '../search/search-context.js';
import { compactCollection } from '../maintenance/compact-collection.js';
import type { CompactionReport } from '../maintenance/compact-collection.js';
import { rebuildIndex } from '../maintenance/rebuild-index.js';
import type { ProgressListener } from '../maintenance/rebuild-index.js';
import type { Storage } from '../storage/storage.js';
import { calibrate } from '../tuning/calibrate.js';
import type { CalibrationOptions, CalibrationReport } from '../tuning/calibrate.js';
import { prepareForIndex } from '../vectors/metric.js';
import { allocateQueryVector } from '../vectors/query-slab.js';
import { serializeMetadata, toVector } from '../vectors/validate-record.js';
import type { Metadata, VectorInput } from '../vectors/validate-record.js';
import type { CollectionCore } from './collection-core.js';
import { readIndexedVector } from './collection-core.js';
import { CollectionState } from './collection-state.js';
import { CollectionWriter, addToIndex, closedError, parseMetadata } from './collection-writer.js';
import { mergePatch, validateRecords } from './stage-writes.js';
import type {
  CollectionStats,
  InsertManyResult,
  SearchOptions,
  VectorRecord,
} from './collection-types.js';
import type { ValidRecord, VectorRecordInput } from './stage-writes.js';
import {
  validateBatch,
  validateCursor,
  validateEf,
  validateK,
  validatePage,
  validatePostFilterFactor,
} from './validate-options.js';

/** How long after a search the collection counts as having readers (for write slicing). */
const READERS_ACTIVE_MS = 250;

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
  readonly #core: CollectionCore;
  readonly #writer: CollectionWriter;
  readonly #batcher: SearchBatcher;
  readonly #filterCache = new FilterCache();
  readonly #newIndex: (config: ResolvedCollectionConfig) => VectorIndex;
  #busy: string | null = null;
  #lastSearchAt = -Infinity;
  #lastCompaction: (CompactionReport & { completedAt: number }) | null = null;
  #searchContext: SearchContext | null = null;

  /** @internal Use `Database.createCollection` / `Database.collection`. */
  constructor(
    name: string,
    config: ResolvedCollectionConfig,
    db: ResolvedDatabaseConfig,
    storage: Storage,
    newIndex: (config: ResolvedCollectionConfig) => VectorIndex,
  ) {
    this.name = name;
    this.#newIndex = newIndex;
    const index = newIndex(config);
    this.#core = {
      name,
      config,
      db,
      storage,
      state: new CollectionState(),
      index,
      closed: false,
      compactionLog: null,
      readersActive: () => performance.now() - this.#lastSearchAt < READERS_ACTIVE_MS,
    };
    this.#writer = new CollectionWriter(this.#core);
    this.#batcher = new SearchBatcher(() => this.#core.index, {
      threads: db.searchThreads,
      window: db.searchBatchWindow,
    });
  }

  /** The collection's resolved settings. */
  get config(): ResolvedCollectionConfig {
    return structuredClone(this.#core.config);
  }

  /** Number of live vectors. */
  get size(): number {
    return this.#core.state.live;
  }

  /**
   * @internal Loads the stored records into memory, then brings the index up to date: a
   * saved index (covering changes up to `saved.seq`) gets the later changes replayed;
   * without one, the index is rebuilt from the stored vectors, with progress. A saved index
   * that still disagrees with the stored vectors after the replay is rebuilt too, and
   * `reason` says why.
   */
  async load(
    options: {
      saved?: { index: VectorIndex; seq: number; deletedSlots?: number };
      onProgress?: ProgressListener;
    } = {},
  ): Promise<{ replayed: number; rebuilt: number; reason?: string }> {
    const core = this.#core;
    // Everything stored now is loaded below, so the index will cover every change so far.
    const lastSeq = core.storage.lastSeq();
    this.#writer.appliedSeq = lastSeq;
    const liveKeys: number[] = [];
    // The working set holds ids and metadata only; vectors are read where needed (replay, rebuild).
    core.storage.scanEntries(this.name, (r) => {
      core.state.put(r.key, r.id, parseMetadata(r.metadata), r.expiresAt, r.metadata?.length ?? 0);
      liveKeys.push(r.key);
    });
    if (options.saved) {
      core.index.close();
      core.index = options.saved.index;
      let replayed = 0;
      let reason: string;
      if (options.saved.seq > lastSeq) {
        // Saved after changes this database does not have (a database file put back without
        // its indexes): it is the index of another state of the collection.
        reason = `the saved index covers changes up to ${options.saved.seq}, the database up to ${lastSeq}`;
      } else {
        const replay = this.#replay(options.saved.seq);
        replayed = replay.replayed;
        if (core.index.size() === liveKeys.length) {
          // The saved index keeps the slots of vectors deleted before it was saved.
          core.state.deletedSlots = (options.saved.deletedSlots ?? 0) + replay.removed;
          return { replayed, rebuilt: 0 };
        }
        // Replayed, it still disagrees with the stored vectors (a file left over from an
        // earlier collection of this name, say).
        reason = `the saved index held ${core.index.size()} vectors, the database ${liveKeys.length}`;
      }
      // The stored vectors are the truth.
      core.index.close();
      core.index = this.#newIndexLike();
      await this.#rebuildFrom(liveKeys, options.onProgress);
      return { replayed, rebuilt: liveKeys.length, reason };
    }
    await this.#rebuildFrom(liveKeys, options.onProgress);
    return { replayed: 0, rebuilt: liveKeys.length };
  }

  /** Brings a loaded saved index up to date with the changes after `seq`. */
  #replay(seq: number): { replayed: number; removed: number } {
    const core = this.#core;
    const row = new Float32Array(core.config.dimensions);
    let replayed = 0;
    let removed = 0;
    // Each key changed since the save, and whether one of its changes was a put.
    const changed = new Map<number, boolean>();
    core.storage.changesSince(this.name, seq, (change) => {
      replayed += 1;
      changed.set(change.key, change.op === 'put' || changed.get(change.key) === true);
    });
    for (const [key, put] of changed) {
      const live = core.state.ids[key] !== undefined;
      // A put since the save finds its key in the saved index only when the key was used
      // before: keys are fresh within a process, but after a restart the next key follows
      // the highest live one, so the key of a deleted record can come back. Its entry in
      // the saved index then holds the deleted record's vector.
      if (core.index.has(key) && (put || !live)) removed += core.index.remove(Uint32Array.of(key));
      if (live && !core.index.has(key) && readIndexedVector(core, key, row))
        addToIndex(core, Uint32Array.of(key), [row]);
    }
    return { replayed, removed };
  }

  async #rebuildFrom(liveKeys: number[], onProgress: ProgressListener | undefined): Promise<void> {
    const core = this.#core;
    await rebuildIndex(
      core.index,
      Uint32Array.from(liveKeys),
      (key, out) => readIndexedVector(core, key, out),
      onProgress,
    );
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
    const valid = validateRecords(
      validateBatch(records, this.#core.db.limits, 'records'),
      this.#core.config,
      this.#core.db.limits,
      Date.now(),
    );
    const errors: InsertManyResult['errors'] = [];
    const accepted: ValidRecord[] = [];
    const seen = new Set<string>();
    for (const r of valid) {
      if (seen.has(r.id) || this.#writer.stagedExists(r.id)) {
        errors.push({ id: r.id, error: `vector "${r.id}" already exists`, code: 'VECTOR_EXISTS' });
      } else {
        seen.add(r.id);
        accepted.push(r);
      }
    }
    if (accepted.length > 0) await this.#writer.putRecords(accepted);
    return { inserted: accepted.length, errors };
  }

  /** Inserts or replaces one vector; `updated` says whether the id existed before. */
  async upsert(record: VectorRecordInput): Promise<{ id: string; updated: boolean }> {
    const [result] = await this.upsertMany([record]);
    return result!;
  }

  /** Inserts or replaces many vectors in one commit; the last of repeated ids wins. */
  async upsertMany(
    records: readonly VectorRecordInput[],
  ): Promise<{ id: string; updated: boolean }[]> {
    this.#assertOpen();
    const valid = validateRecords(
      validateBatch(records, this.#core.db.limits, 'records'),
      this.#core.config,
      this.#core.db.limits,
      Date.now(),
    );
    const results = valid.map((r) => ({ id: r.id, updated: this.#writer.stagedExists(r.id) }));
    const last = new Map<string, ValidRecord>();
    for (const r of valid) last.set(r.id, r);
    await this.#writer.putRecords([...last.values()]);
    return results;
  }

  /** Deletes one vector; an unknown id is refused with `VECTOR_NOT_FOUND`. */
  async delete(id: string): Promise<void> {
    if ((await this.deleteMany([id])) === 0) throw notFound(this.name, id);
  }

  /** Deletes the given ids in one commit; unknown ids are skipped. Returns how many went. */
  async deleteMany(ids: readonly string[]): Promise<number> {
    this.#assertOpen();
    validateBatch(ids, this.#core.db.limits, 'ids');
    const entries: [string, number][] = [];
    for (const id of new Set(ids)) {
      if (typeof id !== 'string') continue;
      const key = this.#writer.stagedKey(id);
      if (key !== undefined && this.#writer.stagedExists(id)) entries.push([id, key]);
    }
    if (entries.length > 0) await this.#writer.deleteKeys(entries);
    return entries.length;
  }

  /**
   * Updates a vector's metadata: a JSON merge patch by default (keys set to null are
   * removed), or a full replacement with `{ replace: true }`.
   */
  async updateMetadata(
    id: string,
    metadata: Record<string, unknown> | null,
    options: { replace?: boolean } = {},
  ): Promise<void> {
    this.#assertOpen();
    const key = this.#writer.stagedKey(id);
    if (key === undefined || !this.#writer.stagedExists(id)) throw notFound(this.name, id);
    const next = options.replace
      ? metadata
      : mergePatch(this.#core.state.metadata[key] ?? {}, metadata ?? {});
    const text = serializeMetadata(next, this.#core.db.limits, `vector "${id}"`);
    await this.#writer.write([{ op: 'metadata', key, id, metadata: text }], [[id, key]], new Map());
  }

  /** Removes vectors whose TTL has passed; returns how many. Runs in the background too. */
  async sweepExpired(): Promise<number> {
    const state = this.#core.state;
    if (this.#core.closed || state.expiresAt.size === 0) return 0;
    const entries: [string, number][] = [];
    for (const key of state.expiredKeys(Date.now())) {
      const id = state.ids[key];
      if (id !== undefined && !this.#writer.isPending(id)) entries.push([id, key]);
    }
    if (entries.length > 0) await this.#writer.deleteKeys(entries);
    return entries.length;
  }

  /**
   * Rebuilds the index without the slots of deleted vectors, online: searches and writes go
   * on against the old index while the new one is built, then writes made meanwhile are
   * replayed onto it and it takes over. `dryRun` only reports what would be reclaimed.
   */
  async compact(
    options: { dryRun?: boolean; onProgress?: ProgressListener } = {},
  ): Promise<CompactionReport> {
    this.#assertOpen();
    const core = this.#core;
    const removed = core.state.deletedSlots;
    const bytesBefore = core.index.memoryBytes();
    const total = core.state.live + removed;
    const estimate = total === 0 ? 0 : Math.round((bytesBefore * removed) / total);
    if (options.dryRun) {
      const fileBytes = core.storage.stats().fileBytes;
      return {
        collection: this.name,
        dryRun: true,
        removed,
        reclaimedBytes: estimate,
        durationMs: 0,
        vectors: core.state.live,
        fileBytesBefore: fileBytes,
        fileBytesAfter: fileBytes,
      };
    }
    if (this.#busy) throw busy(this.name, this.#busy);
    this.#busy = 'compaction';
    try {
      const report = await compactCollection(core, this.#newIndexLike(), options.onProgress);
      this.#lastCompaction = { ...report, completedAt: Date.now() };
      return report;
    } finally {
      this.#busy = null;
    }
  }

  /**
   * @internal Changes with every write applied, and again when the index has caught up with
   * a write it took in slices: equal versions mean searches see the same records (for
   * checkpoints to skip unchanged collections, and for caches of answers).
   */
  get changeVersion(): number {
    return this.#core.state.version;
  }

  /** @internal Slots of deleted vectors the index holds until compaction. */
  get deletedSlots(): number {
    return this.#core.state.deletedSlots;
  }

  /** @internal The change-log seq up to which every change of this collection is indexed. */
  get appliedSeq(): number {
    return this.#writer.appliedSeq;
  }

  /** @internal True when every applied write is in the index too. */
  get indexIdle(): boolean {
    return this.#writer.indexIdle;
  }

  /** @internal Waits until every applied write is in the index too (for checkpoints). */
  async settleIndex(): Promise<void> {
    while (!this.#writer.indexIdle) await this.#writer.whenIndexIdle();
  }

  /** @internal The index serving searches now (for checkpoints). */
  currentIndex(): VectorIndex {
    return this.#core.index;
  }

  /**
   * The report of the last compaction, with when it finished (milliseconds since the epoch),
   * or null if none ran since open.
   */
  get lastCompaction(): (CompactionReport & { completedAt: number }) | null {
    return this.#lastCompaction;
  }

  // ---- reads --------------------------------------------------------------------------

  /** The vector with this id, or null when there is none (or it expired). */
  get(id: string): VectorRecord | null {
    this.#assertOpen();
    const key = this.#core.state.visibleKey(id, Date.now());
    if (key === undefined) return null;
    const vector = new Float32Array(this.#core.config.dimensions);
    this.#core.storage.readVector(this.name, key, vector);
    return {
      id,
      vector,
      metadata: this.#core.state.metadata[key] ?? null,
      expiresAt: this.#core.state.expiresAt.get(key) ?? null,
    };
  }

  /** True if a live vector has this id. */
  has(id: string): boolean {
    return this.#core.state.visibleKey(id, Date.now()) !== undefined;
  }

  /** Ids in insertion order, a page at a time (limit ≤ 1000, default 100). */
  list(options: { offset?: number; limit?: number } = {}): {
    ids: string[];
    total: number;
    offset: number;
    limit: number;
  } {
    this.#assertOpen();
    const { limit, offset } = validatePage(options.limit, options.offset, 1000, 100);
    const ids: string[] = [];
    let index = 0;
    this.#core.state.forEachVisible(Date.now(), (key) => {
      if (index++ >= offset) ids.push(this.#core.state.ids[key]!);
      return ids.length < limit;
    });
    return { ids, total: this.#core.state.live, offset, limit };
  }

  /** The `k` nearest vectors to `vector` (see {@link SearchOptions}). */
  search(vector: VectorInput, k: number, options: SearchOptions = {}): Promise<SearchResult> {
    // Not async: the hot path saves a promise hop; validation errors still reject.
    let request: SearchRequest;
    try {
      request = this.#request(vector, k, options, false);
    } catch (err) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrows whatever validation threw
      return Promise.reject(err);
    }
    return runSearch(this.#context(), request);
  }

  /** Like `search`, plus a trace of how the query was planned and where the time went. */
  async searchExplain(
    vector: VectorInput,
    k: number,
    options: SearchOptions = {},
  ): Promise<SearchResult & { explain: ExplainTrace }> {
    const result = await runSearch(this.#context(), this.#request(vector, k, options, true));
    return result as SearchResult & { explain: ExplainTrace };
  }

  /**
   * The true `k` nearest vectors among those matching `filter`, by an exact scan instead of
   * the graph: ground truth for measuring a search's recall. It scans every matching vector
   * and blocks the thread for that long, so use it sparingly (sampled, in the background).
   *
   * @example
   * ```ts
   * const approx = await docs.search(q, 10, { filter });
   * const exact = await docs.exactSearch(q, 10, { filter });
   * const truth = new Set(exact.hits.map((h) => h.id));
   * const recall = approx.hits.filter((h) => truth.has(h.id)).length / truth.size;
   * ```
   */
  async exactSearch(
    vector: VectorInput,
    k: number,
    options: { filter?: Filter | null } = {},
  ): Promise<SearchResult> {
    const request = this.#request(vector, k, { filter: options.filter ?? null }, false);
    return exactSearch(this.#context(), request);
  }

  /** Many searches at once, answered in input order (unfiltered ones share native calls). */
  async batchSearch(
    vectors: readonly VectorInput[],
    k: number,
    options: SearchOptions = {},
  ): Promise<SearchResult[]> {
    validateBatch(vectors, this.#core.db.limits, 'vectors');
    const requests = vectors.map((v, i) => this.#request(v, k, options, false, `query ${i}`));
    const ctx = this.#context();
    return Promise.all(requests.map((r) => runSearch(ctx, r)));
  }

  /** Every vector within `maxDistance` (public distance), nearest first, at most `limit`. */
  async radiusSearch(
    vector: VectorInput,
    maxDistance: number,
    options: {
      limit?: number;
      filter?: Filter | null;
      includeVectors?: boolean;
      efSearch?: number;
    } = {},
  ): Promise<{ hits: SearchHit[]; maxDistance: number }> {
    if (typeof maxDistance !== 'number' || !Number.isFinite(maxDistance)) {
      throw new EngineError(
        'INVALID_MAX_DISTANCE',
        `maxDistance must be a finite number, got ${formatValue(maxDistance)}`,
        {
          help: 'Give the largest distance a result may have, e.g. 0.3 for cosine.',
        },
      );
    }
    const limit = validateK(options.limit ?? 1000, this.#core.db.limits, 'limit');
    const ctx = this.#context();
    const hits: SearchHit[] = [];
    let cursor: SearchCursor | null = null;
    // Page through results nearest-first until one lies beyond the radius.
    for (
      let page = Math.min(limit, 64);
      hits.length < limit;
      page = Math.min(page * 4, this.#core.db.limits.maxK)
    ) {
      const req = this.#request(
        vector,
        Math.min(page, limit - hits.length),
        { ...options, searchAfter: cursor },
        false,
      );
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
  query(
    filter: Filter,
    options: { limit?: number; offset?: number } = {},
  ): { records: { id: string; metadata: Metadata | null }[]; total: number; hasMore: boolean } {
    this.#assertOpen();
    const { limit, offset } = validatePage(
      options.limit,
      options.offset,
      this.#core.db.limits.maxQueryLimit,
      100,
    );
    const test = compileFilter(filter).test;
    const { ids, metadata } = this.#core.state;
    const records: { id: string; metadata: Metadata | null }[] = [];
    let total = 0;
    this.#core.state.forEachVisible(Date.now(), (key) => {
      const meta = metadata[key] ?? null;
      if (!test(meta)) return;
      if (total >= offset && records.length < limit)
        records.push({ id: ids[key]!, metadata: meta });
      total += 1;
    });
    return { records, total, hasMore: offset + records.length < total };
  }

  /** Number of live vectors, or of those matching `filter`. */
  count(filter?: Filter | null): number {
    this.#assertOpen();
    if (filter === undefined || filter === null)
      return this.#core.state.expiresAt.size === 0
        ? this.#core.state.live
        : this.#countVisible(() => true);
    const test = compileFilter(filter).test;
    const { metadata } = this.#core.state;
    return this.#countVisible((key) => test(metadata[key] ?? null));
  }

  /** Figures for dashboards and capacity planning. */
  stats(): CollectionStats {
    const state = this.#core.state;
    const fragmentationRatio = state.fragmentationRatio();
    const indexMemoryBytes = this.#core.index.memoryBytes();
    return {
      name: this.name,
      dimensions: this.#core.config.dimensions,
      distance: this.#core.config.distance,
      quantization: this.#core.config.quantization,
      index: { kind: this.#core.index.kind, ...this.#core.config.index },
      count: state.live,
      deletedCount: state.deletedSlots,
      fragmentationRatio,
      needsCompaction: fragmentationRatio >= 0.2,
      indexMemoryBytes,
      indexDataBytes: this.#core.index.dataBytes?.() ?? indexMemoryBytes,
      memoryBytes: indexMemoryBytes + state.heapEstimateBytes(),
      searchBatches: { calls: this.#batcher.batches, queries: this.#batcher.batchedQueries },
      filterCache: { hits: this.#filterCache.hits, misses: this.#filterCache.misses },
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
      this.#core.config = {
        ...this.#core.config,
        index: { ...this.#core.config.index, efSearch: report.efSearch },
      };
      await this.#core.storage.updateCollectionConfig(this.name, this.#core.config);
      return report;
    } finally {
      this.#busy = null;
    }
  }

  /** @internal Releases the index; the collection is unusable afterwards. */
  close(): void {
    if (this.#core.closed) return;
    this.#core.closed = true;
    this.#core.index.close();
  }

  // ---- internals ----------------------------------------------------------------------

  #context(): SearchContext {
    this.#assertOpen();
    const cached = this.#searchContext;
    if (cached && cached.index === this.#core.index && cached.config === this.#core.config)
      return cached;
    return (this.#searchContext = {
      config: this.#core.config,
      dbConfig: this.#core.db,
      state: this.#core.state,
      index: this.#core.index,
      batcher: this.#batcher,
      filterCache: this.#filterCache,
      readVector: (key, out) => this.#core.storage.readVector(this.name, key, out),
    });
  }

  #request(
    vector: VectorInput,
    k: number,
    options: SearchOptions,
    explain: boolean,
    label = 'query',
  ): SearchRequest {
    this.#assertOpen();
    this.#lastSearchAt = performance.now();
    const limits = this.#core.db.limits;
    const given = toVector(vector, this.#core.config.dimensions, label, allocateQueryVector);
    // Only a trace reads the query as given; otherwise cosine normalises the one copy.
    const rawQuery = explain ? given : null;
    const query =
      this.#core.config.distance === 'cosine'
        ? prepareForIndex('cosine', explain ? given.slice() : given, label)
        : given;
    const compiled = options.filter == null ? null : compileFilter(options.filter);
    const postFilter =
      options.postFilter == null
        ? null
        : compileFilter(options.postFilter, { code: 'INVALID_POST_FILTER' }).test;
    return {
      query,
      rawQuery: rawQuery ?? query,
      k: validateK(k, limits),
      ef: validateEf(options.efSearch, this.#core.config.index.efSearch),
      filter: compiled === null ? null : compiled.test,
      filterKey: compiled === null ? null : JSON.stringify(compiled.source),
      postFilter,
      postFilterFactor: validatePostFilterFactor(options.postFilterFactor),
      includeVectors: options.includeVectors === true,
      searchAfter: validateCursor(options.searchAfter),
      explain,
    };
  }

  #countVisible(test: (key: number) => boolean): number {
    let n = 0;
    this.#core.state.forEachVisible(Date.now(), (key) => {
      if (test(key)) n += 1;
    });
    return n;
  }

  #newIndexLike(): VectorIndex {
    return this.#newIndex(this.#core.config);
  }

  #assertOpen(): void {
    if (this.#core.closed) throw closedError(this.name);
  }
}

function notFound(collection: string, id: string): EngineError {
  return new EngineError('VECTOR_NOT_FOUND', `no vector "${id}" in collection "${collection}"`, {
    help: 'Check the id; list the collection to see which ids exist.',
    details: { collection, id },
  });
}

function busy(collection: string, operation: string): EngineError {
  return new EngineError(
    'OPERATION_IN_PROGRESS',
    `a ${operation} is already running on "${collection}"`,
    {
      help: 'Wait for it to finish, then try again.',
      details: { collection, operation },
    },
  );
}
