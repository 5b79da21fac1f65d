import { describe, expect, it } from 'vitest';

import { autoTune } from './auto-tune.js';

const MiB = 1024 * 1024;

describe('autoTune memory formula', () => {
  // 1M vectors of 384 dimensions, balanced profile (M = 16): links cost 16 × 8 × 1.5 = 192 B.
  it('prices f32 at 4 bytes a component', () => {
    const plan = autoTune({ expectedVectors: 1_000_000, dimensions: 384, quantization: 'f32' });
    // 384 × 4 + 192 = 1728 bytes a vector.
    expect(plan.expectedMemoryBytes).toBe(1_728_000_000);
    expect(plan.expectedMemoryMb).toBe(1648); // 1 728 000 000 / 2^20 = 1647.95, rounded up
    expect(plan.diskBytes).toBe(3_456_000_000);
  });

  it('prices f16 at 2 bytes a component', () => {
    const plan = autoTune({ expectedVectors: 1_000_000, dimensions: 384, quantization: 'f16' });
    // 384 × 2 + 192 = 960 bytes a vector.
    expect(plan.expectedMemoryBytes).toBe(960_000_000);
    expect(plan.expectedMemoryMb).toBe(916); // 915.53 rounded up
    expect(plan.diskBytes).toBe(1_920_000_000);
  });

  it('prices i8 at 1 byte a component', () => {
    const plan = autoTune({ expectedVectors: 1_000_000, dimensions: 384, quantization: 'i8' });
    // 384 + 192 = 576 bytes a vector.
    expect(plan.expectedMemoryBytes).toBe(576_000_000);
    expect(plan.expectedMemoryMb).toBe(550); // 549.32 rounded up
    expect(plan.diskBytes).toBe(1_152_000_000);
  });

  it('names a growth factor with at most two decimals', () => {
    const plan = autoTune({
      expectedVectors: 1_000_000,
      dimensions: 768,
      memoryBudget: 8 * 1024 ** 3,
      growthFactor: 1.1 ** 12,
    });
    expect(plan.recommendations[0]).toMatch(/^Fits today, but at 3\.14× growth /);
  });

  it('defaults to f32, the balanced profile and 2.5× growth', () => {
    const plan = autoTune({ expectedVectors: 1_000_000, dimensions: 384 });
    expect(plan).toMatchObject({
      requestedQuantization: 'f32',
      quantization: 'f32',
      profile: 'balanced',
      growthFactor: 2.5,
      expectedMemoryBytes: 1_728_000_000,
      memoryBudget: undefined,
      fitsBudget: true,
      recommendations: [],
    });
    expect(plan.projected).toEqual({
      vectors: 2_500_000,
      indexType: 'hnsw',
      memoryBytes: 4_320_000_000,
      memoryMb: 4120, // 4 320 000 000 / 2^20 = 4119.87, rounded up
      diskBytes: 8_640_000_000,
      fitsBudget: true,
    });
  });

  it('rounds the projected vector count up and keeps whole MiB exact', () => {
    // 3 × 2.1 = 6.3 vectors; 1 MiB a vector with M = 16 needs D × 4 = 2^20 − 192.
    const plan = autoTune({ expectedVectors: 3, dimensions: (MiB - 192) / 4, growthFactor: 2.1 });
    expect(plan.expectedMemoryMb).toBe(3);
    expect(plan.projected.vectors).toBe(7);
    expect(plan.projected.memoryMb).toBe(7);
  });
});

describe('autoTune index type', () => {
  it.each([
    [1, 'hnsw'],
    [49_999_999, 'hnsw'],
    [50_000_000, 'ivf'],
    [500_000_000, 'ivf'],
    [500_000_001, 'diskann'],
  ] as const)('%i vectors → %s', (expectedVectors, indexType) => {
    expect(autoTune({ expectedVectors, dimensions: 8 }).indexType).toBe(indexType);
  });

  it('reports the index type the projection grows into', () => {
    const plan = autoTune({ expectedVectors: 20_000_000, dimensions: 8, growthFactor: 2.5 });
    expect(plan.indexType).toBe('hnsw');
    expect(plan.projected).toMatchObject({ vectors: 50_000_000, indexType: 'ivf' });
  });
});

