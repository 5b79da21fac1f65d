import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startServer, vectorOf } from './helpers/start-server.js';
import type { TestServer } from './helpers/start-server.js';

const N = 200;
let s: TestServer;
beforeAll(async () => {
  s = await startServer();
  await s.call('POST', '/v1/collections', { name: 'docs', dimensions: 8, distance: 'euclidean' });
  for (let from = 0; from < N; from += 100) {
    const vectors = Array.from({ length: 100 }, (_, j) => {
      const i = from + j;
      return {
        id: `d${i}`,
        vector: vectorOf(i),
        metadata: { i, even: i % 2 === 0, group: `g${i % 5}` },
      };
    });
    await s.call('POST', '/v1/collections/docs/vectors/batch', { vectors });
  }
});
afterAll(async () => {
  await s.close();
});

function euclid(a: number[], b: number[]): number {
  return Math.sqrt(a.reduce((sum, v, i) => sum + (v - b[i]!) ** 2, 0));
}
/** The exact answer: ids of the k nearest among those `keep` accepts, by distance then id. */
function exact(query: number[], k: number, keep: (i: number) => boolean = () => true): string[] {
  return Array.from({ length: N }, (_, i) => i)
    .filter(keep)
    .map((i) => ({ id: `d${i}`, d: euclid(query, vectorOf(i)) }))
    .sort((a, b) => a.d - b.d || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map((r) => r.id);
}
const ids = (results: { id: string }[]) => results.map((r) => r.id);

describe('search over HTTP', () => {
  it('answers the k nearest with distance, score and metadata, ascending', async () => {
    const q = vectorOf(17);
    const res = await s.call('POST', '/v1/collections/docs/search', { vector: q, k: 5 });
    expect(res.status).toBe(200);
    expect(ids(res.body.results)).toEqual(exact(q, 5));
    const [first] = res.body.results;
    expect(first).toMatchObject({ id: 'd17', metadata: { i: 17, even: false, group: 'g2' } });
    expect(first.distance).toBeCloseTo(0, 4);
    expect(first.score).toBeCloseTo(1 / (1 + first.distance), 6);
    expect(first.vector).toBeUndefined();
    expect(res.body.has_more).toBe(true);
  });

  it('filters before ranking, post-filters after, and includes vectors on request', async () => {
    const q = vectorOf(40);
    const filtered = await s.call('POST', '/collections/docs/search', {
      vector: q,
      k: 7,
      filter: { even: true, i: { $gte: 100 } },
      include_vectors: true,
    });
    expect(ids(filtered.body.results)).toEqual(exact(q, 7, (i) => i % 2 === 0 && i >= 100));
    expect(filtered.body.results[0].vector).toHaveLength(8);

    const post = await s.call('POST', '/v1/collections/docs/search', {
      vector: q,
      k: 3,
      post_filter: { group: 'g0' },
      post_filter_factor: 50,
    });
    expect(post.body.results.length).toBeGreaterThan(0);
    for (const r of post.body.results) expect(r.metadata.group).toBe('g0');
  });

  it('pages with search_after: page 2 is the next k after the cursor, in order', async () => {
    const q = vectorOf(3);
    const want = exact(q, 12);
    const one = await s.call('POST', '/v1/collections/docs/search', { vector: q, k: 6 });
    expect(one.body.next_cursor).toEqual({ id: want[5], distance: expect.any(Number) });
    const two = await s.call('POST', '/v1/collections/docs/search', {
      vector: q,
      k: 6,
      search_after: one.body.next_cursor,
    });
    expect([...ids(one.body.results), ...ids(two.body.results)]).toEqual(want);
    expect(
      (await s.call('POST', '/v1/collections/docs/search', { vector: q, search_after: { id: 5 } }))
        .body.code,
    ).toBe('INVALID_CURSOR');
  });

  it('explains a query, and serves a repeat from the cache until the collection changes', async () => {
    const body = { vector: vectorOf(77), k: 4, explain: true, filter: { group: 'g3' } };
    const lookups = s.metrics.cache.length;
    const first = await s.call('POST', '/v1/collections/docs/search', body);
    const e = first.body.explanation;
    expect(e).toMatchObject({
      distance_metric: 'euclidean',
      cache_hit: false,
      profiling: {
        dimensions: 8,
        collection_size: N,
        requested_k: 4,
        filter_applied: true,
        hnsw_stats: { layers_traversed: null },
      },
      plan: { strategy: expect.any(String), reason: expect.any(String) },
    });
    expect(e.query_norm).toBeCloseTo(Math.hypot(...vectorOf(77)), 4);
    expect(e.top_dimensions.length).toBeGreaterThan(0);
    expect(e.profiling.total_time_us).toBeGreaterThan(0);

    const second = await s.call('POST', '/v1/collections/docs/search', body);
    expect(second.body.explanation.cache_hit).toBe(true);
    expect(second.body.results).toEqual(first.body.results);
    expect(s.metrics.cache.slice(lookups)).toEqual([
      { collection: 'docs', hit: false },
      { collection: 'docs', hit: true },
    ]);

    // Any write to the collection invalidates: the new vector shows up at once.
    await s.call('POST', '/v1/collections/docs/vectors', {
      id: 'new77',
      vector: vectorOf(77),
      metadata: { group: 'g3' },
    });
    const third = await s.call('POST', '/v1/collections/docs/search', body);
    expect(third.body.explanation.cache_hit).toBe(false);
    expect(ids(third.body.results)).toContain('new77');
    await s.call('DELETE', '/v1/collections/docs/vectors/new77');
    const fourth = await s.call('POST', '/v1/collections/docs/search', body);
    expect(ids(fourth.body.results)).not.toContain('new77');
    expect(s.metrics.cache.slice(lookups).map((c) => c.hit)).toEqual([false, true, false, false]);
  });

  it('never serves from the cache an answer computed while a bulk insert was being indexed', async () => {
    await s.call('POST', '/v1/collections', {
      name: 'bulk',
      dimensions: 32,
      distance: 'euclidean',
    });
    const row = (i: number) => Array.from({ length: 32 }, (_, d) => Math.sin(i * 0.37 + d * 1.3));
    const vectors = Array.from({ length: 9000 }, (_, i) => ({ id: `b${i}`, vector: row(i) }));
    // Indexed last: searches while the batch is being indexed do not find it yet.
    const body = { vector: row(8999), k: 3 };
    const insert = s.call('POST', '/v1/collections/bulk/vectors/batch', { vectors });
    let inserted = false;
    void insert.finally(() => {
      inserted = true;
    });
    let during = 0;
    while (!inserted) {
      const answer = await s.call('POST', '/v1/collections/bulk/search', body);
      expect(answer.status).toBe(200);
      during += 1;
    }
    expect((await insert).status).toBe(200);
    expect(during).toBeGreaterThan(0);
    const after = await s.call('POST', '/v1/collections/bulk/search', body);
    expect(after.body.results[0]).toMatchObject({ id: 'b8999', distance: 0 });
  });

  it('answers batch, radius, query, count and recommend', async () => {
    const queries = [vectorOf(1), vectorOf(2), vectorOf(3)];
    const batch = await s.call('POST', '/v1/collections/docs/search/batch', {
      vectors: queries,
      k: 3,
    });
    expect(batch.body.results.map(ids)).toEqual(queries.map((q) => exact(q, 3)));
    const filteredBatch = await s.call('POST', '/v1/collections/docs/search/batch', {
      vectors: queries,
      k: 2,
      filter: { even: true },
    });
    expect(filteredBatch.body.results.map(ids)).toEqual(
      queries.map((q) => exact(q, 2, (i) => i % 2 === 0)),
    );

    const q = vectorOf(50);
    const nearest = exact(q, 6);
    const radiusDist = euclid(q, vectorOf(Number(nearest[4]!.slice(1))));
    const radius = await s.call('POST', '/v1/collections/docs/search/radius', {
      vector: q,
      max_distance: radiusDist + 1e-4,
    });
    expect(radius.body).toMatchObject({ count: 5, max_distance: radiusDist + 1e-4 });
    expect(ids(radius.body.results)).toEqual(nearest.slice(0, 5));

    const query = await s.call('POST', '/v1/collections/docs/query', {
      filter: { group: 'g1' },
      limit: 3,
      offset: 2,
    });
    expect(query.body).toEqual({
      data: [
        { id: 'd11', metadata: { i: 11, even: false, group: 'g1' } },
        { id: 'd16', metadata: { i: 16, even: true, group: 'g1' } },
        { id: 'd21', metadata: { i: 21, even: false, group: 'g1' } },
      ],
      pagination: { count: 3, offset: 2, total: 40, has_more: true },
    });

    expect((await s.call('POST', '/v1/collections/docs/count', {})).body).toEqual({ count: N });
    expect((await s.call('POST', '/v1/collections/docs/count')).body).toEqual({ count: N });
    expect(
      (await s.call('POST', '/v1/collections/docs/count', { filter: { i: { $lt: 10 } } })).body,
    ).toEqual({ count: 10 });

    const rec = await s.call('POST', '/v1/collections/docs/recommend', {
      positive_ids: ['d10'],
      limit: 3,
    });
    expect(ids(rec.body.results)).toEqual(
      exact(vectorOf(10), 4)
        .filter((id) => id !== 'd10')
        .slice(0, 3),
    );
    expect(
      (await s.call('POST', '/v1/collections/docs/recommend', { positive_ids: ['nope'] })).body
        .code,
    ).toBe('VECTOR_NOT_FOUND');
    expect(s.metrics.searches.map((m) => m.operation)).toEqual(
      expect.arrayContaining([
        'search',
        'batch_search',
        'radius_search',
        'query',
        'count',
        'recommend',
      ]),
    );
  });

  it('an empty collection answers no results', async () => {
    await s.call('POST', '/v1/collections', { name: 'empty', dimensions: 8 });
    expect(
      (await s.call('POST', '/v1/collections/empty/search', { vector: vectorOf(1) })).body,
    ).toEqual({
      results: [],
      has_more: false,
    });
  });

  it('refuses bad searches with their codes', async () => {
    const v = vectorOf(1);
    const cases: [string, unknown, number, string][] = [
      ['search', { vector: v, k: 0 }, 400, 'INVALID_K'],
      ['search', { vector: v, k: 10_001 }, 400, 'INVALID_K'],
      ['search', { vector: v, k: 'ten' }, 400, 'INVALID_K'],
      ['search', { vector: [1, 2] }, 400, 'DIMENSION_MISMATCH'],
      ['search', { vector: [1, 2, 3, 4, 5, 6, 7, 'x'] }, 400, 'INVALID_VECTOR'],
      ['search', { k: 3 }, 400, 'INVALID_INPUT'],
      ['search', { vector: v, filter: { i: { $bogus: 1 } } }, 400, 'INVALID_FILTER'],
      ['search', { vector: v, filter: 'i > 3' }, 400, 'INVALID_FILTER'],
      ['search', { vector: v, post_filter: { $or: 3 } }, 400, 'INVALID_POST_FILTER'],
      [
        'search',
        { vector: v, post_filter: {}, post_filter_factor: 0.5 },
        400,
        'INVALID_POST_FILTER_FACTOR',
      ],
      ['search', { vector: v, distance: 'cosine' }, 400, 'INVALID_DISTANCE'],
      ['search', { vector: v, distance: 'hamming' }, 400, 'INVALID_DISTANCE'],
      ['search/radius', { vector: v, max_distance: 'far' }, 400, 'INVALID_MAX_DISTANCE'],
      ['search/radius', { vector: v, max_distance: 1, limit: 0 }, 400, 'INVALID_LIMIT'],
      ['query', { limit: 3 }, 400, 'MISSING_FILTER'],
      ['query', { filter: { a: 1 }, limit: 10_001 }, 400, 'INVALID_LIMIT'],
      ['count', { filter: { $and: 'x' } }, 400, 'INVALID_FILTER'],
      ['search/batch', { vectors: [] }, 400, 'EMPTY_BATCH'],
      ['search/batch', { vectors: [v, [1]] }, 400, 'DIMENSION_MISMATCH'],
    ];
    for (const [path, body, status, code] of cases) {
      const res = await s.call('POST', `/v1/collections/docs/${path}`, body);
      expect([res.status, res.body.code], `${path} ${JSON.stringify(body).slice(0, 60)}`).toEqual([
        status,
        code,
      ]);
    }
    expect(
      (await s.call('POST', '/v1/collections/docs/search', { vector: v, distance: 'l2' })).status,
    ).toBe(200);
    expect((await s.call('POST', '/v1/collections/ghost/search', { vector: v })).body.code).toBe(
      'COLLECTION_NOT_FOUND',
    );
  });
});

describe('the query timeout', () => {
  let slow: TestServer;
  beforeAll(async () => {
    slow = await startServer({ limits: { queryTimeoutMs: 1 } });
    const docs = await slow.db.createCollection('big', { dimensions: 32, distance: 'euclidean' });
    const records = Array.from({ length: 30_000 }, (_, i) => ({
      id: `r${i}`,
      vector: vectorOf(i, 32),
      metadata: { text: `record number ${i} of the big collection`, i },
    }));
    for (let i = 0; i < records.length; i += 10_000)
      await docs.insertMany(records.slice(i, i + 10_000));
  });
  afterAll(async () => {
    await slow.close();
  });

  it('answers 504 QUERY_TIMEOUT with the limit facts when a query runs past it', async () => {
    // A regex over 30 000 metadata objects and 200 filtered searches take far longer than 1 ms.
    const count = await slow.call('POST', '/v1/collections/big/count', {
      filter: { text: { $regex: 'number [0-9]+7 of' } },
    });
    expect(count).toMatchObject({
      status: 504,
      body: {
        code: 'QUERY_TIMEOUT',
        limit: 'query_timeout',
        scope: 'request',
        threshold: 1,
        retry_after: null,
      },
    });
    expect(count.body.current).toBeGreaterThan(1);
    const batch = await slow.call('POST', '/v1/collections/big/search/batch', {
      vectors: Array.from({ length: 200 }, (_, i) => vectorOf(i, 32)),
      k: 50,
      filter: { i: { $gte: 1000 } },
    });
    expect([batch.status, batch.body.code]).toEqual([504, 'QUERY_TIMEOUT']);
    expect(slow.metrics.limits.filter((l) => l === 'query_timeout')).toHaveLength(2);
    // Writes are not queries: they are not cut off.
    expect(
      (await slow.call('POST', '/v1/collections/big/vectors', { id: 'w', vector: vectorOf(1, 32) }))
        .status,
    ).toBe(201);
  });
});

describe('with the query cache off', () => {
  it('searches every time and reports no lookups', async () => {
    const off = await startServer({ limits: { queryCacheEntries: 0 } });
    try {
      await off.call('POST', '/v1/collections', { name: 'c', dimensions: 8 });
      await off.call('POST', '/v1/collections/c/vectors', { id: 'a', vector: vectorOf(1) });
      const body = { vector: vectorOf(1), k: 1, explain: true };
      const first = await off.call('POST', '/v1/collections/c/search', body);
      const second = await off.call('POST', '/v1/collections/c/search', body);
      expect([first.body.explanation.cache_hit, second.body.explanation.cache_hit]).toEqual([
        false,
        false,
      ]);
      expect(off.metrics.cache).toEqual([]);
      expect(off.metrics.searches).toHaveLength(2);
    } finally {
      await off.close();
    }
  });
});
