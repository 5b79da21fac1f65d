import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Index, MetricKind, ScalarKind, type BatchMatches } from 'usearch';

import { rowOf } from '../datasets/dataset.js';
import type { AnnRunner, RunnerConfig } from './ann-runner.js';

/**
 * The stock `usearch` npm binding, configured as the engine configures its index: cosine
 * runs as inner product on vectors normalised up front (usearch's own `cos` is slower),
 * adds on 2 threads, single searches on 1 thread (`threads: 0` would spawn threads per
 * call), batches on 2.
 *
 * The binding fixes `expansion_search` at construction, so `setEf` saves the built index
 * once to a temp file and loads it into a new index constructed with the wanted breadth.
 */
export class UsearchRunner implements AnnRunner {
  readonly name = 'usearch';
  readonly #config: RunnerConfig;
  #index: Index;
  #queries: Float32Array = new Float32Array(0);
  #saved: string | null = null;
  readonly #dir = mkdtempSync(join(tmpdir(), 'needle-bench-usearch-'));

  constructor(config: RunnerConfig) {
    this.#config = config;
    this.#index = this.#create(64);
  }

  #create(ef: number): Index {
    return new Index({
      dimensions: this.#config.dimensions,
      metric: this.#config.distance === 'cosine' ? MetricKind.IP : MetricKind.L2sq,
      quantization: ScalarKind.F32,
      connectivity: this.#config.m,
      expansion_add: this.#config.efConstruction,
      expansion_search: ef,
      multi: false,
    });
  }

  prepareAdd(vectors: Float32Array, firstKey: number): () => Promise<void> {
    const count = vectors.length / this.#config.dimensions;
    const keys = BigUint64Array.from({ length: count }, (_, i) => BigInt(firstKey + i));
    return async () => {
      // Normalising is part of the timed add: the engine does the same work inside insert.
      const rows =
        this.#config.distance === 'cosine'
          ? normalizedRows(vectors, this.#config.dimensions)
          : vectors;
      this.#index.add(keys, rows, 2);
      this.#saved = null;
    };
  }

  async setEf(ef: number): Promise<void> {
    if (this.#saved === null) {
      this.#saved = join(this.#dir, 'index.usearch');
      this.#index.save(this.#saved);
    }
    const next = this.#create(ef);
    next.load(this.#saved);
    this.#index = next;
  }

  setQueries(queries: Float32Array): void {
    this.#queries =
      this.#config.distance === 'cosine'
        ? normalizedRows(queries, this.#config.dimensions)
        : queries;
  }

  async search(q: number, k: number): Promise<ArrayLike<number>> {
    const matches = this.#index.search(rowOf(this.#queries, this.#config.dimensions, q), k, 1);
    return Array.from(matches.keys, Number);
  }

  async searchMany(from: number, to: number, k: number): Promise<ArrayLike<number>[]> {
    const d = this.#config.dimensions;
    // One query comes back as plain Matches, without per-query counts.
    if (to - from === 1) return [await this.search(from, k)];
    // The binding types a flat matrix as one vector; several rows do return BatchMatches.
    const batch = this.#index.search(
      this.#queries.subarray(from * d, to * d),
      k,
      2,
    ) as unknown as BatchMatches;
    const out: number[][] = [];
    for (let i = 0; i < to - from; i++) {
      const start = i * k;
      const found = Number(batch.counts[i]);
      out.push(Array.from(batch.keys.subarray(start, start + found), Number));
    }
    return out;
  }

  async reportedBytes(): Promise<number | null> {
    const file = join(this.#dir, 'size.usearch');
    this.#index.save(file);
    const bytes = statSync(file).size;
    rmSync(file);
    return bytes;
  }

  async close(): Promise<void> {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** A unit-length copy of every row (zero rows stay zero). */
export function normalizedRows(rows: Float32Array, dimensions: number): Float32Array {
  const out = new Float32Array(rows.length);
  for (let base = 0; base < rows.length; base += dimensions) {
    let norm = 0;
    for (let d = 0; d < dimensions; d++) norm += rows[base + d]! * rows[base + d]!;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dimensions; d++) out[base + d] = rows[base + d]! * inv;
  }
  return out;
}