describe('autoTune profiles', () => {
  it.each([
    // 1M × (384 × 4 + M × 12) bytes
    ['high-recall', 32, 400, 200, 1_920_000_000],
    ['balanced', 16, 200, 50, 1_728_000_000],
    ['low-latency', 8, 100, 20, 1_632_000_000],
  ] as const)(
    '%s → M %i, efConstruction %i, efSearch %i',
    (profile, m, efConstruction, efSearch, bytes) => {
      const plan = autoTune({ expectedVectors: 1_000_000, dimensions: 384, profile });
      expect(plan).toMatchObject({
        profile,
        m,
        efConstruction,
        efSearch,
        expectedMemoryBytes: bytes,
      });
    },
  );
});

describe('autoTune memory budget', () => {
  const base = { expectedVectors: 1_000_000, dimensions: 384 } as const; // 1 728 000 000 B at f32

  it('fits a budget equal to the need, with no recommendation once growth fits too', () => {
    const plan = autoTune({ ...base, memoryBudget: 1_728_000_000, growthFactor: 1 });
    expect(plan).toMatchObject({ fitsBudget: true, quantization: 'f32', recommendations: [] });
    expect(plan.projected.fitsBudget).toBe(true);
  });

  it('does not fit a budget one byte short', () => {
    const plan = autoTune({ ...base, memoryBudget: 1_727_999_999, growthFactor: 1 });
    expect(plan.fitsBudget).toBe(false);
    expect(plan.quantization).toBe('f16');
  });

  it('warns when today fits but the growth projection does not', () => {
    const plan = autoTune({ ...base, memoryBudget: 2_000_000_000 });
    expect(plan).toMatchObject({ fitsBudget: true, quantization: 'f32' });
    expect(plan.projected).toMatchObject({
      vectors: 2_500_000,
      memoryBytes: 4_320_000_000,
      fitsBudget: false,
    });
    expect(plan.recommendations[0]).toBe(
      'Fits today, but at 2.5× growth (2,500,000 vectors) the index needs 4.0 GiB, over the 1.9 GiB budget. ' +
        'To plan for that growth:',
    );
    // At 2.5M vectors: f16 = 2.5M × 960 = 2.4 GB (over), i8 = 2.5M × 576 = 1.44 GB (fits).
    expect(plan.recommendations[1]).toBe(
      'Store vectors as f16 instead of f32: 2.2 GiB, still 381.5 MiB over.',
    );
    expect(plan.recommendations[2]).toBe(
      'Store vectors as i8 instead of f32: 1.3 GiB, fits the budget.',
    );
  });

  it('switches to the most precise quantization that fits and lists every lever', () => {
    const plan = autoTune({ ...base, memoryBudget: 1_000_000_000 });
    expect(plan).toMatchObject({
      fitsBudget: false,
      requestedQuantization: 'f32',
      quantization: 'f16',
    });
    expect(plan.expectedMemoryBytes).toBe(1_728_000_000); // figures stay those of the request
    expect(plan.recommendations).toEqual([
      'The index needs 1.6 GiB for 1,000,000 vectors, over the 953.7 MiB budget.',
      'Store vectors as f16 instead of f32: 915.5 MiB, fits the budget.', // 960 000 000 B
      'Store vectors as i8 instead of f32: 549.3 MiB, fits the budget.', // 576 000 000 B
      'Lower M to 8 (the low-latency profile, at some recall cost): 1.5 GiB, still 602.7 MiB over.', // 1 632 000 000 B
      'Keep the collection at or below 578,703 vectors, the most that fit at f32 with M = 16.', // ⌊10^9 / 1728⌋
      'Or add memory: as planned the index needs 1.6 GiB, 694.3 MiB more than the budget.',
    ]);
  });

  it('picks i8 when f16 is still too large', () => {
    const plan = autoTune({ ...base, memoryBudget: 600_000_000 });
    expect(plan.quantization).toBe('i8'); // f16 960 MB > 600 MB ≥ i8 576 MB
  });

  it('combines i8 and the lowest M when no single change fits, and keeps the request', () => {
    const plan = autoTune({ ...base, memoryBudget: 500_000_000 });
    expect(plan).toMatchObject({ fitsBudget: false, quantization: 'f32' });
    // i8 with M = 8: 1M × (384 + 96) = 480 000 000 B.
    expect(plan.recommendations).toContain('Combine i8 with M = 8: 457.8 MiB, fits the budget.');
  });

  it('only suggests lighter quantizations and lower M than requested', () => {
    const plan = autoTune({
      ...base,
      quantization: 'f16',
      profile: 'low-latency',
      memoryBudget: 500_000_000,
    });
    // f16 with M = 8: 1M × (768 + 96) = 864 000 000 B; i8: 1M × (384 + 96) = 480 000 000 B.
    expect(plan).toMatchObject({ expectedMemoryBytes: 864_000_000, quantization: 'i8' });
    expect(plan.recommendations.filter((r) => r.startsWith('Store vectors as'))).toEqual([
      'Store vectors as i8 instead of f16: 457.8 MiB, fits the budget.',
    ]);
    expect(plan.recommendations.some((r) => r.startsWith('Lower M'))).toBe(false);
  });

  it('keeps a requested quantization that fits even when a more precise one would', () => {
    const plan = autoTune({ ...base, quantization: 'i8', memoryBudget: 10_000_000_000 });
    expect(plan).toMatchObject({ fitsBudget: true, quantization: 'i8', recommendations: [] });
  });
});

