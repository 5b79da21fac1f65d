'use client';

import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';

import type { AppRouter } from '@needle/api';
import type { inferRouterOutputs } from '@trpc/server';

import { useTRPC } from '@/lib/trpc';

/** How often live collection figures are asked again. */
const REFRESH_MS = 5_000;

/** Every collection with its size, refreshed live. */
export function useCollectionList() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.collections.list.queryOptions({}), refetchInterval: REFRESH_MS });
}

/** Each named collection's settings and index status (for the list's columns). */
export function useCollectionFacts(names: readonly string[]) {
  const trpc = useTRPC();
  const details = useQueries({
    queries: names.map((collection) => ({
      ...trpc.collections.get.queryOptions({ collection }),
      refetchInterval: REFRESH_MS,
    })),
  });
  const indexes = useQueries({
    queries: names.map((collection) => ({
      ...trpc.collections.indexStatus.queryOptions({ collection }),
      refetchInterval: REFRESH_MS,
    })),
  });
  return names.map((_, i) => ({ detail: details[i], index: indexes[i] }));
}

/** One collection's settings and size. */
export function useCollection(name: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.collections.get.queryOptions({ collection: name }),
    refetchInterval: REFRESH_MS,
  });
}

/** One collection's index memory and fragmentation. */
export function useIndexStatus(name: string) {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.collections.indexStatus.queryOptions({ collection: name }),
    refetchInterval: REFRESH_MS,
  });
}

/** Creates a collection; the list is asked again after. */
export function useCreateCollection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.collections.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.collections.pathKey() }),
    }),
  );
}

/** Compacts a collection; its figures are asked again after. */
export function useCompactCollection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.collections.compact.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.collections.pathKey() }),
    }),
  );
}

/**
 * Drops a collection: it leaves the cached list at once (so no page asks for its details,
 * which would now be 404s) and the list is asked again.
 */
export function useDropCollection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useMutation(
    trpc.collections.drop.mutationOptions({
      onSuccess: (_, { collection }) => {
        queryClient.setQueriesData<ListAnswer>(trpc.collections.list.pathFilter(), (old) =>
          old ? { ...old, collections: old.collections.filter((c) => c.name !== collection) } : old,
        );
        return queryClient.invalidateQueries(trpc.collections.list.pathFilter());
      },
    }),
  );
}

type ListAnswer = inferRouterOutputs<AppRouter>['collections']['list'];
