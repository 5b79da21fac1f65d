import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { FastifyInstance } from 'fastify';

import type { ApiRuntime } from '../handlers/runtime.js';
import { certificateSubjectOf } from '../http/register-rest.js';
import { requestIdOf } from '../http/request-id.js';
import { appRouter } from './router.js';
import type { AppRouter } from './router.js';

/**
 * Mounts the tRPC router at `/trpc`. Queries may also be sent as POST (`methodOverride` in
 * the client's link), so a search vector need not fit in a URL.
 */
export async function registerTrpc(app: FastifyInstance, runtime: ApiRuntime): Promise<void> {
  const options: FastifyTRPCPluginOptions<AppRouter> = {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      allowMethodOverride: true,
      createContext: ({ req }) => ({
        runtime,
        requestId: requestIdOf(req),
        headers: req.headers,
        ip: req.ip,
        certificateSubject: certificateSubjectOf(req),
      }),
      onError: ({ error, req }) => {
        const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
        runtime.ctx.metrics.countError(
          typeof causeCode === 'string' ? causeCode : error.code,
          'http',
        );
        if (error.code === 'INTERNAL_SERVER_ERROR')
          req.log.error({ err: error.cause ?? error }, 'tRPC call failed');
      },
    },
  };
  await app.register(fastifyTRPCPlugin, options);
}
