/**
 * A small typed query language: the subset of PromQL that Needle's alert rules and dashboard
 * panels use. One value of {@link QueryExpr} renders to the PromQL that Prometheus and Grafana
 * run (`renderPromQL`) and is evaluated by the server over its own samples (`evaluateQuery`),
 * so the console, Grafana and Prometheus read the same definition.
 */

/** How a label matcher compares: PromQL's `=`, `!=`, `=~` and `!~` (regexes fully anchored). */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher of a selector, e.g. `collection=~"$collection"`. */
export interface LabelMatcher {
  readonly label: string;
  readonly op: MatchOp;
  /** The value or regex; may name a dashboard variable such as `$collection`. */
  readonly value: string;
}

/** A duration as PromQL writes it: `30s`, `5m`, `1h`, `7d`. */
export type QueryDuration = `${number}${'s' | 'm' | 'h' | 'd'}`;

/** `metric{matchers}`: the newest sample of each matching series (an instant vector). */
export interface SelectorExpr {
  readonly kind: 'selector';
  readonly metric: string;
  readonly matchers: readonly LabelMatcher[];
}

/** `rate(selector[window])` or `increase(selector[window])` over a counter. */
export interface RangeFunctionExpr {
  readonly kind: 'range-function';
  readonly fn: 'rate' | 'increase';
  readonly selector: SelectorExpr;
  readonly window: QueryDuration;
}

/** `sum by (labels) (expr)` and its kin; without `by`, one value over every series. */
export interface AggregateExpr {
  readonly kind: 'aggregate';
  readonly op: 'sum' | 'max' | 'min' | 'avg';
  /** The labels kept; undefined aggregates everything into one series without labels. */
  readonly by?: readonly string[];
  readonly expr: QueryExpr;
}

/** `histogram_quantile(q, expr)` over cumulative `_bucket` series with an `le` label. */
export interface HistogramQuantileExpr {
  readonly kind: 'histogram-quantile';
  readonly quantile: number;
  readonly expr: QueryExpr;
}

/** Arithmetic between two expressions (vector and vector, vector and scalar, two scalars). */
export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: '+' | '-' | '*' | '/';
  readonly left: QueryExpr;
  readonly right: QueryExpr;
}

/** `round(expr)`: to the nearest integer, halves up. */
export interface RoundExpr {
  readonly kind: 'round';
  readonly expr: QueryExpr;
}

/** A number literal (a scalar). */
export interface NumberExpr {
  readonly kind: 'number';
  readonly value: number;
}

/** `time()`: the evaluation time in seconds since the epoch (a scalar). */
export interface TimeExpr {
  readonly kind: 'time';
}

/** A query: what a rule measures or a panel charts. */
export type QueryExpr =
  | SelectorExpr
  | RangeFunctionExpr
  | AggregateExpr
  | HistogramQuantileExpr
  | BinaryExpr
  | RoundExpr
  | NumberExpr
  | TimeExpr;

/** A matcher, or the tuple `[label, op, value]`. */
export type MatcherInput = LabelMatcher | readonly [label: string, op: MatchOp, value: string];

/**
 * A selector: `metric('needle_wal_bytes')`, or with matchers
 * `metric('needle_vectors', [['collection', '=~', '$collection']])`.
 */
export function metric(name: string, matchers: readonly MatcherInput[] = []): SelectorExpr {
  return {
    kind: 'selector',
    metric: name,
    matchers: matchers.map((m) =>
      Array.isArray(m)
        ? { label: m[0] as string, op: m[1] as MatchOp, value: m[2] as string }
        : (m as LabelMatcher),
    ),
  };
}

/** `rate(selector[window])`: per-second increase of a counter. */
export function rate(selector: SelectorExpr, window: QueryDuration): RangeFunctionExpr {
  return { kind: 'range-function', fn: 'rate', selector, window };
}

/** `increase(selector[window])`: increase of a counter over the window. */
export function increase(selector: SelectorExpr, window: QueryDuration): RangeFunctionExpr {
  return { kind: 'range-function', fn: 'increase', selector, window };
}

function aggregate(op: AggregateExpr['op']) {
  return (expr: QueryExpr, by?: readonly string[]): AggregateExpr =>
    by === undefined ? { kind: 'aggregate', op, expr } : { kind: 'aggregate', op, by, expr };
}

