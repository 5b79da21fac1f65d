import { setTimeout as sleep } from 'node:timers/promises';

import type { jobBody } from '@needle/api';

import { RemoteClient, RemoteError } from '../remote-client.js';
import type { RemoteClientOptions } from '../remote-client.js';
import type {
  BackupBackend,
  BackupDone,
  BackupListing,
  ProgressHandler,
  RestoreDone,
  RestoreRequest,
  VerifyDone,
} from './backup-backend.js';

type Job = ReturnType<typeof jobBody>;

/** How often a running job is asked about. */
const POLL_MS = 200;
/** How long the server may stay unreachable or not ready while a job is followed. */
const QUIET_LIMIT_MS = 10 * 60_000;

/**
 * The backups of a running server over `/v1/admin/backups`: each operation starts a job and
 * follows it to its end, reporting its phases. During an in-place restore the server is briefly
 * not ready (503) and its access control with it; those answers are waited out.
 */
export class RemoteBackups implements BackupBackend {
  readonly kind = 'remote';
  readonly source: string;
  readonly #client: RemoteClient;

  constructor(options: RemoteClientOptions) {
    this.#client = new RemoteClient(options);
    this.source = this.#client.base.origin;
  }

  async create(type: 'full' | 'incremental' | 'auto', onProgress: ProgressHandler) {
    const job = await this.#client.request<Job>('POST', '/v1/admin/backups', { type });
    return (await this.#follow(job, onProgress)) as BackupDone;
  }

  async list(): Promise<BackupListing> {
    const listing = await this.#client.request<
      Omit<Extract<BackupListing, { source: 'catalog' }>, 'source'>
    >('GET', '/v1/admin/backups');
    return { source: 'catalog', ...listing };
  }

  async verify(backupId: string | undefined, onProgress: ProgressHandler): Promise<VerifyDone> {
    const job = await this.#client.request<Job>(
      'POST',
      '/v1/admin/backups/verify',
      backupId === undefined ? {} : { backup_id: backupId },
    );
    return (await this.#follow(job, onProgress, { failedWithResult: true })) as VerifyDone;
  }

  async restore(request: RestoreRequest, onProgress: ProgressHandler): Promise<RestoreDone> {
    const job = await this.#client.request<Job>('POST', '/v1/admin/backups/restore', {
      ...(request.backupId === undefined ? {} : { backup_id: request.backupId }),
      ...(request.at?.seq === undefined ? {} : { at_seq: request.at.seq }),
      ...(request.at?.time === undefined
        ? {}
        : { at_time: new Date(request.at.time).toISOString() }),
      ...(request.until?.seq === undefined ? {} : { to_seq: request.until.seq }),
      ...(request.until?.time === undefined
        ? {}
        : { to_time: new Date(request.until.time).toISOString() }),
      ...(request.inPlace ? { in_place: true } : { destination: request.to }),
    });
    const done = (await this.#follow(job, onProgress)) as RestoreDone;
    if (request.inPlace) await this.#ready(onProgress);
    return done;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Polls a job until it ends; its result, or its error as a {@link RemoteError}. */
  async #follow(
    started: Job,
    onProgress: ProgressHandler,
    options: { failedWithResult?: boolean } = {},
  ): Promise<Job['result']> {
    let job = started;
    let heard = Date.now();
    for (;;) {
      if (job.phase !== null) onProgress(job.phase, job.done, job.total);
      if (job.state !== 'running') break;
      await sleep(POLL_MS);
      try {
        job = await this.#client.request<Job>(
          'GET',
          `/v1/admin/backups/jobs/${encodeURIComponent(job.id)}`,
        );
        heard = Date.now();
      } catch (err) {
        if (!waitable(err) || Date.now() - heard > QUIET_LIMIT_MS) throw err;
      }
    }
    if (job.state === 'succeeded' || (options.failedWithResult && job.result !== null))
      return job.result;
    const error = job.error ?? { code: 'INTERNAL_ERROR', message: 'the job failed', help: '' };
    throw new RemoteError(error.message, error.code, null, error.help);
  }

  /** Waits until the server answers `/ready` with 200 again after an in-place restore. */
  async #ready(onProgress: ProgressHandler): Promise<void> {
    const since = Date.now();
    for (;;) {
      try {
        await this.#client.request('GET', '/ready');
        return;
      } catch (err) {
        if (!waitable(err) || Date.now() - since > QUIET_LIMIT_MS) throw err;
      }
      onProgress('open', 0, null);
      await sleep(POLL_MS);
    }
  }
}

/** Answers a job follower waits out: the server not ready, shutting down briefly, or unreachable. */
function waitable(err: unknown): boolean {
  return err instanceof RemoteError && (err.status === 503 || err.code === 'UNREACHABLE');
}
