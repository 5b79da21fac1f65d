import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Database } from '../src/index.js';
import type { Collection, Filter } from '../src/index.js';
import { bruteForce, clustered, prng, recall } from './helpers/datasets.js';

const DIMS = 24;
const N = 20_000;
const rand = prng(11);
const items = clustered(N, DIMS, 21).map((vector, i) => ({
  id: `v${i}`,
  vector,
  metadata: {
    // bucket: uniform 0..99, so `bucket: 7` is 1%, `bucket < 10` 10%, `< 50` 50%.
    bucket: Math.floor(rand() * 100),
    lang: rand() < 0.3 ? 'de' : 'en',
    price: Math.round(rand() * 1000) / 10,
    tags: rand() < 0.5 ? ['a', 'b'] : ['c'],
  },
}));
const queries = clustered(30, DIMS, 21, 16, 22);
type Meta = (typeof items)[number]['metadata'];

const cases: { name: string; filter: Filter; oracle: (m: Meta) => boolean }[] = [
  { name: '1% (bucket = 7)', filter: { bucket: 7 }, oracle: (m) => m.bucket === 7 },
  {
    name: '~1% combined',
    filter: { $and: [{ bucket: { $lt: 3 } }, { lang: 'de' }] },
    oracle: (m) => m.bucket < 3 && m.lang === 'de',
  },
  { name: '10%', filter: { bucket: { $lt: 10 } }, oracle: (m) => m.bucket < 10 },
  {
    name: '~15% $or/$in',
    filter: { $or: [{ bucket: { $in: [1, 2, 3, 4, 5] } }, { price: { $gte: 90 } }] },
    oracle: (m) => [1, 2, 3, 4, 5].includes(m.bucket) || m.price >= 90,
  },
  {
    name: '50%',
    filter: { bucket: { $lt: 50 }, tags: { $contains: 'a' } },
    oracle: (m) => m.bucket < 50 && m.tags.includes('a'),
  },
  { name: '70% $not', filter: { $not: { lang: 'de' } }, oracle: (m) => m.lang !== 'de' },
];

