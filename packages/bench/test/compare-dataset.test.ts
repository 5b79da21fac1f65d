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
      expect(r.choices).toHaveLength(1);
      const [choice] = r.choices;
      expect(choice!.recall).toBeGreaterThanOrEqual(0.9);
      expect(choice!.reached).toBe(true);
      // The chosen ef is the first of the sweep that reached the target.
      expect(choice!.curve.at(-1)).toEqual({ ef: choice!.ef, recall: choice!.recall });
      expect(choice!.curve.slice(0, -1).every((c) => c.recall < 0.9)).toBe(true);
      expect(r.buildRate).toBeGreaterThan(0);
      expect(r.qps).toBeGreaterThan(0);
      // One figure per round, in round order; the reported QPS is their median.
      expect(r.roundQps).toHaveLength(2);
      expect(r.qps).toBeCloseTo((r.roundQps[0]! + r.roundQps[1]!) / 2, 6);
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
      rebuild: { fresh, minSeconds: 3600, maxBuilds: 3, timedBuilds: 2 },
      log: (line) => lines.push(line),
    });
    // Three builds, the first two timed, every one closed.
    expect(made).toBe(3);
    expect(closed).toHaveLength(3);
    const [only] = report.runners;
    expect(only!.builds).toBe(3);
    expect(only!.buildRate).toBeCloseTo(300 / only!.buildSeconds, 6);
    expect(lines).toContain('  built 3 times (median rate reported)');
    // Each timed build swept its own ef and ran half of the rounds (the cap of 4, shared).
    expect(lines.filter((l) => /^ {2}usearch ef sweep \(build [12]\) 64:/.test(l))).toHaveLength(2);
    expect(only!.choices).toHaveLength(2);
    expect(lines.filter((l) => /^ {2}round \d+:/.test(l))).toHaveLength(4);
    expect(only!.roundQps).toHaveLength(4);
    expect(report.timedBuilds).toBe(2);
    const text = formatDatasetReport(report);
    expect(text).toContain('build vec/s: median of 3 builds');
    expect(text).toContain('rounds spread over 2 builds of each library');
  });

  it('times libraries of one sharedEf group at the larger of their ef choices', async () => {
    const data = generateClustered({
      count: 1500,
      queryCount: 30,
      dimensions: 16,
      distance: 'euclidean',
      seed: 5,
    });
    const config = {
      dimensions: 16,
      distance: 'euclidean' as const,
      m: 8,
      efConstruction: 32,
      capacity: 1500,
    };
    const truth = exactTopK(data.train, data.queries, 16, 'euclidean', 10);
    const lines: string[] = [];
    const report = await compareOnDataset(
      data,
      // hnswlib on a sparser graph (M 4 against 16) needs a wider search to reach the target.
      [new UsearchRunner({ ...config, m: 16 }), new HnswlibRunner({ ...config, m: 4 })],
      truth,
      {
        m: 8,
        efConstruction: 32,
        k: 10,
        targetRecall: 0.9,
        efSweep: [10, 16, 32, 64, 128, 256],
        sharedEf: [['usearch', 'hnswlib', 'absent']],
        rounds: 1,
        queriesPerRun: 20,
        warmupQueries: 5,
        batchSize: 8,
        chunkSize: 500,
        log: (line) => lines.push(line),
      },
    );
    const [usearch, hnswlib] = report.runners;
    const own = [usearch!, hnswlib!].map((r) => r.choices[0]!.curve.at(-1)!.ef);
    const shared = Math.max(...own);
    expect(own[0]).toBeLessThan(own[1]!);
    expect(usearch!.choices[0]!.ef).toBe(shared);
    expect(hnswlib!.choices[0]!.ef).toBe(shared);
    for (const r of report.runners) expect(r.choices[0]!.recall).toBeGreaterThanOrEqual(0.9);
    // usearch was raised to hnswlib's breadth, and says so.
    expect(lines).toContain(
      `  usearch timed at ef ${shared}, shared with usearch, hnswlib, absent`,
    );
    expect(report.sharedEf).toEqual([['usearch', 'hnswlib']]);
    expect(formatDatasetReport(report)).toContain('usearch and hnswlib search at one ef per build');
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
