import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '@needle/api';
import type { ApiMetrics } from '@needle/api';

import type { ServerConfig } from '../config.js';
import { countingStore } from './rate-limit-store.js';

/**
 * The per-client rate limit (`rateLimit.max` requests per `rateLimit.windowMs`, counted by
 * client address) through `@fastify/rate-limit`. It runs first on every request — API routes,
 * probes, `/metrics` and unknown URLs alike — so every response carries `X-RateLimit-Limit`,
 * `X-RateLimit-Remaining` and `X-RateLimit-Reset`. A refused request answers 429
 * `RATE_LIMIT_EXCEEDED` with `Retry-After` and a body naming the limit, its scope, the
 * client's count and the threshold, and is counted in `needle_limit_rejections_total`.
 * `max: 0` turns the limit off.
 */
export async function registerRateLimit(
  app: FastifyInstance,
  config: ServerConfig['rateLimit'],
  metrics: ApiMetrics,
): Promise<void> {
  if (config.max === 0) return;
  const store = countingStore(config.clients);
  // onExceeded hears the client's key just before the error builder runs for it.
  const refusedKey = new WeakMap<object, string>();
  await app.register(rateLimit, {
    // Not per route: one hook at the root also covers the not-found handler.
    global: false,
    max: config.max,
    timeWindow: config.windowMs,
    store: store.Store,
    onExceeded: (request, key) => refusedKey.set(request, key),
    errorResponseBuilder: (request, context) => {
      metrics.limitRejected('rate');
      const retryAfter = Math.max(1, Math.ceil(context.ttl / 1000));
      const key = refusedKey.get(request);
      const current =
        (key === undefined ? undefined : store.takeExceededCount(key)) ?? context.max + 1;
      return new ApiError(
        429,
        'RATE_LIMIT_EXCEEDED',
        `rate limit exceeded: this client made ${current} requests in the current window of ${config.windowMs / 1000} s, the limit is ${context.max}`,
        `Slow down and retry after ${retryAfter} s (the Retry-After header); the limit is counted per client address.`,
        {
          details: {
            limit: 'rate',
            scope: 'client',
            current,
            threshold: context.max,
            window_seconds: config.windowMs / 1000,
            retry_after: retryAfter,
          },
          headers: { 'retry-after': String(retryAfter) },
        },
      );
    },
  });
  app.addHook('onRequest', app.rateLimit());
}