describe('autoTune validation', () => {
  it.each([
    [
      'expectedVectors missing',
      { dimensions: 8 },
      'expectedVectors',
      'expectedVectors is required',
    ],
    [
      'expectedVectors fractional',
      { expectedVectors: 1.5, dimensions: 8 },
      'expectedVectors',
      'whole number',
    ],
    [
      'expectedVectors zero',
      { expectedVectors: 0, dimensions: 8 },
      'expectedVectors',
      'at least 1',
    ],
    [
      'expectedVectors negative',
      { expectedVectors: -5, dimensions: 8 },
      'expectedVectors',
      'at least 1',
    ],
    [
      'expectedVectors a string',
      { expectedVectors: '10', dimensions: 8 },
      'expectedVectors',
      'got string',
    ],
    [
      'expectedVectors NaN',
      { expectedVectors: Number.NaN, dimensions: 8 },
      'expectedVectors',
      'got NaN',
    ],
    [
      'expectedVectors infinite',
      { expectedVectors: Infinity, dimensions: 8 },
      'expectedVectors',
      'expectedVectors',
    ],
    ['dimensions missing', { expectedVectors: 10 }, 'dimensions', 'dimensions is required'],
    ['dimensions zero', { expectedVectors: 10, dimensions: 0 }, 'dimensions', 'at least 1'],
    [
      'dimensions fractional',
      { expectedVectors: 10, dimensions: 2.5 },
      'dimensions',
      'whole number',
    ],
    [
      'memoryBudget zero',
      { expectedVectors: 10, dimensions: 8, memoryBudget: 0 },
      'memoryBudget',
      'more than 0',
    ],
    [
      'memoryBudget a string',
      { expectedVectors: 10, dimensions: 8, memoryBudget: '8GB' },
      'memoryBudget',
      'bytes',
    ],
    [
      'unknown profile',
      { expectedVectors: 10, dimensions: 8, profile: 'fast' },
      'profile',
      'high-recall, balanced',
    ],
    [
      'unknown quantization',
      { expectedVectors: 10, dimensions: 8, quantization: 'b1' },
      'quantization',
      'f32, f16, i8',
    ],
    [
      'growthFactor below 1',
      { expectedVectors: 10, dimensions: 8, growthFactor: 0.5 },
      'growthFactor',
      'at least 1',
    ],
    [
      'growthFactor NaN',
      { expectedVectors: 10, dimensions: 8, growthFactor: Number.NaN },
      'growthFactor',
      'got NaN',
    ],
    [
      'a misspelt field',
      { expectedVectors: 10, dimensions: 8, memorybudget: 1 },
      'memorybudget',
      'unknown field',
    ],
  ])('rejects %s', (_name, input, field, text) => {
    const call = () => autoTune(input as never);
    expect(call).toThrow(text);
    expect(call).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        details: expect.objectContaining({ field }),
      }),
    );
    expect(call).toThrow(expect.objectContaining({ message: expect.stringContaining(field) }));
  });

  it('gives a help that says what to pass', () => {
    expect(() => autoTune({ expectedVectors: 10, dimensions: -1 })).toThrow(
      expect.objectContaining({
        help: 'Pass the length of your embedding vectors, e.g. { dimensions: 384 }.',
      }),
    );
  });

  it.each([null, undefined, 42, 'big'])('rejects %s as constraints', (input) => {
    expect(() => autoTune(input as never)).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: 'invalid tuning constraints: tuning constraints must be an object',
        help: expect.stringContaining('expectedVectors, dimensions'),
      }),
    );
  });
});
