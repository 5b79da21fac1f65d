/** A severity of an alert rule: each rule has one threshold per severity. */
export type AlertSeverity = 'warning' | 'critical';

/** A rule's threshold per severity. */
export interface AlertThresholds {
  readonly warning: number;
  readonly critical: number;
}

/** One alert (a rule at a severity, for one label set) that is pending or firing now. */
export interface ActiveAlert {
  /** The rule's alert name, e.g. `NeedleMemoryHigh`. */
  readonly rule: string;
  readonly severity: AlertSeverity;
  readonly state: 'pending' | 'firing';
  /** `alertname`, `severity` and the rule's own labels (e.g. `collection`). */
  readonly labels: Readonly<Record<string, string>>;
  readonly fingerprint: string;
  /** The value at the last evaluation, in the rule's unit. */
  readonly value: number;
  readonly threshold: number;
  /** When the threshold was first breached (the alert became pending), ms since the epoch. */
  readonly activeAt: number;
  /** When it started firing, or null while pending. */
  readonly firingSince: number | null;
  /** Where the evidence is (the slow queries of the alert's window), when the rule has some. */
  readonly evidence: string | null;
}

/** One label set a rule's query gave at the last evaluation, and its state per severity. */
export interface RuleSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly states: Readonly<Record<AlertSeverity, 'inactive' | 'pending' | 'firing'>>;
}

/** A rule as the server evaluates it: its definition, thresholds and current state. */
export interface AlertRuleStatus {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly runbook: string;
  readonly unit: string;
  readonly comparison: '>' | '<';
  /** How long a breach must last before the alert fires, in ms (the configured one). */
  readonly forMs: number;
  /** The PromQL of the rule's query, as Prometheus and Grafana run it. */
  readonly expr: string;
  readonly labels: readonly string[];
  readonly defaults: AlertThresholds;
  /** The thresholds in force: the override when there is one, else the defaults. */
  readonly thresholds: AlertThresholds;
  /** The override in force, or null when the defaults apply. */
  readonly override: { readonly updatedAt: number; readonly updatedBy: string } | null;
  /** Every label set of the last evaluation (empty before the first, or when there is no data). */
  readonly series: readonly RuleSeries[];
  /** When the rule was last evaluated, or null before the first evaluation. */
  readonly evaluatedAt: number | null;
}

/** One transition in the alert history. */
export interface AlertHistoryEntry {
  readonly seq: number;
  /** When it happened, ms since the epoch. */
  readonly at: number;
  readonly rule: string;
  readonly severity: AlertSeverity;
  /** `pending`, `firing`, `resolved` (it had fired), or `inactive` (it never fired). */
  readonly transition: 'pending' | 'firing' | 'resolved' | 'inactive';
  readonly labels: Readonly<Record<string, string>>;
  readonly fingerprint: string;
  /** The value at the transition (null when not a finite number). */
  readonly value: number | null;
  readonly threshold: number;
}

/** A page of the history, newest first, and where the next page starts (or null). */
export interface AlertHistoryPage {
  readonly entries: readonly AlertHistoryEntry[];
  readonly next: string | null;
}

/** What a threshold change or reset did. */
export interface ThresholdChange {
  readonly rule: string;
  readonly previous: AlertThresholds;
  readonly thresholds: AlertThresholds;
  readonly defaults: AlertThresholds;
  readonly overridden: boolean;
}

/** A query the server can chart from its own samples. */
export interface TelemetryQueryInfo {
  readonly id: string;
  readonly title: string;
  readonly expr: string;
  readonly legend: string;
  readonly unit: string;
}

/** A range query over the server's samples. */
export interface TelemetryQueryRequest {
  /** A named query's id (a rule's alert name, or `<dashboard uid>/<panel slug>/<index>`). */
  readonly query: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  /** Dashboard variables, e.g. `{ collection: 'docs' }`. */
  readonly variables: Readonly<Record<string, string>>;
}

/** Its answer: the series, each with `[seconds, value]` points (null for NaN or ±Inf). */
export interface TelemetryQueryResult {
  readonly query: TelemetryQueryInfo;
  readonly series: readonly {
    readonly labels: Readonly<Record<string, string>>;
    readonly points: readonly (readonly [number, number | null])[];
  }[];
}

/**
 * The alerts the server evaluates over its own samples, as the host provides them. Errors are
 * `ApiError`s: `ALERT_RULE_NOT_FOUND`, `INVALID_THRESHOLDS`, `QUERY_NOT_FOUND`,
 * `INVALID_QUERY_RANGE`, `INVALID_CURSOR`.
 */
export interface AlertServices {
  /** Every rule with its default and effective thresholds and its state per label set. */
  rules(): AlertRuleStatus[];
  /** The alerts pending or firing now. */
  active(): ActiveAlert[];
  /** Transitions, newest first (of one rule when `rule` is given); `cursor` is a page's `next`. */
  history(page: {
    limit: number;
    cursor?: string | undefined;
    rule?: string | undefined;
  }): AlertHistoryPage;
  /**
   * Overrides a rule's thresholds (the severities not given keep their effective value), at
   * once and across restarts.
   */
  setThresholds(
    rule: string,
    change: Partial<AlertThresholds>,
    updatedBy: string,
  ): Promise<ThresholdChange>;
  /** Removes a rule's override: its default thresholds apply again. */
  resetThresholds(rule: string): Promise<ThresholdChange>;
  /** The queries `query` can run. */
  queries(): TelemetryQueryInfo[];
  /** Runs a named query over the sample ring at each step of a range. */
  query(request: TelemetryQueryRequest): TelemetryQueryResult;
  /** Whether a Prometheus scraping this server is configured (`prometheus.url`). */
  prometheusConfigured(): boolean;
  /**
   * Runs the same named query, rendered to PromQL, on the configured Prometheus. Errors:
   * `QUERY_NOT_FOUND`, `PROMETHEUS_NOT_CONFIGURED`, `PROMETHEUS_UNAVAILABLE`,
   * `PROMETHEUS_QUERY_FAILED`.
   */
  queryPrometheus(request: TelemetryQueryRequest): Promise<TelemetryQueryResult>;
}
