import { describe, expect, it } from 'vitest';

import { generateClustered } from './datasets/clustered.js';
import { bucketsFor, filteredTruth, matchingRows } from './filtered-truth.js';

describe('filtered benchmark helpers', () => {
  it('spreads buckets so bucket < s × 100 matches about share s', () => {
    const buckets = bucketsFor(20_000, 11);
    expect(Math.max(...buckets)).toBe(99);
    for (const share of [0.01, 0.1, 0.5]) {
      expect(matchingRows(buckets, share * 100).length / 20_000).toBeCloseTo(share, 1);
    }
    expect(Array.from(bucketsFor(50, 11))).toEqual(Array.from(buckets.subarray(0, 50)));
  });

  it('computes exact truth among the matching rows only, as full-set row numbers', () => {
    const data = generateClustered({
      count: 600,
      queryCount: 8,
      dimensions: 8,
      distance: 'euclidean',
      seed: 4,
    });
    const buckets = bucketsFor(600, 2);
    const subset = matchingRows(buckets, 30);
    const truth = filteredTruth(data, subset, 5);
    const allowed = new Set(subset);
    for (let q = 0; q < 8; q++) {
      const query = data.queries.subarray(q * 8, q * 8 + 8);
      const dist = (row: number) =>
        data.train.subarray(row * 8, row * 8 + 8).reduce((s, v, i) => s + (v - query[i]!) ** 2, 0);
      const expected = [...allowed].sort((a, b) => dist(a) - dist(b)).slice(0, 5);
      expect(Array.from(truth.subarray(q * 5, q * 5 + 5))).toEqual(expected);
    }
  });
});
