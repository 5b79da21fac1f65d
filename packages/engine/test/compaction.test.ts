import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { Database } from '../src/index.js';
import type { Collection } from '../src/index.js';
import { bruteForce, clustered, recall } from './helpers/datasets.js';

describe('compaction', () => {
  const items = clustered(4000, 16, 3).map((vector, i) => ({
    id: `v${i}`,
    vector,
    metadata: { i },
  }));
  let db: Database;
  let col: Collection;
  beforeEach(async () => {
    db = await Database.open(':memory:');
    col = await db.createCollection('c', { dimensions: 16, distance: 'cosine' });
    await col.insertMany(items);
    await col.deleteMany(items.filter((_, i) => i % 2 === 0).map((x) => x.id));
  });
  afterEach(async () => {
    await db.close();
  });

  it('reports fragmentation, and a dry run changes nothing', async () => {
    expect(col.stats()).toMatchObject({
      count: 2000,
      deletedCount: 2000,
      fragmentationRatio: 0.5,
      needsCompaction: true,
    });
    const dry = await col.compact({ dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, removed: 2000, vectors: 2000 });
    expect(dry.reclaimedBytes).toBeGreaterThan(0);
    expect(col.stats().deletedCount).toBe(2000);
  });

  it('rebuilds without tombstones, with progress, and search still finds the same neighbours', async () => {
    const live = items.filter((_, i) => i % 2 === 1);
    const queries = clustered(20, 16, 3, 16, 99);
    const before = await Promise.all(queries.map((q) => col.search(q, 10)));
    const phases: string[] = [];
    const rebuildDone: number[] = [];
    const report = await col.compact({
      onProgress: (p) => {
        phases.push(p.phase);
        if (p.phase === 'rebuild') rebuildDone.push(p.done);
      },
    });
    expect(rebuildDone).toEqual([...rebuildDone].sort((a, b) => a - b));
    expect(rebuildDone.at(-1)).toBe(2000);
    expect(report).toMatchObject({ dryRun: false, removed: 2000, vectors: 2000 });
    expect(phases).toContain('rebuild');
    expect(phases.at(-1)).toBe('done');
    expect(col.stats()).toMatchObject({
      count: 2000,
      deletedCount: 0,
      fragmentationRatio: 0,
      needsCompaction: false,
    });
    expect(col.lastCompaction).toMatchObject({ removed: 2000 });
    for (let i = 0; i < queries.length; i++) {
      const after = await col.search(queries[i]!, 10);
      const truth = bruteForce('cosine', live, queries[i]!, 10).map((t) => t.id);
      expect(
        recall(
          after.hits.map((h) => h.id),
          truth,
        ),
      ).toBeGreaterThanOrEqual(0.8);
      expect(
        recall(
          before[i]!.hits.map((h) => h.id),
          truth,
        ),
      ).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('stays online: searches and writes during compaction are served and kept', async () => {
    const compaction = col.compact();
    const during = await col.search(items[1]!.vector, 1);
    expect(during.hits[0]!.id).toBe('v1');
    await col.insert({ id: 'new', vector: items[0]!.vector });
    await col.delete('v3');
    await expect(col.compact()).rejects.toMatchObject({ code: 'OPERATION_IN_PROGRESS' });
    await compaction;
    expect((await col.search(items[0]!.vector, 1)).hits[0]!.id).toBe('new');
    const near3 = await col.search(items[3]!.vector, 5);
    expect(near3.hits.map((h) => h.id)).not.toContain('v3');
    expect(col.stats().count).toBe(2000);
  });

  it('says CLOSED when its collection is closed while the new index is built', async () => {
    const compaction = col.compact({
      onProgress: (p) => {
        if (p.phase === 'rebuild' && p.total > 0 && p.done === p.total) col.close();
      },
    });
    await expect(compaction).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(col.search(items[1]!.vector, 1)).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('starts while a bulk insert is still being indexed, and both finish with every vector', async () => {
    const more = clustered(9000, 16, 3, 16, 99).map((vector, i) => ({ id: `b${i}`, vector }));
    const bulk = col.insertMany(more);
    // The batch is in the collection at once; its vectors reach the index in slices, small
    // ones while searches run, so the compaction's own build can finish first.
    while (col.size < 11_000) await new Promise((resolve) => setImmediate(resolve));
    let searching = true;
    const searches = (async () => {
      while (searching) {
        await col.search(items[1]!.vector, 5);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const compaction = col.compact();
    const settled = await Promise.allSettled([bulk, compaction]);
    searching = false;
    await searches;
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(col.stats()).toMatchObject({ count: 11_000, deletedCount: 0 });
    for (const i of [0, 4500, 8999]) {
      const { hits } = await col.search(more[i]!.vector, 1);
      expect(hits[0]).toMatchObject({ id: `b${i}` });
      expect(hits[0]!.distance).toBeCloseTo(0, 5);
    }
  });
});
