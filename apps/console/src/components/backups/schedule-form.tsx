'use client';

import { useId, useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useResetBackupSettings, useUpdateBackupSettings } from '@/data/backups';
import { toApiErrorInfo } from '@/lib/api-error';

import { formatTime, type BackupStatus } from './backup-types';

type Settings = BackupStatus['settings'];
type Job = 'full' | 'incremental' | 'verify';

const JOBS: readonly { job: Job; label: string }[] = [
  { job: 'full', label: 'Full backups' },
  { job: 'incremental', label: 'Incremental backups' },
  { job: 'verify', label: 'Restore drills (verify)' },
];

interface Draft {
  cron: Record<Job, { on: boolean; pattern: string }>;
  timezone: string;
  maxAgeDays: string;
  maxCount: string;
  minCount: string;
  maxChainLength: string;
}

function draftOf(s: Settings): Draft {
  const job = (j: Job) => ({ on: s.cron[j] !== null, pattern: s.cron[j] ?? '' });
  return {
    cron: { full: job('full'), incremental: job('incremental'), verify: job('verify') },
    timezone: s.cron.timezone ?? '',
    maxAgeDays: String(s.retention?.max_age_days ?? 0),
    maxCount: String(s.retention?.max_count ?? 0),
    minCount: String(s.retention?.min_count ?? 1),
    maxChainLength: String(s.max_chain_length),
  };
}

/** A field's problem before the server is asked, or null. */
function cronProblem(pattern: string): string | null {
  const fields = pattern.trim().split(/\s+/).filter(Boolean);
  if (fields.length === 0) return 'Give a cron expression, or turn the job off.';
  if (fields.length < 5 || fields.length > 7)
    return `A cron expression has 5 fields (6 with seconds first); this one has ${fields.length}.`;
  return null;
}

function numberProblem(text: string, min: number, integer: boolean): string | null {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) return 'Give a number.';
  if (integer && !Number.isInteger(n)) return 'Give a whole number.';
  if (n < min) return `Give ${min} or more.`;
  return null;
}

/**
 * The backup schedule and retention as a form: each job's cron expression (or off), the time
 * zone, the retention and the chain length. Saving keeps the change over the server's config
 * (across restarts) and re-arms the schedule; the next runs it gives are shown. Reset drops
 * every change.
 */
