'use client';

import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';

import { useTRPC } from '@/lib/trpc';

/** How often collection figures are refreshed while a page shows them. */
const LIVE_MS = 5_000;

/** The collections, a page of up to 1000, refreshed every few seconds. */
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

/** One collection's index: type, memory, fragmentation. */
export function useIndexStatus(name: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.collections.indexStatus.queryOptions({ collection: name }),
    refetchInterval: LIVE_MS,
  });
}

/**
 * Detail and index status of each named collection, for the list's columns that the list
 * call does not carry (metric, index parameters, memory, fragmentation).
 */
export function useCollectionFacts(names: readonly string[]) {
  const trpc = useTRPC();
  const details = useQueries({
    queries: names.map((collection) => ({
      ...trpc.collections.get.queryOptions({ collection }),
      refetchInterval: LIVE_MS,
    })),
  });
  const indexes = useQueries({
    queries: names.map((collection) => ({
      ...trpc.collections.indexStatus.queryOptions({ collection }),
      refetchInterval: LIVE_MS,
    })),
  });
  return names.map((name, i) => ({ name, detail: details[i], index: indexes[i] }));
}

/** Invalidates every cached collection query after a change. */
function useInvalidateCollections() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: trpc.collections.pathKey() });
}

export function useCreateCollection() {
  const trpc = useTRPC();
  const invalidate = useInvalidateCollections();
  return useMutation(trpc.collections.create.mutationOptions({ onSuccess: invalidate }));
}

export function useDropCollection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.collections.drop.mutationOptions({
      onSuccess: (_data, { collection }) => {
        // The dropped collection's own queries would only answer 404 now.
        queryClient.removeQueries({
          queryKey: trpc.collections.get.queryKey({ collection }),
        });
        queryClient.removeQueries({
          queryKey: trpc.collections.indexStatus.queryKey({ collection }),
        });
        return queryClient.invalidateQueries({ queryKey: trpc.collections.list.pathKey() });
      },
    }),
  );
}

/**
 * Compacts a collection. The server answers when compaction is over and reports no progress
 * before that, so the console can only show that it is running.
 */
export function useCompactCollection() {
  const trpc = useTRPC();
  const invalidate = useInvalidateCollections();
  return useMutation(trpc.collections.compact.mutationOptions({ onSuccess: invalidate }));
}
