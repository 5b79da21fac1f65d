import { describe, expect, it } from 'vitest';

import { holdOut } from './dataset.js';
import { loadFiori } from './fiori.js';
import { MNIST_DIMENSIONS, loadMnist } from './mnist.js';

describe('loadMnist', () => {
  it('returns 9 000 train digits and 1 000 queries of 784 grey levels', () => {
    const mnist = loadMnist();
    expect(mnist).toMatchObject({
      name: 'mnist',
      dimensions: MNIST_DIMENSIONS,
      distance: 'euclidean',
      trainCount: 9000,
      queryCount: 1000,
    });
    expect(mnist.train).toHaveLength(9000 * 784);
    expect(mnist.queries).toHaveLength(1000 * 784);
    expect(mnist.train.every((v) => v >= 0 && v <= 1)).toBe(true);
    // Digits are not blank: every query has ink.
    for (let q = 0; q < 1000; q++)
      expect(mnist.queries.subarray(q * 784, (q + 1) * 784).some((v) => v > 0.5)).toBe(true);
  });

  it('is the same split every time and honours the quick limits', () => {
    const a = loadMnist({ queryCount: 50, trainLimit: 300 });
    const b = loadMnist({ queryCount: 50, trainLimit: 300 });
    expect(a.trainCount).toBe(300);
    expect(a.queryCount).toBe(50);
    expect(Array.from(a.queries)).toEqual(Array.from(b.queries));
  });
});

describe('loadFiori', () => {
  it('returns 384-d unit-length embeddings with about 10% held out', () => {
    const fiori = loadFiori();
    expect(fiori).toMatchObject({
      name: 'fiori',
      dimensions: 384,
      distance: 'cosine',
      trainCount: 700,
      queryCount: 78,
    });
    expect(fiori.train).toHaveLength(700 * 384);
    expect(fiori.queries).toHaveLength(78 * 384);
    for (let row = 0; row < 700; row += 50) {
      let norm = 0;
      for (let d = 0; d < 384; d++) norm += fiori.train[row * 384 + d]! ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 4);
    }
  });
});

describe('holdOut', () => {
  it('moves the named rows to the queries, in order, and keeps the rest in order', () => {
    const rows = Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3]);
    const split = holdOut(rows, 2, [3, 1]);
    expect(Array.from(split.queries)).toEqual([3, 3, 1, 1]);
    expect(Array.from(split.train)).toEqual([0, 0, 2, 2]);
    expect(split).toMatchObject({ trainCount: 2, queryCount: 2 });
  });
});
