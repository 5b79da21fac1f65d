import type { QueryShape } from './query-shape.js';
import type { SlowQueryRecord } from './search-insights.js';

/** Slow queries of one collection and one shape. */
export interface SlowQueryGroup {
  readonly collection: string;
  readonly shapeId: string;
  readonly shape: QueryShape;
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** When the newest of them finished, ms since the epoch. */
  readonly lastSeen: number;
  /** Ids of the newest few, newest first, for `GET /v1/slow-queries/:id`. */
  readonly exampleIds: readonly number[];
}

/** Examples listed per group. */
export const EXAMPLES_PER_GROUP = 5;

/**
 * Groups slow-query records by collection and shape with their count, nearest-rank p50 and
 * p95 and maximum duration, slowest groups (by p95, then count) first.
 */
export function groupSlowQueries(records: readonly SlowQueryRecord[]): SlowQueryGroup[] {
  const groups = new Map<string, SlowQueryRecord[]>();
  for (const r of records) {
    const key = `${r.collection}\u0000${r.shapeId}`;
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const out: SlowQueryGroup[] = [];
  for (const list of groups.values()) {
    const durations = list.map((r) => r.durationMs).sort((a, b) => a - b);
    const newest = [...list].sort((a, b) => b.at - a.at || b.id - a.id);
    const first = newest[0]!;
    out.push({
      collection: first.collection,
      shapeId: first.shapeId,
      shape: first.shape,
      count: list.length,
      p50Ms: nearestRank(durations, 0.5),
      p95Ms: nearestRank(durations, 0.95),
      maxMs: durations[durations.length - 1]!,
      lastSeen: first.at,
      exampleIds: newest.slice(0, EXAMPLES_PER_GROUP).map((r) => r.id),
    });
  }
  return out.sort((a, b) => b.p95Ms - a.p95Ms || b.count - a.count);
}

/** The nearest-rank percentile of ascending values: the smallest value with share q at or below it. */
export function nearestRank(sorted: readonly number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}
