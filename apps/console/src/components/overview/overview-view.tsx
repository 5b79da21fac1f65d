'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';

import { QueryView } from '@/components/states/query-view';
import { PageHeader } from '@/components/ui/page-header';
import { formatCount } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

/** The server at a glance: version, collections, vectors. */
export function OverviewView() {
  const trpc = useTRPC();
  const info = useQuery({ ...trpc.system.info.queryOptions(), refetchInterval: 5_000 });
  return (
    <>
      <PageHeader title="Overview" description="This server, live from its API." />
      <QueryView query={info} loading="Loading the server's figures">
        {(data) => (
          <dl className="stats">
            <div>
              <dt>Collections</dt>
              <dd data-testid="stat-collections">{formatCount(data.collections)}</dd>
            </div>
            <div>
              <dt>Vectors</dt>
              <dd data-testid="stat-vectors">{formatCount(data.total_vectors)}</dd>
            </div>
            <div>
              <dt>Server version</dt>
              <dd>{data.version}</dd>
            </div>
          </dl>
        )}
      </QueryView>
      <p>
        <Link href="/collections/">See the collections</Link>
      </p>
    </>
  );
}
