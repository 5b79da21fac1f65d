import type { z } from 'zod';

import { ApiError } from '../api-error.js';
import { groupSlowQueries } from '../insights/group-slow-queries.js';
import type { SlowQueryServices } from '../insights/search-insights.js';
import { parseTime } from '../schemas/slow-queries.js';
import type {
  slowQueriesQuery,
  slowQueriesResponse,
  slowQueryResponse,
} from '../schemas/slow-queries.js';
import { hostService } from './host-services.js';
import type { ApiRuntime } from './runtime.js';
import { explanation } from './search.js';

/** The window a listing covers when the request gives no `from`. */
export const DEFAULT_WINDOW_MS = 3_600_000;

function services({ ctx }: ApiRuntime): SlowQueryServices {
  return hostService(
    ctx.slowQueries,
    'slow queries are not recorded on this server',
    'Slow queries are recorded by `needle serve` (setting slowQuery.thresholdMs).',
  );
}

/**
 * The slow queries of a window (default: the last hour), grouped by collection and query
 * shape with their count, p50, p95 and maximum duration, the last time seen and the ids of
 * the newest few.
 */
export function listSlowQueries(
  rt: ApiRuntime,
  query: z.output<typeof slowQueriesQuery>,
): z.output<typeof slowQueriesResponse> {
  const store = services(rt);
  const to = query.to === undefined ? Date.now() : parseTime(query.to);
  const from = query.from === undefined ? to - DEFAULT_WINDOW_MS : parseTime(query.from);
  if (from > to) {
    throw new ApiError(
      400,
      'INVALID_INPUT',
      `from (${new Date(from).toISOString()}) is after to (${new Date(to).toISOString()})`,
      'Give a window whose start comes before its end.',
    );
  }
  const records = store.list({ collection: query.collection, from, to });
  return {
    collection: query.collection ?? null,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    threshold_ms: store.thresholdMs,
    total: records.length,
    groups: groupSlowQueries(records).map((g) => ({
      collection: g.collection,
      shape_id: g.shapeId,
      shape: g.shape,
      count: g.count,
      p50_ms: g.p50Ms,
      p95_ms: g.p95Ms,
      max_ms: g.maxMs,
      last_seen: new Date(g.lastSeen).toISOString(),
      example_ids: g.exampleIds.map(String),
    })),
  };
}

/** One recorded slow query with its explain trace. */
export function getSlowQuery(rt: ApiRuntime, id: string): z.output<typeof slowQueryResponse> {
  const record = services(rt).get(Number(id));
  if (!record) {
    throw new ApiError(
      404,
      'SLOW_QUERY_NOT_FOUND',
      `no slow query has id ${id}`,
      'List the slow queries of a window with GET /v1/slow-queries; old ones are pruned.',
    );
  }
  return {
    id: String(record.id),
    at: new Date(record.at).toISOString(),
    collection: record.collection,
    shape_id: record.shapeId,
    shape: record.shape,
    duration_ms: record.durationMs,
    request_id: record.requestId,
    trace_status: record.traceStatus,
    trace_rerun: record.traceRerun,
    traced_at: record.tracedAt === null ? null : new Date(record.tracedAt).toISOString(),
    trace: record.trace === null ? null : explanation(record.trace, false),
  };
}
