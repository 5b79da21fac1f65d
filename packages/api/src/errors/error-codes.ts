import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/**
 * The one table of the API's error codes: the HTTP status of each (from the wire contract's
 * status table) and the tRPC code the console's client sees. Engine codes the contract does
 * not list get the status their meaning calls for.
 */
export const ERROR_STATUS = {
  /** The body is not valid JSON. */
  INVALID_JSON: 400,
  /** A field is missing, has the wrong type or is out of range. */
  INVALID_INPUT: 400,
  INVALID_COLLECTION_NAME: 400,
  INVALID_DIMENSIONS: 400,
  DIMENSIONS_TOO_LARGE: 400,
  INVALID_VECTOR_ID: 400,
  /** A vector is empty or holds NaN or ±Infinity (the message names the index). */
  INVALID_VECTOR: 400,
  DIMENSION_MISMATCH: 400,
  METADATA_TOO_DEEP: 400,
  EMPTY_BATCH: 400,
  INVALID_K: 400,
  INVALID_FILTER: 400,
  INVALID_POST_FILTER: 400,
  INVALID_POST_FILTER_FACTOR: 400,
  INVALID_DISTANCE: 400,
  INVALID_LIMIT: 400,
  INVALID_MAX_DISTANCE: 400,
  /** `query` was called without a filter. */
  MISSING_FILTER: 400,
  INVALID_CURSOR: 400,
  /** Thresholds that are not finite, or a warning not less severe than the critical one. */
  INVALID_THRESHOLDS: 400,
  /** A backup schedule or retention change that does not hold (a cron expression, a time zone). */
  INVALID_BACKUP_SETTINGS: 400,
  /** A query range that is reversed, too long for its step, or not a time. */
  INVALID_QUERY_RANGE: 400,
  /** A zero vector given to a cosine collection (engine code outside the contract's table). */
  ZERO_VECTOR: 400,
  /** A permission that does not parse (`<collections>:<action>`). */
  INVALID_PERMISSION: 400,
  /** Missing, malformed, expired or revoked credentials. */
  UNAUTHORIZED: 401,
  /** Authenticated, but without the permission. */
  FORBIDDEN: 403,
  COLLECTION_NOT_FOUND: 404,
  VECTOR_NOT_FOUND: 404,
  SNAPSHOT_NOT_FOUND: 404,
  ROLE_NOT_FOUND: 404,
  API_KEY_NOT_FOUND: 404,
  /** No backup has that id in the target, or none is at or before the point asked for. */
  BACKUP_NOT_FOUND: 404,
  /** No backup job has that id (jobs are kept in memory, the last few of each kind). */
  BACKUP_JOB_NOT_FOUND: 404,
  /** No alert rule has that name. */
  ALERT_RULE_NOT_FOUND: 404,
  /** No rule or dashboard panel query has that id (`GET /v1/telemetry/queries` lists them). */
  QUERY_NOT_FOUND: 404,
  /** No recorded slow query has that id (it may have been pruned). */
  SLOW_QUERY_NOT_FOUND: 404,
  /** No alert notifier has that name. */
  NOTIFIER_NOT_FOUND: 404,
  /** No route has this path. */
  NOT_FOUND: 404,
  /** A route has this path, but not this method. */
  METHOD_NOT_ALLOWED: 405,
  COLLECTION_EXISTS: 409,
  VECTOR_EXISTS: 409,
  SNAPSHOT_EXISTS: 409,
  /** A notifier with that name exists already (change it with POST /admin/notifiers/:name). */
  NOTIFIER_EXISTS: 409,
  ROLE_EXISTS: 409,
  /** `source=prometheus` was asked of a server with no `prometheus.url`. */
  PROMETHEUS_NOT_CONFIGURED: 409,
  /** Built-in roles cannot be changed or deleted. */
  ROLE_BUILT_IN: 409,
  /** A role still granted to a principal or held by a live API key cannot be deleted. */
  ROLE_IN_USE: 409,
  /** A snapshot failed its integrity check (or needs a key this process lacks); nothing changed. */
  SNAPSHOT_CORRUPT: 409,
  /** Compaction, calibration or a restore is running on the collection, or a backup job runs. */
  OPERATION_IN_PROGRESS: 409,
  /** A backup that the chosen one builds on is missing from the target, or the links do not fit. */
  BACKUP_CHAIN_BROKEN: 409,
  /** The backup cannot be deleted: later backups of its chain build on it. */
  BACKUP_IN_USE: 409,
  /** The backup (or the database pages of a full one) needs a key this server was not given. */
  WRONG_KEY: 409,
  BODY_TOO_LARGE: 413,
  BATCH_TOO_LARGE: 413,
  METADATA_TOO_LARGE: 413,
  EXPORT_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The configured Prometheus answered a query with an error. */
  PROMETHEUS_QUERY_FAILED: 502,
  /** A backup object is missing, truncated or changed, or the restored copy failed its checks; nothing was restored. */
  BACKUP_CORRUPT: 422,
  /** A backup written by a newer Needle. */
  UNSUPPORTED_FORMAT_VERSION: 422,
  /** No backup chain covers the seq or time of a point-in-time restore (before every full backup, after the newest). */
  RESTORE_POINT_OUT_OF_RANGE: 422,
  /** The point lies inside a backup that restores only whole (no value log in it, or a collection dropped within it). */
  RESTORE_POINT_UNAVAILABLE: 422,
  RATE_LIMIT_EXCEEDED: 429,
  /** The database is opening, recovering or restoring. */
  NOT_READY: 503,
  /** The database is closed (the server is shutting down). */
  CLOSED: 503,
  /** Writes are refused above the memory limit; reads go on. */
  MEMORY_LIMIT: 503,
  /** The configured Prometheus could not be reached, or did not answer in time. */
  PROMETHEUS_UNAVAILABLE: 503,
  QUERY_TIMEOUT: 504,
  DISK_FULL: 507,
  /** Anything unexpected; the body says only "An internal error occurred". */
  INTERNAL_ERROR: 500,
} as const;

/** A code of {@link ERROR_STATUS}. */
export type ApiErrorCode = keyof typeof ERROR_STATUS;

const TRPC_CODE_OF_STATUS: Readonly<Record<number, TRPC_ERROR_CODE_KEY>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** The HTTP status of a code; an unknown code is an internal error (500). */
export function statusOfCode(code: string): number {
  return Object.hasOwn(ERROR_STATUS, code) ? ERROR_STATUS[code as ApiErrorCode] : 500;
}

/** The tRPC code for an HTTP status. */
export function trpcCodeOfStatus(status: number): TRPC_ERROR_CODE_KEY {
  return TRPC_CODE_OF_STATUS[status] ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR');
}
