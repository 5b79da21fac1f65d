import type {
  BackupManifest,
  BackupVerification,
  CatalogEntry,
  RestoreReport,
} from '@needle/engine';
import type { z } from 'zod';

import { ApiError } from '../api-error.js';
import type {
  BackupJob,
  BackupJobRequest,
  BackupJobResult,
  BackupPolicyChange,
  BackupServices,
  BackupStatus,
} from '../backups/backup-services.js';
import type {
  backupResultSchema,
  backupSchema,
  backupSettingsBody,
  backupSettingsResponse,
  createBackupBody,
  deleteBackupResponse,
  jobSchema,
  listBackupsResponse,
  restoreBackupBody,
  restoreResultSchema,
  retentionBody,
  retentionResponse,
  statusResponse,
  verifyBackupBody,
  verifyResultSchema,
} from '../schemas/backups.js';
import { hostService, recordChange } from './host-services.js';
import type { AuditDetail, Caller } from './host-services.js';
import type { ApiRuntime } from './runtime.js';

function services({ ctx }: ApiRuntime): BackupServices {
  return hostService(
    ctx.backups,
    'backups are not available on this server',
    'Backups are run by `needle serve`; embedded applications use the engine API (db.backups).',
  );
}

/** Writes what a backup request did to the audit log (when access control is on). */
const audited = (rt: ApiRuntime, caller: Caller, action: string, detail: AuditDetail) =>
  recordChange(rt.ctx.security?.(), caller, action, detail);

const iso = (ms: number) => new Date(ms).toISOString();
const requester = (caller: Caller) => caller.principal?.id ?? 'anonymous';

/** The catalog: every backup with its chain, size, age and last verification, and the chains. */
export function listBackups(rt: ApiRuntime): z.output<typeof listBackupsResponse> {
  const { target, entries } = services(rt).list();
  return describeBackups(target, entries);
}

/**
 * Catalog entries as the API lists them (`GET /v1/admin/backups`): each backup with the full
 * backup its chain starts with, its age and last verification, and a summary per chain. The
 * `needle backup list` command prints the same, embedded or remote.
 */
export function describeBackups(
  target: string,
  entries: readonly CatalogEntry[],
  now = Date.now(),
): z.output<typeof listBackupsResponse> {
  const byId = new Map(entries.map((e) => [e.manifest.id, e.manifest]));
  const chainOf = (id: string): string => {
    let at = byId.get(id);
    for (let hops = 0; at?.parentId && hops < entries.length; hops++) {
      const parent = byId.get(at.parentId);
      if (!parent) return at.parentId;
      at = parent;
    }
    return at?.id ?? id;
  };
  const backups = entries.map((e) => backup(e, chainOf(e.manifest.id), now));
  const chains = new Map<string, z.output<typeof listBackupsResponse>['chains'][number]>();
  for (const b of backups) {
    const c = chains.get(b.chain);
    if (!c) {
      chains.set(b.chain, {
        id: b.chain,
        backups: 1,
        bytes: b.bytes,
        first_at: b.created_at,
        last_at: b.created_at,
        seq_to: b.seq_to,
      });
    } else {
      c.backups += 1;
      c.bytes += b.bytes;
      c.last_at = b.created_at;
      c.seq_to = Math.max(c.seq_to, b.seq_to);
    }
  }
  return {
    target,
    backups,
    chains: [...chains.values()],
    total_bytes: backups.reduce((sum, b) => sum + b.bytes, 0),
  };
}

function backup(entry: CatalogEntry, chain: string, now: number): z.output<typeof backupSchema> {
  const m = entry.manifest;
  const v = entry.lastVerification;
  return {
    id: m.id,
    type: m.type,
    parent_id: m.parentId,
    chain,
    seq_from: m.seqFrom,
    seq_to: m.seqTo,
    created_at: iso(m.createdAt),
    completed_at: iso(m.completedAt),
    age_seconds: Math.max(0, Math.round((now - m.createdAt) / 1000)),
    duration_ms: Math.round(m.durationMs),
    bytes: m.bytes,
    uncompressed_bytes: m.uncompressedBytes,
    compression: m.compression,
    key_id: m.keyId,
    collections: m.collections.map((c) => ({ name: c.name, vectors: c.vectors })),
    verification: v
      ? {
          at: iso(v.at),
          ok: v.ok,
          code: v.code,
          message: v.message,
          restore_ms: v.restoreMs === null ? null : Math.round(v.restoreMs),
        }
      : null,
  };
}