describe('filtered search against a brute-force oracle', () => {
  let db: Database;
  let col: Collection;
  beforeAll(async () => {
    db = await Database.open(':memory:');
    col = await db.createCollection('f', {
      dimensions: DIMS,
      distance: 'euclidean',
      index: { efSearch: 64 },
    });
    for (let i = 0; i < N; i += 5000) await col.insertMany(items.slice(i, i + 5000));
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(cases)(
    '$name: recall@10 ≥ 0.95, only matching results, never fewer than k',
    async ({ filter, oracle }) => {
      let total = 0;
      for (const q of queries) {
        const truth = bruteForce('euclidean', items, q, 10, (item) =>
          oracle(item.metadata as Meta),
        );
        const { hits } = await col.search(q, 10, { filter });
        expect(hits).toHaveLength(Math.min(10, truth.length));
        for (const hit of hits) expect(oracle(hit.metadata as Meta)).toBe(true);
        total += recall(
          hits.map((h) => h.id),
          truth.map((t) => t.id),
        );
      }
      expect(total / queries.length).toBeGreaterThanOrEqual(0.95);
    },
  );

  it('picks the strategy by selectivity and explains why', async () => {
    const q = queries[0]!;
    const narrow = await col.searchExplain(q, 10, { filter: { bucket: 7 } });
    expect(narrow.explain.plan.strategy).toBe('exact-subset');
    expect(narrow.explain.plan.exactSelectivity).toBeCloseTo(
      items.filter((i) => i.metadata.bucket === 7).length / N,
      6,
    );
    expect(narrow.explain.plan.reason).toMatch(/exact/);
    const broad = await col.searchExplain(q, 10, { filter: { bucket: { $lt: 50 } } });
    expect(broad.explain.plan.strategy).toBe('hnsw-post-filter');
    expect(broad.explain.plan.estimatedSelectivity).toBeGreaterThan(0.4);
    expect(broad.explain.plan.estimatedSelectivity).toBeLessThan(0.6);
    const none = await col.searchExplain(q, 10);
    expect(none.explain.plan.strategy).toBe('hnsw');
  });

  it('uses the graph with the filter applied during traversal when too many match for exact search', async () => {
    const strict = await Database.open(':memory:', {
      exactSearchMaxCandidates: 100,
      exactSearchMaxSelectivity: 0.001,
    });
    const c = await strict.createCollection('g', {
      dimensions: DIMS,
      distance: 'euclidean',
      index: { efSearch: 64 },
    });
    for (let i = 0; i < N; i += 5000) await c.insertMany(items.slice(i, i + 5000));
    let total = 0;
    for (const q of queries) {
      const truth = bruteForce(
        'euclidean',
        items,
        q,
        10,
        (item) => (item.metadata as Meta).bucket < 5,
      );
      const { hits, explain } = await c.searchExplain(q, 10, { filter: { bucket: { $lt: 5 } } });
      expect(explain.plan.strategy).toBe('hnsw-filtered');
      expect(hits).toHaveLength(10);
      total += recall(
        hits.map((h) => h.id),
        truth.map((t) => t.id),
      );
    }
    expect(total / queries.length).toBeGreaterThanOrEqual(0.95);
    await strict.close();
  });

  it('a filter matching fewer than k vectors returns exactly those', async () => {
    const few = items.filter((i) => i.metadata.bucket === 7 && i.metadata.price < 3);
    expect(few.length).toBeGreaterThan(0);
    expect(few.length).toBeLessThan(10);
    const { hits } = await col.search(queries[0]!, 10, {
      filter: { bucket: 7, price: { $lt: 3 } },
    });
    expect(hits.map((h) => h.id).sort()).toEqual(few.map((i) => i.id).sort());
  });

  it('post_filter ranks k × factor candidates, then filters them', async () => {
    const q = queries[3]!;
    const ranked = await col.search(q, 30, { efSearch: 200 });
    const expected = ranked.hits.filter((h) => (h.metadata as Meta).lang === 'de').slice(0, 10);
    const { hits } = await col.search(q, 10, {
      efSearch: 200,
      postFilter: { lang: 'de' },
      postFilterFactor: 3,
    });
    expect(hits.map((h) => h.id)).toEqual(expected.map((h) => h.id));
  });

  it('pages through filtered results with searchAfter', async () => {
    const q = queries[4]!;
    const filter = { bucket: { $lt: 10 } };
    const truth = bruteForce(
      'euclidean',
      items,
      q,
      20,
      (item) => (item.metadata as Meta).bucket < 10,
    );
    const page1 = await col.search(q, 10, { filter, efSearch: 128 });
    const page2 = await col.search(q, 10, { filter, efSearch: 128, searchAfter: page1.nextCursor });
    const ids = [...page1.hits, ...page2.hits].map((h) => h.id);
    expect(new Set(ids).size).toBe(20);
    expect(
      recall(
        ids,
        truth.map((t) => t.id),
      ),
    ).toBeGreaterThanOrEqual(0.95);
  });

  it('reports a malformed filter with its path', async () => {
    await expect(
      col.search(queries[0]!, 10, {
        filter: { $and: [{ bucket: 1 }, { price: { $gt: 'cheap' } }] },
      }),
    ).rejects.toMatchObject({
      code: 'INVALID_FILTER',
      message: expect.stringContaining('$and[1].price.$gt'),
    });
  });
});

describe('filter cache', () => {
  it('reuses the matching set of a repeated filter until the next write', async () => {
    const db = await Database.open(':memory:');
    const c = await db.createCollection('fc', { dimensions: DIMS, distance: 'euclidean' });
    await c.insertMany(items.slice(0, 10_000));
    const q = queries[0]!;
    const first = await c.searchExplain(q, 5, { filter: { bucket: 7 } });
    const second = await c.searchExplain(q, 5, { filter: { bucket: 7 } });
    expect(first.explain.plan.filterCacheHit).toBe(false);
    expect(second.explain.plan.filterCacheHit).toBe(true);
    expect(second.hits.map((h) => h.id)).toEqual(first.hits.map((h) => h.id));
    expect(c.stats().filterCache).toEqual({ hits: 1, misses: 1 });
    // A write invalidates it: the new vector, identical to the query, must come first.
    await c.insert({ id: 'fresh', vector: q, metadata: { bucket: 7 } });
    const third = await c.searchExplain(q, 5, { filter: { bucket: 7 } });
    expect(third.explain.plan.filterCacheHit).toBe(false);
    expect(third.hits[0]!.id).toBe('fresh');
    await db.close();
  });
});
