import { createHash } from 'node:crypto';

import { SEVERITIES, evaluateQuery } from '@needle/telemetry';
import type {
  AlertEvent,
  AlertRuleDefinition,
  Labels,
  SampleSource,
  Severity,
} from '@needle/telemetry';

/** What an alert went to: `resolved` after firing, `inactive` when it never fired. */
export type AlertTransitionKind = 'pending' | 'firing' | 'resolved' | 'inactive';

/** One alert (a rule at a severity for a label set) that is pending or firing. */
export interface AlertInstance {
  readonly rule: AlertRuleDefinition;
  readonly severity: Severity;
  /** `alertname`, `severity` and the rule's own labels. */
  readonly labels: Labels;
  readonly fingerprint: string;
  state: 'pending' | 'firing';
  value: number;
  threshold: number;
  /** When the breach began (pending since), ms since the epoch. */
  activeAt: number;
  /** When it started firing, or undefined while pending. */
  firingSince: number | undefined;
}

/** A change of an alert's state, for the history. */
export interface AlertTransition {
  readonly to: AlertTransitionKind;
  readonly at: number;
  readonly alert: Readonly<AlertInstance>;
}

/** A function told of every firing and resolved alert. */
export type AlertListener = (event: AlertEvent) => void;

/** What an evaluator reads. */
export interface AlertEvaluatorOptions {
  readonly rules: readonly AlertRuleDefinition[];
  readonly source: SampleSource;
  /** The thresholds in force for a rule (the defaults or an override). */
  readonly thresholds: (rule: AlertRuleDefinition) => Readonly<Record<Severity, number>>;
  /** How long a breach must last before the rule fires, in ms. */
  readonly forMs: (rule: AlertRuleDefinition) => number;
  /** Told of every transition (pending, firing, resolved, inactive), e.g. to keep history. */
  readonly onTransition?: (transitions: readonly AlertTransition[]) => void;
  /** Told when a rule cannot be evaluated or a listener throws. */
  readonly onError?: (err: unknown, context: { rule?: string; listener?: boolean }) => void;
  /** Lookback of instant selectors; default Prometheus's 5 minutes. */
  readonly lookbackMs?: number;
}

/**
 * A stable hex digest of an alert's labels (sorted by name): the same alert has the same
 * fingerprint across its events and across restarts.
 */
