import type { Severity } from '../rules/alert-rule.js';

/** Where one alert (a rule at one severity, for one label set) stands. */
export type AlertState = 'inactive' | 'pending' | 'firing';

/**
 * A change of an alert that notifiers hear about: it started firing, or it stopped (resolved).
 * The in-server evaluator emits these; the notifiers (webhook, Alertmanager, Slack) deliver
 * them. Pending alerts are not announced.
 */
export interface AlertEvent {
  readonly status: 'firing' | 'resolved';
  /** The rule's alert name, e.g. `NeedleSearchLatencyHigh`. */
  readonly rule: string;
  readonly severity: Severity;
  /**
   * The alert's identity: `alertname`, `severity`, and the rule's own labels from the
   * expression (e.g. `collection`), as Prometheus would label the same alert.
   */
  readonly labels: Readonly<Record<string, string>>;
  /** The measured value at the transition, in the rule's unit. */
  readonly value: number;
  /** The threshold breached (or no longer breached), in the rule's unit. */
  readonly threshold: number;
  readonly summary: string;
  readonly description: string;
  /** The runbook link, e.g. `docs/runbooks/alerts.md#search-latency`. */
  readonly runbook: string;
  /** When the alert started firing, ISO 8601. */
  readonly startsAt: string;
  /** When it resolved, ISO 8601; only on `resolved`. */
  readonly endsAt?: string;
  /**
   * Stable hex digest of `labels` (sorted): the same alert has the same fingerprint across
   * its firing and resolved events and across restarts, so receivers can deduplicate.
   */
  readonly fingerprint: string;
}
