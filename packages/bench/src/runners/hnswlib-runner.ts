import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import hnswlib from 'hnswlib-node';

import type { AnnRunner, RunnerConfig } from './ann-runner.js';

/**
 * `hnswlib-node` 3: single-threaded adds and searches, vectors passed as JS arrays (its
 * binding accepts nothing else, so rows are converted before the timed calls). Cosine
 * uses its `cosine` space, which normalises internally. It has no batch search.
 */
export class HnswlibRunner implements AnnRunner {
  readonly name = 'hnswlib';
  readonly #dimensions: number;
  readonly #index: hnswlib.HierarchicalNSW;
  #queries: number[][] = [];

  constructor(config: RunnerConfig) {
    this.#dimensions = config.dimensions;
    this.#index = new hnswlib.HierarchicalNSW(
      config.distance === 'cosine' ? 'cosine' : 'l2',
      config.dimensions,
    );
    this.#index.initIndex({
      maxElements: config.capacity,
      m: config.m,
      efConstruction: config.efConstruction,
    });
  }

  prepareAdd(vectors: Float32Array, firstKey: number): () => Promise<void> {
    const rows = toArrays(vectors, this.#dimensions);
    return async () => {
      for (let i = 0; i < rows.length; i++) this.#index.addPoint(rows[i]!, firstKey + i);
    };
  }

  async setEf(ef: number): Promise<void> {
    this.#index.setEf(ef);
  }

  setQueries(queries: Float32Array): void {
    this.#queries = toArrays(queries, this.#dimensions);
  }

  async search(q: number, k: number): Promise<ArrayLike<number>> {
    return this.#index.searchKnn(this.#queries[q]!, k).neighbors;
  }

  async reportedBytes(): Promise<number | null> {
    const dir = mkdtempSync(join(tmpdir(), 'needle-bench-hnswlib-'));
    try {
      const file = join(dir, 'index.hnsw');
      this.#index.writeIndexSync(file);
      return statSync(file).size;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {
    // The binding frees its memory when the object is collected; nothing to do.
  }
}

/** Rows of a row-major matrix as plain number arrays. */
function toArrays(vectors: Float32Array, dimensions: number): number[][] {
  const rows: number[][] = [];
  for (let base = 0; base < vectors.length; base += dimensions) {
    rows.push(Array.from(vectors.subarray(base, base + dimensions)));
  }
  return rows;
}
