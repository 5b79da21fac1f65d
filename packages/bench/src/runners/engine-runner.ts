import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Database, type Collection, type Filter, type Metadata } from '@needle/engine';

import { rowOf } from '../datasets/dataset.js';
import type { AnnRunner, RunnerConfig } from './ann-runner.js';

/** Options of {@link EngineRunner.open}. */
export interface EngineRunnerOptions {
  /** Metadata stored with row `key` (for filtered benchmarks); none by default. */
  metadataOf?: (key: number) => Metadata;
}

/**
 * Needle's engine through its public API: an in-memory database, one collection with the
 * comparison's HNSW settings, `insertMany` for adds, `search` for single queries and many
 * concurrent `search` promises (which the engine coalesces into native batch calls) for
 * throughput. Keys become string ids (`"42"`) and back. The one internal hook is the
 * index reload of {@link setEf}.
 */
export class EngineRunner implements AnnRunner {
  readonly name = 'needle';
  readonly #db: Database;
  readonly #collection: Collection;
  readonly #dimensions: number;
  readonly #options: EngineRunnerOptions;
  #ef = 64;
  #reloaded = false;
  #filter: Filter | null = null;
  #queries: Float32Array[] = [];

  private constructor(
    db: Database,
    collection: Collection,
    dimensions: number,
    options: EngineRunnerOptions,
  ) {
    this.#db = db;
    this.#collection = collection;
    this.#dimensions = dimensions;
    this.#options = options;
  }

  /** Opens an in-memory database with one collection configured from `config`. */
  static async open(
    config: RunnerConfig,
    options: EngineRunnerOptions = {},
  ): Promise<EngineRunner> {
    const db = await Database.open(':memory:');
    const collection = await db.createCollection('bench', {
      dimensions: config.dimensions,
      distance: config.distance,
      index: { m: config.m, efConstruction: config.efConstruction, efSearch: 64 },
      quantization: 'f32',
    });
    return new EngineRunner(db, collection, config.dimensions, options);
  }

  /** Figures the collection reports about itself (index kind, memory, batching). */
  stats(): ReturnType<Collection['stats']> {
    return this.#collection.stats();
  }

  prepareAdd(vectors: Float32Array, firstKey: number): () => Promise<void> {
    const count = vectors.length / this.#dimensions;
    const metadataOf = this.#options.metadataOf;
    const records = Array.from({ length: count }, (_, i) => ({
      id: String(firstKey + i),
      vector: rowOf(vectors, this.#dimensions, i),
      ...(metadataOf ? { metadata: metadataOf(firstKey + i) } : {}),
    }));
    return async () => {
      this.#reloaded = false;
      const result = await this.#collection.insertMany(records);
      if (result.errors.length > 0)
        throw new Error(`engine refused ${result.errors.length} records`);
    };
  }

  /**
   * Sets the search breadth; the first call after adds also reloads the index from its
   * saved form, as the usearch runner must (its binding changes `ef` only by loading
   * into a new index). A loaded index answered about 10% faster than the same graph as
   * built in place on 100 000 × 128 (0.90 → 0.99–1.00 of usearch's QPS, alternating runs
   * of each), so timing one library's built index against the other's loaded one would
   * measure that, not the libraries. A database reopened from its file serves such a
   * loaded index too (see ADR 0008).
   */
  async setEf(ef: number): Promise<void> {
    if (!this.#reloaded) {
      const index = this.#collection.currentIndex();
      if (!index.save || !index.load) throw new Error(`index ${index.kind} cannot be saved`);
      const dir = mkdtempSync(join(tmpdir(), 'needle-bench-engine-'));
      try {
        index.save(join(dir, 'index.usearch'));
        index.load(join(dir, 'index.usearch'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      this.#reloaded = true;
    }
    this.#ef = ef;
  }

  /** Applies `filter` to every following search (`null`: none). */
  setFilter(filter: Filter | null): void {
    this.#filter = filter;
  }

  setQueries(queries: Float32Array): void {
    this.#queries = [];
    for (let q = 0; q < queries.length / this.#dimensions; q++) {
      this.#queries.push(rowOf(queries, this.#dimensions, q));
    }
  }

  async search(q: number, k: number): Promise<ArrayLike<number>> {
    const { hits } = await this.#collection.search(this.#queries[q]!, k, {
      efSearch: this.#ef,
      filter: this.#filter,
    });
    return hits.map((hit) => Number(hit.id));
  }

  async searchMany(from: number, to: number, k: number): Promise<ArrayLike<number>[]> {
    const pending: Promise<ArrayLike<number>>[] = [];
    for (let q = from; q < to; q++) pending.push(this.search(q, k));
    return Promise.all(pending);
  }

  /** Graph and vectors in use, like the peers' serialised sizes (allocator reserve apart). */
  async reportedBytes(): Promise<number | null> {
    return this.#collection.stats().indexDataBytes;
  }

  async close(): Promise<void> {
    await this.#db.close();
  }
}
