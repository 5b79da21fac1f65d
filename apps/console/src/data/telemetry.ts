'use client';

import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';

import { useTRPC, useTRPCClient } from '@/lib/trpc';

/** How often charts fetch their range again. */
export const CHART_REFRESH_MS = 5_000;

/**
 * The sources range queries can read here: always `server`, and `prometheus` when the server
 * has one configured (`telemetry.queries`).
 */
export function useTelemetrySources() {
  const trpc = useTRPC();
  return useQuery({
    ...trpc.telemetry.queries.queryOptions(),
    select: (data) => data.sources,
    staleTime: 60_000,
  });
}

/**
 * Range queries (`telemetry.query`) over the server's own samples or, with `source:
 * 'prometheus'`, the Prometheus that scrapes it: one per named query id (the ids of the Grafana
 * panels' queries and of the rules), over the last `rangeMs`. Each fetch asks for the window
 * ending now, so a chart moves as samples arrive; the previous answer stays on screen while the
 * next one loads.
 */
export function useTelemetryRanges(
  queryIds: readonly string[],
  rangeMs: number,
  source: 'server' | 'prometheus' = 'server',
) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  return useQueries({
    queries: queryIds.map((id) => ({
      queryKey: [...trpc.telemetry.query.queryKey({ query: id, source }), rangeMs] as const,
      queryFn: () => {
        // Both ends from one instant: the range is exactly `rangeMs`, so its last step is now.
        const end = Date.now();
        return client.telemetry.query.query({
          query: id,
          source,
          start: ((end - rangeMs) / 1000).toFixed(3),
          end: (end / 1000).toFixed(3),
        });
      },
      refetchInterval: CHART_REFRESH_MS,
      placeholderData: keepPreviousData,
    })),
  });
}
