import type { Database } from '@needle/engine';
import type { Action, Principal } from '@needle/security';

import type { AlertServices } from './alerts/alert-services.js';
import type { BackupServices } from './backups/backup-services.js';
import type { SearchObserver, SlowQueryServices } from './insights/search-insights.js';
import type { NotificationServices } from './notifications/notification-services.js';
import type { SecurityServices } from './security/access-guard.js';

/**
 * What the API needs from the process that hosts it. `apps/server` builds one of these
 * (database, configured limits, the prom-client backed metrics, readiness) and hands it to
 * `registerNeedleApi`; tests build one with a real database and real metrics.
 */
export interface ApiContext {
  /**
   * The open database every route works on. Throws `ApiError` 503 `NOT_READY` while the
   * database is still opening (recovery, index rebuild) or being restored, so the server can
   * listen (and answer `/health` and `/ready`) before the database is usable.
   */
  database(): Database;
  readonly limits: ApiLimits;
  readonly metrics: ApiMetrics;
  /** Readiness for `/ready`: storage open and indexes loaded, or why not and how far along. */
  readiness(): Readiness;
  /**
   * Called before every write. Returns undefined when writes may proceed, or the reason they
   * are refused (answered 503 `MEMORY_LIMIT`); reads never consult it.
   */
  memoryGuard(): MemoryRefusal | undefined;
  /** The server's version, reported by `/health`, `/ready`, `/info`. */
  readonly version: string;
  /**
   * Access control over the database's keys, roles and audit log (`@needle/security`). When
   * given, every secured route authenticates, is authorized and is audited; it throws
   * `ApiError` 503 `NOT_READY` while the database is not open.
   */
  readonly security?: () => SecurityServices;
  /**
   * The database's backups, run by the host (scheduled jobs, in-place restores that take the
   * database out of service). Without it, the backup routes answer 404 `NOT_FOUND`.
   */
  readonly backups?: () => BackupServices;
  /**
   * The alerts the server evaluates over its own samples, their thresholds and history, and
   * range queries over those samples. Without it, the alert and telemetry routes answer 404
   * `NOT_FOUND`.
   */
  readonly alerts?: () => AlertServices;
  /**
   * Hears of every k-nearest-neighbour search answered by searching (not from the cache), with
   * its vector, hits and duration: the host samples them for recall and records slow ones.
   */
  readonly searchObserver?: SearchObserver;
  /**
   * The recorded slow queries (`GET /slow-queries`). Without it, those routes answer 404
   * `NOT_FOUND`.
   */
  readonly slowQueries?: () => SlowQueryServices;
  /**
   * The alert notifiers and their delivery log, run by the host. Without it, the notifier
   * routes answer 404 `NOT_FOUND`.
   */
  readonly notifications?: () => NotificationServices;
  /**
   * The seam for authentication and access control, when `security` is not given: called
   * before every secured REST route and tRPC procedure with the request's headers and what it
   * is about to do; returns the principal, or throws an `ApiError` (401 `UNAUTHORIZED` with
   * `WWW-Authenticate`, 403 `FORBIDDEN`) to refuse. Without either, every request is allowed.
   * Probes and `/openapi.json` never consult it.
   */
  readonly authorize?: (
    request: AccessRequest,
    access: RouteAccess,
  ) => Principal | undefined | void | Promise<Principal | undefined | void>;
}

/** The parts of a request an access decision may look at. */
export interface AccessRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly ip: string;
  readonly requestId: string;
  /** The subject of the client's verified TLS certificate (mTLS), when there is one. */
  readonly certificateSubject?: string | undefined;
}

/** What a request is about to do, for {@link ApiContext.authorize}. */
export interface RouteAccess {
  /**
   * The permission action the request needs (`search`, `write`, `keys.manage`, ...), or
   * `authenticated` when any signed-in principal may (who am I).
   */
  readonly action: Action | 'authenticated';
  readonly operation: Operation | 'http';
  /** The collection the request addresses, when it addresses one. */
  readonly collection: string | undefined;
  /** The route pattern (`/collections/:name/search`) or the tRPC procedure path. */
  readonly route: string;
}

/** Limits the API enforces itself (the listener enforces body size, connections, rate). */
export interface ApiLimits {
  /** Most items in one insert, upsert, delete or search batch (default 10 000). */
  readonly maxBatchSize: number;
  /** A search or query running longer answers 504 `QUERY_TIMEOUT` (default 30 000). */
  readonly queryTimeoutMs: number;
  /** Largest unpaginated export (default 100 000). */
  readonly maxExportPage: number;
  /** Entries of the query-result cache; 0 turns it off (default 1 000). */
  readonly queryCacheEntries: number;
}

export type Readiness =
  | { readonly ready: true }
  | {
      readonly ready: false;
      /** e.g. 'recovering', 'rebuilding index of "docs"', 'restoring'. */
      readonly reason: string;
      /** 0..1 when known. */
      readonly progress?: number;
    };

export interface MemoryRefusal {
  readonly currentBytes: number;
  readonly limitBytes: number;
}

/** Operation label values used by the API's metrics. */
export type Operation =
  | 'search'
  | 'batch_search'
  | 'radius_search'
  | 'query'
  | 'count'
  | 'recommend'
  | 'insert'
  | 'batch_insert'
  | 'upsert'
  | 'delete'
  | 'update_metadata'
  | 'get'
  | 'list'
  | 'export'
  | 'compact'
  | 'snapshot';

/**
 * The measurements the API reports. `apps/server` implements it over prom-client (the
 * names the checklist gives: `needle_search_latency_seconds`, `needle_insert_latency_seconds`,
 * `needle_query_throughput`, `needle_error_count`, cache hits/misses,
 * `needle_limit_rejections_total{limit}`).
 */
export interface ApiMetrics {
  /** A search-like operation finished (search, batch/radius search, query, count, recommend). */
  observeSearch(collection: string, operation: Operation, seconds: number): void;
  /** A write finished (insert, batch insert, upsert, delete, metadata update). */
  observeInsert(collection: string, operation: Operation, seconds: number, vectors: number): void;
  /** A request failed with this code (any status). */
  countError(code: string, operation: Operation | 'http'): void;
  /** The query-result cache answered (hit) or had to search (miss). */
  cacheLookup(collection: string, hit: boolean): void;
  /** A limit refused a request (`max_batch_size`, `query_timeout`, `memory`, `rate`, `body_size`, ...). */
  limitRejected(limit: string): void;
}
