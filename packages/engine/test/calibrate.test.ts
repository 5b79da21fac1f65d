import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Database } from '../src/index.js';
import type { Collection } from '../src/index.js';
import { bruteForce, clustered } from './helpers/datasets.js';

describe('calibrate', () => {
  let db: Database;
  let col: Collection;
  const items = clustered(8000, 48, 31, 64).map((vector, i) => ({ id: `v${i}`, vector }));
  beforeAll(async () => {
    db = await Database.open(':memory:');
    // A deliberately weak graph, so the textbook ef is not enough (M 4 could leave a cluster
    // unreachable at any ef: a rare graph then never reached the target).
    col = await db.createCollection('cal', {
      dimensions: 48,
      distance: 'euclidean',
      index: { m: 6, efConstruction: 24, efSearch: 4 },
    });
    await col.insertMany(items);
  });
  afterAll(async () => {
    await db.close();
  });

  it('finds the smallest efSearch reaching the target recall and sets it', async () => {
    const report = await col.calibrate({ targetRecall: 0.95, sampleSize: 200 });
    expect(report.reached).toBe(true);
    expect(report.previousEfSearch).toBe(4);
    expect(report.achievedRecall).toBeGreaterThanOrEqual(0.95);
    expect(col.config.index.efSearch).toBe(report.efSearch);
    const last = report.curve[report.curve.length - 1]!;
    expect(last.efSearch).toBe(report.efSearch);
    for (const point of report.curve.slice(0, -1)) expect(point.recall).toBeLessThan(0.95);
    for (const point of report.curve) {
      expect(point.recall).toBeGreaterThanOrEqual(0);
      expect(point.meanLatencyUs).toBeGreaterThan(0);
    }
    // The collection's initial efSearch (4) is below every rung tried, so it was not enough.
    expect(report.efSearch).toBeGreaterThan(4);

    // Held-out queries at the calibrated default reach about the target too. Both samples
    // are 200 queries: at 40 held-out queries, one query landing in a poorly linked cluster
    // moves the mean by 0.025 (a weak build measured 0.8799 there); at 200, 40 builds ranged
    // 0.92–0.98.
    const queries = clustered(200, 48, 31, 64, 32);
    let found = 0;
    for (const q of queries) {
      const { hits } = await col.search(q, 10);
      const truth = new Set(bruteForce('euclidean', items, q, 10).map((t) => t.id));
      found += hits.filter((h) => truth.has(h.id)).length;
    }
    // Counted in neighbours, so the bound is exact (summed fractions round below it).
    expect(found).toBeGreaterThanOrEqual(0.88 * queries.length * 10);
  });

  it('says when the target cannot be reached within maxEfSearch', async () => {
    const report = await col.calibrate({ targetRecall: 1, maxEfSearch: 8, sampleSize: 50 });
    expect(report.reached).toBe(false);
    expect(report.efSearch).toBe(8);
    expect(report.achievedRecall).toBeLessThan(1);
  });

  it('refuses invalid options and a concurrent calibration', async () => {
    await expect(col.calibrate({ targetRecall: 1.5 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const first = col.calibrate({ sampleSize: 20 });
    await expect(col.calibrate({ sampleSize: 20 })).rejects.toMatchObject({
      code: 'OPERATION_IN_PROGRESS',
    });
    await first;
  });
});
