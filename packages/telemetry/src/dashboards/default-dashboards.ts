import { METRICS } from '../catalogue.js';
import { ALERT_RULE_LIST, ALERT_RULES } from '../rules/default-rules.js';
import type { AlertRuleDefinition } from '../rules/alert-rule.js';
import {
  histogramQuantile,
  increase,
  max,
  metric,
  min,
  mul,
  rate,
  sub,
  sum,
  time,
} from '../query/query-expr.js';
import type { DashboardDefinition, PanelDefinition } from './dashboard-definition.js';

const m = METRICS;
const C = ['collection', '=~', '$collection'] as const;

/** A panel charting a rule's own expression, with its thresholds. */
function rulePanel(rule: AlertRuleDefinition, title: string): PanelDefinition {
  return {
    title,
    description: rule.description,
    kind: 'timeseries',
    queries: [{ query: rule.query, legend: rule.labels.map((l) => `{{${l}}}`).join(' ') || title }],
    unit: rule.unit,
    rule: rule.name,
  };
}

const overview: DashboardDefinition = {
  uid: 'needle-overview',
  title: 'Needle / Overview',
  description: 'Health, traffic, latency, errors and resources of a Needle server at a glance.',
  file: 'overview',
  panels: [
    {
      title: 'Ready',
      description: '1 when the database is open and every index loaded.',
      kind: 'stat',
      queries: [{ query: min(metric(m.ready.name)), legend: 'ready' }],
      unit: 'boolean',
    },
    {
      title: 'Vectors',
      description: 'Live vectors across all collections.',
      kind: 'stat',
      queries: [{ query: sum(metric(m.vectorCount.name)), legend: 'vectors' }],
      unit: 'count',
    },
    {
      title: 'Query throughput',
      description: 'Search-like requests answered per second, by operation.',
      kind: 'timeseries',
      queries: [
        {
          query: sum(rate(metric(m.queryThroughput.name), '1m'), ['operation']),
          legend: '{{operation}}',
        },
      ],
      unit: 'ops',
    },
    rulePanel(ALERT_RULES.searchLatency, 'Search latency p99'),
    rulePanel(ALERT_RULES.errorRate, 'Error rate'),
    {
      title: 'Write latency p99',
      description: 'The 99th percentile of committed writes over 5 minutes, by operation.',
      kind: 'timeseries',
      queries: [
        {
          query: histogramQuantile(
            0.99,
            sum(rate(metric(`${m.insertLatency.name}_bucket`), '5m'), ['operation', 'le']),
          ),
          legend: '{{operation}}',
        },
      ],
      unit: 'seconds',
    },
    rulePanel(ALERT_RULES.memoryUsage, 'Memory used of the limit'),
    rulePanel(ALERT_RULES.diskUsage, 'Disk used'),
    {
      title: 'HTTP requests by status',
      description: 'HTTP requests answered per second, by status code.',
      kind: 'timeseries',
      queries: [
        { query: sum(rate(metric(m.httpRequests.name), '1m'), ['status']), legend: '{{status}}' },
      ],
      unit: 'ops',
    },
    {
      title: 'HTTP latency p99 by path',
      description:
        'The 99th percentile from request received to response sent, by normalised path.',
      kind: 'timeseries',
      queries: [
        {
          query: histogramQuantile(
            0.99,
            sum(rate(metric(`${m.httpDuration.name}_bucket`), '5m'), ['path', 'le']),
          ),
          legend: '{{path}}',
        },
      ],
      unit: 'seconds',
    },
    {
      title: 'Requests in flight and open connections',
      description: 'HTTP requests not yet answered, and open client connections.',
      kind: 'timeseries',
      queries: [
        { query: sum(metric(m.httpInFlight.name)), legend: 'in flight' },
        { query: sum(metric(m.httpConnections.name)), legend: 'connections' },
      ],
      unit: 'count',
    },
    {
      title: 'Limit rejections by limit',
      description: 'Requests or connections refused by a configured limit, per second.',
      kind: 'timeseries',
      queries: [
        { query: sum(rate(metric(m.limitRejections.name), '5m'), ['limit']), legend: '{{limit}}' },
      ],
      unit: 'ops',
    },
    {
      title: 'Authentication failures by reason',
      description: 'Refused credentials and blocked sources, per second.',
      kind: 'timeseries',
      queries: [
        { query: sum(rate(metric(m.authFailures.name), '5m'), ['reason']), legend: '{{reason}}' },
      ],
      unit: 'ops',
    },
  ],
};

