import {
  applyRetention,
  backupJob,
  backupStatus,
  createBackup,
  deleteBackup,
  listBackups,
  restoreBackup,
  verifyBackup,
} from '../handlers/backups.js';
import { defineRoute } from '../http/api-route.js';
import type { ApiRoute } from '../http/api-route.js';
import {
  backupParams,
  createBackupBody,
  deleteBackupResponse,
  jobParams,
  jobSchema,
  listBackupsResponse,
  restoreBackupBody,
  retentionBody,
  retentionResponse,
  statusResponse,
  verifyBackupBody,
} from '../schemas/backups.js';

const common = {
  kind: 'api',
  operation: 'http',
  tag: 'backups',
  action: 'backups.manage',
} as const;

/**
 * Backups under `/admin/backups`: the catalog, jobs that back up, verify and restore (202 with
 * the job, polled for progress), deletion and retention. Admin only; changes are audited.
 */
export const backupRoutes: readonly ApiRoute[] = [
  defineRoute({
    ...common,
    id: 'listBackups',
    method: 'GET',
    path: '/admin/backups',
    summary: 'Backups of the database with their chains, sizes, age and last verification',
    status: 200,
    response: listBackupsResponse,
    handle: (rt) => listBackups(rt),
  }),
  defineRoute({
    ...common,
    id: 'createBackup',
    method: 'POST',
    path: '/admin/backups',
    summary: 'Start a full or incremental backup; answers 202 with the job (audited)',
    body: createBackupBody,
    status: 202,
    response: jobSchema,
    errors: ['OPERATION_IN_PROGRESS', 'BACKUP_CHAIN_BROKEN'],
    handle: (rt, input) => createBackup(rt, input.body, input),
  }),
  defineRoute({
    ...common,
    id: 'verifyBackup',
    method: 'POST',
    path: '/admin/backups/verify',
    summary:
      'Start a restore drill: restore a backup (default the newest) into scratch space, check it, measure the time (audited)',
    body: verifyBackupBody,
    status: 202,
    response: jobSchema,
    errors: ['OPERATION_IN_PROGRESS', 'BACKUP_NOT_FOUND'],
    handle: (rt, input) => verifyBackup(rt, input.body, input),
  }),
  defineRoute({
    ...common,
    id: 'restoreBackup',
    method: 'POST',
    path: '/admin/backups/restore',
    summary:
      'Start a restore to a new file, or in place (the server is not ready until the verified copy is swapped in and open), of a backup or of any point inside a chain (to_seq, to_time) (audited)',
    body: restoreBackupBody,
    status: 202,
    response: jobSchema,
    errors: ['OPERATION_IN_PROGRESS', 'BACKUP_NOT_FOUND', 'RESTORE_POINT_OUT_OF_RANGE'],
    handle: (rt, input) => restoreBackup(rt, input.body, input),
  }),
  defineRoute({
    ...common,
    id: 'backupStatus',
    method: 'GET',
    path: '/admin/backups/status',
    summary: 'The running backup job with its progress, recent jobs and the next scheduled runs',
    status: 200,
    response: statusResponse,
    handle: (rt) => backupStatus(rt),
  }),
  defineRoute({
    ...common,
    id: 'backupJob',
    method: 'GET',
    path: '/admin/backups/jobs/:job',
    summary: 'A backup, verification or restore job: its phase, progress, result or error',
    params: jobParams,
    status: 200,
    response: jobSchema,
    errors: ['BACKUP_JOB_NOT_FOUND'],
    handle: (rt, input) => backupJob(rt, input.params.job),
  }),
  defineRoute({
    ...common,
    id: 'deleteBackup',
    method: 'DELETE',
    path: '/admin/backups/:backup',
    summary: 'Delete a backup that no later backup builds on (audited)',
    params: backupParams,
    status: 200,
    response: deleteBackupResponse,
    errors: ['BACKUP_NOT_FOUND', 'BACKUP_IN_USE', 'OPERATION_IN_PROGRESS'],
    handle: (rt, input) => deleteBackup(rt, input.params.backup, input),
  }),
  defineRoute({
    ...common,
    id: 'applyBackupRetention',
    method: 'POST',
    path: '/admin/backups/retention',
    summary:
      'Apply the configured retention now, never breaking a chain that is kept (dry_run: only report) (audited)',
    body: retentionBody,
    status: 200,
    response: retentionResponse,
    errors: ['OPERATION_IN_PROGRESS'],
    handle: (rt, input) => applyRetention(rt, input.body, input),
  }),
];
