import { describe, expect, it } from 'vitest';

import { prepareForIndex } from './metric.js';
import { toVector } from './validate-record.js';

/** Every length from 1 to 13 covers the four-wide loops and each remainder. */
const LENGTHS = Array.from({ length: 13 }, (_, i) => i + 1);

describe('toVector', () => {
  it.each(LENGTHS)('copies a finite %i-d vector from any accepted input type', (n) => {
    const values = Array.from({ length: n }, (_, i) => (i % 3) - 1.25 + i / 7);
    for (const input of [values, Float32Array.from(values), Float64Array.from(values)]) {
      const out = toVector(input, n, 'q');
      expect(out).toBeInstanceOf(Float32Array);
      expect(out).not.toBe(input);
      expect(Array.from(out)).toEqual(Array.from(Float32Array.from(values)));
    }
  });

  it('copies a view of a larger array without its neighbours', () => {
    const rows = Float32Array.of(9, 9, 1, 2, 3, 9);
    const out = toVector(rows.subarray(2, 5), 3, 'q');
    expect(Array.from(out)).toEqual([1, 2, 3]);
    rows[2] = 7;
    expect(out[0]).toBe(1);
  });

  it.each(LENGTHS)('names the first bad component of a %i-d vector, wherever it is', (n) => {
    for (let at = 0; at < n; at++) {
      for (const bad of [Number.NaN, Infinity, -Infinity]) {
        const values = new Array<number>(n).fill(0.5);
        values[at] = bad;
        expect(() => toVector(values, n, 'q')).toThrow(
          expect.objectContaining({ code: 'INVALID_VECTOR', details: { index: at } }),
        );
      }
    }
  });

  it('finds +Infinity and -Infinity that would cancel in a sum', () => {
    expect(() => toVector([Infinity, -Infinity, 1, 1, 1], 5, 'q')).toThrow(
      expect.objectContaining({ code: 'INVALID_VECTOR', details: { index: 0 } }),
    );
    expect(() => toVector([1, 1, 1, 1, Infinity, 1, 1, -Infinity], 8, 'q')).toThrow(
      expect.objectContaining({ details: { index: 4 } }),
    );
  });

  it('refuses float64 values that overflow float32, from arrays and Float64Arrays', () => {
    for (const input of [[1, 2, -1e39], Float64Array.of(1, 2, -1e39)]) {
      expect(() => toVector(input, 3, 'q')).toThrow(
        expect.objectContaining({
          code: 'INVALID_VECTOR',
          message: expect.stringContaining('overflows float32') as unknown,
          details: { index: 2 },
        }),
      );
    }
  });

  it('accepts the largest float32 values in every position', () => {
    const max = 3.4028234663852886e38;
    const values = Array.from({ length: 11 }, (_, i) => (i % 2 ? max : -max));
    expect(Array.from(toVector(values, 11, 'q'))).toEqual(values);
  });
});

describe('prepareForIndex', () => {
  it.each(LENGTHS)('scales a %i-d vector to unit length, in place, keeping its direction', (n) => {
    const values = Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (i + 1));
    const vector = Float32Array.from(values);
    expect(prepareForIndex('cosine', vector, 'q')).toBe(vector);
    const norm = Math.hypot(...values);
    let length = 0;
    for (let i = 0; i < n; i++) {
      expect(vector[i]).toBeCloseTo(values[i]! / norm, 6);
      length += vector[i]! * vector[i]!;
    }
    expect(length).toBeCloseTo(1, 6);
  });

  it('leaves euclidean and dot vectors alone', () => {
    const vector = Float32Array.of(3, 4);
    for (const distance of ['euclidean', 'dot'] as const) {
      expect(Array.from(prepareForIndex(distance, vector, 'q'))).toEqual([3, 4]);
    }
  });

  it('refuses a zero vector under cosine', () => {
    expect(() => prepareForIndex('cosine', new Float32Array(5), 'q')).toThrow(
      expect.objectContaining({ code: 'ZERO_VECTOR' }),
    );
  });
});