const collections: DashboardDefinition = {
  uid: 'needle-collections',
  title: 'Needle / Collections',
  description: 'Per-collection size, traffic, latency, cache and index health.',
  file: 'collections',
  collectionVariable: true,
  panels: [
    {
      title: 'Vectors by collection',
      description: 'Live vectors per collection (deleted ones not counted).',
      kind: 'timeseries',
      queries: [
        { query: sum(metric(m.vectorCount.name, [C]), ['collection']), legend: '{{collection}}' },
      ],
      unit: 'count',
    },
    {
      title: 'Queries per second by collection',
      description: 'Search-like requests answered per second.',
      kind: 'timeseries',
      queries: [
        {
          query: sum(rate(metric(m.queryThroughput.name, [C]), '1m'), ['collection']),
          legend: '{{collection}}',
        },
      ],
      unit: 'ops',
    },
    {
      title: 'Search latency p50 / p95 / p99 by collection',
      description: 'Percentiles of search-like requests over 5 minutes.',
      kind: 'timeseries',
      queries: [
        {
          query: histogramQuantile(
            0.5,
            sum(rate(metric(`${m.searchLatency.name}_bucket`, [C]), '5m'), ['collection', 'le']),
          ),
          legend: 'p50 {{collection}}',
        },
        {
          query: histogramQuantile(
            0.95,
            sum(rate(metric(`${m.searchLatency.name}_bucket`, [C]), '5m'), ['collection', 'le']),
          ),
          legend: 'p95 {{collection}}',
        },
        {
          query: histogramQuantile(
            0.99,
            sum(rate(metric(`${m.searchLatency.name}_bucket`, [C]), '5m'), ['collection', 'le']),
          ),
          legend: 'p99 {{collection}}',
        },
      ],
      unit: 'seconds',
      rule: ALERT_RULES.searchLatency.name,
    },
    {
      title: 'Search recall by collection',
      description:
        'Recall@k of sampled live searches against an exact re-run, over the last samples of each collection.',
      kind: 'timeseries',
      queries: [
        {
          query: min(metric(m.recallEstimate.name, [C]), ['collection']),
          legend: '{{collection}}',
        },
      ],
      unit: 'ratio',
      rule: ALERT_RULES.searchRecall.name,
    },
    {
      title: 'Recall samples per minute',
      description:
        'Sampled searches re-run exactly per minute, and those not measured (queue full, collection changed).',
      kind: 'timeseries',
      queries: [
        {
          query: mul(sum(rate(metric(m.recallSamples.name, [C]), '5m'), ['collection']), 60),
          legend: 'measured {{collection}}',
        },
        {
          query: mul(
            sum(rate(metric(m.recallDropped.name, [C]), '5m'), ['collection', 'reason']),
            60,
          ),
          legend: 'dropped {{reason}} {{collection}}',
        },
      ],
      unit: 'count',
    },
    {
      title: 'Slow queries per minute',
      description:
        'Searches slower than the slow-query threshold, recorded with their shape and trace (GET /v1/slow-queries).',
      kind: 'timeseries',
      queries: [
        {
          query: mul(sum(rate(metric(m.slowQueries.name, [C]), '5m'), ['collection']), 60),
          legend: '{{collection}}',
        },
      ],
      unit: 'count',
    },
    {
      title: 'Vectors written per second by collection',
      description: 'Vectors inserted, upserted, deleted or given new metadata per second.',
      kind: 'timeseries',
      queries: [
        {
          query: sum(rate(metric(m.vectorsWritten.name, [C]), '1m'), ['collection']),
          legend: '{{collection}}',
        },
      ],
      unit: 'ops',
    },
    {
      title: 'Query cache hit ratio',
      description: 'Hits divided by lookups of the query-result cache since the server started.',
      kind: 'timeseries',
      queries: [
        { query: max(metric(m.cacheHitRatio.name, [C]), ['collection']), legend: '{{collection}}' },
      ],
      unit: 'ratio',
    },
    {
      title: 'Query cache lookups per second',
      description: 'Searches answered from the query-result cache (hits) and not (misses).',
      kind: 'timeseries',
      queries: [
        {
          query: sum(rate(metric(m.cacheHits.name, [C]), '5m'), ['collection']),
          legend: 'hits {{collection}}',
        },
        {
          query: sum(rate(metric(m.cacheMisses.name, [C]), '5m'), ['collection']),
          legend: 'misses {{collection}}',
        },
      ],
      unit: 'ops',
    },
    {
      title: 'Index memory by collection',
      description: "Memory each collection's ANN index holds.",
      kind: 'timeseries',
      queries: [
        { query: sum(metric(m.indexMemory.name, [C]), ['collection']), legend: '{{collection}}' },
      ],
      unit: 'bytes',
    },
    {
      title: 'Fragmentation by collection',
      description:
        'Deleted slots divided by all slots of the index; compaction is recommended from 0.2.',
      kind: 'timeseries',
      queries: [
        {
          query: max(metric(m.fragmentationRatio.name, [C]), ['collection']),
          legend: '{{collection}}',
        },
      ],
      unit: 'ratio',
    },
    {
      title: 'Compaction progress by collection',
      description: 'How far a running compaction is, 0 to 1; no line when none runs.',
      kind: 'timeseries',
      queries: [
        {
          query: max(metric(m.operationProgress.name, [C]), ['collection', 'operation']),
          legend: '{{operation}} {{collection}}',
        },
      ],
      unit: 'ratio',
    },
    {
      title: 'Memory and disk limits',
      description:
        'The memory limit above which writes are refused, and the size and use of the file system holding the data: what the per-collection growth is measured against.',
      kind: 'timeseries',
      queries: [
        { query: max(metric(m.memoryLimit.name)), legend: 'memory limit' },
        { query: max(metric(m.diskCapacity.name)), legend: 'disk capacity' },
        { query: max(metric(m.diskUsage.name)), legend: 'disk used by Needle' },
      ],
      unit: 'bytes',
    },
  ],
};

