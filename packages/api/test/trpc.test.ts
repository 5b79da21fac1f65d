import { TRPCClientError, createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AppRouter } from '../src/index.js';
import { startServer, vectorOf } from './helpers/start-server.js';
import type { TestServer } from './helpers/start-server.js';

let s: TestServer;
let client: ReturnType<typeof createTRPCClient<AppRouter>>;
beforeAll(async () => {
  s = await startServer({ limits: { maxBatchSize: 50 } });
  client = createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${s.base}/trpc`, methodOverride: 'POST' })],
  });
});
afterAll(async () => {
  await s.close();
});

async function failure(p: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const err = await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TRPCClientError);
  return err as TRPCClientError<AppRouter>;
}

describe('the tRPC router against a real server', () => {
  it('shares the REST handlers: what one writes the other reads', async () => {
    expect(
      await client.collections.create.mutate({
        name: 'docs',
        dimensions: 8,
        distance: 'euclidean',
      }),
    ).toEqual({
      created: 'docs',
    });
    const vectors = Array.from({ length: 20 }, (_, i) => ({
      id: `d${i}`,
      vector: vectorOf(i),
      metadata: { i },
    }));
    expect(await client.vectors.insertBatch.mutate({ collection: 'docs', vectors })).toEqual({
      inserted: 20,
      errors: [],
    });
    expect((await s.call('GET', '/v1/collections/docs')).body.count).toBe(20);
    await s.call('POST', '/v1/collections/docs/vectors', {
      id: 'rest',
      vector: vectorOf(99),
      metadata: { i: 99 },
    });

    const got = await client.vectors.get.query({ collection: 'docs', id: 'rest' });
    expect(got.metadata).toEqual({ i: 99 });
    const found = await client.search.search.query({
      collection: 'docs',
      vector: vectorOf(3),
      k: 2,
    });
    expect(found.results[0]!.id).toBe('d3');
    expect(found.has_more).toBe(true);
    const [count, list, info] = await Promise.all([
      client.search.count.query({ collection: 'docs', filter: { i: { $lt: 5 } } }),
      client.collections.list.query({}),
      client.system.info.query(),
    ]);
    expect(count).toEqual({ count: 5 });
    expect(list.collections.map((c) => c.name)).toEqual(['docs']);
    expect(info).toEqual({ collections: 1, total_vectors: 21, version: '9.9.9-test' });
    expect(await client.system.ready.query()).toMatchObject({ ready: true });

    await client.vectors.updateMetadata.mutate({
      collection: 'docs',
      id: 'rest',
      metadata: { tag: 'x' },
    });
    expect((await s.call('GET', '/v1/collections/docs/vectors/rest')).body.metadata).toEqual({
      i: 99,
      tag: 'x',
    });
    expect(
      await client.snapshots.create.mutate({ collection: 'docs', name: 'snap' }),
    ).toMatchObject({
      created: true,
      count: 21,
    });
    await client.vectors.delete.mutate({ collection: 'docs', id: 'rest' });
    expect(await client.snapshots.restore.mutate({ collection: 'docs', snapshot: 'snap' })).toEqual(
      {
        restored: true,
        count: 21,
      },
    );
    expect((await s.call('GET', '/v1/collections/docs/vectors/rest')).status).toBe(200);
  });

  it('errors carry the REST code, help, request id and the matching HTTP status', async () => {
    const missing = await failure(client.collections.get.query({ collection: 'ghost' }));
    expect(missing.data).toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
      apiCode: 'COLLECTION_NOT_FOUND',
      help: expect.any(String),
      requestId: expect.any(String),
    });
    const badK = await failure(
      client.search.search.query({ collection: 'docs', vector: vectorOf(1), k: 0 }),
    );
    expect(badK.data).toMatchObject({ httpStatus: 400, apiCode: 'INVALID_K' });
    const dims = await failure(
      client.vectors.insert.mutate({ collection: 'docs', id: 'x', vector: [1, 2] }),
    );
    expect(dims.data).toMatchObject({ httpStatus: 400, apiCode: 'DIMENSION_MISMATCH' });
    const tooMany = await failure(
      client.vectors.insertBatch.mutate({
        collection: 'docs',
        vectors: Array.from({ length: 51 }, (_, i) => ({ id: `b${i}`, vector: vectorOf(i) })),
      }),
    );
    expect(tooMany.data).toMatchObject({
      httpStatus: 413,
      apiCode: 'BATCH_TOO_LARGE',
      details: { limit: 'max_batch_size', current: 51, threshold: 50 },
    });
    s.switches.memory = { currentBytes: 2, limitBytes: 1 };
    try {
      const memory = await failure(
        client.vectors.upsert.mutate({ collection: 'docs', id: 'm', vector: vectorOf(1) }),
      );
      expect(memory.data).toMatchObject({ httpStatus: 503, apiCode: 'MEMORY_LIMIT' });
      expect((await client.vectors.list.query({ collection: 'docs' })).total).toBe(21);
    } finally {
      s.switches.memory = undefined;
    }
    expect(s.metrics.errors.map((e) => e.code)).toEqual(
      expect.arrayContaining(['COLLECTION_NOT_FOUND', 'INVALID_K', 'BATCH_TOO_LARGE']),
    );
  });

  it('a plain (unbatched) link with GET queries works too', async () => {
    const plain = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${s.base}/trpc` })] });
    expect(await plain.system.health.query()).toEqual({ status: 'healthy', version: '9.9.9-test' });
    expect((await plain.collections.get.query({ collection: 'docs' })).count).toBe(21);
  });
});
