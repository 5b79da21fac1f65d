import { durationMs, matcherValue } from './query-expr.js';
import type {
  AggregateExpr,
  BinaryExpr,
  LabelMatcher,
  QueryExpr,
  SelectorExpr,
} from './query-expr.js';
import type { Labels, SampleSource } from './sample-source.js';

/** One element of an instant vector: a series' labels and its value at the evaluation time. */
export interface VectorSample {
  readonly labels: Labels;
  readonly value: number;
}

/** What a query gives at one instant: a vector (zero or more series) or a scalar. */
export type QueryValue =
  | { readonly type: 'vector'; readonly samples: readonly VectorSample[] }
  | { readonly type: 'scalar'; readonly value: number };

/** How queries are evaluated. */
export interface EvaluateOptions {
  /**
   * How far back an instant selector looks for a series' newest sample (Prometheus's lookback
   * delta); default 5 minutes.
   */
  readonly lookbackMs?: number;
  /**
   * Values of dashboard variables in matcher values (`$collection`). A variable not given
   * matches everything in a regex matcher (`.*`, as Grafana's "All") and is kept as written in
   * an equality matcher.
   */
  readonly variables?: Readonly<Record<string, string>>;
}

/** Thrown for a query the evaluator cannot run (a bad duration, a bad regex). */
export class QueryError extends Error {
  override readonly name = 'QueryError';
}

const DEFAULT_LOOKBACK_MS = 5 * 60_000;

/**
 * Evaluates a query at `atMs` over a sample source, with Prometheus's semantics for the
 * subset {@link QueryExpr} covers: `rate`/`increase` with counter resets and extrapolation
 * to the window's edges, `histogram_quantile` with linear interpolation inside the bucket,
 * aggregation by labels, one-to-one vector matching on all labels for arithmetic.
 *
 * @example
 * ```ts
 * const value = evaluateQuery(rules.walLag.query, ring, Date.now());
 * if (value.type === 'vector') for (const s of value.samples) console.log(s.labels, s.value);
 * ```
 */
export function evaluateQuery(
  expr: QueryExpr,
  source: SampleSource,
  atMs: number,
  options: EvaluateOptions = {},
): QueryValue {
  const ctx: Context = {
    source,
    atMs,
    lookbackMs: options.lookbackMs ?? DEFAULT_LOOKBACK_MS,
    variables: options.variables ?? {},
  };
  return evaluate(expr, ctx);
}

/** One series of a range query: its labels and its `[seconds, value]` points. */
export interface RangeSeries {
  readonly labels: Labels;
  readonly points: [number, number][];
}

