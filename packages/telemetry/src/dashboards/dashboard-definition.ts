import type { MetricUnit } from '../metric-definition.js';
import type { QueryExpr } from '../query/query-expr.js';

/**
 * One query of a panel, with the legend its series get. Grafana runs its PromQL
 * (`renderPromQL(query)`); the server's range query runs the same query over its own samples.
 */
export interface PanelQuery {
  readonly query: QueryExpr;
  /** Grafana legend format, e.g. `{{collection}}`. */
  readonly legend: string;
}

/** One chart or figure. */
export interface PanelDefinition {
  readonly title: string;
  readonly description: string;
  readonly kind: 'timeseries' | 'stat' | 'table';
  readonly queries: readonly PanelQuery[];
  /** Unit of the queries' values; `ratio` shows as a percentage. */
  readonly unit: MetricUnit | 'ops' | 'none';
  /** The alert rule whose warning and critical thresholds the panel draws, by name. */
  readonly rule?: string;
}

/** A dashboard: panels in reading order, laid out two to a row. */
export interface DashboardDefinition {
  /** Stable Grafana uid, e.g. `needle-overview`. */
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  /** File name under `grafana/dashboards/`, without `.json`. */
  readonly file: string;
  readonly panels: readonly PanelDefinition[];
  /** Whether the dashboard offers a `collection` selector (queries use `$collection`). */
  readonly collectionVariable?: boolean;
}
