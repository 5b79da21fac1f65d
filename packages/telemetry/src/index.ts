/**
 * `@needle/telemetry` — the metric catalogue, the alert rules and the dashboards as data, the
 * catalogue's registration into a prom-client registry, and the generators of the Grafana,
 * Prometheus and Alertmanager files. The server, the dashboards and the alert rules all read
 * the same definitions.
 */
export {
  HTTP_DURATION_BUCKETS,
  LATENCY_BUCKETS,
  LIMIT_NAMES,
  AUTH_FAILURE_REASONS,
  BACKUP_OPERATIONS,
  BACKUP_TYPES,
  METRICS,
  METRIC_CATALOGUE,
  NOTIFICATION_OUTCOMES,
  READ_OPERATIONS,
  RECALL_DROP_REASONS,
  WRITE_OPERATIONS,
} from './catalogue.js';
export type { MetricKey } from './catalogue.js';
export type { MetricDefinition, MetricGroup, MetricType, MetricUnit } from './metric-definition.js';
export { registerMetrics } from './register-metrics.js';
export type {
  LabelsOf,
  MetricCollectors,
  MetricInstance,
  RegisterMetricsOptions,
  RegisteredMetrics,
} from './register-metrics.js';
export { SEVERITIES } from './rules/alert-rule.js';
export type { AlertRuleDefinition, Severity } from './rules/alert-rule.js';
export { ALERT_RULES, ALERT_RULE_LIST, ALERT_RUNBOOK } from './rules/default-rules.js';
export type { AlertRuleKey } from './rules/default-rules.js';
export {
  PROMETHEUS_BUILTIN_SERIES,
  catalogueMetricOf,
  seriesNamesIn,
  unknownSeriesIn,
} from './rules/metric-names.js';
export type {
  DashboardDefinition,
  PanelDefinition,
  PanelQuery,
} from './dashboards/dashboard-definition.js';
export { DASHBOARDS } from './dashboards/default-dashboards.js';
export { alertCondition } from './generate/prometheus-rules.js';
export { generateArtefacts } from './generate/artefacts.js';
export type { GenerateOptions } from './generate/artefacts.js';
export type { AlertmanagerExampleOptions } from './generate/grafana-provisioning.js';
export { overrideRules } from './rules/override-rules.js';
export type { AlertRuleOverride } from './rules/override-rules.js';
export type { AlertEvent, AlertState } from './alerts/alert-event.js';
export {
  add,
  avg,
  div,
  durationMs,
  histogramQuantile,
  increase,
  max,
  metric,
  longestWindowMs,
  matcherValue,
  metricsOf,
  min,
  mul,
  num,
  rate,
  round,
  sub,
  sum,
  time,
  withVariables,
} from './query/query-expr.js';
export type {
  AggregateExpr,
  BinaryExpr,
  HistogramQuantileExpr,
  LabelMatcher,
  MatchOp,
  MatcherInput,
  NumberExpr,
  QueryDuration,
  QueryExpr,
  RangeFunctionExpr,
  RoundExpr,
  SelectorExpr,
  TimeExpr,
} from './query/query-expr.js';
export { renderPromQL } from './query/render-promql.js';
export {
  QueryError,
  bucketQuantile,
  evaluateQuery,
  evaluateRange,
  extrapolatedIncrease,
} from './query/evaluate-query.js';
export type {
  EvaluateOptions,
  QueryRange,
  QueryValue,
  RangeSeries,
  VectorSample,
} from './query/evaluate-query.js';
export type { Labels, SampleSource, SeriesRange, StoredSeries } from './query/sample-source.js';
export { SampleRing, seriesKey } from './query/sample-ring.js';
export type { Sample, SampleRingOptions } from './query/sample-ring.js';
export { samplesFromRegistry } from './query/registry-samples.js';
export type { MetricJson } from './query/registry-samples.js';
export { NAMED_QUERIES, namedQuery } from './query/named-queries.js';
export type { NamedQuery } from './query/named-queries.js';