/** The instants of a range query, in milliseconds. */
export interface QueryRange {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

/**
 * Evaluates a query at every step from `startMs` to `endMs` (as Prometheus's
 * `/api/v1/query_range`): one series per label set, its points at the steps where it had a
 * value, times in seconds. A scalar result is one series without labels.
 */
export function evaluateRange(
  expr: QueryExpr,
  source: SampleSource,
  range: QueryRange,
  options: EvaluateOptions = {},
): RangeSeries[] {
  if (!(range.stepMs > 0) || range.endMs < range.startMs) {
    throw new QueryError('a range needs a positive step and an end not before its start');
  }
  const series = new Map<string, RangeSeries>();
  for (let t = range.startMs; t <= range.endMs; t += range.stepMs) {
    const value = evaluateQuery(expr, source, t, options);
    const samples: readonly VectorSample[] =
      value.type === 'scalar' ? [{ labels: {}, value: value.value }] : value.samples;
    for (const s of samples) {
      const key = signature(s.labels);
      let out = series.get(key);
      if (!out) series.set(key, (out = { labels: s.labels, points: [] }));
      out.points.push([t / 1000, s.value]);
    }
  }
  return [...series.values()];
}

interface Context {
  readonly source: SampleSource;
  readonly atMs: number;
  readonly lookbackMs: number;
  readonly variables: Readonly<Record<string, string>>;
}

function evaluate(expr: QueryExpr, ctx: Context): QueryValue {
  switch (expr.kind) {
    case 'number':
      return { type: 'scalar', value: expr.value };
    case 'time':
      return { type: 'scalar', value: ctx.atMs / 1000 };
    case 'selector':
      return vector(
        selectSeries(expr, ctx).flatMap((s) => {
          const value = s.instant(ctx.atMs, ctx.lookbackMs);
          return value === undefined ? [] : [{ labels: s.labels, value }];
        }),
      );
    case 'range-function': {
      const windowMs = durationMs(expr.window);
      if (windowMs === undefined || windowMs <= 0) {
        throw new QueryError(`"${expr.window}" is not a duration such as 5m`);
      }
      return vector(
        selectSeries(expr.selector, ctx).flatMap((s) => {
          const { times, values } = s.range(ctx.atMs - windowMs, ctx.atMs);
          const value = extrapolatedIncrease(times, values, ctx.atMs - windowMs, ctx.atMs);
          if (value === undefined) return [];
          return [
            { labels: s.labels, value: expr.fn === 'rate' ? value / (windowMs / 1000) : value },
          ];
        }),
      );
    }
    case 'aggregate':
      return vector(aggregate(expr, asVector(evaluate(expr.expr, ctx), expr.op)));
    case 'histogram-quantile':
      return vector(
        histogramQuantile(expr.quantile, asVector(evaluate(expr.expr, ctx), 'histogram_quantile')),
      );
    case 'round': {
      const inner = evaluate(expr.expr, ctx);
      const r = (v: number) => Math.floor(v + 0.5);
      return inner.type === 'scalar'
        ? { type: 'scalar', value: r(inner.value) }
        : vector(inner.samples.map((s) => ({ labels: s.labels, value: r(s.value) })));
    }
    case 'binary':
      return binary(expr.op, evaluate(expr.left, ctx), evaluate(expr.right, ctx));
  }
}

const vector = (samples: readonly VectorSample[]): QueryValue => ({ type: 'vector', samples });

function asVector(value: QueryValue, fn: string): readonly VectorSample[] {
  if (value.type === 'vector') return value.samples;
  throw new QueryError(`${fn} needs an instant vector, not a scalar`);
}

const regexes = new Map<string, RegExp>();

function matcherTest(m: LabelMatcher, variables: Readonly<Record<string, string>>) {
  const regex = m.op === '=~' || m.op === '!~';
  const value = matcherValue(m, variables);
  if (!regex) return (v: string) => (v === value) === (m.op === '=');
  const source = `^(?:${value})$`;
  let re = regexes.get(source);
  if (!re) {
    try {
      re = new RegExp(source);
    } catch (err) {
      throw new QueryError(`"${value}" is not a regular expression: ${(err as Error).message}`);
    }
    if (regexes.size > 1000) regexes.clear();
    regexes.set(source, re);
  }
  const compiled = re;
  return (v: string) => compiled.test(v) === (m.op === '=~');
}

function selectSeries(selector: SelectorExpr, ctx: Context) {
  const tests = selector.matchers.map((m) => ({
    label: m.label,
    test: matcherTest(m, ctx.variables),
  }));
  return [...ctx.source.series(selector.metric)].filter((s) =>
    tests.every((t) => t.test(s.labels[t.label] ?? '')),
  );
}

/**
 * Prometheus's `extrapolatedRate` without the division: the increase of a counter over the
 * samples in the window, corrected for resets, extrapolated to the window's edges when the
 * samples come close to them (at most half a sample interval beyond, never below zero).
 */
export function extrapolatedIncrease(
  times: readonly number[],
  values: readonly number[],
  rangeStartMs: number,
  rangeEndMs: number,
): number | undefined {
  const n = values.length;
  if (n < 2) return undefined;
  const first = values[0]!;
  let result = values[n - 1]! - first;
  let previous = 0;
  for (const v of values) {
    if (v < previous) result += previous;
    previous = v;
  }
  const sampled = (times[n - 1]! - times[0]!) / 1000;
  let toStart = (times[0]! - rangeStartMs) / 1000;
  const toEnd = (rangeEndMs - times[n - 1]!) / 1000;
  const average = sampled / (n - 1);
  if (result > 0 && first >= 0) {
    // A counter does not go below zero: extrapolate at most to where it would have been 0.
    const toZero = sampled * (first / result);
    if (toZero < toStart) toStart = toZero;
  }
  const threshold = average * 1.1;
  let interval = sampled;
  interval += toStart < threshold ? toStart : average / 2;
  interval += toEnd < threshold ? toEnd : average / 2;
  return result * (interval / sampled);
}

/** The labels as a string key (sorted by name). */
function signature(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

function aggregate(expr: AggregateExpr, input: readonly VectorSample[]): VectorSample[] {
  const groups = new Map<string, { labels: Labels; sum: number; count: number; value: number }>();
  for (const s of input) {
    const labels: Record<string, string> = {};
    for (const name of expr.by ?? []) {
      const v = s.labels[name];
      if (v !== undefined && v !== '') labels[name] = v;
    }
    const key = signature(labels);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { labels, sum: s.value, count: 1, value: s.value });
      continue;
    }
    g.sum += s.value;
    g.count += 1;
    if (expr.op === 'max' && (s.value > g.value || Number.isNaN(g.value))) g.value = s.value;
    if (expr.op === 'min' && (s.value < g.value || Number.isNaN(g.value))) g.value = s.value;
  }
  return [...groups.values()].map((g) => ({
    labels: g.labels,
    value: expr.op === 'sum' ? g.sum : expr.op === 'avg' ? g.sum / g.count : g.value,
  }));
}

