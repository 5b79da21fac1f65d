'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@needle/api';

import { useTRPC, useTRPCClient } from '@/lib/trpc';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/** What the playground sends: `POST /collections/{c}/search` with `explain: true`. */
export type SearchInput = Inputs['search']['search'];
/** An explained search's answer. */
export type SearchOutput = Outputs['search']['search'];
/** The explain trace of a search, in the wire form. */
export type Explanation = NonNullable<SearchOutput['explanation']>;
/** The slow-query listing of a window. */
export type SlowQueryList = Outputs['insights']['slowQueries'];
/** One group of slow queries of the same shape. */
export type SlowQueryGroup = SlowQueryList['groups'][number];
/** One recorded slow query with its trace. */
export type SlowQuery = Outputs['insights']['slowQuery'];

/** How often the slow-query log is asked again. */
const SLOW_LOG_REFRESH_MS = 5_000;

/** Every collection's name and dimensions, for the collection picker. */
export function useCollectionChoices() {
  const trpc = useTRPC();
  return useQuery(trpc.collections.list.queryOptions({}));
}

/** A collection's settings (dimensions, default ef_search). */
export function useCollectionSettings(collection: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.collections.get.queryOptions({ collection }),
    enabled: collection !== '',
  });
}

/** The first ids of a collection, to pick a stored vector as the query. */
export function useStoredIds(collection: string, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.vectors.list.queryOptions({ collection, offset: 0, limit: 100 }),
    enabled: enabled && collection !== '',
  });
}

/** Reads one stored vector (on demand: the playground's "use stored vector"). */
export function useFetchVector() {
  const client = useTRPCClient();
  return useMutation({
    mutationFn: (input: { collection: string; id: string }) => client.vectors.get.query(input),
  });
}

/** Runs one explained search each time it is called (a query on the server, run on demand). */
export function useExplainedSearch() {
  const client = useTRPCClient();
  return useMutation({
    mutationFn: (input: SearchInput) => client.search.search.query({ ...input, explain: true }),
  });
}

/** The slow queries of a window grouped by shape, refreshed live. */
export function useSlowQueries(window: { collection?: string; from?: string; to?: string }) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.insights.slowQueries.queryOptions(window),
    refetchInterval: SLOW_LOG_REFRESH_MS,
  });
}

/** One slow query and its trace; asked again while the trace is pending. */
export function useSlowQuery(id: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.insights.slowQuery.queryOptions({ id }),
    refetchInterval: (query) => (query.state.data?.trace_status === 'pending' ? 2_000 : false),
  });
}
