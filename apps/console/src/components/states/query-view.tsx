import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';

import { toApiErrorInfo } from '@/lib/api-error';

import { ApiErrorView } from './api-error-view';
import { EmptyState } from './empty-state';
import { LoadingState } from './loading-state';

/**
 * Renders a query the same way on every page: loading, then error, then empty, then the
 * data. A failed refetch keeps showing the last data with the error above it.
 *
 * @example
 * ```tsx
 * <QueryView query={collections} loading="Loading collections" isEmpty={(d) => d.collections.length === 0}
 *   empty={<EmptyState title="No collections yet" />}>
 *   {(data) => <CollectionTable rows={data.collections} />}
 * </QueryView>
 * ```
 */
export function QueryView<T>({
  query,
  loading,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T, unknown>;
  loading?: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingState label={loading} />;
  const error = query.error ? (
    <ApiErrorView error={toApiErrorInfo(query.error)} onRetry={() => void query.refetch()} />
  ) : null;
  if (query.data === undefined) return error;
  const data = query.data;
  return (
    <>
      {error}
      {isEmpty?.(data) ? (empty ?? <EmptyState title="Nothing here yet" />) : children(data)}
    </>
  );
}
