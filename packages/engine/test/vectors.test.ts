import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Database } from '../src/index.js';
import type { Collection } from '../src/index.js';

describe('vectors: writes, reads and validation', () => {
  let db: Database;
  let docs: Collection;
  beforeEach(async () => {
    db = await Database.open(':memory:', { ttlSweepIntervalMs: 0 });
    docs = await db.createCollection('docs', { dimensions: 3, distance: 'euclidean' });
  });
  afterEach(async () => {
    await db.close();
  });

  it('inserts and gets a vector with its metadata, original values kept', async () => {
    await docs.insert({ id: 'a', vector: [1, 2, 3], metadata: { lang: 'en', n: 1 } });
    const got = docs.get('a');
    expect(got).toEqual({
      id: 'a',
      vector: Float32Array.from([1, 2, 3]),
      metadata: { lang: 'en', n: 1 },
      expiresAt: null,
    });
    expect(docs.get('missing')).toBeNull();
    expect(docs.size).toBe(1);
  });

  it('keeps the original vector of a cosine collection (normalisation is internal)', async () => {
    const cos = await db.createCollection('cos', { dimensions: 2 });
    await cos.insert({ id: 'a', vector: [3, 4] });
    expect(Array.from(cos.get('a')!.vector)).toEqual([3, 4]);
    await expect(cos.insert({ id: 'z', vector: [0, 0] })).rejects.toMatchObject({
      code: 'ZERO_VECTOR',
    });
  });

  it('refuses a duplicate id on insert with VECTOR_EXISTS', async () => {
    await docs.insert({ id: 'a', vector: [1, 2, 3] });
    await expect(docs.insert({ id: 'a', vector: [3, 2, 1] })).rejects.toMatchObject({
      code: 'VECTOR_EXISTS',
    });
    expect(Array.from(docs.get('a')!.vector)).toEqual([1, 2, 3]);
  });

  it('insertMany reports duplicates one by one and writes the rest', async () => {
    await docs.insert({ id: 'a', vector: [1, 1, 1] });
    const result = await docs.insertMany([
      { id: 'a', vector: [2, 2, 2] },
      { id: 'b', vector: [3, 3, 3] },
      { id: 'b', vector: [4, 4, 4] },
      { id: 'c', vector: [5, 5, 5] },
    ]);
    expect(result.inserted).toBe(2);
    expect(result.errors.map((e) => [e.id, e.code])).toEqual([
      ['a', 'VECTOR_EXISTS'],
      ['b', 'VECTOR_EXISTS'],
    ]);
    expect(Array.from(docs.get('b')!.vector)).toEqual([3, 3, 3]);
    expect(docs.size).toBe(3);
  });

  it('a malformed record rejects the whole batch, naming it', async () => {
    await expect(
      docs.insertMany([
        { id: 'ok', vector: [1, 2, 3] },
        { id: 'short', vector: [1, 2] },
      ]),
    ).rejects.toMatchObject({
      code: 'DIMENSION_MISMATCH',
      details: { id: 'short', position: 1, expected: 3, actual: 2 },
    });
    expect(docs.size).toBe(0);
  });

  it.each([
    ['NaN', { id: 'x', vector: [1, Number.NaN, 3] }, 'INVALID_VECTOR'],
    ['Infinity', { id: 'x', vector: [1, 2, Infinity] }, 'INVALID_VECTOR'],
    ['float32 overflow', { id: 'x', vector: [1e39, 2, 3] }, 'INVALID_VECTOR'],
    ['empty vector', { id: 'x', vector: [] }, 'INVALID_VECTOR'],
    ['string components', { id: 'x', vector: ['1', 2, 3] }, 'INVALID_VECTOR'],
    ['not an array', { id: 'x', vector: 'nope' }, 'INVALID_VECTOR'],
    ['wrong dimensions', { id: 'x', vector: [1, 2, 3, 4] }, 'DIMENSION_MISMATCH'],
    ['empty id', { id: '', vector: [1, 2, 3] }, 'INVALID_VECTOR_ID'],
    ['numeric id', { id: 7, vector: [1, 2, 3] }, 'INVALID_VECTOR_ID'],
    ['overlong id', { id: 'é'.repeat(513), vector: [1, 2, 3] }, 'INVALID_VECTOR_ID'],
    ['control characters in id', { id: 'a\nb', vector: [1, 2, 3] }, 'INVALID_VECTOR_ID'],
    ['array metadata', { id: 'x', vector: [1, 2, 3], metadata: [1] }, 'INVALID_INPUT'],
    [
      'oversized metadata',
      { id: 'x', vector: [1, 2, 3], metadata: { blob: 'x'.repeat(70_000) } },
      'METADATA_TOO_LARGE',
    ],
    ['too deep metadata', { id: 'x', vector: [1, 2, 3], metadata: deep(11) }, 'METADATA_TOO_DEEP'],
    ['negative TTL', { id: 'x', vector: [1, 2, 3], ttlSeconds: -1 }, 'INVALID_INPUT'],
  ])('refuses %s with %s and writes nothing', async (_label, record, code) => {
    await expect(docs.insert(record as never)).rejects.toMatchObject({
      code,
      help: expect.any(String),
    });
    expect(docs.size).toBe(0);
  });

  it('accepts metadata exactly at the depth limit and an id of exactly 1024 bytes', async () => {
    await docs.insert({ id: 'd', vector: [1, 2, 3], metadata: deep(10) });
    await docs.insert({ id: 'é'.repeat(512), vector: [1, 2, 3] });
    expect(docs.size).toBe(2);
  });

  it('refuses empty and oversized batches', async () => {
    await expect(docs.insertMany([])).rejects.toMatchObject({ code: 'EMPTY_BATCH' });
    const small = await Database.open(':memory:', { limits: { maxBatchSize: 2 } });
    const c = await small.createCollection('c', { dimensions: 1 });
    await expect(
      c.insertMany([1, 2, 3].map((i) => ({ id: `${i}`, vector: [i] }))),
    ).rejects.toMatchObject({
      code: 'BATCH_TOO_LARGE',
      details: { size: 3, limit: 2 },
    });
    await small.close();
  });

  it('upsert replaces and says whether the id existed', async () => {
    expect(await docs.upsert({ id: 'a', vector: [1, 1, 1], metadata: { v: 1 } })).toEqual({
      id: 'a',
      updated: false,
    });
    expect(await docs.upsert({ id: 'a', vector: [2, 2, 2], metadata: { v: 2 } })).toEqual({
      id: 'a',
      updated: true,
    });
    expect(docs.get('a')).toMatchObject({
      vector: Float32Array.from([2, 2, 2]),
      metadata: { v: 2 },
    });
    expect(docs.size).toBe(1);
    const { hits } = await docs.search([2, 2, 2], 5);
    expect(hits.map((h) => h.id)).toEqual(['a']);
    expect(docs.stats()).toMatchObject({
      count: 1,
      deletedCount: 1,
      fragmentationRatio: 0.5,
      needsCompaction: true,
    });
  });

  it('deletes: unknown ids are VECTOR_NOT_FOUND, deleted ones vanish from search', async () => {
    await docs.insertMany([
      { id: 'a', vector: [0, 0, 0] },
      { id: 'b', vector: [1, 1, 1] },
      { id: 'c', vector: [2, 2, 2] },
    ]);
    await docs.delete('a');
    await expect(docs.delete('a')).rejects.toMatchObject({ code: 'VECTOR_NOT_FOUND' });
    expect(await docs.deleteMany(['b', 'nope', 'b'])).toBe(1);
    expect(docs.get('a')).toBeNull();
    const { hits } = await docs.search([0, 0, 0], 10);
    expect(hits.map((h) => h.id)).toEqual(['c']);
    await docs.insert({ id: 'a', vector: [0, 0, 0] });
    expect(docs.get('a')).not.toBeNull();
  });

  it('updates metadata by merge patch or replacement', async () => {
    await docs.insert({
      id: 'a',
      vector: [1, 2, 3],
      metadata: { lang: 'en', tags: ['x'], nested: { a: 1, b: 2 } },
    });
    await docs.updateMetadata('a', { lang: null, year: 2024, nested: { b: null, c: 3 } });
    expect(docs.get('a')!.metadata).toEqual({ tags: ['x'], year: 2024, nested: { a: 1, c: 3 } });
    await docs.updateMetadata('a', { only: true }, { replace: true });
    expect(docs.get('a')!.metadata).toEqual({ only: true });
    await expect(docs.updateMetadata('zzz', { a: 1 })).rejects.toMatchObject({
      code: 'VECTOR_NOT_FOUND',
    });
    await expect(docs.updateMetadata('a', { blob: 'x'.repeat(70_000) })).rejects.toMatchObject({
      code: 'METADATA_TOO_LARGE',
    });
    expect(docs.get('a')!.metadata).toEqual({ only: true });
  });

  it('lists ids in insertion order, a page at a time', async () => {
    await docs.insertMany(
      Array.from({ length: 25 }, (_, i) => ({ id: `v${i}`, vector: [i, 0, 0] })),
    );
    await docs.delete('v3');
    const first = docs.list({ limit: 10 });
    expect(first).toEqual({
      ids: ['v0', 'v1', 'v2', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9', 'v10'],
      total: 24,
      offset: 0,
      limit: 10,
    });
    expect(docs.list({ offset: 20, limit: 10 }).ids).toEqual(['v21', 'v22', 'v23', 'v24']);
    expect(() => docs.list({ limit: 1001 })).toThrow(
      expect.objectContaining({ code: 'INVALID_LIMIT' }),
    );
    expect(() => docs.list({ offset: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_LIMIT' }),
    );
  });

  it('hides expired vectors at once and sweeps them away', async () => {
    await docs.insert({ id: 'short', vector: [1, 1, 1], ttlSeconds: 0.05 });
    await docs.insert({ id: 'long', vector: [1, 1, 1.1], ttlSeconds: 3600 });
    expect(docs.get('short')!.expiresAt).toBeGreaterThan(Date.now());
    await new Promise((r) => setTimeout(r, 80));
    expect(docs.get('short')).toBeNull();
    expect(docs.count()).toBe(1);
    expect((await docs.search([1, 1, 1], 5)).hits.map((h) => h.id)).toEqual(['long']);
    expect(await docs.sweepExpired()).toBe(1);
    expect(docs.stats().count).toBe(1);
    // An expired id can be inserted again.
    await docs.insert({ id: 'short', vector: [1, 1, 1] });
    expect(docs.get('short')!.expiresAt).toBeNull();
  });

  it('sees its own writes in order under concurrency', async () => {
    const writes = [
      docs.insert({ id: 'a', vector: [1, 0, 0] }),
      docs.insert({ id: 'a', vector: [2, 0, 0] }),
      docs.upsert({ id: 'a', vector: [3, 0, 0] }),
      docs.delete('a'),
      docs.insert({ id: 'a', vector: [4, 0, 0] }),
    ];
    const settled = await Promise.allSettled(writes);
    expect(settled.map((s) => s.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(Array.from(docs.get('a')!.vector)).toEqual([4, 0, 0]);
    expect(docs.size).toBe(1);
  });
});

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let i = 1; i < levels; i++) value = { child: value };
  return value;
}
