'use client';

import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';

import type { AppRouter } from '@needle/api';
import type { inferRouterOutputs } from '@trpc/server';

import { useTRPC } from '@/lib/trpc';

type ListAnswer = inferRouterOutputs<AppRouter>['collections']['list'];

/** How often collection figures refresh while a page shows them. */
const LIVE_MS = 5_000;
/** How often the index status is polled while a compaction runs. */
const PROGRESS_MS = 500;

/** The first page of collections (names, counts), refreshed live. */
export function useCollectionList() {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.collections.list.queryOptions({ limit: 1000 }),
    refetchInterval: LIVE_MS,
  });
}

/** One collection's settings and counts. */
export function useCollection(name: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.collections.get.queryOptions({ collection: name }),
    refetchInterval: LIVE_MS,
  });
}

/**
 * One collection's index status: size, fragmentation, the compaction running now and the
 * last one. Polled fast while `running` (a compaction of this page is under way).
 */
export function useIndexStatus(name: string, running = false) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.collections.indexStatus.queryOptions({ collection: name }),
    refetchInterval: (query) => (running || query.state.data?.operation ? PROGRESS_MS : LIVE_MS),
  });
}

/** Detail and index status of each named collection, for the list's extra columns. */
export function useCollectionFacts(names: readonly string[]) {
  const trpc = useTRPC();
  const details = useQueries({
    queries: names.map((name) => ({
      ...trpc.collections.get.queryOptions({ collection: name }),
      refetchInterval: LIVE_MS,
    })),
  });
  const indexes = useQueries({
    queries: names.map((name) => ({
      ...trpc.collections.indexStatus.queryOptions({ collection: name }),
      refetchInterval: LIVE_MS,
    })),
  });
  return names.map((_, i) => ({ detail: details[i], index: indexes[i] }));
}

/** Invalidates every collection query (after a change). */
function useInvalidateCollections() {
  const trpc = useTRPC();
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: trpc.collections.pathKey() });
}

/** Creates a collection. */
export function useCreateCollection() {
  const trpc = useTRPC();
  const invalidate = useInvalidateCollections();
  return useMutation(trpc.collections.create.mutationOptions({ onSuccess: invalidate }));
}

/**
 * Drops a collection. Only the list is refetched: the page still showing the collection
 * would otherwise ask for one that is gone (404) before it navigates away.
 */
export function useDropCollection() {
  const trpc = useTRPC();
  const client = useQueryClient();
  return useMutation(
    trpc.collections.drop.mutationOptions({
      onSuccess: (_, { collection }) => {
        // Off the cached list at once: a refetch of the list would otherwise ask for the
        // dropped collection's details (404) before the new list arrives.
        client.setQueriesData<ListAnswer>(trpc.collections.list.pathFilter(), (old) =>
          old ? { ...old, collections: old.collections.filter((c) => c.name !== collection) } : old,
        );
        return client.invalidateQueries({ queryKey: trpc.collections.list.pathKey() });
      },
    }),
  );
}

/** Compacts a collection, or with `dry_run` reports what compaction would reclaim. */
export function useCompactCollection() {
  const trpc = useTRPC();
  const invalidate = useInvalidateCollections();
  return useMutation(trpc.collections.compact.mutationOptions({ onSuccess: invalidate }));
}

/** The capacity planner's answer for a plan (null input: nothing asked yet). */
export function useTune(
  input: Parameters<ReturnType<typeof useTRPC>['collections']['tune']['queryOptions']>[0] | null,
) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.collections.tune.queryOptions(input ?? { expected_vectors: 1, dimensions: 1 }),
    enabled: input !== null,
  });
}
