'use client';

import { useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { EmptyState } from '@/components/states/empty-state';
import { QueryView } from '@/components/states/query-view';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import {
  useApplyRetention,
  useBackupList,
  useBackupStatus,
  useCreateBackup,
  useDeleteBackup,
  useVerifyBackup,
} from '@/data/backups';
import { toApiErrorInfo } from '@/lib/api-error';
import { useConfirmedMutation } from '@/lib/use-confirmed-mutation';
import { useGrants } from '@/lib/auth/auth-provider';
import { formatBytes, formatCount } from '@/lib/format';

import {
  formatAge,
  formatMs,
  formatTime,
  groupByChain,
  type Backup,
  type BackupStatus,
  type ChainGroup,
} from './backup-types';
import styles from './backups.module.css';
import { JobPanel } from './job-panel';
import { RestoreDialog } from './restore-dialog';
import { ScheduleForm } from './schedule-form';

/**
 * The backups page: the catalog grouped by chain, the job running now with its progress, the
 * schedule and retention, and the backup, verify, restore, delete and retention actions.
 */
export function BackupsView() {
  const list = useBackupList();
  const status = useBackupStatus();
  const create = useCreateBackup();
  const verify = useVerifyBackup();
  const [jobId, setJobId] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<{ backup: Backup; group: ChainGroup } | null>(null);

  const running = status.data?.running ?? null;
  const shownJob = jobId ?? running?.id ?? null;
  const busy = running !== null || create.isPending || verify.isPending;
  const startError = create.error ?? verify.error;

  return (
    <>
      <PageHeader
        title="Backups"
        description={
          list.data ? (
            <>
              Kept in <code>{list.data.target}</code> · {formatBytes(list.data.total_bytes)} in{' '}
              {list.data.backups.length} backup(s)
            </>
          ) : (
            'Backup chains, restore drills, restores and retention.'
          )
        }
        actions={
          <>
            <button
              type="button"
              className="button primary"
              disabled={busy}
              onClick={() => create.mutate({ type: 'full' }, { onSuccess: (j) => setJobId(j.id) })}
            >
              Full backup
            </button>
            <button
              type="button"
              className="button"
              disabled={busy || (list.data?.chains.length ?? 0) === 0}
              title={
                (list.data?.chains.length ?? 0) === 0
                  ? 'An incremental builds on a full backup: take one first'
                  : undefined
              }
              onClick={() =>
                create.mutate({ type: 'incremental' }, { onSuccess: (j) => setJobId(j.id) })
              }
            >
              Incremental backup
            </button>
          </>
        }
      />
      {startError && (
        <ApiErrorView error={toApiErrorInfo(startError)} title="The job did not start" />
      )}
      {shownJob && (
        <JobPanel
          key={shownJob}
          id={shownJob}
          onDismiss={() => {
            setJobId(null);
            create.reset();
            verify.reset();
          }}
        />
      )}
      <QueryView
        query={list}
        loading="Loading backups"
        isEmpty={(data) => data.backups.length === 0}
        empty={
          <EmptyState title="No backups yet">
            <p>Take a full backup: the first chain starts with it.</p>
          </EmptyState>
        }
      >
        {(data) => (
          <div className={styles.column}>
            {groupByChain(data.backups, data.chains).map((group) => (
              <ChainTable
                key={group.chain.id}
                group={group}
                busy={busy}
                onVerify={(backup) =>
                  verify.mutate({ backup_id: backup.id }, { onSuccess: (j) => setJobId(j.id) })
                }
                onRestore={(backup) => setRestoring({ backup, group })}
              />
            ))}
          </div>
        )}
      </QueryView>
      <QueryView query={status} loading="Loading the schedule">
        {(s) => <ScheduleCard status={s} busy={busy} onJob={setJobId} />}
      </QueryView>
      {restoring && (
        <RestoreDialog
          backup={restoring.backup}
          group={restoring.group}
          onClose={() => setRestoring(null)}
          onStarted={(id) => {
            setRestoring(null);
            setJobId(id);
          }}
        />
      )}
    </>
  );
}

/** One chain: the full backup and its incrementals, with each backup's actions. */
function ChainTable({
  group,
  busy,
  onVerify,
  onRestore,
}: {
  group: ChainGroup;
  busy: boolean;
  onVerify: (backup: Backup) => void;
  onRestore: (backup: Backup) => void;
}) {
  const { chain, backups } = group;
  const remove = useDeleteBackup();
  const confirm = useConfirmedMutation(remove, (backup: Backup) => ({ backup: backup.id }));
  const deleting = confirm.target;
  const newest = backups.at(-1);
  return (
    <section className="card" aria-label={`Chain ${chain.id}`} data-testid="backup-chain">
      <h2>
        Chain <code>{chain.id}</code>
      </h2>
      <p className="muted">
        {chain.backups} backup(s) · {formatBytes(chain.bytes)} · {formatTime(chain.first_at)} →{' '}
        {formatTime(chain.last_at)} · restorable to any change seq from {backups[0]?.seq_from ?? 0}{' '}
        to {chain.seq_to}
      </p>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Backups of chain {chain.id}</caption>
          <thead>
            <tr>
              <th scope="col">Backup</th>
              <th scope="col">Type</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Age</th>
              <th scope="col">Change seq</th>
              <th scope="col">Collections</th>
              <th scope="col">Verification</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {backups.map((b) => (
              <tr key={b.id} data-testid="backup-row" data-backup-id={b.id}>
                <th scope="row">
                  <code>{b.id}</code>
                </th>
                <td>{b.type === 'full' ? 'full' : '↳ incremental'}</td>
                <td className="num" title={`${formatBytes(b.uncompressed_bytes)} uncompressed`}>
                  {formatBytes(b.bytes)}
                </td>
                <td title={formatTime(b.created_at)}>{formatAge(b.age_seconds)}</td>
                <td>
                  {b.seq_from} → {b.seq_to}
                </td>
                <td>
                  {b.collections.length === 0
                    ? 'none'
                    : `${b.collections.length} · ${formatCount(b.collections.reduce((n, c) => n + c.vectors, 0))} vectors`}
                </td>
                <td data-testid="backup-verification">
                  <Verification backup={b} />
                </td>
                <td>
                  <div className={styles.rowActions}>
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      onClick={() => onVerify(b)}
                      aria-label={`Verify ${b.id}`}
                    >
                      Verify
                    </button>
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      onClick={() => onRestore(b)}
                      aria-label={`Restore ${b.id}`}
                    >
                      Restore…
                    </button>
                    <button
                      type="button"
                      className="button danger"
                      disabled={busy || b.id !== newest?.id}
                      title={
                        b.id !== newest?.id
                          ? 'Later backups of the chain build on it: delete them first'
                          : undefined
                      }
                      onClick={() => confirm.ask(b)}
                      aria-label={`Delete ${b.id}`}
                    >
                      Delete…
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog {...confirm.dialog} title="Delete this backup?" confirmLabel="Delete backup">
        <p>
          Backup <code>{deleting?.id}</code> ({deleting?.type}, {formatBytes(deleting?.bytes ?? 0)})
          is deleted from the target. Its changes can no longer be restored.
        </p>
        {remove.error && (
          <ApiErrorView error={toApiErrorInfo(remove.error)} title="Delete refused" />
        )}
      </ConfirmDialog>
    </section>
  );
}

function Verification({ backup }: { backup: Backup }) {
  const v = backup.verification;
  if (!v) return <StatusBadge tone="neutral">never verified</StatusBadge>;
  return (
    <span title={v.message ?? undefined}>
      {v.ok ? (
        <StatusBadge tone="ok">verified</StatusBadge>
      ) : (
        <StatusBadge tone="bad">failed {v.code ?? ''}</StatusBadge>
      )}
      <span className={`muted ${styles.sub}`}>
        {formatTime(v.at)}
        {v.restore_ms !== null && ` · drill ${formatMs(v.restore_ms)}`}
      </span>
    </span>
  );
}

/**
 * The schedule in force with its next runs, the retention, and applying it now; principals
 * with `backups.manage` may change the schedule and retention (kept over the config).
 */
function ScheduleCard({
  status,
  busy,
  onJob,
}: {
  status: BackupStatus;
  busy: boolean;
  onJob: (id: string) => void;
}) {
  const { settings, schedule } = status;
  const retention = useApplyRetention();
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const mayChange = useGrants().can('backups.manage');
  const preview = retention.data?.dry_run ? retention.data : null;
  const rows = [
    ['Full backups', settings.cron.full, schedule.full],
    ['Incremental backups', settings.cron.incremental, schedule.incremental],
    ['Restore drills (verify)', settings.cron.verify, schedule.verify],
  ] as const;
  return (
    <section className="card" aria-labelledby="schedule-title">
      <h2 id="schedule-title">Schedule and retention</h2>
      <p className="muted">
        The server&apos;s configuration (<code>backup.schedule</code>, <code>backup.retention</code>
        )
        {settings.overridden.length > 0 ? (
          <>
            , with changes made here: <code>{settings.overridden.join(', ')}</code>.
          </>
        ) : (
          ', unchanged.'
        )}
        {!mayChange && ' Changing them needs the backups.manage permission.'}
      </p>
      <dl className="facts" data-testid="backup-schedule">
        {rows.map(([label, cron, next]) => (
          <div key={label} style={{ display: 'contents' }}>
            <dt>{label}</dt>
            <dd>
              {cron ? (
                <>
                  <code>{cron}</code> · next {next ? formatTime(next) : 'not planned'}
                </>
              ) : (
                'not scheduled'
              )}
            </dd>
          </div>
        ))}
        <dt>Time zone</dt>
        <dd>{settings.cron.timezone ?? "the server's"}</dd>
        <dt>Chain length</dt>
        <dd>a new full backup after {settings.max_chain_length} incrementals</dd>
        <dt>Retention</dt>
        <dd data-testid="backup-retention">
          {settings.retention
            ? [
                settings.retention.max_age_days !== null &&
                  `expire after ${settings.retention.max_age_days} days`,
                settings.retention.max_count !== null &&
                  `keep at most ${settings.retention.max_count}`,
                `always keep the newest ${settings.retention.min_count}`,
              ]
                .filter(Boolean)
                .join(' · ')
            : 'every backup is kept'}
        </dd>
      </dl>
      <div className="actions" style={{ marginTop: '1rem' }}>
        <button
          type="button"
          className="button"
          disabled={busy || retention.isPending || settings.retention === null}
          onClick={() => {
            retention.mutate(
              { dry_run: true },
              { onSuccess: (r) => (r.removed.length > 0 ? setConfirming(true) : undefined) },
            );
          }}
        >
          Apply retention…
        </button>
        {status.recent[0] && (
          <button
            type="button"
            className="button ghost"
            onClick={() => onJob(status.recent[0]!.id)}
          >
            Show the last job
          </button>
        )}
        {mayChange && !editing && (
          <button type="button" className="button ghost" onClick={() => setEditing(true)}>
            Change schedule…
          </button>
        )}
      </div>
      {mayChange && editing && (
        <ScheduleForm settings={settings} onDone={() => setEditing(false)} />
      )}
      {retention.error && (
        <ApiErrorView error={toApiErrorInfo(retention.error)} title="Retention failed" />
      )}
      {retention.data && !confirming && (
        <p role="status">
          {retention.data.dry_run
            ? retention.data.removed.length === 0
              ? 'Retention would delete nothing: every backup is kept.'
              : ''
            : `Retention deleted ${retention.data.removed.length} backup(s), freeing ${formatBytes(retention.data.freed_bytes)}.`}
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title="Apply retention?"
        confirmLabel="Delete expired backups"
        busy={retention.isPending}
        onCancel={() => {
          setConfirming(false);
          retention.reset();
        }}
        onConfirm={() =>
          retention.mutate({ dry_run: false }, { onSuccess: () => setConfirming(false) })
        }
      >
        <p>
          {preview?.removed.length} backup(s) are deleted, freeing{' '}
          {formatBytes(preview?.freed_bytes ?? 0)}:
        </p>
        <ul>
          {preview?.removed.map((id) => (
            <li key={id}>
              <code>{id}</code>
            </li>
          ))}
        </ul>
      </ConfirmDialog>
    </section>
  );
}
