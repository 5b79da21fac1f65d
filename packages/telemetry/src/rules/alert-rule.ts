import type { MetricUnit } from '../metric-definition.js';
import type { QueryExpr } from '../query/query-expr.js';

/** How bad a breached threshold is; each rule has one threshold per severity. */
export type Severity = 'warning' | 'critical';

/** The severities, least severe first. */
export const SEVERITIES: readonly Severity[] = ['warning', 'critical'];

/**
 * One alert rule, as data: the in-server evaluator, the generated Prometheus rules, their
 * promtool tests and the dashboard thresholds all read it.
 *
 * The rule fires at a severity when `expression <comparison> thresholds[severity]` holds for
 * `for`. At the critical threshold the warning one is breached too, so both alerts fire; the
 * Alertmanager example inhibits the warning while the critical alert fires.
 */
export interface AlertRuleDefinition {
  /** The Prometheus alert name, e.g. `NeedleSearchLatencyHigh`; the same at both severities. */
  readonly name: string;
  /**
   * The measured value (no comparison), over catalogue metrics only. Its result labels are
   * `labels`, exactly (aggregate with `by (...)` where the inputs carry more). The server
   * evaluates it over its own samples; `expression` is its PromQL.
   */
  readonly query: QueryExpr;
  /** `query` rendered as PromQL (`renderPromQL`), as the Prometheus rules and panels carry it. */
  readonly expression: string;
  /** The labels each alert carries from the expression, e.g. `['collection']`. */
  readonly labels: readonly string[];
  readonly comparison: '>' | '<';
  readonly thresholds: Readonly<Record<Severity, number>>;
  /** How long the threshold must stay breached before the alert fires, e.g. `5m`. */
  readonly for: string;
  /** What the expression's value is, for thresholds on panels and text in alerts. */
  readonly unit: MetricUnit;
  /** One line: what is wrong, e.g. "Search latency p99 is high". */
  readonly summary: string;
  /** What the value measures and what the thresholds mean. */
  readonly description: string;
  /** Where the runbook section is: `docs/runbooks/alerts.md#<anchor>`. */
  readonly runbook: string;
  /**
   * What evidence an alert of this rule links to: `slow-queries`, the slow queries recorded
   * in the alert's window (for the collection in its labels), each with its explain trace.
   */
  readonly evidence?: 'slow-queries';
}