export function ScheduleForm({ settings, onDone }: { settings: Settings; onDone: () => void }) {
  const ids = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [tried, setTried] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  const [last, setLast] = useState<'saved' | 'reset' | null>(null);
  const update = useUpdateBackupSettings();
  const reset = useResetBackupSettings();

  const problems = {
    full: draft.cron.full.on ? cronProblem(draft.cron.full.pattern) : null,
    incremental: draft.cron.incremental.on ? cronProblem(draft.cron.incremental.pattern) : null,
    verify: draft.cron.verify.on ? cronProblem(draft.cron.verify.pattern) : null,
    maxAgeDays: numberProblem(draft.maxAgeDays, 0, false),
    maxCount: numberProblem(draft.maxCount, 0, true),
    minCount: numberProblem(draft.minCount, 1, true),
    maxChainLength: numberProblem(draft.maxChainLength, 1, true),
  };
  const invalid = Object.values(problems).some((p) => p !== null);
  const shown = (p: string | null) => (tried ? p : null);

  const save = () => {
    setTried(true);
    if (invalid) return;
    const cron = (j: Job) => (draft.cron[j].on ? draft.cron[j].pattern.trim() : null);
    const body = {
      cron: {
        full: cron('full'),
        incremental: cron('incremental'),
        verify: cron('verify'),
        timezone: draft.timezone.trim() === '' ? null : draft.timezone.trim(),
      },
      retention: {
        max_age_days: Number(draft.maxAgeDays),
        max_count: Number(draft.maxCount),
        min_count: Number(draft.minCount),
      },
      max_chain_length: Number(draft.maxChainLength),
    };
    // Only what differs from the settings in force becomes an override.
    const current = draftOf(settings);
    const cronChange: Record<string, string | null> = {};
    for (const j of ['full', 'incremental', 'verify'] as const) {
      const was = current.cron[j];
      const now = draft.cron[j];
      if (now.on !== was.on || (now.on && now.pattern.trim() !== was.pattern))
        cronChange[j] = body.cron[j];
    }
    if (draft.timezone.trim() !== current.timezone) cronChange.timezone = body.cron.timezone;
    const retentionChange: Record<string, number> = {};
    for (const [key, now, was] of [
      ['max_age_days', draft.maxAgeDays, current.maxAgeDays],
      ['max_count', draft.maxCount, current.maxCount],
      ['min_count', draft.minCount, current.minCount],
    ] as const) {
      if (Number(now) !== Number(was)) retentionChange[key] = body.retention[key];
    }
    const changed = {
      cron: cronChange,
      retention: retentionChange,
      ...(Number(draft.maxChainLength) === settings.max_chain_length
        ? {}
        : { max_chain_length: body.max_chain_length }),
    };
    update.mutate(changed, {
      onSuccess: (r) => {
        setDraft(draftOf(r.settings));
        setLast('saved');
      },
    });
  };

  const result = last === 'saved' ? update.data : last === 'reset' ? reset.data : undefined;
  return (
    <>
      <form
        className="form"
        aria-labelledby={`${ids}-title`}
        data-testid="backup-settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <h3 id={`${ids}-title`}>Change the schedule and retention</h3>
        <p className="hint">
          Changes are kept over the server&apos;s configuration (across restarts) and apply at once;
          reset brings back the configuration&apos;s values.
          {settings.overridden.length > 0 && (
            <>
              {' '}
              Changed now:{' '}
              <code data-testid="backup-overridden">{settings.overridden.join(', ')}</code>.
            </>
          )}
        </p>
        {JOBS.map(({ job, label }) => {
          const value = draft.cron[job];
          const problem = shown(problems[job]);
          const set = (next: Partial<Draft['cron'][Job]>) =>
            setDraft((d) => ({ ...d, cron: { ...d.cron, [job]: { ...d.cron[job], ...next } } }));
          return (
            <div className="field" key={job}>
              <label htmlFor={`${ids}-${job}`}>{label} (cron)</label>
              <div className="actions">
                <input
                  id={`${ids}-${job}`}
                  value={value.pattern}
                  disabled={!value.on}
                  placeholder="*/15 * * * *"
                  aria-invalid={problem !== null}
                  aria-describedby={`${ids}-${job}-hint`}
                  onChange={(e) => set({ pattern: e.target.value })}
                />
                <label>
                  <input
                    type="checkbox"
                    aria-label={`${label}: scheduled`}
                    checked={value.on}
                    onChange={(e) => set({ on: e.target.checked })}
                  />{' '}
                  scheduled
                </label>
              </div>
              <p id={`${ids}-${job}-hint`} className={problem ? 'field-error' : 'hint'}>
                {problem ?? 'minute hour day-of-month month day-of-week'}
              </p>
            </div>
          );
        })}
        <div className="field">
          <label htmlFor={`${ids}-tz`}>Time zone</label>
          <input
            id={`${ids}-tz`}
            value={draft.timezone}
            placeholder="the server's"
            onChange={(e) => setDraft((d) => ({ ...d, timezone: e.target.value }))}
          />
          <p className="hint">
            An IANA name such as UTC or Europe/Berlin; empty: the server&apos;s.
          </p>
        </div>
        <div className="field-row">
          {(
            [
              ['maxAgeDays', 'Expire after (days, 0: never)'],
              ['maxCount', 'Keep at most (0: no limit)'],
              ['minCount', 'Always keep the newest'],
              ['maxChainLength', 'Incrementals per chain'],
            ] as const
          ).map(([key, label]) => {
            const problem = shown(problems[key]);
            return (
              <div className="field" key={key}>
                <label htmlFor={`${ids}-${key}`}>{label}</label>
                <input
                  id={`${ids}-${key}`}
                  inputMode="numeric"
                  value={draft[key]}
                  aria-invalid={problem !== null}
                  onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))}
                />
                {problem && <p className="field-error">{problem}</p>}
              </div>
            );
          })}
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={update.isPending}>
            Save schedule
          </button>
          <button
            type="button"
            className="button ghost"
            disabled={reset.isPending || settings.overridden.length === 0}
            onClick={() => setConfirmReset(true)}
          >
            Reset to the configuration
          </button>
          <button
            type="button"
            className="button ghost"
            onClick={() => {
              setDraft(draftOf(settings));
              setTried(false);
              update.reset();
              onDone();
            }}
          >
            Cancel
          </button>
        </div>
        {update.error && (
          <ApiErrorView error={toApiErrorInfo(update.error)} title="The settings were not saved" />
        )}
        {reset.error && (
          <ApiErrorView error={toApiErrorInfo(reset.error)} title="The settings were not reset" />
        )}
        {result && !update.error && (
          <p role="status" data-testid="backup-settings-saved">
            {last === 'reset' ? "Reset to the configuration's values." : 'Saved.'} Next runs:{' '}
            {JOBS.map(({ job, label }) => {
              const next = result.schedule[job];
              return `${label.toLowerCase()} ${next ? formatTime(next) : 'not scheduled'}`;
            }).join(' · ')}
          </p>
        )}
      </form>
      <ConfirmDialog
        open={confirmReset}
        title="Reset the schedule and retention?"
        confirmLabel="Reset"
        busy={reset.isPending}
        onCancel={() => setConfirmReset(false)}
        onConfirm={() =>
          reset.mutate(undefined, {
            onSuccess: (r) => {
              setConfirmReset(false);
              update.reset();
              setLast('reset');
              setDraft(draftOf(r.settings));
            },
          })
        }
      >
        <p>Every change made here is dropped: the server&apos;s configuration applies again.</p>
      </ConfirmDialog>
    </>
  );
}
