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
export type { AlertEvent, AlertState } from './alerts/alert-event.js';
