import { describe, expect, it } from 'vitest';

import { generateClustered } from './clustered.js';

const options = { count: 2000, queryCount: 50, dimensions: 32, distance: 'euclidean' as const };

describe('generateClustered', () => {
  it('gives identical data for the same seed', () => {
    const a = generateClustered({ ...options, seed: 42 });
    const b = generateClustered({ ...options, seed: 42 });
    expect(Buffer.from(a.train.buffer).equals(Buffer.from(b.train.buffer))).toBe(true);
    expect(Buffer.from(a.queries.buffer).equals(Buffer.from(b.queries.buffer))).toBe(true);
  });

  it('gives different data for another seed', () => {
    const a = generateClustered({ ...options, seed: 42 });
    const b = generateClustered({ ...options, seed: 43 });
    expect(a.train[0]).not.toBe(b.train[0]);
  });

  it('returns the documented shape', () => {
    const data = generateClustered(options);
    expect(data).toMatchObject({
      name: 'clustered-32',
      dimensions: 32,
      distance: 'euclidean',
      trainCount: 2000,
      queryCount: 50,
    });
    expect(data.train).toHaveLength(2000 * 32);
    expect(data.queries).toHaveLength(50 * 32);
    expect(data.train.every(Number.isFinite)).toBe(true);
  });

  it('puts cosine rows on the unit sphere', () => {
    const data = generateClustered({ ...options, distance: 'cosine', count: 100 });
    for (let row = 0; row < 100; row++) {
      let norm = 0;
      for (let d = 0; d < 32; d++) norm += data.train[row * 32 + d]! ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
    }
  });

  it('is clustered: a point is far closer to its nearest neighbour than to a random one', () => {
    const data = generateClustered({ ...options, clusters: 10 });
    const dist = (a: number, b: number) => {
      let s = 0;
      for (let d = 0; d < 32; d++) s += (data.train[a * 32 + d]! - data.train[b * 32 + d]!) ** 2;
      return s;
    };
    let nearest = Infinity;
    let total = 0;
    for (let row = 1; row < 2000; row++) {
      const value = dist(0, row);
      nearest = Math.min(nearest, value);
      total += value;
    }
    expect(nearest).toBeLessThan((total / 1999) * 0.2);
  });
});
