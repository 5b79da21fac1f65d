import type { Action, Principal } from '@needle/security';
import { z } from 'zod';

import {
  compactCollection,
  createCollection,
  dropCollection,
  exportCollection,
  getCollection,
  indexStatus,
  listCollections,
} from '../handlers/collections.js';
import {
  applyRetention,
  backupJob,
  backupStatus,
  createBackup,
  deleteBackup,
  listBackups,
  resetBackupSettings,
  restoreBackup,
  updateBackupSettings,
  verifyBackup,
} from '../handlers/backups.js';
import {
  alertHistory,
  listAlertRules,
  listAlerts,
  listTelemetryQueries,
  resetAlertThresholds,
  setAlertThresholds,
  telemetryRangeQuery,
} from '../handlers/alerts.js';
import { historyQuery, ruleParams, telemetryQuery, thresholdsInput } from '../schemas/alerts.js';
import {
  createNotifier,
  deleteNotifier,
  getNotifier,
  listDeliveries,
  listNotifiers,
  testNotifier,
  updateNotifier,
} from '../handlers/notifications.js';
import { batchSearch, count, query, radiusSearch, recommend, search } from '../handlers/search.js';
import {
  createSnapshot,
  deleteSnapshot,
  listSnapshots,
  restoreSnapshot,
} from '../handlers/snapshots.js';
import {
  checkPermission,
  createKey,
  createRole,
  deleteRole,
  grantRole,
  listGrants,
  listKeys,
  listRoles,
  queryAudit,
  revokeKey,
  revokeRole,
  verifyAudit,
  whoami,
  type Caller,
} from '../handlers/security.js';
import { getSlowQuery, listSlowQueries } from '../handlers/slow-queries.js';
import { health, info, readiness, save } from '../handlers/system.js';
import {
  deleteBatch,
  deleteVector,
  getVector,
  insertBatch,
  insertVector,
  listVectors,
  updateMetadata,
  upsertVector,
} from '../handlers/vectors.js';
import type { Operation } from '../context.js';
import {
  backupParams,
  backupSettingsBody,
  createBackupBody,
  jobParams,
  restoreBackupBody,
  retentionBody,
  verifyBackupBody,
} from '../schemas/backups.js';
import {
  createNotifierBody,
  deliveriesQuery,
  notifierParams,
  updateNotifierBody,
} from '../schemas/notifications.js';
import { createCollectionBody, exportQuery, listCollectionsQuery } from '../schemas/collections.js';
import {
  batchSearchBody,
  countBody,
  queryBody,
  radiusSearchBody,
  recommendBody,
  searchBody,
} from '../schemas/search.js';
import {
  auditQuery,
  checkBody,
  createKeyBody,
  createRoleBody,
  grantBody,
  keyParams,
  roleParams,
} from '../schemas/security.js';
import { slowQueriesQuery, slowQueryParams } from '../schemas/slow-queries.js';
import { tuneBody } from '../schemas/tuning.js';
import { tune } from '../handlers/tuning.js';
import { createSnapshotBody } from '../schemas/snapshots.js';
import {
  batchInsertBody,
  deleteBatchBody,
  insertVectorBody,
  listVectorsQuery,
  updateMetadataBody,
} from '../schemas/vectors.js';
import { apiInput } from './api-input.js';
import { batchGuard, publicProcedure, router, securedProcedure } from './trpc.js';

const collection = z.object({ collection: z.string() });
const inCollection = <T extends z.ZodRawShape>(schema: z.ZodObject<T>) =>
  schema.extend({ collection: z.string() });

/** A procedure that needs `action` (on the input's collection for collection actions). */
function needs(action: Action | 'authenticated', operation: Operation | 'http', route: string) {
  PROCEDURE_ACTIONS.set(route, action);
  return securedProcedure({ action, operation, route });
}

/**
 * The action each secured procedure declared, by procedure path (`search.search`): what the
 * route × role test walks. Procedures not here are public (`system.health`, `system.ready`).
 */
export const PROCEDURE_ACTIONS = new Map<string, Action | 'authenticated'>();

/**
 * The tRPC router: the same handlers, schemas, limits, cache and errors as the REST routes,
 * for the console. A collection's name is the `collection` field of the input.
 */
