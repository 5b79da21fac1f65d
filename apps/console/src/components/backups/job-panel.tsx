'use client';

import { useEffect, useRef } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { ProgressBar } from '@/components/ui/progress-bar';
import { StatusBadge } from '@/components/ui/status-badge';
import { useBackupJob, useInvalidateBackups } from '@/data/backups';
import { toApiErrorInfo } from '@/lib/api-error';
import { formatBytes, formatCount } from '@/lib/format';

import { formatMs, formatTime, type Job } from './backup-types';

const KIND_LABEL: Record<Job['kind'], string> = {
  backup: 'Backup',
  verify: 'Verification',
  restore: 'Restore',
};

/**
 * A job followed live: its phase and progress bar while it runs, then what it produced or why
 * it failed. The catalog is refreshed when it ends.
 */
export function JobPanel({ id, onDismiss }: { id: string; onDismiss: () => void }) {
  const job = useBackupJob(id);
  const invalidate = useInvalidateBackups();
  const state = job.data?.state;
  const ended = useRef(false);
  useEffect(() => {
    if (state && state !== 'running' && !ended.current) {
      ended.current = true;
      void invalidate();
    }
  }, [state, invalidate]);

  return (
    <section className="card" aria-labelledby={`job-${id}`} data-testid="backup-job">
      <div className="page-header">
        <h2 id={`job-${id}`}>
          {job.data ? KIND_LABEL[job.data.kind] : 'Job'} <code>{id}</code>
        </h2>
        {state !== 'running' && (
          <button type="button" className="button ghost" onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
      {job.error && !job.data && <ApiErrorView error={toApiErrorInfo(job.error)} />}
      {job.data && <JobBody job={job.data} />}
    </section>
  );
}

function JobBody({ job }: { job: Job }) {
  if (job.state === 'running') {
    const phase = job.phase ?? 'starting';
    const amount =
      job.total !== null && job.total > 0
        ? ` (${formatCount(job.done)} of ${formatCount(job.total)})`
        : '';
    return (
      <div className="stack" role="status">
        <ProgressBar label={`${KIND_LABEL[job.kind]}: ${phase}${amount}`} value={job.progress} />
        {job.kind === 'restore' && (
          <p className="muted">An in-place restore makes the server unavailable until it ends.</p>
        )}
      </div>
    );
  }
  return (
    <div className="stack">
      <ProgressBar label={`${KIND_LABEL[job.kind]} ${job.state}`} value={1} />
      {job.error && (
        <ApiErrorView
          error={{
            ...job.error,
            error: job.error.message,
            status: undefined,
            requestId: undefined,
          }}
          title={`${KIND_LABEL[job.kind]} failed`}
        />
      )}
      {job.result && <JobResult job={job} />}
      <p className="muted">
        Started {formatTime(job.started_at)} by {job.requested_by}
        {job.finished_at && `, ended ${formatTime(job.finished_at)}`}.
      </p>
    </div>
  );
}

function JobResult({ job }: { job: Job }) {
  const result = job.result;
  if (!result) return null;
  if (job.kind === 'backup' && 'type' in result) {
    return (
      <p role="status" data-testid="job-result">
        Backup <code>{result.backup_id}</code> ({result.type}) written: {formatBytes(result.bytes)}{' '}
        up to change seq {result.seq_to}, in {formatMs(result.duration_ms)}.
        {result.retention_removed.length > 0 &&
          ` Retention removed ${result.retention_removed.length}.`}
      </p>
    );
  }
  if (job.kind === 'verify' && 'ok' in result) {
    return (
      <div role="status" data-testid="job-result">
        <p>
          {result.ok ? (
            <StatusBadge tone="ok">verified</StatusBadge>
          ) : (
            <StatusBadge tone="bad">not restorable</StatusBadge>
          )}{' '}
          Backup <code>{result.backup_id}</code> restored into scratch space and checked in{' '}
          {formatMs(result.restore_ms)} (the measured restore time).
        </p>
        <dl className="facts">
          {result.code && (
            <>
              <dt>Problem</dt>
              <dd>
                <code>{result.code}</code> {result.message}
              </dd>
            </>
          )}
          {result.chain && (
            <>
              <dt>Chain applied</dt>
              <dd>{result.chain.length} backup(s)</dd>
            </>
          )}
          {result.seq !== undefined && (
            <>
              <dt>Change seq</dt>
              <dd>{result.seq}</dd>
            </>
          )}
          {result.collections && (
            <>
              <dt>Vectors</dt>
              <dd data-testid="verify-vectors">
                {formatCount(result.collections.reduce((n, c) => n + c.vectors, 0))} in{' '}
                {result.collections.length} collection(s)
                {result.collections.length > 0 &&
                  `: ${result.collections.map((c) => `${c.name} ${formatCount(c.vectors)}`).join(', ')}`}
              </dd>
            </>
          )}
          {result.searches && (
            <>
              <dt>Sample searches</dt>
              <dd data-testid="verify-searches">
                {result.searches.passed} of {result.searches.run} passed ({result.searches.found}{' '}
                found their vector)
              </dd>
            </>
          )}
        </dl>
      </div>
    );
  }
  if (job.kind === 'restore' && 'path' in result) {
    return (
      <div role="status" data-testid="job-result">
        <p>
          Restored {result.point_in_time ? 'the point in time' : 'backup'}{' '}
          <code>{result.backup_id}</code> (change seq {result.seq}, {formatTime(result.created_at)})
          {result.in_place ? ' in place' : ' into a new file'} in {formatMs(result.restore_ms)}.
        </p>
        <dl className="facts">
          <dt>Database file</dt>
          <dd>
            <code>{result.path}</code>
          </dd>
          {result.previous && (
            <>
              <dt>Replaced database kept at</dt>
              <dd>
                <code>{result.previous}</code>
              </dd>
            </>
          )}
          <dt>Collections</dt>
          <dd>
            {result.collections.map((c) => `${c.name} (${formatCount(c.vectors)})`).join(', ') ||
              'none'}
          </dd>
        </dl>
      </div>
    );
  }
  return null;
}
