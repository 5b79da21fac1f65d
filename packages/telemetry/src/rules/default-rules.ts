import { METRICS } from '../catalogue.js';
import {
  div,
  histogramQuantile,
  increase,
  max,
  metric,
  min,
  rate,
  round,
  sub,
  sum,
} from '../query/query-expr.js';
import { renderPromQL } from '../query/render-promql.js';
import type { AlertRuleDefinition } from './alert-rule.js';

/** The runbook every rule links to, one section per rule. */
export const ALERT_RUNBOOK = 'docs/runbooks/alerts.md';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const HOUR = 3600;

/** A rule whose PromQL `expression` is rendered from its `query`. */
function rule(definition: Omit<AlertRuleDefinition, 'expression'>): AlertRuleDefinition {
  return { ...definition, expression: renderPromQL(definition.query) };
}

/**
 * The default alert rules: the production checklist's table (search latency p99, error rate,
 * memory, disk, WAL lag), the backups' two (age of the newest backup, failed restore
 * drills) and the recall of sampled live searches.
 *
 * @example
 * ```ts
 * import { ALERT_RULES } from '@needle/telemetry';
 * ALERT_RULES.searchLatency.thresholds.critical; // 0.5 (seconds)
 * ```
 */
export const ALERT_RULES = {
  searchLatency: rule({
    name: 'NeedleSearchLatencyHigh',
    query: histogramQuantile(
      0.99,
      sum(rate(metric(`${METRICS.searchLatency.name}_bucket`), '5m'), ['collection', 'le']),
    ),
    labels: ['collection'],
    comparison: '>',
    thresholds: { warning: 0.1, critical: 0.5 },
    for: '5m',
    unit: 'seconds',
    summary: 'Search latency p99 is high',
    description:
      'The 99th percentile of search-like requests over 5 minutes, per collection. Over 100 ms warns, over 500 ms is critical.',
    runbook: `${ALERT_RUNBOOK}#search-latency`,
    evidence: 'slow-queries',
  }),
  errorRate: rule({
    name: 'NeedleErrorRateHigh',
    query: div(
      sum(rate(metric(METRICS.errorCount.name), '5m')),
      sum(rate(metric(METRICS.httpRequests.name), '5m')),
    ),
    labels: [],
    comparison: '>',
    thresholds: { warning: 0.001, critical: 0.01 },
    for: '5m',
    unit: 'ratio',
    summary: 'Error rate is high',
    description:
      'Failed requests divided by all HTTP requests over 5 minutes. Over 0.1% warns, over 1% is critical.',
    runbook: `${ALERT_RUNBOOK}#error-rate`,
  }),
  memoryUsage: rule({
    name: 'NeedleMemoryHigh',
    query: div(max(metric(METRICS.memoryUsage.name)), max(metric(METRICS.memoryLimit.name))),
    labels: [],
    comparison: '>',
    thresholds: { warning: 0.8, critical: 0.95 },
    for: '5m',
    unit: 'ratio',
    summary: 'Memory use is close to the limit',
    description:
      'Resident memory divided by the memory limit (writes are refused at the limit). Over 80% warns, over 95% is critical.',
    runbook: `${ALERT_RUNBOOK}#memory`,
  }),
  diskUsage: rule({
    name: 'NeedleDiskHigh',
    query: sub(
      1,
      div(max(metric(METRICS.diskAvailable.name)), max(metric(METRICS.diskCapacity.name))),
    ),
    labels: [],
    comparison: '>',
    thresholds: { warning: 0.7, critical: 0.9 },
    for: '10m',
    unit: 'ratio',
    summary: 'The data directory’s file system is filling up',
    description:
      'Used fraction of the file system holding the data directory. Over 70% warns, over 90% is critical.',
    runbook: `${ALERT_RUNBOOK}#disk`,
  }),
  walLag: rule({
    name: 'NeedleWalLagHigh',
    query: max(metric(METRICS.walBytes.name)),
    labels: [],
    comparison: '>',
    thresholds: { warning: 100 * MiB, critical: GiB },
    for: '10m',
    unit: 'bytes',
    summary: 'The write-ahead log is not being checkpointed',
    description:
      'Bytes in the write-ahead log not yet checkpointed into the database file. Over 100 MiB warns, over 1 GiB is critical.',
    runbook: `${ALERT_RUNBOOK}#wal-lag`,
  }),
  backupAge: rule({
    name: 'NeedleBackupTooOld',
    query: max(metric(METRICS.backupAge.name)),
    labels: [],
    comparison: '>',
    thresholds: { warning: 26 * HOUR, critical: 48 * HOUR },
    for: '15m',
    unit: 'seconds',
    summary: 'The newest backup is too old',
    description:
      'Age of the newest backup of any type (the data a lost disk would lose now). Over 26 hours (a daily backup missed) warns, over 48 hours is critical.',
    runbook: `${ALERT_RUNBOOK}#backup-age`,
  }),
  restoreDrillFailures: rule({
    name: 'NeedleRestoreDrillFailed',
    query: round(sum(increase(metric(METRICS.backupVerifyFailures.name), '7d'))),
    labels: [],
    comparison: '>',
    thresholds: { warning: 0, critical: 1 },
    for: '0m',
    unit: 'count',
    summary: 'Restore drills failed: backups may not be restorable',
    description:
      'Restore drills (verifications) that found a backup not restorable or could not run, over the last 7 days. One failure warns, two or more are critical.',
    runbook: `${ALERT_RUNBOOK}#restore-drills`,
  }),
  searchRecall: rule({
    name: 'NeedleSearchRecallLow',
    query: min(metric(METRICS.recallEstimate.name), ['collection']),
    labels: ['collection'],
    comparison: '<',
    thresholds: { warning: 0.95, critical: 0.9 },
    for: '15m',
    unit: 'ratio',
    summary: 'Search recall is low',
    description:
      'Recall@k of sampled live searches against an exact re-run, over the last samples of each collection. Under 95% warns, under 90% is critical.',
    runbook: `${ALERT_RUNBOOK}#search-recall`,
  }),
} satisfies Record<string, AlertRuleDefinition>;

/** The key of a rule in {@link ALERT_RULES}. */
export type AlertRuleKey = keyof typeof ALERT_RULES;

/** {@link ALERT_RULES} as a list, in order. */
export const ALERT_RULE_LIST: readonly AlertRuleDefinition[] = Object.values(ALERT_RULES);
