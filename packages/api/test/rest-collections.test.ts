import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startServer, vectorOf } from './helpers/start-server.js';
import type { TestServer } from './helpers/start-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ limits: { maxExportPage: 50 } });
});
afterAll(async () => {
  await s.close();
});

describe('collections over HTTP', () => {
  it('creates, describes, lists (sorted, paged) and drops collections under /v1 and unprefixed', async () => {
    expect(await s.call('POST', '/v1/collections', { name: 'zeta', dimensions: 8 })).toMatchObject({
      status: 201,
      body: { created: 'zeta' },
    });
    expect(
      await s.call('POST', '/collections', {
        name: 'alpha',
        dimensions: 8,
        distance: 'l2',
        m: 8,
        ef_construction: 64,
        ef_search: 32,
        unknown_field: 'ignored',
      }),
    ).toMatchObject({ status: 201, body: { created: 'alpha' } });
    await s.call('POST', '/v1/collections', {
      name: 'mid',
      dimensions: 8,
      distance: 'inner_product',
    });

    const detail = await s.call('GET', '/v1/collections/alpha');
    expect(detail).toMatchObject({
      status: 200,
      body: {
        name: 'alpha',
        dimensions: 8,
        distance: 'euclidean',
        count: 0,
        deleted_count: 0,
        needs_compaction: false,
        quantization: 'f32',
        index: { type: 'native-hnsw', m: 8, ef_construction: 64, ef_search: 32 },
      },
    });
    expect(s.db.collection('alpha').config.index).toEqual({
      m: 8,
      efConstruction: 64,
      efSearch: 32,
    });
    expect((await s.call('GET', '/collections/mid')).body.distance).toBe('dot');

    const all = await s.call('GET', '/v1/collections');
    expect(all.body.collections.map((c: { name: string }) => c.name)).toEqual([
      'alpha',
      'mid',
      'zeta',
    ]);
    expect(all.body.pagination).toEqual({ count: 3, offset: 0, total: 3, has_more: false });
    const page = await s.call('GET', '/collections?offset=1&limit=1');
    expect(page.body).toEqual({
      collections: [{ name: 'mid', dimensions: 8, count: 0, deleted_count: 0 }],
      pagination: { count: 1, offset: 1, total: 3, has_more: true },
    });

    expect(await s.call('DELETE', '/v1/collections/zeta')).toMatchObject({
      status: 200,
      body: { deleted: 'zeta' },
    });
    expect(s.db.hasCollection('zeta')).toBe(false);
    expect((await s.call('GET', '/v1/collections/zeta')).body.code).toBe('COLLECTION_NOT_FOUND');
  });

  it('refuses bad collections with the contract codes', async () => {
    const cases: [unknown, number, string][] = [
      [{ name: 'bad name!', dimensions: 8 }, 400, 'INVALID_COLLECTION_NAME'],
      [{ name: 'x'.repeat(257), dimensions: 8 }, 400, 'INVALID_COLLECTION_NAME'],
      [{ name: 'ok', dimensions: 0 }, 400, 'INVALID_DIMENSIONS'],
      [{ name: 'ok', dimensions: 'eight' }, 400, 'INVALID_DIMENSIONS'],
      [{ name: 'ok', dimensions: 70_000 }, 400, 'DIMENSIONS_TOO_LARGE'],
      [{ name: 'ok', dimensions: 8, distance: 'manhattan' }, 400, 'INVALID_DISTANCE'],
      [{ dimensions: 8 }, 400, 'INVALID_INPUT'],
      [{ name: 'alpha', dimensions: 8 }, 409, 'COLLECTION_EXISTS'],
    ];
    for (const [body, status, code] of cases) {
      const res = await s.call('POST', '/v1/collections', body);
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([status, code]);
      expect(res.body.help).toEqual(expect.any(String));
      expect(res.body.request_id).toBe(res.headers.get('x-request-id'));
    }
    expect(
      (await s.call('POST', '/v1/collections', { name: 'ok', dimensions: 70_000 })).body,
    ).toMatchObject({
      limit: 'max_dimensions',
      current: 70_000,
      threshold: 65_536,
      retry_after: null,
    });
    expect((await s.call('GET', '/v1/collections?limit=0')).body.code).toBe('INVALID_LIMIT');
    expect((await s.call('GET', '/v1/collections?limit=abc')).body.code).toBe('INVALID_LIMIT');
    expect((await s.call('DELETE', '/v1/collections/nope')).status).toBe(404);
  });

  it('reports index status, compacts, and exports a page at a time with a limit on unpaginated exports', async () => {
    await s.call('POST', '/v1/collections', { name: 'exp', dimensions: 8, distance: 'euclidean' });
    const vectors = Array.from({ length: 60 }, (_, i) => ({
      id: `v${i}`,
      vector: vectorOf(i),
      metadata: { i },
    }));
    expect((await s.call('POST', '/v1/collections/exp/vectors/batch', { vectors })).body).toEqual({
      inserted: 60,
      errors: [],
    });
    const ids = Array.from({ length: 20 }, (_, i) => `v${i}`);
    expect(
      (await s.call('POST', '/v1/collections/exp/vectors/delete-batch', { ids })).body,
    ).toEqual({
      deleted_count: 20,
    });

    const status = await s.call('GET', '/v1/collections/exp/index/status');
    expect(status.body).toMatchObject({
      collection: 'exp',
      index: { vectors: 40, deleted: 20, needs_compaction: true },
      compaction_recommended: true,
    });
    expect(status.body.index.fragmentation_ratio).toBeCloseTo(1 / 3, 5);
    expect(status.body.index.memory_bytes).toBeGreaterThan(0);
    expect((await s.call('GET', '/v1/collections/exp')).body.needs_compaction).toBe(true);

    expect((await s.call('POST', '/v1/collections/exp/compact')).body).toMatchObject({
      compacted: 'exp',
      removed: 20,
    });
    expect((await s.call('GET', '/collections/exp/index/status')).body.index).toMatchObject({
      deleted: 0,
      needs_compaction: false,
    });

    const first = await s.call('GET', '/v1/collections/exp/export?offset=0&limit=30');
    expect(first.body).toMatchObject({
      collection: 'exp',
      dimensions: 8,
      count: 30,
      total: 40,
      offset: 0,
      has_more: true,
    });
    expect(first.body.vectors[0].id).toBe('v20');
    expect(first.body.vectors[0].metadata).toEqual({ i: 20 });
    expect(first.body.vectors[0].vector).toHaveLength(8);
    expect(first.body.vectors[0].vector[0]).toBeCloseTo(vectorOf(20)[0]!, 5);
    const second = await s.call('GET', '/v1/collections/exp/export?offset=30&limit=30');
    expect(second.body).toMatchObject({ count: 10, has_more: false });

    // 40 vectors is within the export page limit of 50...
    expect((await s.call('GET', '/v1/collections/exp/export')).body.count).toBe(40);
    // ...60 is not.
    await s.call('POST', '/v1/collections/exp/vectors/batch', {
      vectors: vectors.slice(0, 20),
    });
    const tooLarge = await s.call('GET', '/v1/collections/exp/export');
    expect(tooLarge).toMatchObject({
      status: 413,
      body: {
        code: 'EXPORT_TOO_LARGE',
        limit: 'export_page',
        scope: 'request',
        current: 60,
        threshold: 50,
        retry_after: null,
      },
    });
    expect((await s.call('GET', '/v1/collections/exp/export?limit=51')).body.code).toBe(
      'INVALID_LIMIT',
    );
    expect(s.metrics.limits).toContain('export_page');
  });

  it('forces a checkpoint with POST /save', async () => {
    expect(await s.call('POST', '/v1/save')).toMatchObject({ status: 200, body: { saved: true } });
    expect(s.db.storageStats().lastCheckpoint).not.toBeNull();
  });
});
