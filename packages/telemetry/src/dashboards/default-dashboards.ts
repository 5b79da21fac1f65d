import { METRICS } from '../catalogue.js';
import { ALERT_RULE_LIST, ALERT_RULES } from '../rules/default-rules.js';
import type { AlertRuleDefinition } from '../rules/alert-rule.js';
import type { DashboardDefinition, PanelDefinition } from './dashboard-definition.js';

const m = METRICS;
const C = 'collection=~"$collection"';

/** A panel charting a rule's own expression, with its thresholds. */
function rulePanel(rule: AlertRuleDefinition, title: string): PanelDefinition {
  return {
    title,
    description: rule.description,
    kind: 'timeseries',
    queries: [
      { expr: rule.expression, legend: rule.labels.map((l) => `{{${l}}}`).join(' ') || title },
    ],
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
      queries: [{ expr: `min(${m.ready.name})`, legend: 'ready' }],
      unit: 'boolean',
    },
    {
      title: 'Vectors',
      description: 'Live vectors across all collections.',
      kind: 'stat',
      queries: [{ expr: `sum(${m.vectorCount.name})`, legend: 'vectors' }],
      unit: 'count',
    },
    {
      title: 'Query throughput',
      description: 'Search-like requests answered per second, by operation.',
      kind: 'timeseries',
      queries: [
        {
          expr: `sum by (operation) (rate(${m.queryThroughput.name}[1m]))`,
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
          expr: `histogram_quantile(0.99, sum by (operation, le) (rate(${m.insertLatency.name}_bucket[5m])))`,
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
        { expr: `sum by (status) (rate(${m.httpRequests.name}[1m]))`, legend: '{{status}}' },
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
          expr: `histogram_quantile(0.99, sum by (path, le) (rate(${m.httpDuration.name}_bucket[5m])))`,
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
        { expr: `sum(${m.httpInFlight.name})`, legend: 'in flight' },
        { expr: `sum(${m.httpConnections.name})`, legend: 'connections' },
      ],
      unit: 'count',
    },
    {
      title: 'Limit rejections by limit',
      description: 'Requests or connections refused by a configured limit, per second.',
      kind: 'timeseries',
      queries: [
        { expr: `sum by (limit) (rate(${m.limitRejections.name}[5m]))`, legend: '{{limit}}' },
      ],
      unit: 'ops',
    },
    {
      title: 'Authentication failures by reason',
      description: 'Refused credentials and blocked sources, per second.',
      kind: 'timeseries',
      queries: [
        { expr: `sum by (reason) (rate(${m.authFailures.name}[5m]))`, legend: '{{reason}}' },
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
        { expr: `sum by (collection) (${m.vectorCount.name}{${C}})`, legend: '{{collection}}' },
      ],
      unit: 'count',
    },
    {
      title: 'Queries per second by collection',
      description: 'Search-like requests answered per second.',
      kind: 'timeseries',
      queries: [
        {
          expr: `sum by (collection) (rate(${m.queryThroughput.name}{${C}}[1m]))`,
          legend: '{{collection}}',
        },
      ],
      unit: 'ops',
    },
    {
      title: 'Search latency p50 / p99 by collection',
      description: 'Percentiles of search-like requests over 5 minutes.',
      kind: 'timeseries',
      queries: [
        {
          expr: `histogram_quantile(0.5, sum by (collection, le) (rate(${m.searchLatency.name}_bucket{${C}}[5m])))`,
          legend: 'p50 {{collection}}',
        },
        {
          expr: `histogram_quantile(0.99, sum by (collection, le) (rate(${m.searchLatency.name}_bucket{${C}}[5m])))`,
          legend: 'p99 {{collection}}',
        },
      ],
      unit: 'seconds',
      rule: ALERT_RULES.searchLatency.name,
    },
    {
      title: 'Vectors written per second by collection',
      description: 'Vectors inserted, upserted, deleted or given new metadata per second.',
      kind: 'timeseries',
      queries: [
        {
          expr: `sum by (collection) (rate(${m.vectorsWritten.name}{${C}}[1m]))`,
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
        { expr: `max by (collection) (${m.cacheHitRatio.name}{${C}})`, legend: '{{collection}}' },
      ],
      unit: 'ratio',
    },
    {
      title: 'Query cache lookups per second',
      description: 'Searches answered from the query-result cache (hits) and not (misses).',
      kind: 'timeseries',
      queries: [
        {
          expr: `sum by (collection) (rate(${m.cacheHits.name}{${C}}[5m]))`,
          legend: 'hits {{collection}}',
        },
        {
          expr: `sum by (collection) (rate(${m.cacheMisses.name}{${C}}[5m]))`,
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
        { expr: `sum by (collection) (${m.indexMemory.name}{${C}})`, legend: '{{collection}}' },
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
          expr: `max by (collection) (${m.fragmentationRatio.name}{${C}})`,
          legend: '{{collection}}',
        },
      ],
      unit: 'ratio',
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
        { expr: `max(${m.diskUsage.name})`, legend: 'used by Needle' },
        { expr: `max(${m.diskAvailable.name})`, legend: 'available' },
      ],
      unit: 'bytes',
    },
    {
      title: 'Checkpoint duration',
      description: 'How long the most recent checkpoint took.',
      kind: 'timeseries',
      queries: [{ expr: `max(${m.checkpointDuration.name})`, legend: 'checkpoint' }],
      unit: 'seconds',
    },
    {
      title: 'Time since last checkpoint',
      description: 'Seconds since the most recent checkpoint finished.',
      kind: 'stat',
      queries: [{ expr: `time() - max(${m.lastCheckpoint.name})`, legend: 'since checkpoint' }],
      unit: 'seconds',
    },
    {
      title: 'Write latency p99',
      description: 'The 99th percentile of committed writes over 5 minutes, by operation.',
      kind: 'timeseries',
      queries: [
        {
          expr: `histogram_quantile(0.99, sum by (operation, le) (rate(${m.insertLatency.name}_bucket[5m])))`,
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
        { expr: `time() - max by (type) (${m.backupLastSuccess.name})`, legend: '{{type}}' },
      ],
      unit: 'seconds',
    },
    {
      title: 'Failed backups (24 hours)',
      description: 'Backups that failed over the last day, by the type asked for.',
      kind: 'timeseries',
      queries: [
        { expr: `sum by (type) (increase(${m.backupFailures.name}[1d]))`, legend: '{{type}}' },
      ],
      unit: 'count',
    },
    {
      title: 'Backup size by type',
      description:
        'Stored bytes of the newest backup of each type, and of every catalogued backup.',
      kind: 'timeseries',
      queries: [
        { expr: `max by (type) (${m.backupSize.name})`, legend: '{{type}}' },
        { expr: `max(${m.backupStoredBytes.name})`, legend: 'all backups' },
      ],
      unit: 'bytes',
    },
    {
      title: 'Backup duration by type',
      description: 'How long the newest backup of each type took.',
      kind: 'timeseries',
      queries: [{ expr: `max by (type) (${m.backupDuration.name})`, legend: '{{type}}' }],
      unit: 'seconds',
    },
    {
      title: 'Restore drill duration (measured RTO)',
      description:
        'How long the last successful restore drill took to restore and check the chain.',
      kind: 'timeseries',
      queries: [{ expr: `max(${m.backupRestoreSeconds.name})`, legend: 'restore drill' }],
      unit: 'seconds',
    },
    {
      title: 'Time since the last successful restore drill',
      description: 'Seconds since a restore drill last succeeded.',
      kind: 'stat',
      queries: [{ expr: `time() - max(${m.backupLastVerified.name})`, legend: 'since drill' }],
      unit: 'seconds',
    },
    {
      title: 'Backup, verification and restore progress',
      description: 'Progress of the running operation, 0 when none runs.',
      kind: 'timeseries',
      queries: [{ expr: `max by (operation) (${m.backupProgress.name})`, legend: '{{operation}}' }],
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
          expr: 'sum by (alertname, severity) (ALERTS{alertstate="firing", alertname=~"Needle.*"})',
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
          expr: `sum by (notifier, outcome) (increase(${m.alertNotifications.name}[1h]))`,
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
