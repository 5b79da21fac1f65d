import { describe, expect, it } from 'vitest';

import { autoTune } from './auto-tune.js';
import { growthProjection } from './growth-projection.js';

// 1M vectors of 384 dimensions at f32 with M = 16: 1728 bytes a vector.
const base = { expectedVectors: 1_000_000, dimensions: 384 } as const;

describe('growthProjection', () => {
  it('reaches the growth factor at month 12 by default, compounding monthly', () => {
    const points = growthProjection(base);
    expect(points).toHaveLength(13);
    expect(points[0]).toEqual({
      month: 0,
      vectors: 1_000_000,
      memoryBytes: 1_728_000_000,
      diskBytes: 3_456_000_000,
    });
    // Month 6 is halfway in compound terms: 1M × √2.5 = 1 581 138.83…, rounded up.
    expect(points[6]?.vectors).toBe(1_581_139);
    expect(points[12]).toEqual({
      month: 12,
      vectors: 2_500_000,
      memoryBytes: 4_320_000_000,
      diskBytes: 8_640_000_000,
    });
    for (let i = 1; i < points.length; i += 1) {
      expect(points[i]?.vectors).toBeGreaterThan(points[i - 1]?.vectors ?? Infinity);
    }
  });

  it("ends where autoTune's projection ends, for any growth factor", () => {
    const constraints = { expectedVectors: 3, dimensions: 8, growthFactor: 2.1 };
    const last = growthProjection(constraints).at(-1);
    expect(last?.vectors).toBe(7); // 3 × 2.1 = 6.3, rounded up
    expect(last?.vectors).toBe(autoTune(constraints).projected.vectors);
  });

  it('applies an explicit monthly rate without floating-point drift', () => {
    const points = growthProjection(base, 3, 0.05);
    // 1.05² = 1.1025 exactly on paper; in floating point 1.1025000000000003.
    expect(points.map((p) => p.vectors)).toEqual([1_000_000, 1_050_000, 1_102_500, 1_157_625]);
    expect(points[3]?.memoryBytes).toBe(1_157_625 * 1728);
  });

  it('stays flat at zero growth and covers the months asked for', () => {
    const points = growthProjection(base, 24, 0);
    expect(points).toHaveLength(25);
    expect(points.at(-1)).toEqual({
      month: 24,
      vectors: 1_000_000,
      memoryBytes: 1_728_000_000,
      diskBytes: 3_456_000_000,
    });
  });

  it('uses the profile and quantization of the constraints', () => {
    // i8 with M = 32: 384 + 32 × 12 = 768 bytes a vector.
    const [today] = growthProjection({ ...base, quantization: 'i8', profile: 'high-recall' }, 1);
    expect(today).toEqual({
      month: 0,
      vectors: 1_000_000,
      memoryBytes: 768_000_000,
      diskBytes: 1_536_000_000,
    });
  });

  it.each([
    ['months zero', 0, undefined, 'months', 'at least 1'],
    ['months fractional', 1.5, undefined, 'months', 'whole number'],
    ['months beyond ten years', 121, undefined, 'months', 'at most 120'],
    ['a negative monthly rate', 12, -0.1, 'monthlyGrowth', '0 or more'],
    ['a NaN monthly rate', 12, Number.NaN, 'monthlyGrowth', 'monthlyGrowth must be a number'],
  ])('rejects %s', (_name, months, monthlyGrowth, field, text) => {
    const call = () => growthProjection(base, months, monthlyGrowth);
    expect(call).toThrow(text);
    expect(call).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        details: expect.objectContaining({ field }),
        help: expect.stringContaining('Pass'),
      }),
    );
  });

  it('validates the constraints as autoTune does', () => {
    expect(() => growthProjection({ expectedVectors: 0, dimensions: 8 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        details: expect.objectContaining({ field: 'expectedVectors' }),
      }),
    );
  });
});