const storage: DashboardDefinition = {
  uid: 'needle-storage',
  title: 'Needle / Storage and WAL',
  description: 'Disk, write-ahead log and checkpoints.',
  file: 'storage-and-wal',
  panels: [
    rulePanel(ALERT_RULES.walLag, 'WAL lag'),
    rulePanel(ALERT_RULES.diskUsage, 'Disk used'),
    {
      title: 'Database size on disk',
      description: 'The database file, its WAL and the saved indexes.',
      kind: 'timeseries',
      queries: [
        { query: max(metric(m.diskUsage.name)), legend: 'used by Needle' },
        { query: max(metric(m.diskAvailable.name)), legend: 'available' },
      ],
      unit: 'bytes',
    },
    {
      title: 'Checkpoint duration',
      description: 'How long the most recent checkpoint took.',
      kind: 'timeseries',
      queries: [{ query: max(metric(m.checkpointDuration.name)), legend: 'checkpoint' }],
      unit: 'seconds',
    },
    {
      title: 'Time since last checkpoint',
      description: 'Seconds since the most recent checkpoint finished.',
      kind: 'stat',
      queries: [
        { query: sub(time(), max(metric(m.lastCheckpoint.name))), legend: 'since checkpoint' },
      ],
      unit: 'seconds',
    },
    {
      title: 'Write latency p99',
      description: 'The 99th percentile of committed writes over 5 minutes, by operation.',
      kind: 'timeseries',
      queries: [
        {
          query: histogramQuantile(
            0.99,
            sum(rate(metric(`${m.insertLatency.name}_bucket`), '5m'), ['operation', 'le']),
          ),
          legend: '{{operation}}',
        },
      ],
      unit: 'seconds',
    },
  ],
};

