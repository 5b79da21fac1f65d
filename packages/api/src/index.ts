/**
 * `@needle/api` — request schemas, REST handlers and the tRPC router. The only place where
 * HTTP meets the engine; `apps/server` wires it to a listener with `registerNeedleApi`.
 */
export { registerNeedleApi } from './register-needle-api.js';
export { ApiError } from './api-error.js';
export type { ErrorBody } from './api-error.js';
export type {
  AccessRequest,
  ApiContext,
  ApiLimits,
  ApiMetrics,
  MemoryRefusal,
  Operation,
  Readiness,
  RouteAccess,
} from './context.js';
export type {
  BackupChoice,
  BackupJob,
  BackupJobKind,
  BackupJobRequest,
  BackupJobResult,
  BackupServices,
  BackupPolicySettings,
  BackupPolicyChange,
  BackupStatus,
} from './backups/backup-services.js';
export type {
  ActiveAlert,
  AlertHistoryEntry,
  AlertHistoryPage,
  AlertRuleStatus,
  AlertServices,
  AlertSeverity,
  AlertThresholds,
  RuleSeries,
  TelemetryQueryInfo,
  TelemetryQueryRequest,
  TelemetryQueryResult,
  ThresholdChange,
} from './alerts/alert-services.js';
export {
  backupResult,
  describeBackups,
  describeJobResult,
  jobBody,
  restoreResult,
  verifyResult,
} from './handlers/backups.js';
export type { JobResultBody } from './handlers/backups.js';
export { runningOperations } from './handlers/running-operations.js';
export type { RunningOperation } from './handlers/collection-operations.js';
export type {
  ObservedSearch,
  SearchObserver,
  SlowQueryDetail,
  SlowQueryRecord,
  SlowQueryServices,
  SlowQueryTraceStatus,
} from './insights/search-insights.js';
export { filterShape, PLACEHOLDER, searchShape, shapeId } from './insights/query-shape.js';
export type { QueryShape, ShapedSearch } from './insights/query-shape.js';
export { groupSlowQueries, nearestRank } from './insights/group-slow-queries.js';
export type { SlowQueryGroup } from './insights/group-slow-queries.js';
export { slowQueriesLink, slowQueryLink } from './insights/evidence-link.js';
export type { EvidenceWindow } from './insights/evidence-link.js';
export type {
  DeliveryQuery,
  DeliveryRecord,
  NotificationServices,
  NotifierDefinition,
  StoredNotifier,
} from './notifications/notification-services.js';
export { notifierBody } from './handlers/notifications.js';
export { deliverySchema, notifierDefinition } from './schemas/notifications.js';
export { ERROR_STATUS, statusOfCode, trpcCodeOfStatus } from './errors/error-codes.js';
export type { ApiErrorCode } from './errors/error-codes.js';
export { errorBody } from './errors/error-body.js';
export { limitError } from './errors/limit-error.js';
export type { LimitFacts } from './errors/limit-error.js';
export { toApiError } from './errors/to-api-error.js';
export { requestIdOf } from './http/request-id.js';
export { openApiDocument } from './http/openapi.js';
export { PROCEDURE_ACTIONS, appRouter } from './trpc/router.js';
export type { AppRouter } from './trpc/router.js';
export type { NeedleErrorData } from './trpc/trpc.js';
export { createAccessGuard } from './security/access-guard.js';
export type { SecurityServices } from './security/access-guard.js';
export { allRoutes } from './routes/all-routes.js';
export type { ApiRoute } from './http/api-route.js';
export { apiKeyBody, auditEntryBody, roleBody } from './handlers/security.js';