/** A job as the API shows it. */
export function jobBody(job: BackupJob): z.output<typeof jobSchema> {
  return {
    id: job.id,
    kind: job.kind,
    trigger: job.trigger,
    requested_by: job.requestedBy,
    state: job.state,
    started_at: iso(job.startedAt),
    finished_at: job.finishedAt === null ? null : iso(job.finishedAt),
    backup_id: job.backupId,
    phase: job.phase,
    done: job.done,
    total: job.total,
    progress: job.progress,
    result: job.result ? describeJobResult(job.result) : null,
    error: job.error,
  };
}

/** What a finished job produced, as the API shows it (snake_case, times in ISO, ms rounded). */
export function describeJobResult(result: BackupJobResult): JobResultBody {
  switch (result.kind) {
    case 'backup':
      return backupResult(result.manifest, result.retentionRemoved);
    case 'verify':
      return verifyResult(result.verification);
    case 'restore':
      return restoreResult(result.report, result.inPlace, result.path, result.previous);
  }
}

/** A job's result body. */
export type JobResultBody = NonNullable<z.output<typeof jobSchema>['result']>;

/** A finished backup as the API shows it. */
export function backupResult(
  m: BackupManifest,
  retentionRemoved: string[] = [],
): z.output<typeof backupResultSchema> {
  return {
    backup_id: m.id,
    type: m.type,
    parent_id: m.parentId,
    seq_to: m.seqTo,
    bytes: m.bytes,
    duration_ms: Math.round(m.durationMs),
    retention_removed: retentionRemoved,
  };
}

/** A verification as the API shows it. */
export function verifyResult(v: BackupVerification): z.output<typeof verifyResultSchema> {
  return v.ok
    ? {
        backup_id: v.backupId,
        ok: true,
        chain: v.chain,
        seq: v.seq,
        restore_ms: Math.round(v.restoreMs),
        collections: v.collections,
        searches: { run: v.searches.run, passed: v.searches.passed, found: v.searches.found },
      }
    : {
        backup_id: v.backupId,
        ok: false,
        code: v.code,
        message: v.message,
        restore_ms: Math.round(v.restoreMs),
      };
}

/** A restore as the API shows it. */
export function restoreResult(
  r: RestoreReport,
  inPlace: boolean,
  path: string,
  previous: string | null,
): z.output<typeof restoreResultSchema> {
  return {
    backup_id: r.backupId,
    chain: r.chain,
    seq: r.seq,
    created_at: iso(r.createdAt),
    point_in_time: r.pointInTime,
    in_place: inPlace,
    path,
    previous,
    restore_ms: Math.round(r.restoreMs),
    collections: r.collections,
  };
}

/** Starts a backup (202 with the job; poll it for progress). */
export async function createBackup(
  rt: ApiRuntime,
  body: z.output<typeof createBackupBody>,
  caller: Caller,
): Promise<z.output<typeof jobSchema>> {
  const job = await services(rt).start({ kind: 'backup', type: body.type }, requester(caller));
  await audited(rt, caller, 'backups.create', { type: body.type, job: job.id });
  return jobBody(job);
}

/** Starts a verification (a restore into scratch space, checked, then removed). */
export async function verifyBackup(
  rt: ApiRuntime,
  body: z.output<typeof verifyBackupBody>,
  caller: Caller,
): Promise<z.output<typeof jobSchema>> {
  const request: BackupJobRequest =
    body.backup_id === undefined
      ? { kind: 'verify' }
      : { kind: 'verify', backupId: body.backup_id };
  const job = await services(rt).start(request, requester(caller));
  await audited(rt, caller, 'backups.verify', {
    backup: body.backup_id ?? null,
    job: job.id,
  });
  return jobBody(job);
}

/** Starts a restore into a new file, or in place (the server is not ready until it is back). */
export async function restoreBackup(
  rt: ApiRuntime,
  body: z.output<typeof restoreBackupBody>,
  caller: Caller,
): Promise<z.output<typeof jobSchema>> {
  const choice = {
    ...(body.backup_id === undefined ? {} : { backupId: body.backup_id }),
    ...(body.at_seq === undefined && body.at_time === undefined
      ? {}
      : {
          at:
            body.at_seq === undefined ? { time: Date.parse(body.at_time!) } : { seq: body.at_seq },
        }),
    ...(body.to_seq === undefined && body.to_time === undefined
      ? {}
      : {
          to:
            body.to_seq === undefined ? { time: Date.parse(body.to_time!) } : { seq: body.to_seq },
        }),
  };
  const request: BackupJobRequest =
    body.destination === undefined
      ? { kind: 'restore', inPlace: true, ...choice }
      : { kind: 'restore', inPlace: false, destination: body.destination, ...choice };
  const s = services(rt);
  // Recorded before it starts: an in-place restore replaces this very audit log.
  await audited(rt, caller, 'backups.restore', {
    backup: body.backup_id ?? null,
    at_seq: body.at_seq ?? null,
    at_time: body.at_time ?? null,
    to_seq: body.to_seq ?? null,
    to_time: body.to_time ?? null,
    in_place: body.in_place === true,
    destination: body.destination ?? null,
  });
  return jobBody(await s.start(request, requester(caller)));
}

