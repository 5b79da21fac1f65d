import type { ApiMetrics, BackupJob, Operation } from '@needle/api';
import type { CatalogEntry, Database } from '@needle/engine';
import {
  AUTH_FAILURE_REASONS,
  BACKUP_OPERATIONS,
  BACKUP_TYPES,
  LIMIT_NAMES,
  registerMetrics,
} from '@needle/telemetry';
import type { METRICS, RegisteredMetrics } from '@needle/telemetry';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Gauge } from 'prom-client';

import { diskFiguresReader } from './disk-usage.js';
import { availableMemory, memoryInUse } from './memory-guard.js';

/** What the scrape-time collectors read from the running server. */
export interface MetricSources {
  /** The database when it is open, else undefined. */
  database(): Database | undefined;
  /** The database file, to measure it, its WAL and saved indexes on disk. */
  readonly dataFile: string;
  /** The configured memory limit in bytes; 0 when none. */
  readonly memoryLimitBytes: number;
  /** Open client connections now. */
  openConnections(): number;
  /**
   * The backups: the catalog (undefined while the database is not open: the last figures
   * stay) and the running job.
   */
  backups?(): { entries: CatalogEntry[] | undefined; running: BackupJob | null };
  /** Alerts the server evaluates, firing now by rule and severity. */
  alertsFiring?(): readonly { alertname: string; severity: string; firing: number }[];
  /** Recall@k estimates of live searches by collection (collections without samples absent). */
  recallEstimates?(): Map<string, number>;
  /** Long operations running on collections (compactions) with their progress ratio. */
  operations?(): readonly [string, { kind: string; ratio: number }][];
}

/** The server's metrics: the registry `/metrics` renders and the catalogue's instances. */
export interface ServerMetrics {
  readonly registry: Registry;
  readonly metrics: RegisteredMetrics<typeof METRICS>;
  /** The measurements the API reports, over the same registry. */
  readonly api: ApiMetrics;
}

/**
 * Registers the whole metric catalogue of `@needle/telemetry` into a fresh registry, with
 * collectors that read the engine (vectors, index memory, fragmentation, WAL, disk,
 * checkpoints), the process (memory against its limit, Node's default process metrics) and
 * the listener when Prometheus scrapes. Its `api` side implements `ApiMetrics`.
 *
 * @example
 * ```ts
 * const { registry, api } = createServerMetrics(sources);
 * api.observeSearch('docs', 'search', 0.004);
 * const text = await registry.metrics();
 * ```
 */