/** `sum(expr)` or `sum by (labels) (expr)`. */
export const sum = aggregate('sum');
/** `max(expr)` or `max by (labels) (expr)`. */
export const max = aggregate('max');
/** `min(expr)` or `min by (labels) (expr)`. */
export const min = aggregate('min');
/** `avg(expr)` or `avg by (labels) (expr)`. */
export const avg = aggregate('avg');

/** `histogram_quantile(quantile, expr)`. */
export function histogramQuantile(quantile: number, expr: QueryExpr): HistogramQuantileExpr {
  return { kind: 'histogram-quantile', quantile, expr };
}

const asExpr = (e: QueryExpr | number): QueryExpr =>
  typeof e === 'number' ? { kind: 'number', value: e } : e;

function binary(op: BinaryExpr['op']) {
  return (left: QueryExpr | number, right: QueryExpr | number): BinaryExpr => ({
    kind: 'binary',
    op,
    left: asExpr(left),
    right: asExpr(right),
  });
}

/** `left + right`. */
export const add = binary('+');
/** `left - right`. */
export const sub = binary('-');
/** `left * right`. */
export const mul = binary('*');
/** `left / right`. */
export const div = binary('/');

/** `round(expr)`. */
export function round(expr: QueryExpr): RoundExpr {
  return { kind: 'round', expr };
}

/** A number literal. */
export function num(value: number): NumberExpr {
  return { kind: 'number', value };
}

/** `time()`. */
export function time(): TimeExpr {
  return { kind: 'time' };
}

const DURATION = /^(\d+(?:\.\d+)?)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A PromQL duration (`5m`, `7d`) in milliseconds; undefined when it does not parse. */
export function durationMs(duration: string): number | undefined {
  const m = DURATION.exec(duration);
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/**
 * A matcher's value with the dashboard variables in it (`$collection`) replaced: by the value
 * given, or, when none is given, `.*` in a regex matcher (Grafana's "All") and left as written
 * in an equality matcher. The server's own evaluation and its queries to Prometheus both use it.
 */
export function matcherValue(
  matcher: LabelMatcher,
  variables: Readonly<Record<string, string>>,
): string {
  const regex = matcher.op === '=~' || matcher.op === '!~';
  return matcher.value.replace(
    /\$([A-Za-z_]\w*)/g,
    (whole, name: string) => variables[name] ?? (regex ? '.*' : whole),
  );
}

/** The query with every matcher's variables replaced ({@link matcherValue}). */
export function withVariables(
  expr: QueryExpr,
  variables: Readonly<Record<string, string>>,
): QueryExpr {
  const selector = (s: SelectorExpr): SelectorExpr => ({
    ...s,
    matchers: s.matchers.map((m) => ({ ...m, value: matcherValue(m, variables) })),
  });
  switch (expr.kind) {
    case 'selector':
      return selector(expr);
    case 'range-function':
      return { ...expr, selector: selector(expr.selector) };
    case 'aggregate':
    case 'histogram-quantile':
    case 'round':
      return { ...expr, expr: withVariables(expr.expr, variables) };
    case 'binary':
      return {
        ...expr,
        left: withVariables(expr.left, variables),
        right: withVariables(expr.right, variables),
      };
    case 'number':
    case 'time':
      return expr;
  }
}

/**
 * The longest range window a query reads (`5m` of `rate(x[5m])`), in milliseconds; 0 for a
 * query of instant values only. An alert's evidence starts this long before it became pending.
 */
export function longestWindowMs(expr: QueryExpr): number {
  switch (expr.kind) {
    case 'range-function':
      return durationMs(expr.window) ?? 0;
    case 'aggregate':
    case 'histogram-quantile':
    case 'round':
      return longestWindowMs(expr.expr);
    case 'binary':
      return Math.max(longestWindowMs(expr.left), longestWindowMs(expr.right));
    case 'selector':
    case 'number':
    case 'time':
      return 0;
  }
}

/** The metric names a query reads, in order of first appearance. */
export function metricsOf(expr: QueryExpr): string[] {
  const names = new Set<string>();
  const visit = (e: QueryExpr): void => {
    switch (e.kind) {
      case 'selector':
        names.add(e.metric);
        return;
      case 'range-function':
        visit(e.selector);
        return;
      case 'aggregate':
      case 'histogram-quantile':
      case 'round':
        visit(e.expr);
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      case 'number':
      case 'time':
        return;
    }
  };
  visit(expr);
  return [...names];
}
