import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { ALERT_RULES } from '../rules/default-rules.js';
import {
  QueryError,
  bucketQuantile,
  evaluateQuery,
  evaluateRange,
  extrapolatedIncrease,
} from './evaluate-query.js';
import type { QueryValue } from './evaluate-query.js';
import {
  div,
  histogramQuantile,
  increase,
  max,
  metric,
  min,
  avg,
  rate,
  round,
  sub,
  sum,
  time,
} from './query-expr.js';
import type { QueryDuration } from './query-expr.js';
import { samplesFromRegistry } from './registry-samples.js';
import { SampleRing } from './sample-ring.js';
import type { Sample } from './sample-ring.js';

const S = 1000;
const T0 = 1_700_000_000_000;

/** A ring holding one series `name{labels}` with these values at these seconds after T0. */
function ringOf(
  series: { name: string; labels?: Record<string, string>; points: [number, number][] }[],
) {
  const ring = new SampleRing({ capacity: 1000, maxSeries: 100 });
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort(
    (a, b) => a - b,
  );
  for (const t of times) {
    const samples: Sample[] = [];
    for (const s of series) {
      const p = s.points.find((x) => x[0] === t);
      if (p) samples.push({ name: s.name, labels: s.labels ?? {}, value: p[1] });
    }
    ring.append(T0 + t * S, samples);
  }
  return ring;
}

const values = (v: QueryValue) => {
  if (v.type === 'scalar') return [{ labels: {}, value: v.value }];
  return [...v.samples].sort((a, b) =>
    JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)),
  );
};

describe('rate and increase', () => {
  it('give the per-second rate of a counter that grows steadily, as PromQL does', () => {
    const points: [number, number][] = [];
    for (let t = 0; t <= 300; t += 5) points.push([t, 2 * t]);
    const ring = ringOf([{ name: 'c_total', points }]);
    for (const w of ['1m', '5m'] as QueryDuration[]) {
      const v = values(evaluateQuery(rate(metric('c_total'), w), ring, T0 + 300 * S));
      expect(v).toHaveLength(1);
      expect(v[0]!.value).toBeCloseTo(2, 10);
    }
    const inc = values(evaluateQuery(increase(metric('c_total'), '1m'), ring, T0 + 300 * S));
    expect(inc[0]!.value).toBeCloseTo(120, 10);
  });

  it('count a counter reset as a restart from zero and extrapolate to the window (hand computed)', () => {
    // 10, 20, 30, reset, 5, 15 over 40 s in a 50 s window: 5 + 30 = 35 seen over 40 s,
    // extrapolated by 10 s at the start (under 1.1 × the 10 s interval): 35 × 50 / 40.
    const ring = ringOf([
      {
        name: 'c_total',
        points: [
          [0, 10],
          [10, 20],
          [20, 30],
          [30, 5],
          [40, 15],
        ],
      },
    ]);
    const v = values(evaluateQuery(increase(metric('c_total'), '50s'), ring, T0 + 40 * S));
    expect(v[0]!.value).toBeCloseTo(43.75, 10);
    expect(
      extrapolatedIncrease(
        [0, 10_000, 20_000, 30_000, 40_000],
        [10, 20, 30, 5, 15],
        -10_000,
        40_000,
      ),
    ).toBeCloseTo(43.75, 10);
  });

  it('do not extrapolate a counter below zero', () => {
    // 1, 11, 21 at 10, 20, 30 s over (0, 30]: 20 over 20 s; at most 1 s back to zero: 21.
    expect(extrapolatedIncrease([10_000, 20_000, 30_000], [1, 11, 21], 0, 30_000)).toBeCloseTo(
      21,
      10,
    );
    // Samples far from the edges extrapolate half an interval each way: 20 × 30 / 20.
    expect(extrapolatedIncrease([40_000, 50_000, 60_000], [100, 110, 120], 0, 100_000)).toBeCloseTo(
      30,
      10,
    );
  });

  it('give nothing with fewer than two samples in the window', () => {
    const ring = ringOf([{ name: 'c_total', points: [[0, 1]] }]);
    expect(evaluateQuery(rate(metric('c_total'), '5m'), ring, T0)).toEqual({
      type: 'vector',
      samples: [],
    });
  });

  it('read a prom-client counter through the registry feed: +3 per second is a rate of 3', async () => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'req_total',
      help: 'h',
      labelNames: ['path'],
      registers: [registry],
    });
    const ring = new SampleRing({ capacity: 100, maxSeries: 10 });
    for (let t = 0; t <= 120; t += 5) {
      ring.append(T0 + t * S, samplesFromRegistry(await registry.getMetricsAsJSON()));
      counter.inc({ path: '/a' }, 15);
      counter.inc({ path: '/b' }, 5);
    }
    const v = values(
      evaluateQuery(sum(rate(metric('req_total'), '1m'), ['path']), ring, T0 + 120 * S),
    );
    expect(v.map((s) => [s.labels, Number(s.value.toFixed(9))])).toEqual([
      [{ path: '/a' }, 3],
      [{ path: '/b' }, 1],
    ]);
  });
});

