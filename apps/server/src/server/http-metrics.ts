import type { FastifyInstance } from 'fastify';

import type { ServerMetrics } from './server-metrics.js';

/** The `path` label of requests no route matched, so unknown URLs cannot grow the series. */
export const UNMATCHED_PATH = 'unmatched';

/**
 * The `path` label of a route: its pattern (`/collections/:name/vectors/:id`), with the
 * `/v1` prefix dropped so prefixed and unprefixed calls of one route share a series.
 */
export function metricPath(route: string | undefined): string {
  if (route === undefined || route === '') return UNMATCHED_PATH;
  if (route === '/v1') return '/';
  return route.startsWith('/v1/') ? route.slice(3) : route;
}

/**
 * Counts every answered request in `needle_http_requests_total{method,path,status}` and
 * `needle_http_request_duration_seconds{method,path}`, and requests under way in
 * `needle_http_requests_in_flight{method}` (decremented when the response closes, also when
 * the client goes away first).
 */
export function registerHttpMetrics(app: FastifyInstance, { metrics }: ServerMetrics): void {
  app.addHook('onRequest', (request, reply, done) => {
    const method = request.method;
    metrics.httpInFlight.inc({ method });
    reply.raw.once('close', () => metrics.httpInFlight.dec({ method }));
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const method = request.method;
    const path = metricPath(request.routeOptions.url);
    metrics.httpRequests.inc({ method, path, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method, path }, reply.elapsedTime / 1000);
    done();
  });
}
