import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Database } from '../src/index.js';
import type { Collection, Distance } from '../src/index.js';
import { bruteForce, clustered, prng, recall } from './helpers/datasets.js';

const DIMS = 16;
const vectors = clustered(3000, DIMS, 7);
const items = vectors.map((vector, i) => ({ id: `v${i}`, vector, metadata: { i, group: i % 10 } }));
const queries = clustered(40, DIMS, 7, 16, 8);

describe.each<Distance>(['cosine', 'euclidean', 'dot'])('search (%s)', (distance) => {
  let db: Database;
  let col: Collection;
  beforeAll(async () => {
    db = await Database.open(':memory:');
    col = await db.createCollection('c', { dimensions: DIMS, distance, index: { efSearch: 64 } });
    await col.insertMany(items);
  });
  afterAll(async () => {
    await db.close();
  });

  it('finds the true nearest neighbours (recall@10 ≥ 0.95) with contract distances and scores', async () => {
    let total = 0;
    for (const q of queries) {
      const truth = bruteForce(distance, items, q, 10);
      const { hits } = await col.search(q, 10);
      expect(hits).toHaveLength(10);
      total += recall(
        hits.map((h) => h.id),
        truth.map((t) => t.id),
      );
      for (const hit of hits) {
        const item = items[Number(hit.id.slice(1))]!;
        const exact = bruteForce(distance, [item], q, 1)[0]!.distance;
        expect(hit.distance).toBeCloseTo(exact, 3);
        expect(hit.score).toBeCloseTo(1 / (1 + hit.distance), 10);
        expect(hit.metadata).toEqual(item.metadata);
      }
      for (let i = 1; i < hits.length; i++)
        expect(hits[i]!.distance).toBeGreaterThanOrEqual(hits[i - 1]!.distance);
    }
    expect(total / queries.length).toBeGreaterThanOrEqual(0.95);
  });

  it('batchSearch answers in input order, equal to one search each', async () => {
    const batch = await col.batchSearch(queries.slice(0, 8), 5);
    for (let i = 0; i < 8; i++) {
      const single = await col.search(queries[i]!, 5);
      expect(batch[i]!.hits.map((h) => h.id)).toEqual(single.hits.map((h) => h.id));
    }
  });

  it('coalesces concurrent searches into native batch calls with the same answers', async () => {
    const before = col.stats().searchBatches;
    const concurrent = await Promise.all(queries.map((q) => col.search(q, 10)));
    const after = col.stats().searchBatches;
    expect(after.calls).toBeGreaterThan(before.calls);
    expect(after.queries - before.queries).toBe(queries.length);
    for (let i = 0; i < queries.length; i++) {
      const single = await col.search(queries[i]!, 10);
      expect(
        recall(
          concurrent[i]!.hits.map((h) => h.id),
          single.hits.map((h) => h.id),
        ),
      ).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('answers each query as it was when searched, though the caller reuses its array', async () => {
    // 1 200 queued copies of 64 bytes span two of the 64 KiB slabs query copies are cut from.
    const shared = new Float32Array(DIMS);
    const pending: Promise<{ hits: { id: string }[] }>[] = [];
    for (let i = 0; i < 1200; i++) {
      shared.set(queries[i % queries.length]!);
      pending.push(col.search(shared, 10));
    }
    shared.fill(0);
    const answers = await Promise.all(pending);
    const expected = await Promise.all(queries.map((q) => col.search(q, 10)));
    answers.forEach((answer, i) => {
      expect(answer.hits.map((h) => h.id)).toEqual(
        expected[i % queries.length]!.hits.map((h) => h.id),
      );
    });
  });

  it('pages with searchAfter: page 2 continues page 1 in the same order', async () => {
    const q = queries[0]!;
    const all = await col.search(q, 30, { efSearch: 200 });
    const page1 = await col.search(q, 10, { efSearch: 200 });
    expect(page1.hasMore).toBe(true);
    const page2 = await col.search(q, 10, { efSearch: 200, searchAfter: page1.nextCursor });
    const page3 = await col.search(q, 10, { efSearch: 200, searchAfter: page2.nextCursor });
    expect([...page1.hits, ...page2.hits, ...page3.hits].map((h) => h.id)).toEqual(
      all.hits.map((h) => h.id),
    );
  });

  it('radiusSearch returns exactly the vectors within the radius', async () => {
    const q = queries[1]!;
    const tenth = bruteForce(distance, items, q, 25)[24]!.distance;
    const expected = bruteForce(distance, items, q, 100).filter((t) => t.distance <= tenth);
    const { hits } = await col.radiusSearch(q, tenth, { efSearch: 300 });
    expect(
      recall(
        hits.map((h) => h.id),
        expected.map((e) => e.id),
      ),
    ).toBeGreaterThanOrEqual(0.95);
    for (const hit of hits) expect(hit.distance).toBeLessThanOrEqual(tenth);
    const limited = await col.radiusSearch(q, tenth, { limit: 5 });
    expect(limited.hits).toHaveLength(5);
  });

  it('includes stored vectors on request', async () => {
    const { hits } = await col.search(queries[2]!, 3, { includeVectors: true });
    for (const hit of hits)
      expect(Array.from(hit.vector!)).toEqual(Array.from(items[Number(hit.id.slice(1))]!.vector));
    const without = await col.search(queries[2]!, 3);
    expect(without.hits[0]!.vector).toBeUndefined();
  });
});

describe('search: edges and validation', () => {
  it('an empty collection answers with no results', async () => {
    const db = await Database.open(':memory:');
    const c = await db.createCollection('e', { dimensions: 2 });
    expect(await c.search([1, 0], 10)).toEqual({ hits: [], hasMore: false, nextCursor: null });
    expect(await c.search([1, 0], 10, { filter: { a: 1 } })).toEqual({
      hits: [],
      hasMore: false,
      nextCursor: null,
    });
    await db.close();
  });

  it('orders ties by id', async () => {
    const db = await Database.open(':memory:');
    const c = await db.createCollection('t', { dimensions: 2, distance: 'euclidean' });
    await c.insertMany(['d', 'b', 'a', 'c'].map((id) => ({ id, vector: [1, 1] })));
    await c.insert({ id: 'near', vector: [0, 0] });
    const { hits } = await c.search([0, 0], 5);
    expect(hits.map((h) => h.id)).toEqual(['near', 'a', 'b', 'c', 'd']);
    await db.close();
  });

  it('returns fewer than k only when the collection holds fewer', async () => {
    const db = await Database.open(':memory:');
    const c = await db.createCollection('s', { dimensions: 2 });
    await c.insertMany([1, 2, 3].map((i) => ({ id: `${i}`, vector: [i, 1] })));
    const r = await c.search([1, 1], 10);
    expect(r.hits).toHaveLength(3);
    expect(r.hasMore).toBe(false);
    await db.close();
  });

  it.each([
    ['k = 0', [1, 0], 0, {}, 'INVALID_K'],
    ['k too large', [1, 0], 10_001, {}, 'INVALID_K'],
    ['fractional k', [1, 0], 2.5, {}, 'INVALID_K'],
    ['wrong dimensions', [1, 0, 0], 5, {}, 'DIMENSION_MISMATCH'],
    ['NaN query', [Number.NaN, 0], 5, {}, 'INVALID_VECTOR'],
    ['bad efSearch', [1, 0], 5, { efSearch: 0 }, 'INVALID_INPUT'],
    ['bad cursor', [1, 0], 5, { searchAfter: { distance: 'x', id: 'a' } }, 'INVALID_CURSOR'],
    ['bad filter', [1, 0], 5, { filter: { a: { $gt: 'x' } } }, 'INVALID_FILTER'],
    ['bad post filter', [1, 0], 5, { postFilter: { $nope: 1 } }, 'INVALID_POST_FILTER'],
    [
      'bad post filter factor',
      [1, 0],
      5,
      { postFilter: {}, postFilterFactor: 0.5 },
      'INVALID_POST_FILTER_FACTOR',
    ],
  ])('refuses %s with %s', async (_label, vector, k, options, code) => {
    const db = await Database.open(':memory:');
    const c = await db.createCollection('v', { dimensions: 2 });
    await c.insert({ id: 'a', vector: [1, 1] });
    await expect(c.search(vector, k, options as never)).rejects.toMatchObject({ code });
    await db.close();
  });

  it('refuses a radius that is not a finite number', async () => {
    const db = await Database.open(':memory:');
    const c = await db.createCollection('r', { dimensions: 2 });
    await expect(c.radiusSearch([1, 0], Number.NaN)).rejects.toMatchObject({
      code: 'INVALID_MAX_DISTANCE',
    });
    await db.close();
  });

  it('query and count agree with a scan of the metadata', async () => {
    const db = await Database.open(':memory:');
    const c = await db.createCollection('q', { dimensions: 2 });
    const rand = prng(3);
    const rows = Array.from({ length: 500 }, (_, i) => ({
      id: `r${i}`,
      vector: [rand() + 0.1, rand()],
      metadata: { n: i % 7, tag: i % 2 ? 'odd' : 'even' },
    }));
    await c.insertMany(rows);
    const expected = rows.filter((r) => r.metadata.n === 3 && r.metadata.tag === 'odd');
    expect(c.count({ n: 3, tag: 'odd' })).toBe(expected.length);
    expect(c.count()).toBe(500);
    const page = c.query({ n: 3, tag: 'odd' }, { limit: 10, offset: 5 });
    expect(page.total).toBe(expected.length);
    expect(page.records.map((r) => r.id)).toEqual(expected.slice(5, 15).map((r) => r.id));
    expect(page.hasMore).toBe(expected.length > 15);
    expect(() => c.query({ n: { $bogus: 1 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_FILTER' }),
    );
    expect(() => c.query({}, { limit: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_LIMIT' }),
    );
    await db.close();
  });
});

describe('search during a bulk insert', () => {
  it('never returns a hit without a record while a delete waits behind the index work', async () => {
    const db = await Database.open(':memory:');
    const col = await db.createCollection('c', { dimensions: 32, distance: 'euclidean' });
    const rows = clustered(10_000, 32, 5);
    await col.insertMany(rows.slice(0, 1000).map((vector, i) => ({ id: `a-${i}`, vector })));
    // The bulk insert's index work runs in slices; the delete's index removal queues behind
    // it while the record is already gone from the collection.
    const bulk = col.insertMany(rows.slice(1000).map((vector, i) => ({ id: `b-${i}`, vector })));
    const deletion = col.delete('a-7');
    let settled = false;
    void Promise.allSettled([bulk, deletion]).then(() => {
      settled = true;
    });
    const ids: (string | undefined)[] = [];
    let searches = 0;
    while (!settled) {
      const { hits } = await col.search(rows[7]!, 5);
      searches += 1;
      expect(hits).toHaveLength(5);
      ids.push(...hits.map((h) => h.id));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all([bulk, deletion]);
    expect(searches).toBeGreaterThan(1);
    expect(ids).not.toContain(undefined);
    expect((await col.search(rows[7]!, 5)).hits.map((h) => h.id)).not.toContain('a-7');
    await db.close();
  });
});
