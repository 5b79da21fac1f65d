'use client';

import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { EmptyState } from '@/components/states/empty-state';
import { QueryView } from '@/components/states/query-view';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PageHeader } from '@/components/ui/page-header';
import { ProgressBar } from '@/components/ui/progress-bar';
import {
  useCollection,
  useCompactCollection,
  useDropCollection,
  useIndexStatus,
} from '@/data/collections';
import { toApiErrorInfo } from '@/lib/api-error';
import { useGrants } from '@/lib/auth/auth-provider';
import { formatBytes, formatCount, formatRatio } from '@/lib/format';

/** One collection (named by `?name=`): its settings, index, and the compact and drop actions. */
export function CollectionDetail() {
  const name = useSearchParams().get('name') ?? '';
  if (name === '') {
    return (
      <EmptyState title="No collection named">
        <p>
          Pick one from the <Link href="/collections/">collection list</Link>.
        </p>
      </EmptyState>
    );
  }
  return <CollectionFacts name={name} />;
}

function CollectionFacts({ name }: { name: string }) {
  const detail = useCollection(name);
  const index = useIndexStatus(name);
  const canManage = useGrants().can('collections.manage', name);
  return (
    <>
      <PageHeader
        title={name}
        description={<Link href="/collections/">← All collections</Link>}
        actions={canManage && detail.data && <ManageActions name={name} />}
      />
      <QueryView query={detail} loading="Loading the collection">
        {(c) => (
          <section aria-labelledby="settings-title" className="card">
            <h2 id="settings-title">Settings and size</h2>
            <dl className="facts">
              <dt>Vectors</dt>
              <dd data-testid="fact-vectors">{formatCount(c.count)}</dd>
              <dt>Deleted, not yet compacted</dt>
              <dd>{formatCount(c.deleted_count)}</dd>
              <dt>Dimensions</dt>
              <dd data-testid="fact-dimensions">{c.dimensions}</dd>
              <dt>Metric</dt>
              <dd data-testid="fact-metric">{c.distance}</dd>
              <dt>Quantization</dt>
              <dd>{c.quantization}</dd>
              <dt>Index</dt>
              <dd>
                {c.index.type} · M {c.index.m} · ef_construction {c.index.ef_construction} ·
                ef_search {c.index.ef_search}
              </dd>
            </dl>
          </section>
        )}
      </QueryView>
      <QueryView query={index} loading="Loading the index status">
        {({ index: ix, compaction_recommended }) => (
          <section aria-labelledby="index-title" className="card">
            <h2 id="index-title">Index</h2>
            <dl className="facts">
              <dt>Memory (index, ids, metadata)</dt>
              <dd>{formatBytes(ix.memory_bytes)}</dd>
              <dt>Index memory</dt>
              <dd>{formatBytes(ix.index_memory_bytes)}</dd>
              <dt>Fragmentation</dt>
              <dd>
                {formatRatio(ix.fragmentation_ratio)}{' '}
                {compaction_recommended && (
                  <span className="badge warning">compaction recommended</span>
                )}
              </dd>
            </dl>
          </section>
        )}
      </QueryView>
    </>
  );
}

/** Compact (with its running state) and drop (with a typed confirmation). */
function ManageActions({ name }: { name: string }) {
  const router = useRouter();
  const compact = useCompactCollection();
  const drop = useDropCollection();
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="stack">
      <div className="actions">
        <button
          type="button"
          className="button"
          disabled={compact.isPending}
          onClick={() => compact.mutate({ collection: name })}
        >
          Compact
        </button>
        <button
          type="button"
          className="button danger"
          onClick={() => {
            drop.reset();
            setConfirming(true);
          }}
        >
          Drop…
        </button>
      </div>
      {compact.isPending && <ProgressBar label={`Compacting ${name}`} />}
      {compact.data && (
        <p role="status">Compacted: {formatCount(compact.data.removed)} deleted slots removed.</p>
      )}
      {compact.error && (
        <ApiErrorView error={toApiErrorInfo(compact.error)} title="Compaction failed" />
      )}
      <ConfirmDialog
        open={confirming}
        title={`Drop ${name}?`}
        confirmLabel="Drop collection"
        confirmText={name}
        busy={drop.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          drop.mutate(
            { collection: name },
            {
              onSuccess: () => {
                setConfirming(false);
                router.push('/collections/');
              },
            },
          )
        }
      >
        <p>
          Every vector of <strong>{name}</strong> and its index are deleted. This cannot be undone
          (except by restoring a backup).
        </p>
        {drop.error && <ApiErrorView error={toApiErrorInfo(drop.error)} title="Drop failed" />}
      </ConfirmDialog>
    </div>
  );
}