const backups: DashboardDefinition = {
  uid: 'needle-backups',
  title: 'Needle / Backups',
  description: 'Age of the last good backup and the restore drills.',
  file: 'backups',
  panels: [
    rulePanel(ALERT_RULES.backupAge, 'Age of the newest backup'),
    rulePanel(ALERT_RULES.restoreDrillFailures, 'Failed restore drills (7 days)'),
    {
      title: 'Time since the last backup by type',
      description: 'Seconds since the newest backup of each type completed.',
      kind: 'stat',
      queries: [
        { query: sub(time(), max(metric(m.backupLastSuccess.name), ['type'])), legend: '{{type}}' },
      ],
      unit: 'seconds',
    },
    {
      title: 'Failed backups (24 hours)',
      description: 'Backups that failed over the last day, by the type asked for.',
      kind: 'timeseries',
      queries: [
        { query: sum(increase(metric(m.backupFailures.name), '1d'), ['type']), legend: '{{type}}' },
      ],
      unit: 'count',
    },
    {
      title: 'Backup size by type',
      description:
        'Stored bytes of the newest backup of each type, and of every catalogued backup.',
      kind: 'timeseries',
      queries: [
        { query: max(metric(m.backupSize.name), ['type']), legend: '{{type}}' },
        { query: max(metric(m.backupStoredBytes.name)), legend: 'all backups' },
      ],
      unit: 'bytes',
    },
    {
      title: 'Backup duration by type',
      description: 'How long the newest backup of each type took.',
      kind: 'timeseries',
      queries: [{ query: max(metric(m.backupDuration.name), ['type']), legend: '{{type}}' }],
      unit: 'seconds',
    },
    {
      title: 'Restore drill duration (measured RTO)',
      description:
        'How long the last successful restore drill took to restore and check the chain.',
      kind: 'timeseries',
      queries: [{ query: max(metric(m.backupRestoreSeconds.name)), legend: 'restore drill' }],
      unit: 'seconds',
    },
    {
      title: 'Time since the last successful restore drill',
      description: 'Seconds since a restore drill last succeeded.',
      kind: 'stat',
      queries: [
        { query: sub(time(), max(metric(m.backupLastVerified.name))), legend: 'since drill' },
      ],
      unit: 'seconds',
    },
    {
      title: 'Backup, verification and restore progress',
      description: 'Progress of the running operation, 0 when none runs.',
      kind: 'timeseries',
      queries: [
        { query: max(metric(m.backupProgress.name), ['operation']), legend: '{{operation}}' },
      ],
      unit: 'ratio',
    },
  ],
};

const alerts: DashboardDefinition = {
  uid: 'needle-alerts',
  title: 'Needle / Alerts',
  description: 'Alerts firing now, and every rule’s value against its thresholds.',
  file: 'alerts',
  panels: [
    {
      title: 'Firing alerts',
      description: 'Needle alerts firing now, by name and severity.',
      kind: 'table',
      queries: [
        {
          query: sum(
            metric('ALERTS', [
              ['alertstate', '=', 'firing'],
              ['alertname', '=~', 'Needle.*'],
            ]),
            ['alertname', 'severity'],
          ),
          legend: '{{alertname}} {{severity}}',
        },
      ],
      unit: 'count',
    },
    {
      title: 'Alerts firing in the server',
      description:
        'Alerts the server evaluates itself (over its own samples, without Prometheus), firing now by name and severity.',
      kind: 'timeseries',
      queries: [
        {
          query: sum(metric(m.alertsFiring.name), ['alertname', 'severity']),
          legend: '{{alertname}} {{severity}}',
        },
      ],
      unit: 'count',
    },
    {
      title: 'Notifications by notifier and outcome (1 hour)',
      description:
        'Alert events handed to each notifier over the last hour: delivered, failed after retries, abandoned at shutdown, deduplicated.',
      kind: 'timeseries',
      queries: [
        {
          query: sum(increase(metric(m.alertNotifications.name), '1h'), ['notifier', 'outcome']),
          legend: '{{notifier}} {{outcome}}',
        },
      ],
      unit: 'count',
    },
    ...ALERT_RULE_LIST.map((rule) => rulePanel(rule, rule.summary)),
  ],
};

/** The Grafana dashboards, as data, in menu order. */
export const DASHBOARDS: readonly DashboardDefinition[] = [
  overview,
  collections,
  storage,
  backups,
  alerts,
];
