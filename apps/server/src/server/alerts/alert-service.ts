import { ApiError, slowQueriesLink } from '@needle/api';
import type {
  ActiveAlert,
  AlertHistoryPage,
  AlertRuleStatus,
  AlertServices,
  AlertThresholds as Thresholds,
  TelemetryQueryInfo,
  TelemetryQueryRequest,
  TelemetryQueryResult,
  ThresholdChange,
} from '@needle/api';
import type { Database } from '@needle/engine';
import {
  ALERT_RULE_LIST,
  METRIC_CATALOGUE,
  NAMED_QUERIES,
  QueryError,
  SEVERITIES,
  SampleRing,
  durationMs,
  evaluateRange,
  longestWindowMs,
  namedQuery,
  samplesFromRegistry,
} from '@needle/telemetry';
import type { AlertRuleDefinition, MetricJson, NamedQuery, Severity } from '@needle/telemetry';
import type { Logger } from 'pino';

import type { ServerConfig } from '../../config.js';
import { AlertEvaluator } from './alert-evaluator.js';
import type { AlertInstance, AlertListener, AlertTransition } from './alert-evaluator.js';
import { AlertHistory } from './alert-history.js';
import { AlertThresholds } from './alert-thresholds.js';
import { PrometheusSource } from './prometheus-source.js';

/** What the alert service reads. */
export interface AlertServiceOptions {
  readonly config: ServerConfig['alerts'];
  /** One scrape of the server's metrics (prom-client's `registry.getMetricsAsJSON()`). */
  readonly scrape: () => Promise<readonly MetricJson[]>;
  /** The open database; throws `NOT_READY` while it is not open. */
  readonly database: () => Database;
  /** Whether the database is open now (history is written only then). */
  readonly databaseOpen: () => boolean;
  readonly logger: Logger;
  /** The rules; default the catalogue's {@link ALERT_RULE_LIST}. */
  readonly rules?: readonly AlertRuleDefinition[];
  /** The Prometheus scraping this server (`prometheus.url`), for range queries from it. */
  readonly prometheus?: { readonly url?: string | undefined; readonly timeoutMs: number };
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * The alerts the server evaluates itself, with no Prometheus: every `sampleIntervalMs` it
 * samples its own metrics into a bounded ring (the catalogue's metrics only), evaluates every
 * rule at every severity per label set, keeps the transitions in the database's alert history,
 * and tells subscribers of firing and resolved alerts. Thresholds can be overridden at run
 * time; range queries over the ring chart the same queries as the Grafana dashboards.
 *
 * @example
 * ```ts
 * const alerts = new AlertService({ config: config.alerts, scrape, database, databaseOpen, logger });
 * const unsubscribe = alerts.subscribe((event) => webhook.send(event));
 * alerts.start();
 * ```
 */
export class AlertService implements AlertServices {
  readonly ring: SampleRing;
  readonly evaluator: AlertEvaluator;
  readonly #options: AlertServiceOptions;
  readonly #rules: readonly AlertRuleDefinition[];
  readonly #thresholds: AlertThresholds;
  readonly #history: AlertHistory;
  readonly #catalogue = new Set(METRIC_CATALOGUE.map((m) => m.name));
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  /** History writes in order, one after another. */
  #writes: Promise<void> = Promise.resolve();
  #lastPrune = 0;
  #warnedDrops = false;
  readonly #prometheus: PrometheusSource | undefined;

  constructor(options: AlertServiceOptions) {
    this.#options = options;
    this.#prometheus =
      options.prometheus?.url === undefined
        ? undefined
        : new PrometheusSource(options.prometheus.url, options.prometheus.timeoutMs);
    this.#rules = options.rules ?? ALERT_RULE_LIST;
    const { config } = options;
    this.ring = new SampleRing({
      capacity: Math.ceil(config.retentionMs / config.sampleIntervalMs) + 1,
      maxSeries: config.maxSeries,
    });
    this.#thresholds = new AlertThresholds(this.#rules, options.database);
    this.#history = new AlertHistory(options.database, {
      maxAgeDays: config.historyRetentionDays,
      maxEntries: config.historyMaxEntries,
    });
    this.evaluator = new AlertEvaluator({
      rules: this.#rules,
      source: this.ring,
      thresholds: (rule) => this.#thresholds.effective(rule),
      forMs: (rule) => this.forMs(rule),
      onTransition: (transitions) => this.#record(transitions),
      onError: (err, context) =>
        options.logger.warn({ err, ...context }, 'an alert rule could not be evaluated'),
    });
  }

  /**
   * Calls `listener` with every firing and resolved alert (an `AlertEvent` of
   * `@needle/telemetry`); returns the function that stops it.
   */
  subscribe(listener: AlertListener): () => void {
    return this.evaluator.subscribe(listener);
  }

