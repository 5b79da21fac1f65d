import type { MetricDefinition } from './metric-definition.js';

/**
 * Latency buckets of the engine's operations, in seconds: fine below a millisecond, and
 * with bounds at the checklist's alert thresholds (p99 over 100 ms warns, over 500 ms is
 * critical).
 */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** The buckets existing dashboards read for `needle_http_request_duration_seconds`. */
export const HTTP_DURATION_BUCKETS = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

/** `operation` values of the read side (`needle_search_latency_seconds`, throughput). */
export const READ_OPERATIONS = [
  'search',
  'batch_search',
  'radius_search',
  'query',
  'count',
  'recommend',
] as const;

/** `operation` values of the write side (`needle_insert_latency_seconds`). */
export const WRITE_OPERATIONS = [
  'insert',
  'batch_insert',
  'upsert',
  'delete',
  'update_metadata',
] as const;

/** `reason` values of `needle_auth_failures_total`. */
export const AUTH_FAILURE_REASONS = [
  'CREDENTIALS_MISSING',
  'CREDENTIALS_MALFORMED',
  'API_KEY_UNKNOWN',
  'API_KEY_EXPIRED',
  'API_KEY_REVOKED',
  'TOKEN_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_NOT_YET_VALID',
  'TOO_MANY_FAILURES',
] as const;

/**
 * `limit` values of `needle_limit_rejections_total`: one per limit that can refuse a
 * request.
 */
export const LIMIT_NAMES = [
  'rate',
  'connections',
  'body_size',
  'max_batch_size',
  'query_timeout',
  'memory',
  'export_size',
] as const;

/** `type` values of the backup metrics. */
export const BACKUP_TYPES = ['full', 'incremental'] as const;

/** `reason` values of `needle_search_recall_dropped_total`. */
export const RECALL_DROP_REASONS = ['queue_full', 'changed'] as const;

/** `operation` values of `needle_backup_progress_ratio`. */
export const BACKUP_OPERATIONS = ['backup', 'verify', 'restore'] as const;

/** `outcome` values of `needle_alert_notifications_total`. */
export const NOTIFICATION_OUTCOMES = ['delivered', 'failed', 'abandoned', 'deduplicated'] as const;

/**
 * Every metric Needle exports, as data. The server registers them from here, and the
 * Grafana dashboards and Prometheus alert rules are generated from here, so a metric is
 * named, labelled and explained in exactly one place.
 *
 * @example
 * ```ts
 * import { METRICS } from '@needle/telemetry';
 * METRICS.searchLatency.name; // 'needle_search_latency_seconds'
 * ```
 */
