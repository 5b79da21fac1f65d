import type { FastifyInstance } from 'fastify';

import type { ApiContext } from './context.js';
import { runtimeOf } from './handlers/runtime.js';
import { registerHttpBasics, registerRoutes } from './http/register-rest.js';
import { allRoutes } from './routes/all-routes.js';
import { registerTrpc } from './trpc/register-trpc.js';

/**
 * Registers Needle's HTTP API on a fastify instance, in its root scope: the REST routes
 * (under `/v1` and unprefixed), the infrastructure routes (`/health`, `/ready`, `/info`,
 * `/openapi.json`...), the tRPC router at `/trpc`, and the plumbing every route of the
 * server shares — JSON body parsing, `X-Request-Id`, security headers, the error handler
 * and the 404/405 handler. Register it before the server's own routes (`/metrics`), so
 * they get 405 for a wrong method too.
 *
 * @example
 * ```ts
 * const app = Fastify({ bodyLimit: 10 * 1024 * 1024 });
 * await registerNeedleApi(app, {
 *   database: () => db,
 *   limits: { maxBatchSize: 10_000, queryTimeoutMs: 30_000, maxExportPage: 100_000, queryCacheEntries: 1_000 },
 *   metrics,
 *   readiness: () => ({ ready: true }),
 *   memoryGuard: () => undefined,
 *   version: '0.1.0',
 * });
 * app.get('/metrics', metricsHandler);
 * await app.listen({ port: 8080 });
 * ```
 */
export async function registerNeedleApi(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const runtime = runtimeOf(ctx);
  registerHttpBasics(app, ctx);
  registerRoutes(app, runtime, allRoutes);
  await registerTrpc(app, runtime);
}