  /** The most bytes the sample ring can take (see `SampleRing.boundBytes`). */
  get memoryBoundBytes(): number {
    return SampleRing.boundBytes({ capacity: this.ring.capacity, maxSeries: this.ring.maxSeries });
  }

  /** How long a rule's breach must last before it fires: the configured `for`, else the rule's. */
  forMs(rule: AlertRuleDefinition): number {
    return durationMs(this.#options.config.for[rule.name] ?? rule.for) ?? 0;
  }

  /** Starts sampling and evaluating every `sampleIntervalMs`. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      // One round at a time: a slow scrape skips a beat rather than piling up.
      this.#ticking ??= this.tick().finally(() => (this.#ticking = undefined));
    }, this.#options.config.sampleIntervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for the round and the history writes under way. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
    await this.#writes;
  }

  /**
   * Reads the threshold overrides of the newly opened database and takes back the alerts that
   * were firing when the server stopped (so they resolve, or fire on, without a second
   * announcement).
   */
  opened(db: Database): void {
    // Neither an unreadable override nor unreadable history keeps the database from serving.
    try {
      this.#thresholds.load(db);
    } catch (err) {
      this.#options.logger.warn({ err }, 'alert threshold overrides could not be read');
    }
    try {
      this.evaluator.restoreFiring(
        this.#history.stillFiring(db).map((e) => ({
          rule: e.rule,
          severity: e.severity,
          labels: e.labels,
          value: e.value ?? Number.NaN,
          threshold: e.threshold,
          activeAt: e.activeAt,
          firingSince: e.firingSince ?? e.activeAt,
        })),
      );
    } catch (err) {
      this.#options.logger.warn({ err }, 'alert history could not be read');
    }
  }

  /** Waits for the history writes under way (before the database closes). */
  async flush(): Promise<void> {
    await this.#writes;
  }

  /** One round: a scrape into the ring, then every rule evaluated at that instant. */
  async tick(now = Date.now()): Promise<void> {
    try {
      const metrics = await this.#options.scrape();
      this.ring.append(
        now,
        samplesFromRegistry(metrics, (name) => this.#catalogue.has(name)),
      );
      if (this.ring.droppedSamples > 0 && !this.#warnedDrops) {
        this.#warnedDrops = true;
        this.#options.logger.warn(
          { max_series: this.ring.maxSeries },
          'the alert sample ring is full: samples of further series are dropped (raise alerts.maxSeries)',
        );
      }
    } catch (err) {
      this.#options.logger.warn({ err }, 'the server could not sample its own metrics');
    }
    this.evaluator.evaluate(now);
  }

  /** Firing alerts by rule and severity, for `needle_alerts_firing`. */
  firingCounts(): { alertname: string; severity: Severity; firing: number }[] {
    const active = this.evaluator.active();
    return this.#rules.flatMap((rule) =>
      SEVERITIES.map((severity) => ({
        alertname: rule.name,
        severity,
        firing: active.filter(
          (a) => a.rule === rule && a.severity === severity && a.state === 'firing',
        ).length,
      })),
    );
  }

  #record(transitions: readonly AlertTransition[]): void {
    for (const t of transitions) {
      const level = t.to === 'firing' ? 'warn' : 'info';
      this.#options.logger[level](
        {
          alert: t.alert.rule.name,
          severity: t.alert.severity,
          labels: t.alert.labels,
          value: t.alert.value,
          threshold: t.alert.threshold,
        },
        `alert ${t.to}`,
      );
    }
    this.#writes = this.#writes.then(async () => {
      if (!this.#options.databaseOpen()) return;
      try {
        await this.#history.append(transitions);
        if (Date.now() - this.#lastPrune >= PRUNE_EVERY_MS) {
          this.#lastPrune = Date.now();
          await this.#history.prune();
        }
      } catch (err) {
        this.#options.logger.warn({ err }, 'alert history could not be written');
      }
    });
  }

  rules(): AlertRuleStatus[] {
    const active = this.evaluator.active();
    const evaluatedAt = this.evaluator.evaluatedAt ?? null;
    return this.#rules.map((rule) => {
      const override = this.#thresholds.override(rule);
      const stateOf = (severity: Severity, labels: Readonly<Record<string, string>>) => {
        const key = JSON.stringify(Object.entries(labels).sort());
        const alert = active.find(
          (a) =>
            a.rule === rule &&
            a.severity === severity &&
            JSON.stringify(
              Object.entries(a.labels)
                .filter(([k]) => k !== 'alertname' && k !== 'severity')
                .sort(),
            ) === key,
        );
        return alert?.state ?? 'inactive';
      };
      return {
        name: rule.name,
        summary: rule.summary,
        description: rule.description,
        runbook: rule.runbook,
        unit: rule.unit,
        comparison: rule.comparison,
        forMs: this.forMs(rule),
        expr: rule.expression,
        labels: rule.labels,
        defaults: rule.thresholds,
        thresholds: this.#thresholds.effective(rule),
        override: override
          ? { updatedAt: override.updatedAt, updatedBy: override.updatedBy }
          : null,
        series: this.evaluator.lastValues(rule).map((s) => ({
          labels: s.labels,
          value: s.value,
          states: {
            warning: stateOf('warning', s.labels),
            critical: stateOf('critical', s.labels),
          },
        })),
        evaluatedAt,
      };
    });
  }

  active(): ActiveAlert[] {
    return this.evaluator.active().map((a: AlertInstance) => ({
      rule: a.rule.name,
      severity: a.severity,
      state: a.state,
      labels: a.labels,
      fingerprint: a.fingerprint,
      value: a.value,
      threshold: a.threshold,
      activeAt: a.activeAt,
      firingSince: a.firingSince ?? null,
      evidence: evidenceOf(a, Date.now()),
    }));
  }

  history(page: {
    limit: number;
    cursor?: string | undefined;
    rule?: string | undefined;
  }): AlertHistoryPage {
    this.#options.database();
    return this.#history.page(page.limit, page.cursor, page.rule);
  }

  async setThresholds(
    rule: string,
    change: Partial<Thresholds>,
    updatedBy: string,
  ): Promise<ThresholdChange> {
    this.#options.database();
    const result = await this.#thresholds.set(rule, change, updatedBy);
    // In force at once: the rule is judged against the new thresholds on the current samples.
    this.evaluator.evaluate(Math.max(Date.now(), (this.evaluator.evaluatedAt ?? 0) + 1));
    return result;
  }

  async resetThresholds(rule: string): Promise<ThresholdChange> {
    this.#options.database();
    const result = await this.#thresholds.reset(rule);
    this.evaluator.evaluate(Math.max(Date.now(), (this.evaluator.evaluatedAt ?? 0) + 1));
    return result;
  }

  queries(): TelemetryQueryInfo[] {
    return NAMED_QUERIES.map(({ id, title, expr, legend, unit }) => ({
      id,
      title,
      expr,
      legend,
      unit,
    }));
  }

  query(request: TelemetryQueryRequest): TelemetryQueryResult {
    const named = namedQueryOrThrow(request.query);
    try {
      const series = evaluateRange(
        named.query,
        this.ring,
        { startMs: request.startMs, endMs: request.endMs, stepMs: request.stepMs },
        { variables: request.variables },
      );
      const { id, title, expr, legend, unit } = named;
      return {
        query: { id, title, expr, legend, unit },
        series: series.map((s) => ({
          labels: s.labels,
          points: s.points.map(([t, v]) => [t, Number.isFinite(v) ? v : null] as const),
        })),
      };
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      throw new ApiError(400, 'INVALID_INPUT', err.message, 'Check the `collection` you gave.');
    }
  }

  prometheusConfigured(): boolean {
    return this.#prometheus !== undefined;
  }

  async queryPrometheus(request: TelemetryQueryRequest): Promise<TelemetryQueryResult> {
    const named = namedQueryOrThrow(request.query);
    if (!this.#prometheus) {
      throw new ApiError(
        409,
        'PROMETHEUS_NOT_CONFIGURED',
        'this server has no Prometheus configured',
        'Set `prometheus.url` (NEEDLE_PROMETHEUS_URL, --prometheus-url) to the Prometheus that scrapes this server, or ask for source "server".',
      );
    }
    const series = await this.#prometheus.queryRange(
      named.query,
      { startMs: request.startMs, endMs: request.endMs, stepMs: request.stepMs },
      request.variables,
    );
    const { id, title, expr, legend, unit } = named;
    return { query: { id, title, expr, legend, unit }, series };
  }
}

function namedQueryOrThrow(id: string): NamedQuery {
  const named = namedQuery(id);
  if (!named) {
    throw new ApiError(
      404,
      'QUERY_NOT_FOUND',
      `no rule or dashboard panel query has the id "${id}"`,
      'GET /v1/telemetry/queries lists the ids: a rule name such as NeedleMemoryHigh, or <dashboard>/<panel>/<n>.',
    );
  }
  return named;
}

/**
 * The evidence of an alert whose rule has some: the slow queries recorded from one query
 * window before the breach began (what the rule's value was computed over) until `now`, for
 * the alert's collection.
 */
export function evidenceOf(alert: AlertInstance, now: number): string | null {
  if (alert.rule.evidence !== 'slow-queries') return null;
  return slowQueriesLink({
    collection: alert.labels.collection,
    from: alert.activeAt - longestWindowMs(alert.rule.query),
    to: Math.max(now, alert.activeAt),
  });
}
