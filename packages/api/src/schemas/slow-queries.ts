import { z } from 'zod';

import { collectionName } from './common.js';
import { explanationSchema } from './search.js';

/** A time in a query string: ISO 8601 (`2026-01-01T00:00:00Z`) or milliseconds since the epoch. */
const timeParam = z
  .string()
  .regex(
    /^(\d{1,15}|\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/,
    'expected an ISO 8601 time (2026-01-01T00:00:00Z) or milliseconds since the epoch',
  )
  .refine((s) => Number.isFinite(parseTime(s)), 'not a valid time')
  .meta({ description: 'ISO 8601 time, or milliseconds since the epoch.' });

/**
 * A time parameter as ms since the epoch; NaN when it is not a time, including a calendar
 * date that does not exist (`2026-02-30`, which `Date.parse` would roll over into March).
 */
export function parseTime(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const [, y, m, d] = /^(\d{4})-(\d{2})-(\d{2})/.exec(text) ?? [];
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(m) - 1 || day.getUTCDate() !== Number(d)) return Number.NaN;
  return Date.parse(text);
}

/** `GET /slow-queries?collection&from&to`. */
export const slowQueriesQuery = z.object({
  collection: collectionName.optional(),
  /** Default: an hour before `to`. */
  from: timeParam.optional(),
  /** Default: now. */
  to: timeParam.optional(),
});

/** `GET /slow-queries/:id`. */
export const slowQueryParams = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'expected a slow-query id (a positive integer)')
    .meta({ description: 'A slow-query id from GET /slow-queries.' }),
});

const shapeSchema = z.object({
  k: z.number().int(),
  ef_search: z.number().int().nullable(),
  filter: z.unknown().meta({ description: 'The filter with every value replaced by "?".' }),
  post_filter: z.unknown(),
  options: z.array(z.string()),
});

export const slowQueryGroupSchema = z.object({
  collection: z.string(),
  shape_id: z.string(),
  shape: shapeSchema,
  count: z.number().int(),
  p50_ms: z.number(),
  p95_ms: z.number(),
  max_ms: z.number(),
  last_seen: z.string(),
  /** The newest few of the group, newest first. */
  example_ids: z.array(z.string()),
});

export const slowQueriesResponse = z.object({
  collection: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  threshold_ms: z.number(),
  /** Slow queries in the window. */
  total: z.number().int(),
  groups: z.array(slowQueryGroupSchema),
});

export const slowQueryResponse = z.object({
  id: z.string(),
  at: z.string(),
  collection: z.string(),
  shape_id: z.string(),
  shape: shapeSchema,
  duration_ms: z.number(),
  request_id: z.string().nullable(),
  trace_status: z.enum(['ready', 'pending', 'unavailable']),
  /** True when the trace was taken by running the same search again after the slow one. */
  trace_rerun: z.boolean(),
  traced_at: z.string().nullable(),
  /** The search's explanation (without per-dimension query values), or null. */
  trace: explanationSchema.nullable(),
});
