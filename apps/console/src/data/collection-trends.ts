'use client';

import { useQuery } from '@tanstack/react-query';

import { useTRPCClient } from '@/lib/trpc';

/**
 * Named queries of the `needle-collections` dashboard the collection page charts, so its
 * charts show what Grafana shows (`packages/telemetry/src/dashboards/default-dashboards.ts`).
 */
export const TREND_QUERIES = {
  indexMemory: 'needle-collections/index-memory-by-collection/0',
  fragmentation: 'needle-collections/fragmentation-by-collection/0',
  memoryLimit: 'needle-collections/memory-and-disk-limits/0',
  diskCapacity: 'needle-collections/memory-and-disk-limits/1',
  diskUsed: 'needle-collections/memory-and-disk-limits/2',
} as const;

/** The time ranges the trend charts offer. */
export const TREND_RANGES = [
  { label: '15 minutes', ms: 15 * 60_000 },
  { label: '1 hour', ms: 3_600_000 },
  { label: '6 hours', ms: 6 * 3_600_000 },
] as const;

/** One point of a series: seconds since the epoch and the value (null: no sample). */
export type TrendPoint = readonly [number, number | null];

/**
 * A named query over the last `rangeMs`, for one collection (or the whole server when the
 * query has no collection label), refreshed every few seconds from the server's samples.
 */
export function useTrend(query: string, rangeMs: number, collection?: string) {
  const client = useTRPCClient();
  return useQuery({
    // The range's start moves with time, so it is computed per fetch, not part of the key.
    queryKey: ['collection-trend', query, rangeMs, collection ?? null],
    queryFn: async (): Promise<readonly TrendPoint[]> => {
      const data = await client.telemetry.query.query({
        query,
        start: String(Math.floor((Date.now() - rangeMs) / 1000)),
        ...(collection === undefined ? {} : { collection }),
      });
      return data.series[0]?.values ?? [];
    },
    refetchInterval: 5_000,
  });
}
