import { describe, expect, it } from 'vitest';

import { CollectionOperations, overallRatio } from './collection-operations.js';

describe('overallRatio', () => {
  it('counts the rebuild as 95% of a compaction, the vacuum as the rest', () => {
    expect(overallRatio('rebuild', 0, 100)).toBe(0);
    expect(overallRatio('rebuild', 50, 100)).toBeCloseTo(0.475);
    expect(overallRatio('vacuum', 0, 1)).toBe(0.95);
    expect(overallRatio('done', 10, 10)).toBe(1);
    expect(overallRatio('rebuild', 0, 0)).toBe(0);
  });
});

describe('CollectionOperations', () => {
  it('tracks progress with an ETA from the rate so far, and forgets a finished operation', () => {
    const ops = new CollectionOperations();
    ops.start('docs', 'compaction', 1000);
    expect(ops.get('docs')).toMatchObject({ phase: 'starting', ratio: 0, etaSeconds: null });
    // 47.5% after 10 s: 11.05 s to go.
    ops.progress('docs', { phase: 'rebuild', done: 500, total: 1000 }, 11_000);
    expect(ops.get('docs')?.ratio).toBeCloseTo(0.475);
    expect(ops.get('docs')?.etaSeconds).toBeCloseTo((10 / 0.475) * 0.525);
    ops.progress('docs', { phase: 'done', done: 1000, total: 1000 }, 20_000);
    expect(ops.get('docs')).toMatchObject({ ratio: 1, etaSeconds: 0 });
    expect(ops.get('other')).toBeNull();
    ops.progress('other', { phase: 'rebuild', done: 1, total: 2 });
    expect(ops.get('other')).toBeNull();
    ops.finish('docs');
    expect(ops.get('docs')).toBeNull();
    expect([...ops.entries()]).toEqual([]);
  });
});
