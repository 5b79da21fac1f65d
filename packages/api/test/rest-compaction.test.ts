import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AppRouter } from '../src/index.js';

import { startServer, vectorOf, type TestServer } from './helpers/start-server.js';

let s: TestServer;

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.close();
});

/** A collection of `live + deleted` vectors of which `deleted` are then deleted. */
async function fragmented(name: string, live: number, deleted: number, dims = 32) {
  expect((await s.call('POST', '/v1/collections', { name, dimensions: dims })).status).toBe(201);
  const collection = s.db.collection(name);
  const total = live + deleted;
  for (let start = 0; start < total; start += 5000) {
    const records = Array.from({ length: Math.min(5000, total - start) }, (_, j) => ({
      id: `v${start + j}`,
      vector: vectorOf(start + j, dims),
    }));
    await collection.insertMany(records);
  }
  await collection.settleIndex();
  for (let start = 0; start < deleted; start += 5000) {
    const ids = Array.from(
      { length: Math.min(5000, deleted - start) },
      (_, i) => `v${(start + i) * 2}`,
    );
    const res = await s.call('POST', `/v1/collections/${name}/vectors/delete-batch`, { ids });
    expect(res.body).toEqual({ deleted_count: ids.length });
  }
}

describe('compaction progress and dry run', () => {
  it('a dry run reports what a compaction then removes, and changes nothing', async () => {
    await fragmented('dry', 300, 100, 8);
    const dry = await s.call('POST', '/v1/collections/dry/compact?dry_run=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ compacted: 'dry', removed: 100, dry_run: true, vectors: 300 });
    expect(dry.body.reclaimed_bytes).toBeGreaterThan(0);
    const after = await s.call('GET', '/v1/collections/dry/index/status');
    expect(after.body.index).toMatchObject({ vectors: 300, deleted: 100 });
    expect(after.body.last_compaction).toBeNull();

    const real = await s.call('POST', '/v1/collections/dry/compact');
    expect(real.body).toMatchObject({
      compacted: 'dry',
      removed: 100,
      dry_run: false,
      vectors: 300,
    });
    expect(real.body.removed).toBe(dry.body.removed);
    const done = await s.call('GET', '/v1/collections/dry/index/status');
    expect(done.body.index).toMatchObject({ vectors: 300, deleted: 0, fragmentation_ratio: 0 });
    expect(done.body.operation).toBeNull();
    expect(done.body.last_compaction).toMatchObject({ removed: 100, vectors: 300 });
    expect(Date.parse(done.body.last_compaction.completed_at)).not.toBeNaN();
  });

  it('rejects a dry_run that is not true or false with 400', async () => {
    const res = await s.call('POST', '/v1/collections/dry/compact?dry_run=maybe');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_INPUT' });
    expect(res.body.help).toEqual(expect.any(String));
  });

  it('shows the running compaction with its progress on the index status, and null after', async () => {
    await fragmented('big', 16_000, 8_000);
    const seen: { phase: string; done: number; total: number; ratio: number }[] = [];
    let finished = false;
    const compaction = s.call('POST', '/v1/collections/big/compact').finally(() => {
      finished = true;
    });
    while (!finished) {
      const status = await s.call('GET', '/v1/collections/big/index/status');
      expect(status.status).toBe(200);
      if (status.body.operation) seen.push(status.body.operation);
    }
    const result = await compaction;
    expect(result.body).toMatchObject({ compacted: 'big', removed: 8_000, vectors: 16_000 });
    expect(seen.length).toBeGreaterThan(0);
    for (const op of seen) {
      expect(op).toMatchObject({ kind: 'compaction' });
      expect(op.ratio).toBeGreaterThanOrEqual(0);
      expect(op.ratio).toBeLessThanOrEqual(1);
      expect(Date.parse((op as unknown as { started_at: string }).started_at)).not.toBeNaN();
    }
    // The rebuild reports every 512 vectors and yields between steps: a poll lands mid-way.
    const partial = seen.filter((op) => op.phase === 'rebuild' && op.done > 0 && op.ratio < 1);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial[0]!.total).toBe(16_000);
    const ratios = seen.map((op) => op.ratio);
    expect(ratios).toEqual([...ratios].sort((a, b) => a - b));
    const after = await s.call('GET', '/v1/collections/big/index/status');
    expect(after.body.operation).toBeNull();
    expect(after.body.index).toMatchObject({ vectors: 16_000, deleted: 0 });
  });

  it('refuses a second compaction of a collection while one runs with 409 OPERATION_IN_PROGRESS', async () => {
    await s.db
      .collection('big')
      .deleteMany(Array.from({ length: 4000 }, (_, i) => `v${i * 2 + 1}`));
    const first = s.call('POST', '/v1/collections/big/compact');
    let second = await s.call('POST', '/v1/collections/big/compact');
    // The first request may not have reached the handler yet: retry until one is refused.
    for (let i = 0; i < 50 && second.status === 200; i++)
      second = await s.call('POST', '/v1/collections/big/compact');
    expect((await first).status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'OPERATION_IN_PROGRESS' });
  });
});

describe('the capacity planner', () => {
  it('recommends settings and projects memory month by month against the budget', async () => {
    const res = await s.call('POST', '/v1/tune', {
      expected_vectors: 1_000_000,
      dimensions: 384,
      memory_budget_bytes: 2 * 1024 ** 3,
      monthly_growth: 0.1,
    });
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.recommendation).toMatchObject({ index_type: 'hnsw', profile: 'balanced' });
    expect(body.projection).toHaveLength(13);
    expect(body.projection[0]).toMatchObject({ month: 0, vectors: 1_000_000 });
    // 1M × (384 × 4 + 16 × 12) bytes at month 0, growing 10% a month.
    expect(body.projection[0].memory_bytes).toBe(1_000_000 * (384 * 4 + 16 * 12));
    const over = body.projection.find(
      (p: { memory_bytes: number }) => p.memory_bytes > 2 * 1024 ** 3,
    );
    expect(body.budget_exceeded_month).toBe(over.month);
    expect(body.budget_exceeded_month).toBeGreaterThan(0);
    expect(body.projected.vectors).toBe(body.projection[12].vectors);
  });

  it('answers 400 with the field to fix for a bad plan', async () => {
    const res = await s.call('POST', '/v1/tune', { expected_vectors: -5, dimensions: 384 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_INPUT' });
    expect(res.body.error).toMatch(/expected_vectors/);
  });
});

describe('the same over tRPC', () => {
  it('dry-runs and compacts, shows the last compaction, and plans capacity', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${s.base}/trpc`, methodOverride: 'POST' })],
    });
    await fragmented('rpc', 40, 10, 8);
    const dry = await client.collections.compact.mutate({ collection: 'rpc', dry_run: true });
    expect(dry).toMatchObject({ removed: 10, dry_run: true, vectors: 40 });
    expect(await client.collections.compact.mutate({ collection: 'rpc' })).toMatchObject({
      removed: 10,
      dry_run: false,
    });
    const status = await client.collections.indexStatus.query({ collection: 'rpc' });
    expect(status.operation).toBeNull();
    expect(status.last_compaction).toMatchObject({ removed: 10, vectors: 40 });
    const plan = await client.collections.tune.query({ expected_vectors: 1000, dimensions: 8 });
    expect(plan.projection).toHaveLength(13);
    expect(plan.budget_exceeded_month).toBeNull();
  });
});
