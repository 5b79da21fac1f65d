import { METRIC_CATALOGUE } from '../catalogue.js';
import type { MetricDefinition } from '../metric-definition.js';

/** Series Prometheus makes itself, which a query may name beside the catalogue's metrics. */
export const PROMETHEUS_BUILTIN_SERIES = ['ALERTS', 'ALERTS_FOR_STATE', 'up'] as const;

const SERIES_NAME = /\b(needle_[a-z0-9_]+|ALERTS_FOR_STATE|ALERTS|up)\b/g;
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

/** The metric names a PromQL expression reads (histogram series resolved to their metric). */
export function seriesNamesIn(expression: string): string[] {
  return [...new Set(expression.match(SERIES_NAME) ?? [])];
}

/**
 * The catalogue metric a series name belongs to (`needle_x_seconds_bucket` → the histogram
 * `needle_x_seconds`), or undefined when the catalogue has none.
 */
export function catalogueMetricOf(
  series: string,
  catalogue: readonly MetricDefinition[] = METRIC_CATALOGUE,
): MetricDefinition | undefined {
  const exact = catalogue.find((m) => m.name === series);
  if (exact !== undefined) return exact;
  const base = series.replace(HISTOGRAM_SUFFIX, '');
  return catalogue.find((m) => m.name === base && m.type === 'histogram');
}

/** Series an expression names that are neither catalogue metrics nor Prometheus built-ins. */
export function unknownSeriesIn(
  expression: string,
  catalogue: readonly MetricDefinition[] = METRIC_CATALOGUE,
): string[] {
  const builtins: readonly string[] = PROMETHEUS_BUILTIN_SERIES;
  return seriesNamesIn(expression).filter(
    (s) => !builtins.includes(s) && catalogueMetricOf(s, catalogue) === undefined,
  );
}
