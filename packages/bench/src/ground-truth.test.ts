import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { generateClustered } from './datasets/clustered.js';
import type { DatasetDistance } from './datasets/dataset.js';
import { exactTopK, groundTruth } from './ground-truth.js';

/** The obvious brute force: every distance, sorted. */
function bruteForce(
  train: Float32Array,
  queries: Float32Array,
  d: number,
  distance: DatasetDistance,
  k: number,
): number[][] {
  const out: number[][] = [];
  for (let q = 0; q < queries.length / d; q++) {
    const scored: { row: number; dist: number }[] = [];
    for (let row = 0; row < train.length / d; row++) {
      let dot = 0;
      let nq = 0;
      let nr = 0;
      let l2 = 0;
      for (let i = 0; i < d; i++) {
        const a = queries[q * d + i]!;
        const b = train[row * d + i]!;
        dot += a * b;
        nq += a * a;
        nr += b * b;
        l2 += (a - b) ** 2;
      }
      scored.push({ row, dist: distance === 'cosine' ? 1 - dot / Math.sqrt(nq * nr) : l2 });
    }
    scored.sort((x, y) => x.dist - y.dist);
    out.push(scored.slice(0, k).map((s) => s.row));
  }
  return out;
}

function rows(matrix: Uint32Array, k: number): number[][] {
  return Array.from({ length: matrix.length / k }, (_, q) =>
    Array.from(matrix.subarray(q * k, (q + 1) * k)),
  );
}

describe('exactTopK', () => {
  for (const distance of ['euclidean', 'cosine'] as const) {
    it(`equals a brute-force loop (${distance})`, () => {
      const data = generateClustered({
        count: 500,
        queryCount: 20,
        dimensions: 16,
        distance,
        clusters: 5,
        seed: 3,
      });
      const truth = exactTopK(data.train, data.queries, 16, distance, 10);
      expect(rows(truth, 10)).toEqual(bruteForce(data.train, data.queries, 16, distance, 10));
    });
  }

  it('searches the right rows when given views into a larger buffer', () => {
    const data = generateClustered({
      count: 300,
      queryCount: 10,
      dimensions: 8,
      distance: 'euclidean',
      seed: 5,
    });
    const big = new Float32Array(data.train.length + 80);
    big.set(data.train, 80);
    const view = big.subarray(80);
    expect(rows(exactTopK(view, data.queries, 8, 'euclidean', 5), 5)).toEqual(
      bruteForce(data.train, data.queries, 8, 'euclidean', 5),
    );
  });

  it('refuses a k larger than the train set', () => {
    expect(() => exactTopK(new Float32Array(8), new Float32Array(4), 4, 'euclidean', 3)).toThrow(
      /top-3 .* 2 vectors/,
    );
  });
});

describe('groundTruth', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('caches by dataset and serves the same keys from the cache', () => {
    dir = mkdtempSync(join(tmpdir(), 'needle-bench-truth-'));
    const data = generateClustered({
      count: 400,
      queryCount: 12,
      dimensions: 8,
      distance: 'euclidean',
      seed: 9,
    });
    const first = groundTruth(data, 10, dir);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^clustered-8-400x8-q12-euclidean-k10-[0-9a-f]{16}\.u32$/);
    expect(Array.from(groundTruth(data, 10, dir))).toEqual(Array.from(first));

    // Different vectors under the same name get their own entry, not the stale one.
    const other = generateClustered({
      count: 400,
      queryCount: 12,
      dimensions: 8,
      distance: 'euclidean',
      seed: 10,
    });
    groundTruth(other, 10, dir);
    expect(readdirSync(dir)).toHaveLength(2);
  });
});
