import { describe, expect, it } from 'vitest';

import type { DatasetReport, RunnerReport } from './compare-dataset.js';
import { evaluateTargets } from './targets.js';

function runner(name: string, figures: Partial<RunnerReport>): RunnerReport {
  return {
    name,
    buildSeconds: 1,
    buildRate: 1000,
    builds: 1,
    rssDeltaBytes: 0,
    reportedBytes: null,
    choice: { ef: 64, recall: 0.96, reached: true, curve: [] },
    qps: 1000,
    p50Us: 100,
    p99Us: 200,
    batchQps: null,
    ...figures,
  };
}

function report(runners: RunnerReport[]): DatasetReport {
  return {
    dataset: 'toy',
    trainCount: 1000,
    queryCount: 10,
    dimensions: 8,
    distance: 'euclidean',
    m: 16,
    efConstruction: 128,
    formulaBytes: 1000 * (8 * 4 + 16 * 8 * 1.5),
    runners,
  };
}

describe('evaluateTargets', () => {
  it('passes and fails each target against its own threshold', () => {
    const outcomes = evaluateTargets(
      report([
        runner('usearch', { qps: 1000, buildRate: 2000 }),
        runner('hnswlib', { qps: 700 }),
        runner('needle', { qps: 900, batchQps: 650, buildRate: 1500, reportedBytes: 224_000 }),
      ]),
    );
    expect(outcomes.map((o) => [o.target, o.status, o.threshold])).toEqual([
      ['single-query QPS ≥ 0.9 × usearch', 'PASS', 900],
      ['concurrent QPS ≥ hnswlib single-query', 'FAIL', 700],
      ['build rate ≥ 0.8 × usearch', 'FAIL', 1600],
      ['index memory ≤ checklist formula', 'PASS', 0.224],
    ]);
  });

  it('fails memory over the formula', () => {
    const [, , , memory] = evaluateTargets(report([runner('needle', { reportedBytes: 224_001 })]));
    expect(memory).toMatchObject({ status: 'FAIL', value: 0.224001 });
  });

  it('marks targets whose libraries did not run as n/a', () => {
    const outcomes = evaluateTargets(report([runner('usearch', {}), runner('hnswlib', {})]));
    expect(outcomes.map((o) => o.status)).toEqual(['n/a', 'n/a', 'n/a', 'n/a']);
  });
});