/** A job, running or finished. */
export function backupJob(rt: ApiRuntime, id: string): z.output<typeof jobSchema> {
  const job = services(rt).job(id);
  if (!job) {
    throw new ApiError(
      404,
      'BACKUP_JOB_NOT_FOUND',
      `no backup job has the id "${id}"`,
      'Jobs are kept in memory while the server runs: GET /v1/admin/backups/status lists the recent ones.',
    );
  }
  return jobBody(job);
}

/** The running job, the recent ones and the next scheduled runs. */
export function backupStatus(rt: ApiRuntime): z.output<typeof statusResponse> {
  const status = services(rt).status();
  const at = (ms: number | null) => (ms === null ? null : iso(ms));
  return {
    target: status.target,
    running: status.running ? jobBody(status.running) : null,
    recent: status.recent.map(jobBody),
    schedule: {
      full: at(status.schedule.full),
      incremental: at(status.schedule.incremental),
      verify: at(status.schedule.verify),
    },
    settings: settingsBody(status.settings),
  };
}

function settingsBody(
  settings: BackupStatus['settings'],
): z.output<typeof statusResponse>['settings'] {
  return {
    cron: settings.cron,
    retention: settings.retention && {
      max_age_days: settings.retention.maxAgeDays,
      max_count: settings.retention.maxCount,
      min_count: settings.retention.minCount,
    },
    max_chain_length: settings.maxChainLength,
    overridden: [...settings.overridden],
  };
}

function settingsAnswer(rt: ApiRuntime): z.output<typeof backupSettingsResponse> {
  const { settings, schedule } = backupStatus(rt);
  return { settings, schedule };
}

/**
 * Changes the backup schedule and retention over the config (kept until reset, across
 * restarts); the schedule is re-armed at once. Answers the settings in force and the next runs.
 */
export async function updateBackupSettings(
  rt: ApiRuntime,
  body: z.output<typeof backupSettingsBody>,
  caller: Caller,
): Promise<z.output<typeof backupSettingsResponse>> {
  const r = body.retention;
  const change: BackupPolicyChange = {
    ...(body.cron === undefined ? {} : { cron: body.cron }),
    ...(r === undefined
      ? {}
      : {
          retention: {
            ...(r.max_age_days === undefined ? {} : { maxAgeDays: r.max_age_days }),
            ...(r.max_count === undefined ? {} : { maxCount: r.max_count }),
            ...(r.min_count === undefined ? {} : { minCount: r.min_count }),
          },
        }),
    ...(body.max_chain_length === undefined ? {} : { maxChainLength: body.max_chain_length }),
  };
  await services(rt).updateSettings(change, requester(caller));
  const answer = settingsAnswer(rt);
  await audited(rt, caller, 'backups.settings', {
    change: JSON.stringify(body),
    overridden: answer.settings.overridden.join(','),
  });
  return answer;
}

/** Drops the runtime changes of the schedule and retention: the config's values apply again. */
export async function resetBackupSettings(
  rt: ApiRuntime,
  caller: Caller,
): Promise<z.output<typeof backupSettingsResponse>> {
  await services(rt).resetSettings();
  await audited(rt, caller, 'backups.settings.reset', {});
  return settingsAnswer(rt);
}

/** Deletes one backup (409 `BACKUP_IN_USE` when later backups build on it). */
export async function deleteBackup(
  rt: ApiRuntime,
  id: string,
  caller: Caller,
): Promise<z.output<typeof deleteBackupResponse>> {
  await services(rt).delete(id);
  await audited(rt, caller, 'backups.delete', { backup: id });
  return { deleted: id };
}

/** Applies the configured retention now, or shows what it would delete. */
export async function applyRetention(
  rt: ApiRuntime,
  body: z.output<typeof retentionBody>,
  caller: Caller,
): Promise<z.output<typeof retentionResponse>> {
  const report = await services(rt).applyRetention(body.dry_run);
  if (!body.dry_run) {
    await audited(rt, caller, 'backups.retention', {
      removed: report.remove.length,
      freed_bytes: report.freedBytes,
    });
  }
  return {
    dry_run: report.dryRun,
    removed: report.remove,
    kept: report.keep.map((k) => ({ id: k.id, reason: k.reason })),
    freed_bytes: report.freedBytes,
    orphans: report.orphans,
  };
}
