import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Database } from '../database.js';
import type { Collection } from '../collection/collection.js';

/** Brute-force ground truth: ids of the k nearest (euclidean) among `points` passing `keep`. */
function bruteForce(
  points: { id: string; vector: number[]; metadata: { even: boolean } }[],
  query: number[],
  k: number,
  keep: (m: { even: boolean }) => boolean,
): string[] {
  return points
    .filter((p) => keep(p.metadata))
    .map((p) => ({ id: p.id, d: Math.hypot(...p.vector.map((v, i) => v - query[i]!)) }))
    .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map((p) => p.id);
}

describe('collection.exactSearch', () => {
  let db: Database;
  let col: Collection;
  const points = Array.from({ length: 300 }, (_, i) => ({
    id: `p${String(i).padStart(3, '0')}`,
    vector: [Math.sin(i * 1.7) * 10, Math.cos(i * 0.3) * 10, (i % 7) - 3],
    metadata: { even: i % 2 === 0 },
  }));
  beforeAll(async () => {
    db = await Database.open(':memory:');
    col = await db.createCollection('e', { dimensions: 3, distance: 'euclidean' });
    await col.insertMany(points);
  });
  afterAll(async () => {
    await db.close();
  });

  it('answers the true k nearest, filtered, ordered by distance then id', async () => {
    const query = [1, -2, 0.5];
    const all = await col.exactSearch(query, 10);
    expect(all.hits.map((h) => h.id)).toEqual(bruteForce(points, query, 10, () => true));
    expect(all.hasMore).toBe(true);
    const even = await col.exactSearch(query, 7, { filter: { even: true } });
    expect(even.hits.map((h) => h.id)).toEqual(bruteForce(points, query, 7, (m) => m.even));
    expect(even.hits.every((h) => (h.metadata as { even: boolean }).even)).toBe(true);
  });

  it('answers fewer than k when fewer match, and rejects a bad k', async () => {
    const none = await col.exactSearch([0, 0, 0], 5, { filter: { even: 'never' } });
    expect(none).toEqual({ hits: [], hasMore: false, nextCursor: null });
    await expect(col.exactSearch([0, 0, 0], 0)).rejects.toMatchObject({ code: 'INVALID_K' });
    await expect(col.exactSearch([0, 0], 3)).rejects.toMatchObject({
      code: 'DIMENSION_MISMATCH',
    });
  });
});
