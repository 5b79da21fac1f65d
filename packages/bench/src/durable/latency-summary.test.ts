import { createHistogram } from 'node:perf_hooks';

import { describe, expect, it } from 'vitest';

import { summarizeLatencies, summarizeLoopDelay } from './latency-summary.js';

describe('summarizeLatencies', () => {
  it('gives nearest-rank p50 and p99 and the max', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i); // 200 … 1, unsorted input
    expect(summarizeLatencies(values)).toEqual({ count: 200, p50Ms: 100, p99Ms: 198, maxMs: 200 });
  });

  it('gives NaN figures for no latencies', () => {
    expect(summarizeLatencies([])).toEqual({
      count: 0,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      maxMs: Number.NaN,
    });
  });
});

describe('summarizeLoopDelay', () => {
  it('converts a nanosecond histogram to milliseconds', () => {
    const histogram = createHistogram();
    for (let i = 0; i < 99; i++) histogram.record(1_000_000); // 1 ms
    histogram.record(40_000_000); // one 40 ms stall
    const summary = summarizeLoopDelay(histogram);
    expect(summary.maxMs).toBeCloseTo(40, 1);
    expect(summary.p99Ms).toBeCloseTo(1, 1);
    expect(summary.meanMs).toBeCloseTo(1.39, 1);
  });

  it('gives NaN figures for an empty histogram', () => {
    expect(summarizeLoopDelay(createHistogram())).toEqual({
      p99Ms: Number.NaN,
      maxMs: Number.NaN,
      meanMs: Number.NaN,
    });
  });
});