export const METRICS = {
  // The six the production checklist names.
  searchLatency: {
    name: 'needle_search_latency_seconds',
    type: 'histogram',
    help: 'Time to answer a search-like request (search, batch, radius, query, count, recommend), from validated input to results.',
    labels: ['collection', 'operation'],
    unit: 'seconds',
    group: 'queries',
    buckets: LATENCY_BUCKETS,
    labelValues: { operation: READ_OPERATIONS },
  },
  insertLatency: {
    name: 'needle_insert_latency_seconds',
    type: 'histogram',
    help: 'Time to commit a write (insert, batch insert, upsert, delete, metadata update), durable when it resolves.',
    labels: ['collection', 'operation'],
    unit: 'seconds',
    group: 'writes',
    buckets: LATENCY_BUCKETS,
    labelValues: { operation: WRITE_OPERATIONS },
  },
  memoryUsage: {
    name: 'needle_memory_usage_bytes',
    type: 'gauge',
    help: 'Resident memory (RSS) of the server process: V8 heap, native HNSW indexes and SQLite page cache together. The memory limit compares this value.',
    labels: [],
    unit: 'bytes',
    group: 'memory',
  },
  vectorCount: {
    name: 'needle_vector_count',
    type: 'gauge',
    help: 'Live vectors in a collection (deleted ones not counted).',
    labels: ['collection'],
    unit: 'count',
    group: 'storage',
  },
  queryThroughput: {
    name: 'needle_query_throughput',
    type: 'counter',
    help: 'Search-like requests answered, counted once per request (a batch search counts once). A counter: throughput in queries per second is rate(needle_query_throughput[1m]).',
    labels: ['collection', 'operation'],
    unit: 'count',
    group: 'queries',
    labelValues: { operation: READ_OPERATIONS },
  },
  errorCount: {
    name: 'needle_error_count',
    type: 'counter',
    help: 'Requests that failed, by the error code answered and the operation (`http` when the failure came before any operation, e.g. malformed JSON or an unknown route). A counter: the error rate is rate(needle_error_count[5m]).',
    labels: ['operation', 'code'],
    unit: 'count',
    group: 'errors',
  },

  // Writes and memory beyond the six.
  vectorsWritten: {
    name: 'needle_vectors_written_total',
    type: 'counter',
    help: 'Vectors written (inserted, upserted, deleted or given new metadata) by committed requests.',
    labels: ['collection', 'operation'],
    unit: 'count',
    group: 'writes',
    labelValues: { operation: WRITE_OPERATIONS },
  },
  memoryLimit: {
    name: 'needle_memory_limit_bytes',
    type: 'gauge',
    help: 'The memory limit above which writes are refused; without a configured limit, the memory available to the process (cgroup limit, else physical memory). Memory usage in percent is needle_memory_usage_bytes / needle_memory_limit_bytes.',
    labels: [],
    unit: 'bytes',
    group: 'memory',
  },
  indexMemory: {
    name: 'needle_index_memory_bytes',
    type: 'gauge',
    help: "Memory a collection's ANN index holds, allocator reserve included.",
    labels: ['collection'],
    unit: 'bytes',
    group: 'memory',
  },

  // Storage.
  walBytes: {
    name: 'needle_wal_bytes',
    type: 'gauge',
    help: 'Bytes in the write-ahead log not yet checkpointed into the database file (WAL lag).',
    labels: [],
    unit: 'bytes',
    group: 'storage',
  },
  diskUsage: {
    name: 'needle_disk_usage_bytes',
    type: 'gauge',
    help: 'Bytes the database takes on disk: its file, its WAL and the saved indexes.',
    labels: [],
    unit: 'bytes',
    group: 'storage',
  },
  diskCapacity: {
    name: 'needle_disk_capacity_bytes',
    type: 'gauge',
    help: 'Size of the file system holding the data directory.',
    labels: [],
    unit: 'bytes',
    group: 'storage',
  },
  diskAvailable: {
    name: 'needle_disk_available_bytes',
    type: 'gauge',
    help: 'Bytes still available to the server on the file system holding the data directory. Disk usage in percent is 1 - needle_disk_available_bytes / needle_disk_capacity_bytes.',
    labels: [],
    unit: 'bytes',
    group: 'storage',
  },
  fragmentationRatio: {
    name: 'needle_fragmentation_ratio',
    type: 'gauge',
    help: "Deleted slots in a collection's index divided by all its slots; compaction is recommended from 0.2.",
    labels: ['collection'],
    unit: 'ratio',
    group: 'storage',
  },
  operationProgress: {
    name: 'needle_operation_progress_ratio',
    type: 'gauge',
    help: 'Progress of a long operation running on a collection (compaction), 0..1 across its phases; 0 when none runs.',
    labels: ['collection', 'operation'],
    unit: 'ratio',
    group: 'storage',
  },
  checkpointDuration: {
    name: 'needle_checkpoint_duration_seconds',
    type: 'gauge',
    help: 'How long the most recent checkpoint took (WAL moved into the file, indexes saved).',
    labels: [],
    unit: 'seconds',
    group: 'storage',
  },
  lastCheckpoint: {
    name: 'needle_last_checkpoint_timestamp_seconds',
    type: 'gauge',
    help: 'When the most recent checkpoint finished, in seconds since the epoch; 0 before the first one.',
    labels: [],
    unit: 'timestamp_seconds',
    group: 'storage',
  },

  // Search quality and slow queries.
  recallEstimate: {
    name: 'needle_search_recall_estimate',
    type: 'gauge',
    help: 'Recall@k of live searches: a sample of them is run again exactly (same vector, k and filter) in the background, and this is the share of the true k nearest the search answered, over the last `recall.window` samples of the collection. Absent before the first sample.',
    labels: ['collection'],
    unit: 'ratio',
    group: 'queries',
  },
  recallSamples: {
    name: 'needle_search_recall_samples_total',
    type: 'counter',
    help: 'Live searches re-run exactly to estimate recall (samples in the estimate since the server started).',
    labels: ['collection'],
    unit: 'count',
    group: 'queries',
  },
  recallDropped: {
    name: 'needle_search_recall_dropped_total',
    type: 'counter',
    help: 'Sampled searches not measured: `queue_full` when the background queue was full (the CPU budget is spent), `changed` when the collection was written to before the exact run (the answers are no longer comparable).',
    labels: ['collection', 'reason'],
    unit: 'count',
    group: 'queries',
    labelValues: { reason: RECALL_DROP_REASONS },
  },
  slowQueries: {
    name: 'needle_slow_queries_total',
    type: 'counter',
    help: 'Searches that took at least `slowQuery.thresholdMs` and were recorded in the slow-query store (GET /v1/slow-queries).',
    labels: ['collection'],
    unit: 'count',
    group: 'queries',
  },

  // The query-result cache.
  cacheHits: {
    name: 'needle_query_cache_hits_total',
    type: 'counter',
    help: 'Searches answered from the query-result cache.',
    labels: ['collection'],
    unit: 'count',
    group: 'cache',
  },
  cacheMisses: {
    name: 'needle_query_cache_misses_total',
    type: 'counter',
    help: 'Cacheable searches the query-result cache could not answer (the search ran).',
    labels: ['collection'],
    unit: 'count',
    group: 'cache',
  },
  cacheHitRatio: {
    name: 'needle_query_cache_hit_ratio',
    type: 'gauge',
    help: 'Hits divided by lookups of the query-result cache since the server started (0 before any lookup).',
    labels: ['collection'],
    unit: 'ratio',
    group: 'cache',
  },

  // Limits.
  limitRejections: {
    name: 'needle_limit_rejections_total',
    type: 'counter',
    help: 'Requests (or connections) refused by a configured limit, by limit.',
    labels: ['limit'],
    unit: 'count',
    group: 'limits',
    labelValues: { limit: LIMIT_NAMES },
  },

  // Security.
  authFailures: {
    name: 'needle_auth_failures_total',
    type: 'counter',
    help: 'Refused credentials (missing, malformed, unknown, expired, revoked, forged) and sources blocked after too many, by reason.',
    labels: ['reason'],
    unit: 'count',
    group: 'security',
    labelValues: { reason: AUTH_FAILURE_REASONS },
  },

  // Backups and restore drills.
  backupLastSuccess: {
    name: 'needle_backup_last_success_timestamp_seconds',
    type: 'gauge',
    help: 'When the newest backup of each type completed, in seconds since the epoch (from the catalog, so it survives restarts); absent before the first one.',
    labels: ['type'],
    unit: 'timestamp_seconds',
    group: 'backups',
    labelValues: { type: BACKUP_TYPES },
  },
  backupAge: {
    name: 'needle_backup_age_seconds',
    type: 'gauge',
    help: 'Age of the newest backup of any type: the data a lost disk would lose now (the RPO as it stands). Absent before the first backup.',
    labels: [],
    unit: 'seconds',
    group: 'backups',
  },
  backupSize: {
    name: 'needle_backup_size_bytes',
    type: 'gauge',
    help: 'Stored (compressed and sealed) bytes of the newest backup of each type.',
    labels: ['type'],
    unit: 'bytes',
    group: 'backups',
    labelValues: { type: BACKUP_TYPES },
  },
  backupStoredBytes: {
    name: 'needle_backup_stored_bytes',
    type: 'gauge',
    help: 'Stored bytes of every catalogued backup of the database in its target.',
    labels: [],
    unit: 'bytes',
    group: 'backups',
  },
  backupDuration: {
    name: 'needle_backup_duration_seconds',
    type: 'gauge',
    help: 'How long the newest backup of each type took, from the snapshot to the manifest in the target.',
    labels: ['type'],
    unit: 'seconds',
    group: 'backups',
    labelValues: { type: BACKUP_TYPES },
  },
  backupFailures: {
    name: 'needle_backup_failures_total',
    type: 'counter',
    help: 'Backups that failed (scheduled or requested), by the type asked for (`incremental` for an automatic one), since the server started.',
    labels: ['type'],
    unit: 'count',
    group: 'backups',
    labelValues: { type: BACKUP_TYPES },
  },
  backupRestoreSeconds: {
    name: 'needle_backup_restore_seconds',
    type: 'gauge',
    help: 'How long the last successful restore drill (verification) took to restore and check the chain: the measured RTO, without the server start. Absent before the first drill.',
    labels: [],
    unit: 'seconds',
    group: 'backups',
  },
  backupLastVerified: {
    name: 'needle_backup_last_verification_timestamp_seconds',
    type: 'gauge',
    help: 'When a restore drill last succeeded, in seconds since the epoch; absent before the first one.',
    labels: [],
    unit: 'timestamp_seconds',
    group: 'backups',
  },
  backupVerifyFailures: {
    name: 'needle_backup_verify_failures_total',
    type: 'counter',
    help: 'Restore drills (verifications) that found a backup not restorable (corrupt, broken chain, wrong key) or could not run, since the server started.',
    labels: [],
    unit: 'count',
    group: 'backups',
  },
  backupProgress: {
    name: 'needle_backup_progress_ratio',
    type: 'gauge',
    help: 'Progress of the running backup, verification or restore, 0..1 (an estimate across its phases); 0 when none runs.',
    labels: ['operation'],
    unit: 'ratio',
    group: 'backups',
    labelValues: { operation: BACKUP_OPERATIONS },
  },

  // Alert notifications.
  alertNotifications: {
    name: 'needle_alert_notifications_total',
    type: 'counter',
    help: 'Alert events handed to a notifier, by notifier name and outcome: delivered, failed (after its retries, or refused with a 4xx), abandoned at shutdown, or deduplicated (the same event was delivered already).',
    labels: ['notifier', 'outcome'],
    unit: 'count',
    group: 'alerts',
    labelValues: { outcome: NOTIFICATION_OUTCOMES },
  },

  // HTTP: the names, labels and buckets existing dashboards read.
  httpRequests: {
    name: 'needle_http_requests_total',
    type: 'counter',
    help: 'HTTP requests answered, by method, normalised path (`/collections/:name/vectors/:id`) and status.',
    labels: ['method', 'path', 'status'],
    unit: 'count',
    group: 'http',
  },
  httpDuration: {
    name: 'needle_http_request_duration_seconds',
    type: 'histogram',
    help: 'Time from receiving an HTTP request to sending its response, by method and normalised path.',
    labels: ['method', 'path'],
    unit: 'seconds',
    group: 'http',
    buckets: HTTP_DURATION_BUCKETS,
  },
  httpInFlight: {
    name: 'needle_http_requests_in_flight',
    type: 'gauge',
    help: 'HTTP requests received and not yet answered, by method.',
    labels: ['method'],
    unit: 'count',
    group: 'http',
  },
  httpConnections: {
    name: 'needle_http_open_connections',
    type: 'gauge',
    help: 'Open client connections; new ones are refused at the max-connections limit.',
    labels: [],
    unit: 'count',
    group: 'http',
  },

  // Alerts evaluated in the server.
  alertsFiring: {
    name: 'needle_alerts_firing',
    type: 'gauge',
    help: 'Alerts the server evaluates itself that are firing now, by rule and severity (0 when none); works without Prometheus.',
    labels: ['alertname', 'severity'],
    unit: 'count',
    group: 'alerts',
    labelValues: { severity: ['warning', 'critical'] },
  },

  // Health.
  ready: {
    name: 'needle_ready',
    type: 'gauge',
    help: '1 when the database is open and every index loaded (the server answers /ready with 200), else 0.',
    labels: [],
    unit: 'boolean',
    group: 'health',
  },
} as const satisfies Record<string, MetricDefinition>;

/** The key of a metric in {@link METRICS}. */
export type MetricKey = keyof typeof METRICS;

/** {@link METRICS} as a list, in catalogue order. */
export const METRIC_CATALOGUE: readonly MetricDefinition[] = Object.values(METRICS);
