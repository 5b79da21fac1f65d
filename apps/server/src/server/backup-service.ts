import { ApiError } from '@needle/api';
import type {
  BackupChoice,
  BackupJob,
  BackupPolicyChange,
  BackupJobRequest,
  BackupJobResult,
  BackupServices,
  BackupStatus,
} from '@needle/api';
import { isEngineError, restoreBackup } from '@needle/engine';
import type {
  BackupManager,
  BackupProgress,
  CatalogEntry,
  Database,
  RestorePointSelection,
  RetentionReport,
} from '@needle/engine';
import type { Logger } from 'pino';

import type { BackupSettings } from '../backup/backup-settings.js';
import type { BackupPolicy } from './backup-policy.js';
import { describeRequest, resultFigures } from './backup-job-log.js';
import { BackupJobs } from './backup-jobs.js';
import {
  assertBackupExists,
  backupNotFound,
  chooseBackup,
  restoreDestination,
} from './backup-requests.js';
import type { DatabaseHost } from './database-host.js';

/** What the scheduler asks for. */
export type ScheduledJob = 'full' | 'incremental' | 'verify';

/** What a {@link BackupService} works with. */
export interface BackupServiceDeps {
  host: DatabaseHost;
  settings: BackupSettings;
  logger: Logger;
  /** Where restores to a new file go (`<dataDir>/restored`). */
  restoreDir: string;
  /** Counts a failed backup, by the type asked for. */
  onBackupFailure: (type: 'full' | 'incremental') => void;
  /** Counts a failed verification (restore drill). */
  onVerifyFailure: () => void;
  /** Records an audit entry in the served database (after an in-place restore: the new one). */
  audit: (entry: {
    principal: string;
    action: string;
    detail: Record<string, string | number | boolean | null>;
  }) => Promise<void>;
  /** Next scheduled runs, for the status. */
  nextRuns: () => BackupStatus['schedule'];
  /** The schedule and retention in force (the config's, with runtime changes over it). */
  policy: BackupPolicy;
  /** Re-arms the schedule after the policy changed. */
  reschedule: () => void;
}

const ORDER: readonly ScheduledJob[] = ['full', 'incremental', 'verify'];

/**
 * The server's backups: one job at a time (backup, verification or restore), whoever asks —
 * the API, or the schedule, whose jobs wait for a running one instead of being refused. Each
 * job is logged, its progress kept for the API and the metrics, its failure counted. An
 * in-place restore takes the database out of service through the host and brings the
 * restored one back.
 */
