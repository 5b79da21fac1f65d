import { getSlowQuery, listSlowQueries } from '../handlers/slow-queries.js';
import { defineRoute } from '../http/api-route.js';
import type { ApiRoute } from '../http/api-route.js';
import {
  slowQueriesQuery,
  slowQueriesResponse,
  slowQueryParams,
  slowQueryResponse,
} from '../schemas/slow-queries.js';

const common = {
  kind: 'api',
  operation: 'http',
  tag: 'observability',
  action: 'metrics.read',
} as const;

/**
 * The slow-query store: searches slower than the server's threshold, grouped by query shape
 * for a window (the evidence behind a latency alert), and each with its explain trace.
 */
export const slowQueryRoutes: readonly ApiRoute[] = [
  defineRoute({
    ...common,
    id: 'listSlowQueries',
    method: 'GET',
    path: '/slow-queries',
    summary:
      'Slow searches of a window (default the last hour), grouped by collection and query shape with count, p50, p95, max and example ids',
    query: slowQueriesQuery,
    status: 200,
    response: slowQueriesResponse,
    handle: (rt, input) => listSlowQueries(rt, input.query),
  }),
  defineRoute({
    ...common,
    id: 'getSlowQuery',
    method: 'GET',
    path: '/slow-queries/:id',
    summary: 'One slow search: its shape, duration, request id and explain trace',
    params: slowQueryParams,
    // `id` is a vector id elsewhere; here a bad one is plain bad input.
    fieldCodes: { id: 'INVALID_INPUT' },
    status: 200,
    response: slowQueryResponse,
    errors: ['SLOW_QUERY_NOT_FOUND'],
    handle: (rt, input) => getSlowQuery(rt, input.params.id),
  }),
];
