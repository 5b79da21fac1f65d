'use client';

import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';

import { ApiErrorView } from '@/components/states/api-error-view';
import { EmptyState } from '@/components/states/empty-state';
import { QueryView } from '@/components/states/query-view';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PageHeader } from '@/components/ui/page-header';
import { useCollection, useDropCollection, useIndexStatus } from '@/data/collections';
import { toApiErrorInfo } from '@/lib/api-error';
import { useGrants } from '@/lib/auth/auth-provider';
import { formatBytes, formatCount, formatRatio } from '@/lib/format';

import { CollectionTrends } from './collection-trends';
import { CompactionPanel } from './compaction-panel';
import { importHref } from './collection-href';

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
  const grants = useGrants();
  const canManage = grants.can('collections.manage', name);
  const canWrite = grants.can('write', name);
  return (
    <>
      <PageHeader
        title={name}
        description={<Link href="/collections/">← All collections</Link>}
        actions={
          detail.data && (
            <>
              {canWrite && (
                <Link href={importHref(name)} className="button">
                  Import vectors
                </Link>
              )}
              {canManage && <ManageActions name={name} />}
            </>
          )
        }
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
        {({ index: ix, compaction_recommended, last_compaction: last }) => (
          <section aria-labelledby="index-title" className="card">
            <h2 id="index-title">Index</h2>
            <dl className="facts">
              <dt>Memory (index, ids, metadata)</dt>
              <dd>{formatBytes(ix.memory_bytes)}</dd>
              <dt>Index memory</dt>
              <dd>{formatBytes(ix.index_memory_bytes)}</dd>
              <dt>Fragmentation</dt>
              <dd data-testid="fact-fragmentation">
                {formatRatio(ix.fragmentation_ratio)}{' '}
                {compaction_recommended && (
                  <span className="badge warning">compaction recommended</span>
                )}
              </dd>
              <dt>Last compaction</dt>
              <dd data-testid="fact-last-compaction">
                {last
                  ? `${new Date(last.completed_at).toLocaleString('en-GB')}: ${formatCount(last.removed)} slots removed, ${formatBytes(last.reclaimed_bytes)} reclaimed in ${(last.duration_ms / 1000).toFixed(1)} s`
                  : 'none since the server started'}
              </dd>
            </dl>
          </section>
        )}
      </QueryView>
      {detail.data && canManage && <CompactionPanel name={name} />}
      {detail.data && grants.can('metrics.read') && <CollectionTrends name={name} />}
    </>
  );
}

/** Drop (with a typed confirmation). */
function ManageActions({ name }: { name: string }) {
  const router = useRouter();
  const drop = useDropCollection();
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="stack">
      <div className="actions">
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
