import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Database } from '../src/index.js';
import type { Collection } from '../src/index.js';
import { clustered } from './helpers/datasets.js';

describe('searchExplain', () => {
  let db: Database;
  let col: Collection;
  const vectors = clustered(5000, 32, 5);
  beforeAll(async () => {
    db = await Database.open(':memory:');
    col = await db.createCollection('x', {
      dimensions: 32,
      distance: 'euclidean',
      index: { efSearch: 40 },
    });
    await col.insertMany(
      vectors.map((vector, i) => ({ id: `v${i}`, vector, metadata: { even: i % 2 === 0, i } })),
    );
  });
  afterAll(async () => {
    await db.close();
  });

  it('returns the same hits as search, plus a consistent trace', async () => {
    const q = clustered(1, 32, 5, 16, 6)[0]!;
    const plain = await col.search(q, 10);
    const { hits, explain } = await col.searchExplain(q, 10);
    expect(hits.map((h) => h.id)).toEqual(plain.hits.map((h) => h.id));
    expect(explain).toMatchObject({
      plan: { strategy: 'hnsw', estimatedSelectivity: 1, exactSelectivity: null },
      requestedK: 10,
      returned: 10,
      collectionSize: 5000,
      dimensions: 32,
      distance: 'euclidean',
      filterApplied: false,
      postFilterApplied: false,
      cacheHit: false,
    });
    expect(explain.index.efUsed).toBe(40);
    expect(explain.index.rounds).toBe(1);
    expect(explain.candidatesExamined).toBeGreaterThanOrEqual(10);
    const t = explain.timing;
    expect(t.totalUs).toBeGreaterThan(0);
    expect(t.indexUs).toBeGreaterThan(0);
    expect(t.totalUs).toBeGreaterThanOrEqual(t.indexUs + t.fetchUs);
    expect(explain.queryNorm).toBeCloseTo(Math.hypot(...q), 3);
    expect(explain.topDimensions).toHaveLength(10);
    // Contributions to the squared distance to the best hit, largest first.
    const best = vectors[Number(hits[0]!.id.slice(1))]!;
    const top = explain.topDimensions[0]!;
    expect(top.contribution).toBeCloseTo((q[top.dimension]! - best[top.dimension]!) ** 2, 3);
    for (let i = 1; i < explain.topDimensions.length; i++) {
      expect(Math.abs(explain.topDimensions[i]!.contribution)).toBeLessThanOrEqual(
        Math.abs(explain.topDimensions[i - 1]!.contribution),
      );
    }
  });

  it('counts visited nodes and distance computations when the index can observe them', async () => {
    const { explain } = await col.searchExplain(clustered(1, 32, 5, 16, 9)[0]!, 10);
    if (explain.index.kind === 'native-hnsw') {
      expect(explain.index.visitedNodes).toBeGreaterThan(0);
      expect(explain.index.distanceComputations).toBeGreaterThanOrEqual(
        explain.index.visitedNodes!,
      );
    } else {
      expect(explain.index.visitedNodes).toBeNull();
    }
  });

  it('reports filter work and the selectivity of a filtered query', async () => {
    const { hits, explain } = await col.searchExplain(clustered(1, 32, 5, 16, 10)[0]!, 5, {
      filter: { i: { $lt: 50 } },
    });
    expect(hits).toHaveLength(5);
    expect(explain.plan.strategy).toBe('exact-subset');
    expect(explain.plan.exactSelectivity).toBeCloseTo(50 / 5000, 9);
    expect(explain.timing.filterUs).toBeGreaterThan(0);
    expect(explain.candidatesAfterFilter).toBe(6);
    expect(explain.filterApplied).toBe(true);
    if (explain.index.kind === 'native-hnsw') expect(explain.index.distanceComputations).toBe(50);
  });
});
