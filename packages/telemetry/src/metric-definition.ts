/** The Prometheus metric types the catalogue uses. */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/**
 * What a metric's value measures, for dashboards (panel units) and alert text. `count` is a
 * plain number of things; `ratio` is 0..1; `timestamp_seconds` is seconds since the epoch;
 * `boolean` is 0 or 1.
 */
export type MetricUnit = 'seconds' | 'bytes' | 'ratio' | 'count' | 'timestamp_seconds' | 'boolean';

/** Where a metric belongs on a dashboard. */
export type MetricGroup =
  | 'queries'
  | 'writes'
  | 'errors'
  | 'memory'
  | 'storage'
  | 'cache'
  | 'limits'
  | 'security'
  | 'backups'
  | 'alerts'
  | 'http'
  | 'health';

/**
 * One metric of the catalogue: everything needed to register it in prom-client and to
 * generate a dashboard panel or an alert rule for it.
 */
export interface MetricDefinition {
  /** The exposed name, e.g. `needle_search_latency_seconds`. Never changes once published. */
  readonly name: string;
  readonly type: MetricType;
  /** The `# HELP` line: what is measured, and how to read it. */
  readonly help: string;
  /** Label names, in a fixed order. */
  readonly labels: readonly string[];
  readonly unit: MetricUnit;
  readonly group: MetricGroup;
  /** Histogram bucket upper bounds, ascending (histograms only). */
  readonly buckets?: readonly number[];
  /**
   * Values a label is known to take, when that set is closed (e.g. `limit`), so dashboards
   * and alert rules can name them. Labels with open sets (collection names) are absent.
   */
  readonly labelValues?: Readonly<Record<string, readonly string[]>>;
}
