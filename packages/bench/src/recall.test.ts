import { describe, expect, it } from 'vitest';

import { meanRecallAtK, recallAtK } from './recall.js';

describe('recallAtK', () => {
  it('counts the true neighbours found, in any order', () => {
    expect(recallAtK([3, 1, 9], [1, 2, 3], 3)).toBeCloseTo(2 / 3);
    expect(recallAtK([2, 3, 1], [1, 2, 3], 3)).toBe(1);
    expect(recallAtK([7, 8, 9], [1, 2, 3], 3)).toBe(0);
  });

  it('looks only at the first k results', () => {
    // Key 2 is a true neighbour but sits at position 3, past k = 2.
    expect(recallAtK([1, 5, 2], [1, 2], 2)).toBe(0.5);
  });

  it('counts a short result list against the full k', () => {
    expect(recallAtK([1], [1, 2, 3, 4], 4)).toBe(0.25);
  });

  it('does not count a duplicate twice', () => {
    expect(recallAtK([1, 1, 1], [1, 2, 3], 3)).toBeCloseTo(1 / 3);
  });
});

describe('meanRecallAtK', () => {
  it('averages over queries, reading k keys per row of a wider truth matrix', () => {
    // Truth rows hold 3 keys; recall@2 uses the first 2 of each.
    const truth = Uint32Array.from([1, 2, 3, 10, 20, 30]);
    expect(
      meanRecallAtK(
        [
          [2, 1],
          [10, 30],
        ],
        truth,
        3,
        2,
      ),
    ).toBe(0.75);
  });
});
