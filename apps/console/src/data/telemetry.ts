'use client';

import { keepPreviousData, useQueries } from '@tanstack/react-query';

import { useTRPC, useTRPCClient } from '@/lib/trpc';

/** How often charts fetch their range again. */
export const CHART_REFRESH_MS = 5_000;

/**
 * Range queries over the server's own samples (`telemetry.query`), one per named query id
 * (the ids of the Grafana panels' queries and of the rules), over the last `rangeMs`. Each
 * fetch asks for the window ending now, so a chart moves as samples arrive; the previous
 * answer stays on screen while the next one loads.
 */
export function useTelemetryRanges(queryIds: readonly string[], rangeMs: number) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  return useQueries({
    queries: queryIds.map((id) => ({
      queryKey: [...trpc.telemetry.query.queryKey({ query: id }), rangeMs] as const,
      queryFn: () =>
        client.telemetry.query.query({
          query: id,
          start: ((Date.now() - rangeMs) / 1000).toFixed(3),
        }),
      refetchInterval: CHART_REFRESH_MS,
      placeholderData: keepPreviousData,
    })),
  });
}
