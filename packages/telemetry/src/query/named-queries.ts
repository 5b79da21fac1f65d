import { DASHBOARDS } from '../dashboards/default-dashboards.js';
import type { PanelDefinition } from '../dashboards/dashboard-definition.js';
import { ALERT_RULE_LIST } from '../rules/default-rules.js';
import type { QueryExpr } from './query-expr.js';
import { renderPromQL } from './render-promql.js';

/** A query the server can chart from its own samples, by a stable id. */
export interface NamedQuery {
  /**
   * A rule's alert name (`NeedleWalLagHigh`), or `<dashboard uid>/<panel slug>/<query index>`
   * for a panel's query (`needle-overview/query-throughput/0`).
   */
  readonly id: string;
  readonly title: string;
  readonly query: QueryExpr;
  /** The PromQL Grafana and Prometheus run for the same query. */
  readonly expr: string;
  /** Grafana legend format, e.g. `{{collection}}`. */
  readonly legend: string;
  readonly unit: PanelDefinition['unit'];
}

/** A panel title as an id part: lower case, words joined by `-`. */
function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Every rule's query and every dashboard panel's queries, by id: what the console may ask the
 * server to chart (`GET /v1/telemetry/query`), identical to what Grafana charts.
 */
export const NAMED_QUERIES: readonly NamedQuery[] = [
  ...ALERT_RULE_LIST.map((rule) => ({
    id: rule.name,
    title: rule.summary,
    query: rule.query,
    expr: rule.expression,
    legend: rule.labels.map((l) => `{{${l}}}`).join(' ') || rule.name,
    unit: rule.unit,
  })),
  ...DASHBOARDS.flatMap((d) =>
    d.panels.flatMap((p) =>
      p.queries.map((q, i) => ({
        id: `${d.uid}/${slug(p.title)}/${String(i)}`,
        title: p.title,
        query: q.query,
        expr: renderPromQL(q.query),
        legend: q.legend,
        unit: p.unit,
      })),
    ),
  ),
];

const byId = new Map(NAMED_QUERIES.map((q) => [q.id, q]));

/** The named query with this id, or undefined. */
export function namedQuery(id: string): NamedQuery | undefined {
  return byId.get(id);
}