/** Prometheus's `bucketQuantile` over the buckets of each label set (without `le`). */
function histogramQuantile(q: number, input: readonly VectorSample[]): VectorSample[] {
  const groups = new Map<string, { labels: Labels; buckets: { upper: number; count: number }[] }>();
  for (const s of input) {
    const le = s.labels.le;
    if (le === undefined) continue;
    const upper = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
    if (Number.isNaN(upper)) continue;
    const { le: _le, ...labels } = s.labels;
    const key = signature(labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, buckets: [] }));
    g.buckets.push({ upper, count: s.value });
  }
  return [...groups.values()].map((g) => ({
    labels: g.labels,
    value: bucketQuantile(q, g.buckets),
  }));
}

/** The q-quantile of cumulative buckets, interpolated linearly inside the bucket it falls in. */
export function bucketQuantile(
  q: number,
  input: readonly { upper: number; count: number }[],
): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...input].sort((a, b) => a.upper - b.upper);
  // Buckets with the same bound are one bucket; counts never decrease along the bounds.
  const buckets: { upper: number; count: number }[] = [];
  for (const b of sorted) {
    const last = buckets.at(-1);
    if (last && last.upper === b.upper) last.count += b.count;
    else buckets.push({ ...b });
  }
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i]!.count < buckets[i - 1]!.count) buckets[i]!.count = buckets[i - 1]!.count;
  }
  const n = buckets.length;
  if (n < 2 || buckets[n - 1]!.upper !== Number.POSITIVE_INFINITY) return Number.NaN;
  const observations = buckets[n - 1]!.count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  let b = buckets.findIndex((x) => x.count >= rank);
  if (b === -1) b = n - 1;
  if (b === n - 1) return buckets[n - 2]!.upper;
  if (b === 0 && buckets[0]!.upper <= 0) return buckets[0]!.upper;
  let start = 0;
  const end = buckets[b]!.upper;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.upper;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}

function arithmetic(op: BinaryExpr['op'], a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
  }
}

function binary(op: BinaryExpr['op'], left: QueryValue, right: QueryValue): QueryValue {
  if (left.type === 'scalar' && right.type === 'scalar') {
    return { type: 'scalar', value: arithmetic(op, left.value, right.value) };
  }
  if (left.type === 'scalar' && right.type === 'vector') {
    return vector(
      right.samples.map((s) => ({ labels: s.labels, value: arithmetic(op, left.value, s.value) })),
    );
  }
  if (left.type === 'vector' && right.type === 'scalar') {
    return vector(
      left.samples.map((s) => ({ labels: s.labels, value: arithmetic(op, s.value, right.value) })),
    );
  }
  if (left.type !== 'vector' || right.type !== 'vector') throw new QueryError('unreachable');
  // One-to-one matching on every label (the metric name is never among the labels).
  const byLabels = new Map<string, number>();
  for (const s of right.samples) byLabels.set(signature(s.labels), s.value);
  return vector(
    left.samples.flatMap((s) => {
      const other = byLabels.get(signature(s.labels));
      return other === undefined
        ? []
        : [{ labels: s.labels, value: arithmetic(op, s.value, other) }];
    }),
  );
}
