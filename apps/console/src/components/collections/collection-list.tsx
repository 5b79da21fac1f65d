'use client';

import Link from 'next/link';

import { EmptyState } from '@/components/states/empty-state';
import { QueryView } from '@/components/states/query-view';
import { PageHeader } from '@/components/ui/page-header';
import { useCollectionFacts, useCollectionList } from '@/data/collections';
import { useGrants } from '@/lib/auth/auth-provider';
import { formatBytes, formatCount, formatRatio } from '@/lib/format';

import { collectionHref } from './collection-href';

/** Every collection with its size, settings, memory and fragmentation, refreshed live. */
export function CollectionList() {
  const list = useCollectionList();
  const canCreate = useGrants().can('collections.manage');
  return (
    <>
      <PageHeader
        title="Collections"
        description="Vectors, settings, memory and fragmentation of each collection."
        actions={
          <>
            <Link href="/collections/planner/" className="button">
              Capacity planner
            </Link>
            {canCreate && (
              <Link href="/collections/new/" className="button primary">
                New collection
              </Link>
            )}
          </>
        }
      />
      <QueryView
        query={list}
        loading="Loading collections"
        isEmpty={(data) => data.collections.length === 0}
        empty={
          <EmptyState title="No collections yet">
            {canCreate && (
              <p>
                <Link href="/collections/new/">Create the first one</Link>.
              </p>
            )}
          </EmptyState>
        }
      >
        {(data) => (
          <CollectionTable names={data.collections.map((c) => c.name)} rows={data.collections} />
        )}
      </QueryView>
    </>
  );
}

interface Row {
  name: string;
  dimensions: number;
  count: number;
  deleted_count: number;
}

function CollectionTable({ names, rows }: { names: string[]; rows: Row[] }) {
  const facts = useCollectionFacts(names);
  const pending = '…';
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Collections</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="num">
              Vectors
            </th>
            <th scope="col" className="num">
              Dimensions
            </th>
            <th scope="col">Metric</th>
            <th scope="col">Index</th>
            <th scope="col" className="num">
              Memory
            </th>
            <th scope="col" className="num">
              Fragmentation
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => {
            const detail = facts[i]?.detail?.data;
            const index = facts[i]?.index?.data?.index;
            return (
              <tr key={row.name}>
                <th scope="row">
                  <Link href={collectionHref(row.name)}>{row.name}</Link>
                </th>
                <td className="num">{formatCount(row.count)}</td>
                <td className="num">{row.dimensions}</td>
                <td>{detail ? detail.distance : pending}</td>
                <td>
                  {detail
                    ? `${detail.index.type} · M ${detail.index.m} · ef ${detail.index.ef_construction}/${detail.index.ef_search} · ${detail.quantization}`
                    : pending}
                </td>
                <td className="num">{index ? formatBytes(index.memory_bytes) : pending}</td>
                <td className="num">
                  {index ? (
                    <span className={index.needs_compaction ? 'badge warning' : undefined}>
                      {formatRatio(index.fragmentation_ratio)}
                    </span>
                  ) : (
                    pending
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
