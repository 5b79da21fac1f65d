import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startServer, vectorOf } from './helpers/start-server.js';
import type { TestServer } from './helpers/start-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ limits: { maxBatchSize: 5 } });
  await s.call('POST', '/v1/collections', { name: 'docs', dimensions: 8, distance: 'euclidean' });
});
afterAll(async () => {
  await s.close();
});

describe('vectors over HTTP', () => {
  it('inserts, gets, upserts, updates metadata, lists and deletes', async () => {
    expect(
      await s.call('POST', '/v1/collections/docs/vectors', {
        id: 'a',
        vector: vectorOf(1),
        metadata: { lang: 'en', tags: { x: 1, y: 2 } },
      }),
    ).toMatchObject({ status: 201, body: { inserted: 'a' } });
    const got = await s.call('GET', '/v1/collections/docs/vectors/a');
    expect(got.status).toBe(200);
    expect(got.body.id).toBe('a');
    expect(got.body.metadata).toEqual({ lang: 'en', tags: { x: 1, y: 2 } });
    got.body.vector.forEach((v: number, i: number) => expect(v).toBeCloseTo(vectorOf(1)[i]!, 5));

    expect(
      await s.call('POST', '/v1/collections/docs/vectors', { id: 'a', vector: vectorOf(2) }),
    ).toMatchObject({ status: 409, body: { code: 'VECTOR_EXISTS' } });

    expect(
      (await s.call('POST', '/collections/docs/vectors/upsert', { id: 'b', vector: vectorOf(3) }))
        .body,
    ).toEqual({ id: 'b', updated: false });
    expect((await s.call('GET', '/collections/docs/vectors/b')).body.metadata).toBeNull();
    expect(
      (
        await s.call('POST', '/v1/collections/docs/vectors/upsert', {
          id: 'b',
          vector: vectorOf(4),
          metadata: { v: 2 },
        })
      ).body,
    ).toEqual({ id: 'b', updated: true });
    expect((await s.call('GET', '/v1/collections/docs/vectors/b')).body.metadata).toEqual({ v: 2 });

    // Merge patch: a null removes the key, nested objects merge.
    expect(
      await s.call('POST', '/v1/collections/docs/vectors/a/metadata', {
        metadata: { lang: null, tags: { y: 3 }, year: 2024 },
      }),
    ).toMatchObject({ status: 200, body: { updated: 'a' } });
    expect((await s.call('GET', '/v1/collections/docs/vectors/a')).body.metadata).toEqual({
      tags: { x: 1, y: 3 },
      year: 2024,
    });
    await s.call('POST', '/v1/collections/docs/vectors/a/metadata', {
      metadata: { only: true },
      replace: true,
    });
    expect((await s.call('GET', '/v1/collections/docs/vectors/a')).body.metadata).toEqual({
      only: true,
    });

    expect((await s.call('GET', '/v1/collections/docs/vectors')).body).toEqual({
      ids: ['a', 'b'],
      offset: 0,
      limit: 100,
      total: 2,
    });
    expect((await s.call('GET', '/v1/collections/docs/vectors?offset=1&limit=1')).body.ids).toEqual(
      ['b'],
    );
    expect((await s.call('GET', '/v1/collections/docs/vectors?limit=1001')).body.code).toBe(
      'INVALID_LIMIT',
    );

    expect(await s.call('DELETE', '/v1/collections/docs/vectors/a')).toMatchObject({
      status: 200,
      body: { deleted: 'a' },
    });
    expect(await s.call('DELETE', '/v1/collections/docs/vectors/a')).toMatchObject({
      status: 404,
      body: { code: 'VECTOR_NOT_FOUND' },
    });
    expect(await s.call('GET', '/v1/collections/docs/vectors/a')).toMatchObject({
      status: 404,
      body: { code: 'VECTOR_NOT_FOUND' },
    });
    expect(
      (await s.call('POST', '/v1/collections/docs/vectors/zzz/metadata', { metadata: {} })).body
        .code,
    ).toBe('VECTOR_NOT_FOUND');
    expect(s.metrics.inserts.map((i) => i.operation)).toEqual(
      expect.arrayContaining(['insert', 'upsert', 'update_metadata', 'delete']),
    );
  });

  it('ids with slashes, spaces and unicode travel in the path', async () => {
    const id = 'dir/sub file ü';
    await s.call('POST', '/v1/collections/docs/vectors', { id, vector: vectorOf(9) });
    const got = await s.call('GET', `/v1/collections/docs/vectors/${encodeURIComponent(id)}`);
    expect(got.body.id).toBe(id);
    expect(
      (await s.call('DELETE', `/collections/docs/vectors/${encodeURIComponent(id)}`)).body,
    ).toEqual({ deleted: id });
  });

  it('batch inserts: duplicates fail alone, a bad vector rejects the batch naming its id', async () => {
    await s.call('POST', '/v1/collections/docs/vectors', { id: 'dup', vector: vectorOf(5) });
    const mixed = await s.call('POST', '/v1/collections/docs/vectors/batch', {
      vectors: [
        { id: 'n1', vector: vectorOf(10) },
        { id: 'dup', vector: vectorOf(11) },
        { id: 'n2', vector: vectorOf(12), metadata: { k: 1 }, ttl_seconds: 3600 },
      ],
    });
    expect(mixed).toMatchObject({
      status: 200,
      body: {
        inserted: 2,
        errors: [{ id: 'dup', code: 'VECTOR_EXISTS', error: expect.any(String) }],
      },
    });
    const before = s.db.collection('docs').size;
    const bad = await s.call('POST', '/v1/collections/docs/vectors/batch', {
      vectors: [
        { id: 'ok1', vector: vectorOf(13) },
        { id: 'short-one', vector: [1, 2, 3] },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('DIMENSION_MISMATCH');
    expect(bad.body.error).toContain('short-one');
    expect(s.db.collection('docs').size).toBe(before);

    expect(
      (await s.call('POST', '/v1/collections/docs/vectors/batch', { vectors: [] })).body.code,
    ).toBe('EMPTY_BATCH');
  });

  it('refuses batches over max_batch_size with 413 and the limit facts, before looking at the items', async () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ id: `x${i}`, vector: 'not even a vector' }));
    const res = await s.call('POST', '/v1/collections/docs/vectors/batch', { vectors: six });
    expect(res).toMatchObject({
      status: 413,
      body: {
        code: 'BATCH_TOO_LARGE',
        limit: 'max_batch_size',
        scope: 'request',
        current: 6,
        threshold: 5,
        retry_after: null,
      },
    });
    expect(res.body.help).toContain('5');
    const ids = await s.call('POST', '/v1/collections/docs/vectors/delete-batch', {
      ids: ['1', '2', '3', '4', '5', '6'],
    });
    expect(ids).toMatchObject({ status: 413, body: { code: 'BATCH_TOO_LARGE', current: 6 } });
    expect(s.metrics.limits.filter((l) => l === 'max_batch_size')).toHaveLength(2);
  });

  it('rejects wrong types, NaN-like values, wrong dimensions and bad ids with 400 and a stable code', async () => {
    const cases: [unknown, string][] = [
      [{ id: 'v', vector: [1, 2] }, 'DIMENSION_MISMATCH'],
      [{ id: 'v', vector: [] }, 'INVALID_VECTOR'],
      [{ id: 'v', vector: [1, 2, 3, 4, 5, 6, 7, 'NaN'] }, 'INVALID_VECTOR'],
      [{ id: 'v', vector: [1, 2, 3, 4, 5, 6, 7, null] }, 'INVALID_VECTOR'],
      [{ id: 'v', vector: 'abc' }, 'INVALID_VECTOR'],
      [{ id: 'v' }, 'INVALID_INPUT'],
      [{ id: '', vector: vectorOf(1) }, 'INVALID_VECTOR_ID'],
      [{ id: 'bad\u0001id', vector: vectorOf(1) }, 'INVALID_VECTOR_ID'],
      [{ id: 'x'.repeat(1025), vector: vectorOf(1) }, 'INVALID_VECTOR_ID'],
      [{ id: 7, vector: vectorOf(1) }, 'INVALID_VECTOR_ID'],
      [{ id: 'v', vector: vectorOf(1), metadata: 'text' }, 'INVALID_INPUT'],
      [{ id: 'v', vector: vectorOf(1), ttl_seconds: -1 }, 'INVALID_INPUT'],
    ];
    for (const [body, code] of cases) {
      const res = await s.call('POST', '/v1/collections/docs/vectors', body);
      expect([res.status, res.body.code], JSON.stringify(body).slice(0, 80)).toEqual([400, code]);
    }
    // 1e400 parses to Infinity: refused naming the component.
    const inf = await s.call(
      'POST',
      '/v1/collections/docs/vectors',
      '{"id":"v","vector":[1,2,3,4,5,6,7,1e400]}',
    );
    expect(inf.status).toBe(400);
    expect(inf.body.code).toBe('INVALID_VECTOR');
    expect(inf.body.error).toMatch(/7/);
    // A literal NaN is not JSON.
    const nan = await s.call('POST', '/v1/collections/docs/vectors', '{"id":"v","vector":[NaN]}');
    expect([nan.status, nan.body.code]).toEqual([400, 'INVALID_JSON']);

    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 12; i++) deep = { d: deep };
    expect(
      (
        await s.call('POST', '/v1/collections/docs/vectors', {
          id: 'v',
          vector: vectorOf(1),
          metadata: deep,
        })
      ).body.code,
    ).toBe('METADATA_TOO_DEEP');
    const big = await s.call('POST', '/v1/collections/docs/vectors', {
      id: 'v',
      vector: vectorOf(1),
      metadata: { blob: 'x'.repeat(70_000) },
    });
    expect(big).toMatchObject({
      status: 413,
      body: {
        code: 'METADATA_TOO_LARGE',
        limit: 'max_metadata_bytes',
        scope: 'request',
        threshold: 64 * 1024,
        retry_after: null,
      },
    });
    expect(big.body.current).toBeGreaterThan(70_000);
    expect(s.metrics.limits).toContain('max_metadata_bytes');
    expect(
      (await s.call('POST', '/v1/collections/nope/vectors', { id: 'v', vector: vectorOf(1) })).body
        .code,
    ).toBe('COLLECTION_NOT_FOUND');
    expect(s.db.collection('docs').has('v')).toBe(false);
  });

  it('refuses writes with 503 MEMORY_LIMIT above the memory limit while reads and deletes go on', async () => {
    s.switches.memory = { currentBytes: 900, limitBytes: 800 };
    try {
      const res = await s.call('POST', '/v1/collections/docs/vectors', {
        id: 'm',
        vector: vectorOf(1),
      });
      expect(res).toMatchObject({
        status: 503,
        body: {
          code: 'MEMORY_LIMIT',
          limit: 'memory',
          scope: 'process',
          current: 900,
          threshold: 800,
          retry_after: 30,
        },
      });
      expect(res.headers.get('retry-after')).toBe('30');
      for (const [method, path, body] of [
        [
          'POST',
          '/v1/collections/docs/vectors/batch',
          { vectors: [{ id: 'm', vector: vectorOf(1) }] },
        ],
        ['POST', '/v1/collections/docs/vectors/upsert', { id: 'm', vector: vectorOf(1) }],
        ['POST', '/v1/collections/docs/vectors/b/metadata', { metadata: { a: 1 } }],
        ['POST', '/v1/collections', { name: 'more', dimensions: 4 }],
      ] as const) {
        expect((await s.call(method, path, body)).body.code, path).toBe('MEMORY_LIMIT');
      }
      expect((await s.call('GET', '/v1/collections/docs/vectors/b')).status).toBe(200);
      expect(
        (await s.call('POST', '/v1/collections/docs/search', { vector: vectorOf(1) })).status,
      ).toBe(200);
      expect((await s.call('DELETE', '/v1/collections/docs/vectors/b')).status).toBe(200);
      expect(s.metrics.limits.filter((l) => l === 'memory')).toHaveLength(5);
    } finally {
      s.switches.memory = undefined;
    }
    expect(
      (await s.call('POST', '/v1/collections/docs/vectors', { id: 'm', vector: vectorOf(1) }))
        .status,
    ).toBe(201);
  });
});
