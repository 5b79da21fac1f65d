import { describe, expect, it } from 'vitest';

import { savedCollectionCacheName, type SavedCollectionSpec } from './saved-collection-cache.js';

const spec: SavedCollectionSpec = {
  count: 1_000_000,
  dimensions: 128,
  distance: 'euclidean',
  m: 16,
  efConstruction: 128,
  seed: 7,
};

describe('savedCollectionCacheName', () => {
  it('names every parameter', () => {
    expect(savedCollectionCacheName(spec)).toBe(
      'durable-v1-1000000x128-euclidean-m16-efc128-seed7',
    );
  });

  it('gives each parameter change its own name', () => {
    const variants: SavedCollectionSpec[] = [
      { ...spec, count: 100_000 },
      { ...spec, dimensions: 64 },
      { ...spec, distance: 'cosine' },
      { ...spec, m: 32 },
      { ...spec, efConstruction: 200 },
      { ...spec, seed: 8 },
    ];
    const names = new Set([spec, ...variants].map(savedCollectionCacheName));
    expect(names.size).toBe(variants.length + 1);
  });

  it('refuses a value that would make an ambiguous name', () => {
    expect(() => savedCollectionCacheName({ ...spec, count: 1.5 })).toThrow(/count must be/);
    expect(() => savedCollectionCacheName({ ...spec, m: -1 })).toThrow(/m must be/);
  });
});