export const appRouter = router({
  system: router({
    health: publicProcedure.query(({ ctx }) => health(ctx.runtime)),
    ready: publicProcedure.query(({ ctx }) => readiness(ctx.runtime)),
    info: needs('collections.list', 'http', 'system.info').query(({ ctx }) => info(ctx.runtime)),
    save: needs('config.manage', 'http', 'system.save').mutation(({ ctx }) => save(ctx.runtime)),
  }),
  collections: router({
    list: needs('collections.list', 'list', 'collections.list')
      .input(apiInput(listCollectionsQuery))
      .query(({ ctx, input }) => listCollections(ctx.runtime, input)),
    create: needs('collections.manage', 'http', 'collections.create')
      .input(apiInput(createCollectionBody, { name: 'INVALID_COLLECTION_NAME' }))
      .mutation(({ ctx, input }) => createCollection(ctx.runtime, input)),
    get: needs('read', 'get', 'collections.get')
      .input(apiInput(collection))
      .query(({ ctx, input }) => getCollection(ctx.runtime, input.collection)),
    drop: needs('collections.manage', 'http', 'collections.drop')
      .input(apiInput(collection))
      .mutation(({ ctx, input }) => dropCollection(ctx.runtime, input.collection)),
    compact: needs('collections.manage', 'compact', 'collections.compact')
      .input(apiInput(collection.extend({ dry_run: z.boolean().default(false) })))
      .mutation(({ ctx, input }) => compactCollection(ctx.runtime, input.collection, input)),
    indexStatus: needs('read', 'get', 'collections.indexStatus')
      .input(apiInput(collection))
      .query(({ ctx, input }) => indexStatus(ctx.runtime, input.collection)),
    export: needs('read', 'export', 'collections.export')
      .input(apiInput(inCollection(exportQuery)))
      .query(({ ctx, input }) => exportCollection(ctx.runtime, input.collection, input)),
    tune: needs('collections.list', 'http', 'collections.tune')
      .input(apiInput(tuneBody))
      .query(({ input }) => tune(input)),
  }),
  vectors: router({
    insert: needs('write', 'insert', 'vectors.insert')
      .input(apiInput(inCollection(insertVectorBody)))
      .mutation(({ ctx, input }) => insertVector(ctx.runtime, input.collection, input)),
    insertBatch: needs('write', 'batch_insert', 'vectors.insertBatch')
      .use(batchGuard('vectors'))
      .input(apiInput(inCollection(batchInsertBody)))
      .mutation(({ ctx, input }) => insertBatch(ctx.runtime, input.collection, input)),
    upsert: needs('write', 'upsert', 'vectors.upsert')
      .input(apiInput(inCollection(insertVectorBody)))
      .mutation(({ ctx, input }) => upsertVector(ctx.runtime, input.collection, input)),
    get: needs('read', 'get', 'vectors.get')
      .input(apiInput(collection.extend({ id: z.string() })))
      .query(({ ctx, input }) => getVector(ctx.runtime, input.collection, input.id)),
    delete: needs('delete', 'delete', 'vectors.delete')
      .input(apiInput(collection.extend({ id: z.string() })))
      .mutation(({ ctx, input }) => deleteVector(ctx.runtime, input.collection, input.id)),
    deleteBatch: needs('delete', 'delete', 'vectors.deleteBatch')
      .use(batchGuard('ids'))
      .input(apiInput(inCollection(deleteBatchBody)))
      .mutation(({ ctx, input }) => deleteBatch(ctx.runtime, input.collection, input)),
    updateMetadata: needs('write', 'update_metadata', 'vectors.updateMetadata')
      .input(apiInput(inCollection(updateMetadataBody).extend({ id: z.string() })))
      .mutation(({ ctx, input }) => updateMetadata(ctx.runtime, input.collection, input.id, input)),
    list: needs('read', 'list', 'vectors.list')
      .input(apiInput(inCollection(listVectorsQuery)))
      .query(({ ctx, input }) => listVectors(ctx.runtime, input.collection, input)),
  }),
  search: router({
    search: needs('search', 'search', 'search.search')
      .input(apiInput(inCollection(searchBody)))
      .query(({ ctx, input }) => search(ctx.runtime, input.collection, input, ctx.requestId)),
    batch: needs('search', 'batch_search', 'search.batch')
      .use(batchGuard('vectors'))
      .input(apiInput(inCollection(batchSearchBody)))
      .query(({ ctx, input }) => batchSearch(ctx.runtime, input.collection, input)),
    radius: needs('search', 'radius_search', 'search.radius')
      .input(apiInput(inCollection(radiusSearchBody)))
      .query(({ ctx, input }) => radiusSearch(ctx.runtime, input.collection, input)),
    query: needs('search', 'query', 'search.query')
      .input(apiInput(inCollection(queryBody)))
      .query(({ ctx, input }) => query(ctx.runtime, input.collection, input)),
    count: needs('search', 'count', 'search.count')
      .input(apiInput(inCollection(countBody)))
      .query(({ ctx, input }) => count(ctx.runtime, input.collection, input)),
    recommend: needs('search', 'recommend', 'search.recommend')
      .input(apiInput(inCollection(recommendBody)))
      .query(({ ctx, input }) => recommend(ctx.runtime, input.collection, input)),
  }),
  snapshots: router({
    list: needs('read', 'snapshot', 'snapshots.list')
      .input(apiInput(collection))
      .query(({ ctx, input }) => listSnapshots(ctx.runtime, input.collection)),
    create: needs('collections.manage', 'snapshot', 'snapshots.create')
      .input(apiInput(inCollection(createSnapshotBody)))
      .mutation(({ ctx, input }) => createSnapshot(ctx.runtime, input.collection, input)),
    restore: needs('collections.manage', 'snapshot', 'snapshots.restore')
      .input(apiInput(collection.extend({ snapshot: z.string() })))
      .mutation(({ ctx, input }) => restoreSnapshot(ctx.runtime, input.collection, input.snapshot)),
    delete: needs('collections.manage', 'snapshot', 'snapshots.delete')
      .input(apiInput(collection.extend({ snapshot: z.string() })))
      .mutation(({ ctx, input }) => deleteSnapshot(ctx.runtime, input.collection, input.snapshot)),
  }),
  security: router({
    whoami: needs('authenticated', 'http', 'security.whoami').query(({ ctx }) =>
      whoami(ctx.runtime, caller(ctx)),
    ),
    roles: needs('roles.manage', 'http', 'security.roles').query(({ ctx }) =>
      listRoles(ctx.runtime),
    ),
    createRole: needs('roles.manage', 'http', 'security.createRole')
      .input(apiInput(createRoleBody))
      .mutation(({ ctx, input }) => createRole(ctx.runtime, input, caller(ctx))),
    deleteRole: needs('roles.manage', 'http', 'security.deleteRole')
      .input(apiInput(roleParams))
      .mutation(({ ctx, input }) => deleteRole(ctx.runtime, input.role, caller(ctx))),
    grants: needs('roles.manage', 'http', 'security.grants').query(({ ctx }) =>
      listGrants(ctx.runtime),
    ),
    grant: needs('roles.manage', 'http', 'security.grant')
      .input(apiInput(grantBody))
      .mutation(({ ctx, input }) => grantRole(ctx.runtime, input, caller(ctx))),
    revoke: needs('roles.manage', 'http', 'security.revoke')
      .input(apiInput(grantBody))
      .mutation(({ ctx, input }) => revokeRole(ctx.runtime, input, caller(ctx))),
    keys: needs('keys.manage', 'http', 'security.keys').query(({ ctx }) => listKeys(ctx.runtime)),
    createKey: needs('keys.manage', 'http', 'security.createKey')
      .input(apiInput(createKeyBody))
      .mutation(({ ctx, input }) => createKey(ctx.runtime, input, caller(ctx))),
    revokeKey: needs('keys.manage', 'http', 'security.revokeKey')
      .input(apiInput(keyParams))
      .mutation(({ ctx, input }) => revokeKey(ctx.runtime, input.id, caller(ctx))),
    audit: needs('audit.read', 'http', 'security.audit')
      .input(apiInput(auditQuery))
      .query(({ ctx, input }) => queryAudit(ctx.runtime, input)),
    verifyAudit: needs('audit.read', 'http', 'security.verifyAudit').query(({ ctx }) =>
      verifyAudit(ctx.runtime),
    ),
    check: needs('roles.manage', 'http', 'security.check')
      .input(apiInput(checkBody))
      .query(({ ctx, input }) => checkPermission(ctx.runtime, input)),
  }),
  insights: router({
    slowQueries: needs('metrics.read', 'http', 'insights.slowQueries')
      .input(apiInput(slowQueriesQuery))
      .query(({ ctx, input }) => listSlowQueries(ctx.runtime, input)),
    slowQuery: needs('metrics.read', 'http', 'insights.slowQuery')
      .input(apiInput(slowQueryParams, { id: 'INVALID_INPUT' }))
      .query(({ ctx, input }) => getSlowQuery(ctx.runtime, input.id)),
  }),
  backups: router({
    list: needs('backups.manage', 'http', 'backups.list').query(({ ctx }) =>
      listBackups(ctx.runtime),
    ),
    status: needs('backups.manage', 'http', 'backups.status').query(({ ctx }) =>
      backupStatus(ctx.runtime),
    ),
    job: needs('backups.manage', 'http', 'backups.job')
      .input(apiInput(jobParams))
      .query(({ ctx, input }) => backupJob(ctx.runtime, input.job)),
    create: needs('backups.manage', 'http', 'backups.create')
      .input(apiInput(createBackupBody))
      .mutation(({ ctx, input }) => createBackup(ctx.runtime, input, caller(ctx))),
    verify: needs('backups.manage', 'http', 'backups.verify')
      .input(apiInput(verifyBackupBody))
      .mutation(({ ctx, input }) => verifyBackup(ctx.runtime, input, caller(ctx))),
    restore: needs('backups.manage', 'http', 'backups.restore')
      .input(apiInput(restoreBackupBody))
      .mutation(({ ctx, input }) => restoreBackup(ctx.runtime, input, caller(ctx))),
    delete: needs('backups.manage', 'http', 'backups.delete')
      .input(apiInput(backupParams))
      .mutation(({ ctx, input }) => deleteBackup(ctx.runtime, input.backup, caller(ctx))),
    retention: needs('backups.manage', 'http', 'backups.retention')
      .input(apiInput(retentionBody))
      .mutation(({ ctx, input }) => applyRetention(ctx.runtime, input, caller(ctx))),
    updateSettings: needs('backups.manage', 'http', 'backups.updateSettings')
      .input(apiInput(backupSettingsBody))
      .mutation(({ ctx, input }) => updateBackupSettings(ctx.runtime, input, caller(ctx))),
    resetSettings: needs('backups.manage', 'http', 'backups.resetSettings').mutation(({ ctx }) =>
      resetBackupSettings(ctx.runtime, caller(ctx)),
    ),
  }),
  alerts: router({
    rules: needs('metrics.read', 'http', 'alerts.rules').query(({ ctx }) =>
      listAlertRules(ctx.runtime),
    ),
    active: needs('metrics.read', 'http', 'alerts.active').query(({ ctx }) =>
      listAlerts(ctx.runtime),
    ),
    history: needs('metrics.read', 'http', 'alerts.history')
      .input(apiInput(historyQuery))
      .query(({ ctx, input }) => alertHistory(ctx.runtime, input)),
    setThresholds: needs('alerts.manage', 'http', 'alerts.setThresholds')
      .input(apiInput(thresholdsInput))
      .mutation(({ ctx, input }) =>
        setAlertThresholds(ctx.runtime, input.rule, input, caller(ctx)),
      ),
    resetThresholds: needs('alerts.manage', 'http', 'alerts.resetThresholds')
      .input(apiInput(ruleParams))
      .mutation(({ ctx, input }) => resetAlertThresholds(ctx.runtime, input.rule, caller(ctx))),
  }),
  telemetry: router({
    queries: needs('metrics.read', 'http', 'telemetry.queries').query(({ ctx }) =>
      listTelemetryQueries(ctx.runtime),
    ),
    query: needs('metrics.read', 'http', 'telemetry.query')
      .input(apiInput(telemetryQuery))
      .query(({ ctx, input }) => telemetryRangeQuery(ctx.runtime, input)),
  }),
  notifiers: router({
    list: needs('alerts.manage', 'http', 'notifiers.list').query(({ ctx }) =>
      listNotifiers(ctx.runtime),
    ),
    get: needs('alerts.manage', 'http', 'notifiers.get')
      .input(apiInput(notifierParams))
      .query(({ ctx, input }) => getNotifier(ctx.runtime, input.name)),
    create: needs('alerts.manage', 'http', 'notifiers.create')
      .input(apiInput(createNotifierBody))
      .mutation(({ ctx, input }) => createNotifier(ctx.runtime, input, caller(ctx))),
    update: needs('alerts.manage', 'http', 'notifiers.update')
      .input(apiInput(updateNotifierBody.extend({ name: notifierParams.shape.name })))
      .mutation(({ ctx, input }) => {
        const { name, ...change } = input;
        return updateNotifier(ctx.runtime, name, change, caller(ctx));
      }),
    delete: needs('alerts.manage', 'http', 'notifiers.delete')
      .input(apiInput(notifierParams))
      .mutation(({ ctx, input }) => deleteNotifier(ctx.runtime, input.name, caller(ctx))),
    test: needs('alerts.manage', 'http', 'notifiers.test')
      .input(apiInput(notifierParams))
      .mutation(({ ctx, input }) => testNotifier(ctx.runtime, input.name, caller(ctx))),
    deliveries: needs('alerts.manage', 'http', 'notifiers.deliveries')
      .input(apiInput(deliveriesQuery))
      .query(({ ctx, input }) => listDeliveries(ctx.runtime, input)),
  }),
});

/** The caller of a secured procedure, for audit entries. */
function caller(ctx: { principal: Principal | undefined; ip: string; requestId: string }): Caller {
  return { principal: ctx.principal, ip: ctx.ip, requestId: ctx.requestId };
}

/** The router's type, all the console imports from the API (`import type`). */
export type AppRouter = typeof appRouter;
