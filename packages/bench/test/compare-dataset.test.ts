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
  it('builds again on fresh runners while builds are short, and runs rounds until passes add up', async () => {
    const data = generateClustered({
      count: 300,
      queryCount: 20,
      dimensions: 8,
      distance: 'euclidean',
      seed: 3,
    });
    const config = {
      dimensions: 8,
      distance: 'euclidean' as const,
      m: 8,
      efConstruction: 32,
      capacity: 300,
    };
    const truth = exactTopK(data.train, data.queries, 8, 'euclidean', 10);
    const lines: string[] = [];
    let made = 0;
    const closed: string[] = [];
    const fresh = async () => {
      made += 1;
      const runner = new UsearchRunner(config);
      const close = runner.close.bind(runner);
      runner.close = async () => {
        closed.push(`build ${made}`);
        await close();
      };
      return [runner];
    };
    const report = await compareOnDataset(data, await fresh(), truth, {
      m: 8,
      efConstruction: 32,
      k: 10,
      targetRecall: 0.5,
      efSweep: [64],
      rounds: 1,
      // Unreachable in a test: the caps decide.
      minSingleSeconds: 3600,
      maxRounds: 4,
      queriesPerRun: 20,
      warmupQueries: 5,
      batchSize: 8,
      chunkSize: 100,
      rebuild: { fresh, minSeconds: 3600, maxBuilds: 3 },
      log: (line) => lines.push(line),
    });
    // The kept runner plus two throwaway ones, each closed.
    expect(made).toBe(3);
    expect(closed).toHaveLength(3);
    expect(report.runners[0]!.builds).toBe(3);
    expect(report.runners[0]!.buildRate).toBeCloseTo(300 / report.runners[0]!.buildSeconds, 6);
    expect(lines).toContain('  built 3 times (median rate reported)');
    expect(lines.filter((l) => /^ {2}round \d+:/.test(l))).toHaveLength(4);
    expect(formatDatasetReport(report)).toContain('build vec/s: median of 3 builds');
  });

  it('refuses fresh runners that are not the same libraries', async () => {
    const data = generateClustered({
      count: 100,
      queryCount: 5,
      dimensions: 4,
      distance: 'euclidean',
      seed: 4,
    });
    const config = {
      dimensions: 4,
      distance: 'euclidean' as const,
      m: 8,
      efConstruction: 16,
      capacity: 100,
    };
    const truth = exactTopK(data.train, data.queries, 4, 'euclidean', 10);
    await expect(
      compareOnDataset(data, [new UsearchRunner(config)], truth, {
        m: 8,
        efConstruction: 16,
        k: 10,
        targetRecall: 0.5,
        efSweep: [32],
        rounds: 1,
        queriesPerRun: 5,
        warmupQueries: 1,
        batchSize: 4,
        chunkSize: 100,
        rebuild: {
          fresh: async () => [new HnswlibRunner(config)],
          minSeconds: 3600,
          maxBuilds: 2,
        },
        log: () => undefined,
      }),
    ).rejects.toThrow('same libraries');
  });
});
