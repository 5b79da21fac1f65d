'use client';

import { useId, useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useRestoreBackup } from '@/data/backups';
import { toApiErrorInfo } from '@/lib/api-error';
import { formatCount } from '@/lib/format';

import { formatTime, type Backup, type ChainGroup } from './backup-types';

type Point = 'backup' | 'newest' | 'seq' | 'time';

/** What must be typed before an in-place restore replaces the served database. */
export const IN_PLACE_CONFIRMATION = 'replace the database';

/**
 * Restores a backup, the newest backup, or a point inside a chain (a change seq or a time),
 * into a new file or in place. The dialog says what is replaced; in place must be typed.
 */
export function RestoreDialog({
  backup,
  group,
  onClose,
  onStarted,
}: {
  backup: Backup;
  group: ChainGroup;
  onClose: () => void;
  onStarted: (jobId: string) => void;
}) {
  const restore = useRestoreBackup();
  const ids = { point: useId(), seq: useId(), time: useId(), dest: useId(), target: useId() };
  const first = group.backups[0]!;
  const seqMin = first.seq_from;
  const seqMax = backup.seq_to;
  const [point, setPoint] = useState<Point>('backup');
  const [seq, setSeq] = useState(String(seqMax));
  const [time, setTime] = useState(toLocalInput(backup.created_at));
  const [inPlace, setInPlace] = useState(false);
  const [destination, setDestination] = useState(`restored-${backup.id}.needle`);

  const seqNumber = Number(seq);
  const seqError =
    point === 'seq' && (!Number.isInteger(seqNumber) || seqNumber < seqMin || seqNumber > seqMax)
      ? `a whole number from ${seqMin} to ${seqMax} (this chain's range up to this backup)`
      : null;
  const timeValue = new Date(time);
  const timeError =
    point === 'time' && Number.isNaN(timeValue.getTime())
      ? 'a date and time'
      : point === 'time' &&
          (timeValue.getTime() < Date.parse(first.created_at) - 60_000 ||
            timeValue.getTime() > Date.parse(backup.created_at) + 60_000)
        ? `between ${formatTime(first.created_at)} and ${formatTime(backup.created_at)}`
        : null;
  const destError = !inPlace && destination.trim() === '' ? 'a file name' : null;
  const invalid = seqError !== null || timeError !== null || destError !== null;

  const pointText =
    point === 'newest'
      ? 'the newest backup'
      : point === 'backup'
        ? `backup ${backup.id} (change seq ${backup.seq_to})`
        : point === 'seq'
          ? `change seq ${seq} of chain ${group.chain.id}`
          : `the last change at or before ${time ? formatTime(timeValue.toISOString()) : '…'}`;
  const vectors = backup.collections.reduce((n, c) => n + c.vectors, 0);

  const submit = () => {
    if (invalid) return;
    const where = inPlace ? { in_place: true as const } : { destination: destination.trim() };
    const which =
      point === 'newest'
        ? {}
        : point === 'backup'
          ? { backup_id: backup.id }
          : point === 'seq'
            ? { backup_id: backup.id, to_seq: seqNumber }
            : { backup_id: backup.id, to_time: timeValue.toISOString() };
    restore.mutate({ ...which, ...where }, { onSuccess: (job) => onStarted(job.id) });
  };

  return (
    <ConfirmDialog
      open
      title="Restore a backup"
      confirmLabel={inPlace ? 'Restore in place' : 'Restore to a new file'}
      confirmText={inPlace ? IN_PLACE_CONFIRMATION : undefined}
      busy={restore.isPending}
      confirmDisabled={invalid}
      onCancel={onClose}
      onConfirm={submit}
    >
      <div className="form">
        <fieldset className="radios">
          <legend>Restore to</legend>
          {(
            [
              ['backup', 'This backup'],
              ['newest', 'The newest backup'],
              ['seq', 'A change seq (point in time)'],
              ['time', 'A time (point in time)'],
            ] as const
          ).map(([value, label]) => (
            <label key={value}>
              <input
                type="radio"
                name={ids.point}
                value={value}
                checked={point === value}
                onChange={() => setPoint(value)}
              />{' '}
              {label}
            </label>
          ))}
        </fieldset>
        {point === 'seq' && (
          <div className="field">
            <label htmlFor={ids.seq}>Change seq</label>
            <input
              id={ids.seq}
              inputMode="numeric"
              value={seq}
              aria-invalid={seqError !== null}
              onChange={(e) => setSeq(e.target.value)}
            />
            <p className={seqError ? 'field-error' : 'hint'}>
              {seqError ?? `From ${seqMin} to ${seqMax}.`}
            </p>
          </div>
        )}
        {point === 'time' && (
          <div className="field">
            <label htmlFor={ids.time}>Time (your local time)</label>
            <input
              id={ids.time}
              type="datetime-local"
              step={1}
              value={time}
              aria-invalid={timeError !== null}
              onChange={(e) => setTime(e.target.value)}
            />
            <p className={timeError ? 'field-error' : 'hint'}>
              {timeError ??
                `From ${formatTime(first.created_at)} to ${formatTime(backup.created_at)}.`}
            </p>
          </div>
        )}
        <fieldset className="radios">
          <legend>Where</legend>
          <label>
            <input
              type="radio"
              name={ids.target}
              checked={!inPlace}
              onChange={() => setInPlace(false)}
            />{' '}
            A new file
          </label>
          <label>
            <input
              type="radio"
              name={ids.target}
              checked={inPlace}
              onChange={() => setInPlace(true)}
            />{' '}
            In place (replace the served database)
          </label>
        </fieldset>
        {!inPlace && (
          <div className="field">
            <label htmlFor={ids.dest}>New file</label>
            <input
              id={ids.dest}
              value={destination}
              aria-invalid={destError !== null}
              onChange={(e) => setDestination(e.target.value)}
            />
            <p className={destError ? 'field-error' : 'hint'}>
              {destError ?? "Relative to the server's restore directory; it must not exist."}
            </p>
          </div>
        )}
        <div role="note" data-testid="restore-summary">
          {inPlace ? (
            <p>
              <strong>The served database is replaced</strong> by {pointText} (at this backup:{' '}
              {backup.collections.length} collection(s), {formatCount(vectors)} vectors). Every
              write made after that point is lost, and the server answers 503 until the restored
              copy is verified, swapped in and open. The replaced file is kept beside it.
            </p>
          ) : (
            <p>
              Nothing is replaced: {pointText} is restored into the new file{' '}
              <code>{destination}</code>; the served database is not touched.
            </p>
          )}
        </div>
        {restore.error && (
          <ApiErrorView error={toApiErrorInfo(restore.error)} title="The restore did not start" />
        )}
      </div>
    </ConfirmDialog>
  );
}

/** An ISO time as a `datetime-local` value in the reader's time zone. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
