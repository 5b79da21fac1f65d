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
    choices: [{ ef: 64, recall: 0.96, reached: true, curve: [] }],
    qps: 1000,
    roundQps: [1000],
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
    timedBuilds: 1,
    sharedEf: [],
    runners,
  };
}

describe('evaluateTargets', () => {
  it('passes and fails each target against its own threshold', () => {
    const outcomes = evaluateTargets(
      report([
        runner('usearch', { qps: 1000, roundQps: [1000, 1100], buildRate: 2000 }),
        runner('hnswlib', { qps: 700 }),
        runner('needle', {
          qps: 900,
          roundQps: [900, 1000],
          batchQps: 650,
          buildRate: 1500,
          reportedBytes: 224_000,
        }),
      ]),
    );
    expect(outcomes.map((o) => [o.target, o.status, o.threshold])).toEqual([
      ['single-query QPS ≥ 0.9 × usearch', 'PASS', 0.9],
      ['concurrent QPS ≥ hnswlib single-query', 'FAIL', 700],
      ['build rate ≥ 0.8 × usearch', 'FAIL', 1600],
      ['index memory ≤ checklist formula', 'PASS', 0.224],
    ]);
  });

  it('compares single-query QPS round by round, so drift between rounds cancels', () => {
    // The machine got twice as fast after round 2. Within each round ours is at 0.95 of
    // usearch; the two medians (1 900 against 3 000) would say 0.63.
    const [single] = evaluateTargets(
      report([
        runner('usearch', { roundQps: [1000, 1000, 3000, 3000, 3000] }),
        runner('needle', { roundQps: [950, 950, 2850, 1900, 2850] }),
      ]),
    );
    expect(single).toMatchObject({ status: 'PASS', unit: '×', threshold: 0.9 });
    expect(single!.value).toBeCloseTo(0.95, 10);

    const [slower] = evaluateTargets(
      report([
        runner('usearch', { roundQps: [1000, 2000, 3000] }),
        runner('needle', { roundQps: [1000, 1700, 2500] }),
      ]),
    );
    expect(slower).toMatchObject({ status: 'FAIL' });
    expect(slower!.value).toBeCloseTo(1700 / 2000, 10);
  });

  it('cannot judge single-query QPS from rounds that do not pair up', () => {
    const [single] = evaluateTargets(
      report([
        runner('usearch', { roundQps: [1000, 1000] }),
        runner('needle', { roundQps: [1000] }),
      ]),
    );
    expect(single!.status).toBe('n/a');
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
