import { describe, expect, it } from 'vitest';

import { compareOnDataset } from '../src/compare-dataset.js';
import { generateClustered } from '../src/datasets/clustered.js';
import { exactTopK } from '../src/ground-truth.js';
import { HnswlibRunner } from '../src/runners/hnswlib-runner.js';
import { UsearchRunner } from '../src/runners/usearch-runner.js';
import { formatDatasetReport } from '../src/report.js';

describe('compareOnDataset', () => {
  it('builds, picks each ef by recall, times both libraries and reports every figure', async () => {
    const data = generateClustered({
      count: 2000,
      queryCount: 40,
      dimensions: 16,
      distance: 'euclidean',
      seed: 2,
    });
    const config = {
      dimensions: 16,
      distance: 'euclidean' as const,
      m: 16,
      efConstruction: 64,
      capacity: 2000,
    };
    const truth = exactTopK(data.train, data.queries, 16, 'euclidean', 10);
    const lines: string[] = [];
    const report = await compareOnDataset(
      data,
      [new UsearchRunner(config), new HnswlibRunner(config)],
      truth,
      {
        m: 16,
        efConstruction: 64,
        k: 10,
        targetRecall: 0.9,
        efSweep: [10, 32, 128],
        rounds: 2,
        queriesPerRun: 50,
        warmupQueries: 10,
        batchSize: 16,
        chunkSize: 700,
        log: (line) => lines.push(line),
      },
    );

    expect(report).toMatchObject({
      dataset: 'clustered-16',
      trainCount: 2000,
      queryCount: 40,
      formulaBytes: 2000 * (64 + 192),
    });
    expect(report.runners.map((r) => r.name)).toEqual(['usearch', 'hnswlib']);
    for (const r of report.runners) {
      expect(r.choice.recall).toBeGreaterThanOrEqual(0.9);
      expect(r.choice.reached).toBe(true);
      // The chosen ef is the first of the sweep that reached the target.
      expect(r.choice.curve.at(-1)).toEqual({ ef: r.choice.ef, recall: r.choice.recall });
      expect(r.choice.curve.slice(0, -1).every((c) => c.recall < 0.9)).toBe(true);
      expect(r.buildRate).toBeGreaterThan(0);
      expect(r.qps).toBeGreaterThan(0);
      expect(r.p99Us).toBeGreaterThanOrEqual(r.p50Us);
      expect(r.reportedBytes).toBeGreaterThan(2000 * 16 * 4);
    }
    expect(report.runners[0]!.batchQps).toBeGreaterThan(0);
    expect(report.runners[1]!.batchQps).toBeNull();
    expect(lines.filter((l) => l.includes('round'))).toHaveLength(2);

    const text = formatDatasetReport(report);
    expect(text).toContain('== clustered-16: 2 000 × 16, euclidean, 40 queries');
    // Our engine did not run, so its targets cannot be judged.
    expect(text).toMatch(/single-query QPS ≥ 0\.9 × usearch .* n\/a/);
  });
});