export class BackupService implements BackupServices {
  readonly #deps: BackupServiceDeps;
  readonly #jobs = new BackupJobs();
  readonly #pending = new Set<ScheduledJob>();
  #current: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(deps: BackupServiceDeps) {
    this.#deps = deps;
  }

  /**
   * For shutdown: starts no more scheduled jobs and settles once the running job has ended, so
   * a backup is not cut off by the database closing under it.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#pending.clear();
    await this.#current;
  }

  /** The running job (for the progress metric). */
  get running(): BackupJob | null {
    return this.#jobs.running;
  }

  list(): { target: string; entries: CatalogEntry[] } {
    return { target: this.#target.description, entries: this.#catalog() };
  }

  /** The catalog of the database in the target; 503 while the database is not there. */
  #catalog(): CatalogEntry[] {
    return this.#deps.host.accessDatabase().backups(this.#target).list();
  }

  job(id: string): BackupJob | undefined {
    return this.#jobs.find(id);
  }

  status(): BackupStatus {
    const recent = this.#jobs.recent();
    const running = this.#jobs.running;
    return {
      target: this.#target.description,
      running,
      recent: running ? recent.slice(1) : recent,
      schedule: this.#deps.nextRuns(),
      settings: this.#deps.policy.settings(),
    };
  }

  async updateSettings(change: BackupPolicyChange, changedBy: string): Promise<void> {
    this.#deps.host.database();
    await this.#deps.policy.set(change, changedBy);
    this.#deps.reschedule();
    this.#deps.logger.info(
      { changed_by: changedBy, settings: this.#deps.policy.settings() },
      'backup schedule and retention changed',
    );
  }

  async resetSettings(): Promise<void> {
    this.#deps.host.database();
    await this.#deps.policy.reset();
    this.#deps.reschedule();
    this.#deps.logger.info(
      { settings: this.#deps.policy.settings() },
      "backup schedule and retention reset to the config's",
    );
  }

  async delete(backupId: string): Promise<void> {
    this.#assertIdle();
    const db = this.#deps.host.database();
    if (
      !db
        .backups(this.#target)
        .list()
        .some((e) => e.manifest.id === backupId)
    ) {
      throw backupNotFound(backupId, this.#target.description);
    }
    await (await this.#manager(db)).delete(backupId);
    this.#deps.logger.info({ backup_id: backupId }, 'backup deleted');
  }

  async applyRetention(dryRun: boolean): Promise<RetentionReport> {
    this.#assertIdle();
    const policy = this.#deps.policy.retention();
    const manager = await this.#manager(this.#deps.host.database());
    if (!policy) {
      return { keep: [], remove: [], dryRun, freedBytes: 0, orphans: [] };
    }
    const report = await manager.applyRetention(policy, { dryRun });
    if (!dryRun && report.remove.length > 0) {
      this.#deps.logger.info(
        { removed: report.remove, freed_bytes: report.freedBytes },
        'backup retention applied',
      );
    }
    return report;
  }

  start(request: BackupJobRequest, requestedBy: string): Promise<BackupJob> {
    return Promise.resolve().then(() => this.#begin(request, requestedBy, 'api'));
  }

  /**
   * A scheduled job: runs now, or after the running one (at most one of each kind waits). While
   * the database is not open it is skipped, with a log line.
   */
  schedule(kind: ScheduledJob): void {
    const { logger } = this.#deps;
    if (this.#stopped) return;
    if (this.#jobs.running) {
      if (!this.#pending.has(kind)) {
        this.#pending.add(kind);
        logger.info({ job: kind }, 'scheduled backup job waits for the running one');
      }
      return;
    }
    try {
      this.#deps.host.database();
      this.#begin(scheduledRequest(kind), 'schedule', 'schedule');
    } catch (err) {
      if (kind === 'verify' && isEngineError(err, 'BACKUP_NOT_FOUND')) {
        // Nothing to drill yet: the age of the newest backup is what to watch then.
        logger.info({ job: kind }, 'scheduled restore drill skipped: no backup yet');
        return;
      }
      logger.warn(
        { job: kind, code: codeOf(err), reason: (err as Error).message },
        'scheduled backup job skipped',
      );
      if (kind === 'verify') this.#deps.onVerifyFailure();
      else this.#deps.onBackupFailure(kind);
    }
  }

  /** Checks a request, then starts its job without waiting for it. */
  #begin(request: BackupJobRequest, requestedBy: string, trigger: BackupJob['trigger']): BackupJob {
    this.#assertIdle();
    const db = this.#deps.host.database();
    let backupId: string | null = null;
    let destination: string | null = null;
    if (request.kind === 'verify') {
      backupId = request.backupId ?? this.#catalog().at(-1)?.manifest.id ?? null;
      if (backupId === null) throw backupNotFound(null, this.#target.description);
      assertBackupExists(this.#target, backupId);
    } else if (request.kind === 'restore') {
      backupId = chooseBackup(this.#target, this.#catalog(), request);
      if (!request.inPlace)
        destination = restoreDestination(this.#deps.restoreDir, request.destination);
    }
    const job = this.#jobs.begin(request.kind, trigger, requestedBy, backupId);
    this.#deps.logger.info(
      { job: job.id, kind: job.kind, trigger, backup_id: backupId, requested_by: requestedBy },
      `backup job started: ${describeRequest(request)}`,
    );
    this.#current = this.#run(db, request, backupId, destination, trigger);
    return job;
  }

  async #run(
    db: Database,
    request: BackupJobRequest,
    backupId: string | null,
    destination: string | null,
    trigger: BackupJob['trigger'],
  ): Promise<void> {
    const { logger } = this.#deps;
    let finished: BackupJob;
    try {
      const result = await this.#work(db, request, backupId, destination, trigger);
      const failed =
        result.kind === 'verify' && !result.verification.ok
          ? {
              code: result.verification.code,
              message: result.verification.message,
              help: 'The backup is not restorable as it is: see docs/runbooks/backup-and-restore.md ("When a restore refuses"); take a new full backup.',
            }
          : undefined;
      finished = this.#jobs.finish(failed ? { result, error: failed } : { result });
      if (failed) this.#deps.onVerifyFailure();
      const log = failed ? logger.error.bind(logger) : logger.info.bind(logger);
      log(
        {
          job: finished.id,
          kind: finished.kind,
          backup_id: finished.backupId,
          duration_ms: (finished.finishedAt ?? Date.now()) - finished.startedAt,
          ...resultFigures(result),
          ...(failed ? { code: failed.code, reason: failed.message } : {}),
        },
        failed ? 'backup verification failed' : `backup job done: ${describeRequest(request)}`,
      );
    } catch (err) {
      const error = {
        code: codeOf(err),
        message: err instanceof Error ? err.message : String(err),
        help: (err as { help?: unknown }).help?.toString() ?? 'See the server log.',
      };
      finished = this.#jobs.finish({ error });
      if (request.kind === 'verify') this.#deps.onVerifyFailure();
      if (request.kind === 'backup')
        this.#deps.onBackupFailure(request.type === 'full' ? 'full' : 'incremental');
      logger.error(
        {
          job: finished.id,
          kind: finished.kind,
          backup_id: finished.backupId,
          code: error.code,
          err: isEngineError(err) || err instanceof ApiError ? undefined : err,
          reason: error.message,
        },
        `backup job failed: ${describeRequest(request)}`,
      );
    }
    this.#drain();
  }

  async #work(
    db: Database,
    request: BackupJobRequest,
    backupId: string | null,
    destination: string | null,
    trigger: BackupJob['trigger'],
  ): Promise<BackupJobResult> {
    const { settings, policy } = this.#deps;
    const onProgress = (p: BackupProgress) => this.#jobs.progress(p);
    const retention = policy.retention();
    switch (request.kind) {
      case 'backup': {
        const manager = await this.#manager(db);
        const manifest = await manager.create({
          type: request.type,
          maxChainLength: policy.maxChainLength(),
          onProgress,
        });
        let retentionRemoved: string[] = [];
        if (trigger === 'schedule' && retention) {
          const report = await manager.applyRetention(retention);
          retentionRemoved = report.remove;
        }
        return { kind: 'backup', manifest, retentionRemoved };
      }
      case 'verify': {
        const manager = await this.#manager(db);
        const verification = await manager.verify(backupId ?? undefined, {
          sampleSearches: settings.sampleSearches,
          onProgress,
        });
        return { kind: 'verify', verification };
      }
      case 'restore':
        return request.inPlace
          ? this.#restoreInPlace(backupId!, pointOf(request.to))
          : this.#restoreToFile(backupId!, destination!, pointOf(request.to));
    }
  }

  async #restoreInPlace(backupId: string, point: RestorePointSelection): Promise<BackupJobResult> {
    // Out of service from the start (before the keys are read): writes made meanwhile would be
    // lost by the restore.
    const report = await this.#deps.host.replace(async (db, report) => {
      report({ reason: `restoring backup ${backupId}: reading the keys`, progress: 0 });
      const options = await this.#deps.settings.managerOptions();
      return db.restoreFrom({
        target: this.#target,
        backupId,
        ...point,
        keys: [options.key, ...(options.keys ?? [])],
        sampleSearches: this.#deps.settings.sampleSearches,
        ...(options.workDir === undefined ? {} : { workDir: options.workDir }),
        onProgress: (p) => {
          const job = this.#jobs.progress(p);
          report({
            reason: `restoring backup ${backupId}: ${p.phase}`,
            progress: job?.progress ?? 0,
            swapping: p.phase === 'swap',
          });
        },
      });
    });
    const job = this.#jobs.running;
    // The audit log before the restore went with the replaced database: say it in the new one.
    await this.#deps
      .audit({
        principal: job?.requestedBy ?? 'server',
        action: 'backups.restore',
        detail: {
          backup: backupId,
          in_place: true,
          seq: report.seq,
          point_in_time: report.pointInTime,
          previous: report.previous,
          job: job?.id ?? null,
        },
      })
      .catch((err: unknown) =>
        this.#deps.logger.error({ err }, 'the restore could not be written to the audit log'),
      );
    return {
      kind: 'restore',
      report,
      inPlace: true,
      path: this.#deps.host.dataFile,
      previous: report.previous,
    };
  }

  async #restoreToFile(
    backupId: string,
    destination: string,
    point: RestorePointSelection,
  ): Promise<BackupJobResult> {
    const { settings } = this.#deps;
    const report = await restoreBackup({
      target: this.#target,
      backupId,
      ...point,
      destination,
      keys: await settings.restoreKeys(),
      sampleSearches: settings.sampleSearches,
      onProgress: (p) => this.#jobs.progress(p),
    });
    return { kind: 'restore', report, inPlace: false, path: report.path, previous: null };
  }

  /** Runs the next scheduled job that waited. */
  #drain(): void {
    const next = ORDER.find((kind) => this.#pending.has(kind));
    if (next === undefined) return;
    this.#pending.delete(next);
    this.schedule(next);
  }

  async #manager(db: Database): Promise<BackupManager> {
    return db.backups(this.#target, await this.#deps.settings.managerOptions());
  }

  get #target() {
    return this.#deps.settings.target;
  }

  #assertIdle(): void {
    const running = this.#jobs.running;
    if (running) {
      throw new ApiError(
        409,
        'OPERATION_IN_PROGRESS',
        `a backup job is running (${running.kind} ${running.id})`,
        `Follow it at GET /v1/admin/backups/jobs/${running.id} and retry once it is done.`,
        { details: { job: running.id, kind: running.kind } },
      );
    }
  }
}

function scheduledRequest(kind: ScheduledJob): BackupJobRequest {
  switch (kind) {
    case 'full':
      return { kind: 'backup', type: 'full' };
    case 'incremental':
      return { kind: 'backup', type: 'auto' };
    case 'verify':
      return { kind: 'verify' };
  }
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'INTERNAL_ERROR';
}

/** A point-in-time restore's target as the engine takes it (empty: the backup itself). */
function pointOf(to: BackupChoice['to']): RestorePointSelection {
  if (to === undefined) return {};
  return to.seq === undefined ? { toTime: to.time! } : { toSeq: to.seq };
}
