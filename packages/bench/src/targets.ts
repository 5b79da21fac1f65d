import type { DatasetReport, RunnerReport } from './compare-dataset.js';
import { medianPairedRatio } from './stats.js';

/** Name of our engine's runner in reports. */
export const OURS = 'needle';

/** One of the targets, checked on one dataset. */
export interface TargetOutcome {
  /** What is compared, e.g. `single-query QPS ≥ 0.9 × usearch`. */
  target: string;
  /** Our figure; NaN when it could not be measured. */
  value: number;
  /** What it had to reach (at least, or at most for memory); NaN when not measured. */
  threshold: number;
  /** `×`: a ratio to the peer named in the target. */
  unit: 'q/s' | 'vec/s' | 'MB' | '×';
  status: 'PASS' | 'FAIL' | 'n/a';
}

/**
 * The issue's four targets for our engine on one dataset: single-query QPS at least 0.9 ×
 * raw usearch's (the median over rounds of the two libraries' ratio in the same round: a
 * ratio of the two medians can compare a slow round of one with a fast round of the
 * other), throughput under concurrency at least hnswlib-node's single-query rate,
 * build rate at least 0.8 × raw usearch's, and index memory (as the engine reports it)
 * within the checklist formula. A target whose libraries were not run is `n/a`.
 */
export function evaluateTargets(report: DatasetReport): TargetOutcome[] {
  const find = (name: string): RunnerReport | undefined =>
    report.runners.find((r) => r.name === name);
  const ours = find(OURS);
  const usearch = find('usearch');
  const hnswlib = find('hnswlib');
  const atLeast = (
    target: string,
    unit: TargetOutcome['unit'],
    value?: number | null,
    threshold?: number,
  ) => outcome(target, unit, value, threshold, (v, t) => v >= t);
  return [
    atLeast(
      'single-query QPS ≥ 0.9 × usearch',
      '×',
      ours && usearch && medianPairedRatio(ours.roundQps, usearch.roundQps),
      usearch && 0.9,
    ),
    atLeast('concurrent QPS ≥ hnswlib single-query', 'q/s', ours?.batchQps, hnswlib?.qps),
    atLeast(
      'build rate ≥ 0.8 × usearch',
      'vec/s',
      ours?.buildRate,
      usearch && 0.8 * usearch.buildRate,
    ),
    outcome(
      'index memory ≤ checklist formula',
      'MB',
      ours?.reportedBytes == null ? undefined : ours.reportedBytes / 1e6,
      ours && report.formulaBytes / 1e6,
      (v, t) => v <= t,
    ),
  ];
}

function outcome(
  target: string,
  unit: TargetOutcome['unit'],
  value: number | null | undefined,
  threshold: number | undefined,
  passes: (value: number, threshold: number) => boolean,
): TargetOutcome {
  if (
    value == null ||
    threshold === undefined ||
    !Number.isFinite(value) ||
    !Number.isFinite(threshold)
  ) {
    return {
      target,
      value: value ?? Number.NaN,
      threshold: threshold ?? Number.NaN,
      unit,
      status: 'n/a',
    };
  }
  return { target, value, threshold, unit, status: passes(value, threshold) ? 'PASS' : 'FAIL' };
}