export function createServerMetrics(sources: MetricSources): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const cache = new Map<string, { hits: number; lookups: number }>();
  const disk = diskFiguresReader(sources.dataFile);

  const metrics = registerMetrics(registry, {
    collect: {
      memoryUsage: (gauge) => gauge.set(memoryInUse()),
      memoryLimit: (gauge) =>
        gauge.set(sources.memoryLimitBytes > 0 ? sources.memoryLimitBytes : availableMemory()),
      ready: (gauge) => gauge.set(sources.database() ? 1 : 0),
      httpConnections: (gauge) => gauge.set(sources.openConnections()),
      vectorCount: (gauge) => {
        gauge.reset();
        for (const c of collectionStats(sources)) gauge.set({ collection: c.name }, c.count);
      },
      indexMemory: (gauge) => {
        gauge.reset();
        for (const c of collectionStats(sources))
          gauge.set({ collection: c.name }, c.indexMemoryBytes);
      },
      fragmentationRatio: (gauge) => {
        gauge.reset();
        for (const c of collectionStats(sources))
          gauge.set({ collection: c.name }, c.fragmentationRatio);
      },
      walBytes: (gauge) => {
        const db = sources.database();
        if (db) gauge.set(db.storageStats().walBytes);
      },
      checkpointDuration: (gauge) => {
        const last = sources.database()?.storageStats().lastCheckpoint;
        gauge.set(last ? last.durationMs / 1000 : 0);
      },
      lastCheckpoint: (gauge) => {
        const last = sources.database()?.storageStats().lastCheckpoint;
        gauge.set(last ? last.at / 1000 : 0);
      },
      diskUsage: async (gauge) => gauge.set((await disk()).usedBytes),
      diskCapacity: async (gauge) => gauge.set((await disk()).capacityBytes),
      diskAvailable: async (gauge) => gauge.set((await disk()).availableBytes),
      backupLastSuccess: (gauge) => {
        const entries = sources.backups?.().entries;
        if (!entries) return;
        gauge.reset();
        for (const [type, m] of newestByType(entries)) gauge.set({ type }, m.completedAt / 1000);
      },
      backupAge: (gauge) => {
        const entries = sources.backups?.().entries;
        if (!entries) return;
        const newest = entries.at(-1)?.manifest;
        if (newest) gauge.set(Math.max(0, (Date.now() - newest.createdAt) / 1000));
        else absent(gauge);
      },
      backupSize: (gauge) => {
        const entries = sources.backups?.().entries;
        if (!entries) return;
        gauge.reset();
        for (const [type, m] of newestByType(entries)) gauge.set({ type }, m.bytes);
      },
      backupStoredBytes: (gauge) => {
        const entries = sources.backups?.().entries;
        if (entries) gauge.set(entries.reduce((sum, e) => sum + e.manifest.bytes, 0));
      },
      backupDuration: (gauge) => {
        const entries = sources.backups?.().entries;
        if (!entries) return;
        gauge.reset();
        for (const [type, m] of newestByType(entries)) gauge.set({ type }, m.durationMs / 1000);
      },
      backupRestoreSeconds: (gauge) => {
        const entries = sources.backups?.().entries;
        if (!entries) return;
        const drill = lastGoodVerification(entries);
        if (drill?.restoreMs != null) gauge.set(drill.restoreMs / 1000);
        else absent(gauge);
      },
      backupLastVerified: (gauge) => {
        const entries = sources.backups?.().entries;
        if (!entries) return;
        const drill = lastGoodVerification(entries);
        if (drill) gauge.set(drill.at / 1000);
        else absent(gauge);
      },
      backupProgress: (gauge) => {
        const running = sources.backups?.().running ?? null;
        for (const operation of BACKUP_OPERATIONS)
          gauge.set({ operation }, running?.kind === operation ? running.progress : 0);
      },
      alertsFiring: (gauge) => {
        const counts = sources.alertsFiring?.();
        if (!counts) return;
        gauge.reset();
        for (const { alertname, severity, firing } of counts)
          gauge.set({ alertname, severity }, firing);
      },
      recallEstimate: (gauge) => {
        if (!sources.recallEstimates) return;
        gauge.reset();
        for (const [collection, recall] of sources.recallEstimates())
          gauge.set({ collection }, recall);
      },
      operationProgress: (gauge) => {
        if (!sources.operations) return;
        gauge.reset();
        // 0 for every collection while nothing runs (like the backup progress), so a chart
        // or a query over it has data rather than nothing.
        const db = sources.database();
        for (const { name } of db?.listCollections() ?? [])
          gauge.set({ collection: name, operation: 'compaction' }, 0);
        for (const [collection, op] of sources.operations())
          gauge.set({ collection, operation: op.kind }, op.ratio);
      },
      cacheHitRatio: (gauge) => {
        for (const [collection, c] of cache)
          gauge.set({ collection }, c.lookups > 0 ? c.hits / c.lookups : 0);
      },
    },
  });

  const api: ApiMetrics = {
    observeSearch(collection: string, operation: Operation, seconds: number) {
      metrics.searchLatency.observe({ collection, operation }, seconds);
      metrics.queryThroughput.inc({ collection, operation });
    },
    observeInsert(collection: string, operation: Operation, seconds: number, vectors: number) {
      metrics.insertLatency.observe({ collection, operation }, seconds);
      if (vectors > 0) metrics.vectorsWritten.inc({ collection, operation }, vectors);
    },
    countError(code: string, operation: Operation | 'http') {
      metrics.errorCount.inc({ operation, code });
    },
    cacheLookup(collection: string, hit: boolean) {
      if (!cache.has(collection)) {
        // Both series from a collection's first lookup, so a rate() of hits exists before
        // the first hit (and of misses before the first miss).
        metrics.cacheHits.inc({ collection }, 0);
        metrics.cacheMisses.inc({ collection }, 0);
      }
      (hit ? metrics.cacheHits : metrics.cacheMisses).inc({ collection });
      const c = cache.get(collection) ?? { hits: 0, lookups: 0 };
      c.lookups += 1;
      if (hit) c.hits += 1;
      cache.set(collection, c);
    },
    limitRejected(limit: string) {
      metrics.limitRejections.inc({ limit });
    },
  };

  // Zero series for every known limit, so a rate() over them exists before the first refusal.
  for (const limit of LIMIT_NAMES) metrics.limitRejections.inc({ limit }, 0);
  for (const reason of AUTH_FAILURE_REASONS) metrics.authFailures.inc({ reason }, 0);
  for (const type of BACKUP_TYPES) metrics.backupFailures.inc({ type }, 0);
  metrics.backupVerifyFailures.inc(0);

  return { registry, metrics, api };
}

/**
 * Leaves an unlabelled gauge without a sample until it is set again. prom-client's `reset()`
 * would expose 0, which reads as a backup just taken or a drill at the epoch.
 */
function absent(gauge: Gauge): void {
  gauge.remove();
}

/** The newest catalogued backup of each type. */
function newestByType(entries: readonly CatalogEntry[]) {
  const newest = new Map<string, CatalogEntry['manifest']>();
  for (const { manifest } of entries) newest.set(manifest.type, manifest);
  return newest;
}

/** The most recent successful verification (restore drill) of any catalogued backup. */
function lastGoodVerification(entries: readonly CatalogEntry[]) {
  let last: NonNullable<CatalogEntry['lastVerification']> | undefined;
  for (const { lastVerification: v } of entries) if (v?.ok && (!last || v.at > last.at)) last = v;
  return last;
}

function collectionStats(sources: MetricSources) {
  const db = sources.database();
  if (!db) return [];
  return db.listCollections().map((c) => db.collection(c.name).stats());
}