export function alertFingerprint(labels: Labels): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((k) => [k, labels[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

function breached(rule: AlertRuleDefinition, value: number, threshold: number): boolean {
  return rule.comparison === '>' ? value > threshold : value < threshold;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Evaluates alert rules over a sample source with Prometheus's alert states: a rule's query is
 * compared with its threshold at each severity, per label set; a breach makes the alert
 * pending, a breach lasting the rule's `for` makes it fire, and the end of the breach (or of
 * the series) resolves it. Firing and resolved alerts are announced to subscribers as
 * {@link AlertEvent}s; pending ones are not.
 *
 * @example
 * ```ts
 * const evaluator = new AlertEvaluator({ rules: ALERT_RULE_LIST, source: ring,
 *   thresholds: (r) => r.thresholds, forMs: (r) => durationMs(r.for) ?? 0 });
 * const unsubscribe = evaluator.subscribe((event) => notify(event));
 * evaluator.evaluate(Date.now());
 * ```
 */
export class AlertEvaluator {
  readonly #options: AlertEvaluatorOptions;
  readonly #alerts = new Map<string, AlertInstance>();
  readonly #listeners = new Set<AlertListener>();
  readonly #lastValues = new Map<string, { labels: Labels; value: number }[]>();
  #evaluatedAt: number | undefined;

  constructor(options: AlertEvaluatorOptions) {
    this.#options = options;
  }

  /**
   * Calls `listener` with every firing and resolved alert from now on; returns the function
   * that stops it. A listener that throws does not stop the others or the evaluation.
   */
  subscribe(listener: AlertListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** The alerts pending or firing now. */
  active(): AlertInstance[] {
    return [...this.#alerts.values()];
  }

  /** Each label set a rule's query gave at the last evaluation, with its value. */
  lastValues(rule: AlertRuleDefinition): readonly { labels: Labels; value: number }[] {
    return this.#lastValues.get(rule.name) ?? [];
  }

  /** When the rules were last evaluated, or undefined before the first evaluation. */
  get evaluatedAt(): number | undefined {
    return this.#evaluatedAt;
  }

  /**
   * Takes back alerts that were firing before a restart (from the history), so that they are
   * not announced again while they still fire, and are resolved when they no longer do.
   */
  restoreFiring(
    alerts: readonly {
      rule: string;
      severity: Severity;
      labels: Labels;
      value: number;
      threshold: number;
      activeAt: number;
      firingSince: number;
    }[],
  ): void {
    for (const a of alerts) {
      const rule = this.#options.rules.find((r) => r.name === a.rule);
      if (!rule) continue;
      const fingerprint = alertFingerprint(a.labels);
      this.#alerts.set(fingerprint, {
        rule,
        severity: a.severity,
        labels: a.labels,
        fingerprint,
        state: 'firing',
        value: a.value,
        threshold: a.threshold,
        activeAt: a.activeAt,
        firingSince: a.firingSince,
      });
    }
  }

  /** Evaluates every rule at every severity at `atMs`; returns the transitions it made. */
  evaluate(atMs: number): AlertTransition[] {
    const transitions: AlertTransition[] = [];
    const seen = new Set<string>();
    for (const rule of this.#options.rules) {
      let samples: { labels: Labels; value: number }[];
      try {
        const result = evaluateQuery(rule.query, this.#options.source, atMs, {
          ...(this.#options.lookbackMs === undefined
            ? {}
            : { lookbackMs: this.#options.lookbackMs }),
        });
        samples =
          result.type === 'scalar'
            ? [{ labels: {}, value: result.value }]
            : result.samples.map((s) => ({ labels: pick(s.labels, rule.labels), value: s.value }));
      } catch (err) {
        this.#options.onError?.(err, { rule: rule.name });
        // Keep the rule's alerts as they are: a query that cannot run says nothing new.
        for (const a of this.#alerts.values()) if (a.rule === rule) seen.add(a.fingerprint);
        continue;
      }
      this.#lastValues.set(rule.name, samples);
      const thresholds = this.#options.thresholds(rule);
      const forMs = this.#options.forMs(rule);
      for (const severity of SEVERITIES) {
        const threshold = thresholds[severity];
        for (const s of samples) {
          if (!breached(rule, s.value, threshold)) continue;
          const labels = { alertname: rule.name, severity, ...s.labels };
          const fingerprint = alertFingerprint(labels);
          seen.add(fingerprint);
          let alert = this.#alerts.get(fingerprint);
          if (!alert) {
            alert = {
              rule,
              severity,
              labels,
              fingerprint,
              state: 'pending',
              value: s.value,
              threshold,
              activeAt: atMs,
              firingSince: undefined,
            };
            this.#alerts.set(fingerprint, alert);
            transitions.push({ to: 'pending', at: atMs, alert: { ...alert } });
          }
          alert.value = s.value;
          alert.threshold = threshold;
          if (alert.state === 'pending' && atMs - alert.activeAt >= forMs) {
            alert.state = 'firing';
            alert.firingSince = atMs;
            transitions.push({ to: 'firing', at: atMs, alert: { ...alert } });
          }
        }
      }
    }
    for (const [fingerprint, alert] of this.#alerts) {
      if (seen.has(fingerprint)) continue;
      this.#alerts.delete(fingerprint);
      const latest = this.#lastValues.get(alert.rule.name)?.find(
        (s) =>
          alertFingerprint({
            alertname: alert.rule.name,
            severity: alert.severity,
            ...s.labels,
          }) === fingerprint,
      );
      if (latest) alert.value = latest.value;
      alert.threshold = this.#options.thresholds(alert.rule)[alert.severity];
      transitions.push({
        to: alert.state === 'firing' ? 'resolved' : 'inactive',
        at: atMs,
        alert: { ...alert },
      });
    }
    this.#evaluatedAt = atMs;
    if (transitions.length > 0) {
      this.#options.onTransition?.(transitions);
      this.#announce(transitions);
    }
    return transitions;
  }

  #announce(transitions: readonly AlertTransition[]): void {
    for (const t of transitions) {
      if (t.to !== 'firing' && t.to !== 'resolved') continue;
      const a = t.alert;
      const event: AlertEvent = {
        status: t.to,
        rule: a.rule.name,
        severity: a.severity,
        labels: a.labels,
        value: a.value,
        threshold: a.threshold,
        summary: a.rule.summary,
        description: a.rule.description,
        runbook: a.rule.runbook,
        startsAt: iso(a.firingSince ?? a.activeAt),
        ...(t.to === 'resolved' ? { endsAt: iso(t.at) } : {}),
        fingerprint: a.fingerprint,
      };
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (err) {
          this.#options.onError?.(err, { listener: true });
        }
      }
    }
  }
}

function pick(labels: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = labels[n];
    if (v !== undefined) out[n] = v;
  }
  return out;
}
