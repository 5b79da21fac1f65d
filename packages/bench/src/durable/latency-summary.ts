import type { RecordableHistogram } from 'node:perf_hooks';

import { percentile } from '../stats.js';

/** Nearest-rank figures of a set of latencies, in milliseconds. */
export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * p50, p99 and max of latencies given in milliseconds; NaN figures when there are none.
 *
 * @example
 * summarizeLatencies([1, 2, 3, 100]); // { count: 4, p50Ms: 2, p99Ms: 100, maxMs: 100 }
 */
export function summarizeLatencies(latenciesMs: ArrayLike<number>): LatencySummary {
  let max = Number.NaN;
  for (let i = 0; i < latenciesMs.length; i++) {
    const value = latenciesMs[i]!;
    if (!(value <= max)) max = value;
  }
  return {
    count: latenciesMs.length,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    maxMs: max,
  };
}

/** How late the event loop ran, from `monitorEventLoopDelay`, in milliseconds. */
export interface LoopDelaySummary {
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/**
 * Converts an event-loop-delay histogram (nanoseconds) into milliseconds. An empty histogram
 * (the loop never ticked while it was enabled) gives NaN figures rather than Node's
 * placeholder values.
 *
 * @example
 * const h = monitorEventLoopDelay({ resolution: 1 });
 * h.enable(); await work(); h.disable();
 * summarizeLoopDelay(h); // { p99Ms: 3.1, maxMs: 7.9, meanMs: 1.2 }
 */
export function summarizeLoopDelay(
  histogram: Pick<RecordableHistogram, 'count' | 'percentile' | 'max' | 'mean'>,
): LoopDelaySummary {
  if (histogram.count === 0) return { p99Ms: Number.NaN, maxMs: Number.NaN, meanMs: Number.NaN };
  const NS_PER_MS = 1e6;
  return {
    p99Ms: histogram.percentile(99) / NS_PER_MS,
    maxMs: histogram.max / NS_PER_MS,
    meanMs: histogram.mean / NS_PER_MS,
  };
}