describe('histogram_quantile', () => {
  it('interpolates linearly inside the bucket the rank falls in (hand computed)', () => {
    const buckets = [
      { upper: 0.1, count: 50 },
      { upper: 0.5, count: 90 },
      { upper: Number.POSITIVE_INFINITY, count: 100 },
    ];
    expect(bucketQuantile(0.5, buckets)).toBeCloseTo(0.1, 12);
    expect(bucketQuantile(0.7, buckets)).toBeCloseTo(0.3, 12);
    expect(bucketQuantile(0.25, buckets)).toBeCloseTo(0.05, 12);
    // In the +Inf bucket: the highest finite bound.
    expect(bucketQuantile(0.99, buckets)).toBe(0.5);
    expect(bucketQuantile(1.5, buckets)).toBe(Number.POSITIVE_INFINITY);
    expect(bucketQuantile(-1, buckets)).toBe(Number.NEGATIVE_INFINITY);
    expect(bucketQuantile(0.5, buckets.slice(0, 2))).toBeNaN();
    expect(
      bucketQuantile(0.5, [
        { upper: 1, count: 0 },
        { upper: Number.POSITIVE_INFINITY, count: 0 },
      ]),
    ).toBeNaN();
  });

  it('estimates p99 of a prom-client histogram through rate(), per label set', async () => {
    const registry = new Registry();
    const h = new Histogram({
      name: 'lat_seconds',
      help: 'h',
      labelNames: ['collection'],
      buckets: [0.01, 0.1, 1],
      registers: [registry],
    });
    const ring = new SampleRing({ capacity: 100, maxSeries: 100 });
    for (let t = 0; t <= 60; t += 5) {
      // docs: 99 fast (in the first bucket) and 1 slow per round; logs: all 0.5 s.
      for (let i = 0; i < 99; i++) h.observe({ collection: 'docs' }, 0.005);
      h.observe({ collection: 'docs' }, 0.5);
      h.observe({ collection: 'logs' }, 0.5);
      ring.append(T0 + t * S, samplesFromRegistry(await registry.getMetricsAsJSON()));
    }
    const q = (quantile: number) =>
      values(
        evaluateQuery(
          histogramQuantile(
            quantile,
            sum(rate(metric('lat_seconds_bucket'), '1m'), ['collection', 'le']),
          ),
          ring,
          T0 + 60 * S,
        ),
      );
    const p50 = q(0.5);
    // docs: rank 50 of 100, all 99 in (0, 0.01]: 0.01 × 50 / 99.
    expect(p50[0]).toMatchObject({ labels: { collection: 'docs' } });
    expect(p50[0]!.value).toBeCloseTo((0.01 * 50) / 99, 9);
    // logs: every observation in (0.1, 1]: the median interpolates to the middle, 0.55.
    expect(p50[1]).toMatchObject({ labels: { collection: 'logs' } });
    expect(p50[1]!.value).toBeCloseTo(0.55, 9);
    // docs p99.5: rank 99.5, in (0.1, 1] holding 1: 0.1 + 0.9 × 0.5.
    expect(q(0.995)[0]!.value).toBeCloseTo(0.55, 9);
  });
});

