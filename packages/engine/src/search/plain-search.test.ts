import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Database } from '../database.js';
import type { Collection } from '../collection/collection.js';
import type { SearchHit } from './run-search.js';

/**
 * The unfiltered search path fetches k + 1 matches only when the breadth `ef` has room for
 * the extra one; with `ef ≤ k` it fetches k and knows from the collection's size whether
 * more follow. Either way the pages must chain into the same ranking.
 */
describe('plain search: hasMore and cursors with any breadth', () => {
  const COUNT = 60;
  let db: Database;
  let col: Collection;
  beforeAll(async () => {
    db = await Database.open(':memory:');
    col = await db.createCollection('p', { dimensions: 2, distance: 'euclidean' });
    // Points on a line: distances from the origin are distinct and known.
    await col.insertMany(
      Array.from({ length: COUNT }, (_, i) => ({ id: `p${i}`, vector: [i + 1, 0] })),
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it.each([
    ['ef < k', 4],
    ['ef = k', 10],
    ['ef = k + 1', 11],
    ['ef > k', 64],
  ])('%s: a full page says more follow and pages chain through everything', async (_l, ef) => {
    const seen: SearchHit[] = [];
    let cursor = null;
    for (let page = 0; page < COUNT / 10; page++) {
      const result = await col.search([0, 0], 10, { efSearch: ef, searchAfter: cursor });
      expect(result.hits).toHaveLength(10);
      seen.push(...result.hits);
      const last = page === COUNT / 10 - 1;
      expect(result.hasMore).toBe(!last);
      expect(result.nextCursor).toEqual(
        last ? null : { distance: result.hits[9]!.distance, id: result.hits[9]!.id },
      );
      cursor = result.nextCursor;
    }
    expect(seen.map((h) => h.id)).toEqual(Array.from({ length: COUNT }, (_, i) => `p${i}`));
  });

  it.each([4, 10, 64])(
    'efSearch %i: k = size answers everything, with nothing more',
    async (ef) => {
      const result = await col.search([0, 0], COUNT, { efSearch: ef });
      expect(result.hits).toHaveLength(COUNT);
      expect(result.hasMore).toBe(false);
      expect(result.nextCursor).toBeNull();
    },
  );

  it('k + 1 = size: one more follows, whatever the breadth', async () => {
    for (const ef of [4, COUNT - 1, COUNT, 200]) {
      const result = await col.search([0, 0], COUNT - 1, { efSearch: ef });
      expect(result.hits).toHaveLength(COUNT - 1);
      expect(result.hasMore).toBe(true);
    }
  });

  it('with ef > k, a tie straddling the k-th place comes out by id', async () => {
    const ties = await Database.open(':memory:');
    const c = await ties.createCollection('t', { dimensions: 2, distance: 'euclidean' });
    // 'b' and 'a' lie at the same distance (2) from the origin, 'b' inserted first.
    await c.insertMany([
      { id: 'near', vector: [0, 0] },
      { id: 'one', vector: [1, 0] },
      { id: 'b', vector: [0, 2] },
      { id: 'a', vector: [2, 0] },
      ...Array.from({ length: 20 }, (_, i) => ({ id: `far${i}`, vector: [5 + i, 5] })),
    ]);
    const page1 = await c.search([0, 0], 3, { efSearch: 64 });
    expect(page1.hits.map((h) => h.id)).toEqual(['near', 'one', 'a']);
    const page2 = await c.search([0, 0], 3, { efSearch: 64, searchAfter: page1.nextCursor });
    expect(page2.hits.map((h) => h.id)).toEqual(['b', 'far0', 'far1']);
    await ties.close();
  });
});
