import { randomBytes } from 'node:crypto';

import type { BackupJob, BackupJobKind, BackupJobResult } from '@needle/api';
import type { BackupProgress } from '@needle/engine';

/** The phases of each job in the order they run, for the progress estimate. */
const PHASES: Readonly<Record<BackupJobKind, readonly string[]>> = {
  backup: ['checkpoint', 'index', 'copy', 'capture', 'seal', 'upload', 'done'],
  verify: ['chain', 'download', 'decrypt', 'apply', 'encrypt', 'integrity-check', 'open', 'search'],
  restore: [
    'chain',
    'download',
    'decrypt',
    'apply',
    'encrypt',
    'integrity-check',
    'open',
    'search',
    'swap',
  ],
};

/** Finished jobs kept for `GET /admin/backups/jobs/:job` and the status. */
const KEPT_JOBS = 20;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The jobs of the server's backups: the running one (at most one) and the last few finished,
 * with their progress. Only state: the work itself is the backup service's.
 */
export class BackupJobs {
  #running: Mutable<BackupJob> | null = null;
  readonly #finished: BackupJob[] = [];

  /** The running job, as a copy. */
  get running(): BackupJob | null {
    return this.#running ? { ...this.#running } : null;
  }

  /** The running job and the finished ones, newest first, as copies. */
  recent(): BackupJob[] {
    return [...(this.#running ? [{ ...this.#running }] : []), ...this.#finished];
  }

  find(id: string): BackupJob | undefined {
    return this.recent().find((job) => job.id === id);
  }

  /** Starts a job; the caller has checked that none runs. */
  begin(
    kind: BackupJobKind,
    trigger: BackupJob['trigger'],
    requestedBy: string,
    backupId: string | null,
  ): BackupJob {
    if (this.#running) throw new Error('a backup job is already running');
    this.#running = {
      id: `${kind}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
      kind,
      trigger,
      requestedBy,
      state: 'running',
      startedAt: Date.now(),
      finishedAt: null,
      backupId,
      phase: null,
      done: 0,
      total: null,
      progress: 0,
      result: null,
      error: null,
    };
    return { ...this.#running };
  }

  /** Takes in the engine's progress; the job's progress never goes back. */
  progress(p: BackupProgress): BackupJob | null {
    const job = this.#running;
    if (!job) return null;
    const phases = PHASES[job.kind];
    const index = phases.indexOf(p.phase);
    if (!p.backupId.startsWith('(')) job.backupId = p.backupId;
    job.phase = p.phase;
    job.done = p.done;
    job.total = p.total;
    if (index >= 0) {
      const within = p.total !== null && p.total > 0 ? Math.min(p.done / p.total, 1) : 0;
      job.progress = Math.max(job.progress, Math.min((index + within) / phases.length, 0.99));
    }
    return { ...job };
  }

  /** Ends the running job with its result, or its error. */
  finish(
    outcome:
      | { result: BackupJobResult; error?: BackupJob['error'] }
      | { result?: BackupJobResult; error: NonNullable<BackupJob['error']> },
  ): BackupJob {
    const job = this.#running;
    if (!job) throw new Error('no backup job is running');
    this.#running = null;
    job.finishedAt = Date.now();
    job.phase = null;
    job.result = outcome.result ?? null;
    job.error = outcome.error ?? null;
    job.state = job.error ? 'failed' : 'succeeded';
    if (job.state === 'succeeded') job.progress = 1;
    this.#finished.unshift(job);
    this.#finished.length = Math.min(this.#finished.length, KEPT_JOBS);
    return { ...job };
  }
}