describe('aggregation, arithmetic, matchers', () => {
  const ring = ringOf([
    {
      name: 'g',
      labels: { collection: 'docs', op: 'search' },
      points: [
        [0, 1],
        [5, 2],
      ],
    },
    {
      name: 'g',
      labels: { collection: 'docs', op: 'query' },
      points: [
        [0, 3],
        [5, 4],
      ],
    },
    {
      name: 'g',
      labels: { collection: 'logs', op: 'search' },
      points: [
        [0, 10],
        [5, 20],
      ],
    },
    {
      name: 'limit',
      points: [
        [0, 40],
        [5, 40],
      ],
    },
  ]);
  const at = T0 + 5 * S;

  it('aggregates by labels or into one series', () => {
    expect(values(evaluateQuery(sum(metric('g'), ['collection']), ring, at))).toEqual([
      { labels: { collection: 'docs' }, value: 6 },
      { labels: { collection: 'logs' }, value: 20 },
    ]);
    expect(values(evaluateQuery(sum(metric('g')), ring, at))).toEqual([{ labels: {}, value: 26 }]);
    expect(values(evaluateQuery(max(metric('g')), ring, at))[0]!.value).toBe(20);
    expect(values(evaluateQuery(min(metric('g')), ring, at))[0]!.value).toBe(2);
    expect(values(evaluateQuery(avg(metric('g'), ['op']), ring, at))).toEqual([
      { labels: { op: 'query' }, value: 4 },
      { labels: { op: 'search' }, value: 11 },
    ]);
  });

  it('matches labels exactly and by anchored regex, with dashboard variables', () => {
    const sel = (op: '=' | '!=' | '=~' | '!~', v: string) =>
      values(evaluateQuery(sum(metric('g', [['collection', op, v]])), ring, at))[0]?.value;
    expect(sel('=', 'docs')).toBe(6);
    expect(sel('!=', 'docs')).toBe(20);
    expect(sel('=~', 'do')).toBeUndefined();
    expect(sel('=~', 'do.*|logs')).toBe(26);
    expect(sel('!~', 'l.*')).toBe(6);
    const byVar = (variables?: Record<string, string>) =>
      values(
        evaluateQuery(sum(metric('g', [['collection', '=~', '$collection']])), ring, at, {
          variables,
        }),
      )[0]?.value;
    expect(byVar()).toBe(26);
    expect(byVar({ collection: 'logs' })).toBe(20);
    expect(() => evaluateQuery(metric('g', [['collection', '=~', '(']]), ring, at)).toThrow(
      QueryError,
    );
  });

  it('does arithmetic between vectors on equal labels and with scalars', () => {
    expect(values(evaluateQuery(div(max(metric('g')), max(metric('limit'))), ring, at))).toEqual([
      { labels: {}, value: 0.5 },
    ]);
    expect(
      values(evaluateQuery(sub(1, div(sum(metric('g')), max(metric('limit')))), ring, at))[0]!
        .value,
    ).toBeCloseTo(0.35);
    // Different label sets do not match: no result.
    expect(
      values(evaluateQuery(div(sum(metric('g'), ['op']), max(metric('limit'))), ring, at)),
    ).toEqual([]);
    expect(evaluateQuery(sub(time(), 5), ring, at)).toEqual({
      type: 'scalar',
      value: at / 1000 - 5,
    });
    expect(values(evaluateQuery(round(div(sum(metric('g')), 4)), ring, at))[0]!.value).toBe(7);
  });

  it('sees a series that left the last round as gone, and old samples past the lookback as gone', () => {
    const r = ringOf([
      {
        name: 'a',
        points: [
          [0, 1],
          [5, 1],
        ],
      },
      { name: 'b', points: [[0, 1]] },
    ]);
    expect(values(evaluateQuery(metric('a'), r, T0 + 5 * S))).toHaveLength(1);
    expect(values(evaluateQuery(metric('b'), r, T0 + 5 * S))).toHaveLength(0);
    expect(values(evaluateQuery(metric('b'), r, T0 + 4 * S))).toHaveLength(1);
    expect(values(evaluateQuery(metric('a'), r, T0 + 400 * S))).toHaveLength(0);
    expect(
      values(evaluateQuery(metric('a'), r, T0 + 400 * S, { lookbackMs: 500 * S })),
    ).toHaveLength(1);
  });

  it('evaluates a rule of the catalogue: the error ratio', () => {
    const points = (perSecond: number): [number, number][] =>
      Array.from({ length: 61 }, (_, i) => [i * 5, i * 5 * perSecond]);
    const r = ringOf([
      { name: 'needle_error_count', labels: { code: 'X', operation: 'http' }, points: points(0.5) },
      {
        name: 'needle_http_requests_total',
        labels: { method: 'GET', path: '/', status: '200' },
        points: points(40),
      },
      {
        name: 'needle_http_requests_total',
        labels: { method: 'GET', path: '/', status: '500' },
        points: points(10),
      },
    ]);
    const v = values(evaluateQuery(ALERT_RULES.errorRate.query, r, T0 + 300 * S));
    expect(v).toHaveLength(1);
    expect(v[0]!.value).toBeCloseTo(0.01, 10);
  });
});

describe('evaluateRange', () => {
  it('charts a query at every step, one series per label set, times in seconds', () => {
    const ring = ringOf([
      {
        name: 'g',
        labels: { c: 'a' },
        points: [
          [0, 1],
          [10, 2],
          [20, 3],
        ],
      },
      {
        name: 'g',
        labels: { c: 'b' },
        points: [
          [10, 5],
          [20, 6],
        ],
      },
    ]);
    const series = evaluateRange(max(metric('g'), ['c']), ring, {
      startMs: T0,
      endMs: T0 + 20 * S,
      stepMs: 10 * S,
    });
    expect(series).toEqual([
      {
        labels: { c: 'a' },
        points: [
          [T0 / 1000, 1],
          [T0 / 1000 + 10, 2],
          [T0 / 1000 + 20, 3],
        ],
      },
      {
        labels: { c: 'b' },
        points: [
          [T0 / 1000 + 10, 5],
          [T0 / 1000 + 20, 6],
        ],
      },
    ]);
    expect(() => evaluateRange(metric('g'), ring, { startMs: 1, endMs: 0, stepMs: 1 })).toThrow(
      QueryError,
    );
  });
});
