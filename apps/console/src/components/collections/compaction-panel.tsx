'use client';

import { useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ProgressBar } from '@/components/ui/progress-bar';
import { useCompactCollection, useIndexStatus } from '@/data/collections';
import { toApiErrorInfo } from '@/lib/api-error';
import { formatBytes, formatCount } from '@/lib/format';

/** `75` → `1 min 15 s`. */
function formatEta(seconds: number | null): string {
  if (seconds === null) return 'estimating…';
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/**
 * Compaction of one collection: a dry run that says what it would reclaim, and the real one
 * (after a confirmation) with its live progress, phase and ETA from the index status.
 */
export function CompactionPanel({ name }: { name: string }) {
  const dryRun = useCompactCollection();
  const compact = useCompactCollection();
  const [confirming, setConfirming] = useState(false);
  const status = useIndexStatus(name, compact.isPending);
  const operation = status.data?.operation ?? null;
  const running = compact.isPending || operation !== null;

  return (
    <section aria-labelledby="compaction-title" className="card stack">
      <h2 id="compaction-title">Compaction</h2>
      <p className="muted">
        Rebuilds the index without the slots of deleted vectors, online: searches and writes go on
        meanwhile.
      </p>
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={dryRun.isPending || running}
          onClick={() => dryRun.mutate({ collection: name, dry_run: true })}
        >
          Dry run
        </button>
        <button
          type="button"
          className="button primary"
          disabled={running}
          onClick={() => {
            compact.reset();
            setConfirming(true);
          }}
        >
          Compact…
        </button>
      </div>
      {dryRun.data && (
        <p role="status" data-testid="dry-run-result">
          A compaction would reclaim about{' '}
          <strong>{formatBytes(dryRun.data.reclaimed_bytes ?? 0)}</strong> of index memory (its
          share of the deleted slots; the allocator may keep some) by removing{' '}
          <strong>{formatCount(dryRun.data.removed)}</strong> deleted slots, keeping{' '}
          {formatCount(dryRun.data.vectors ?? 0)} vectors.
        </p>
      )}
      {dryRun.error && <ApiErrorView error={toApiErrorInfo(dryRun.error)} title="Dry run failed" />}
      {running && (
        <div data-testid="compaction-progress">
          <ProgressBar
            label={`Compacting ${name}: ${operation ? operation.phase : 'starting'}`}
            value={operation?.ratio ?? 0}
          />
          <p className="muted">
            {operation && operation.total > 0 && operation.phase === 'rebuild'
              ? `${formatCount(operation.done)} of ${formatCount(operation.total)} vectors re-indexed · `
              : ''}
            Time left: {formatEta(operation?.eta_seconds ?? null)}
          </p>
        </div>
      )}
      {compact.data && !running && (
        <div data-testid="compaction-done">
          <ProgressBar label={`Compacted ${name}`} value={1} />
          <p role="status">
            Compacted: {formatCount(compact.data.removed)} deleted slots removed,{' '}
            {formatBytes(compact.data.reclaimed_bytes ?? 0)} of index memory reclaimed.
          </p>
        </div>
      )}
      {compact.error && (
        <ApiErrorView error={toApiErrorInfo(compact.error)} title="Compaction failed" />
      )}
      <ConfirmDialog
        open={confirming}
        title={`Compact ${name}?`}
        confirmLabel="Compact now"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          compact.mutate({ collection: name });
        }}
      >
        <p>
          The index of <strong>{name}</strong> is rebuilt from its live vectors and the database
          file is vacuumed. It takes a while on a large collection; this page shows its progress.
        </p>
        {dryRun.data && (
          <p>
            The last dry run: {formatCount(dryRun.data.removed)} slots,{' '}
            {formatBytes(dryRun.data.reclaimed_bytes ?? 0)}.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
