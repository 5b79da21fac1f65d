import type { Action, Principal } from '@needle/security';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { ApiError } from '../api-error.js';
import type { ApiContext, Operation } from '../context.js';
import { errorBody } from '../errors/error-body.js';
import { parseInput } from '../errors/parse-input.js';
import { limitError } from '../errors/limit-error.js';
import {
  internalError,
  invalidJson,
  toApiError,
  unsupportedMediaType,
} from '../errors/to-api-error.js';
import type { ApiRuntime, Authorize } from '../handlers/runtime.js';
import { guardBatchInput } from '../limits/guards.js';
import { Answer } from './api-route.js';
import type { ApiRoute } from './api-route.js';
import { requestIdOf } from './request-id.js';
import { RouteTable } from './route-table.js';

/** Headers on every response (the contract's security headers). */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
} as const;

/** What a route tells the shared hooks about itself. */
interface NeedleRouteConfig {
  needleOperation?: Operation | 'http';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The operation label of an API route, for error metrics. */
    needleOperation?: Operation | 'http';
  }
}

/**
 * The root-scope HTTP plumbing every route shares, the host's own included: the JSON body
 * parser (everything else is 415), the request id, security headers, the error handler
 * (every failure becomes `{error, code, help, request_id}`) and the 404/405 handler.
 */
export function registerHttpBasics(app: FastifyInstance, ctx: ApiContext): void {
  const table = new RouteTable();
  app.addHook('onRoute', (options) => {
    for (const method of [options.method].flat()) table.add(method, options.url);
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text, text.includes('__proto__') ? refuseProto : undefined));
    } catch (err) {
      done(err instanceof ApiError ? err : invalidJson((err as Error).message), undefined);
    }
  });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', requestIdOf(request));
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', requestIdOf(request));
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });

  app.setErrorHandler((err, request, reply) => {
    const contentLength = Number(request.headers['content-length']);
    let api = toApiError(err, {
      bodyLimit: app.initialConfig.bodyLimit,
      contentLength: Number.isFinite(contentLength) ? contentLength : undefined,
    });
    if ((err as { code?: unknown }).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      api = unsupportedMediaType(request.headers['content-type']);
    if (api.code === 'RATE_LIMIT_EXCEEDED' && !(err instanceof ApiError))
      api = rateLimitError(reply);
    if (api.code === 'INTERNAL_ERROR') {
      request.log.error({ err }, 'request failed');
    }
    // Limits enforced outside our handlers (body size, rate, the engine's) are counted here;
    // the API's own where they refuse.
    const limit = api.details?.limit;
    if (!(err instanceof ApiError) && typeof limit === 'string') ctx.metrics.limitRejected(limit);
    return sendError(reply, request, api, ctx);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = table.methodsFor(path);
    if (allowed.length > 0) {
      const err = new ApiError(
        405,
        'METHOD_NOT_ALLOWED',
        `${request.method} is not allowed on ${path}`,
        `Use ${allowed.join(', ')}; GET /openapi.json lists every route.`,
      );
      reply.header('allow', allowed.join(', '));
      return sendError(reply, request, err, ctx);
    }
    const err = new ApiError(
      404,
      'NOT_FOUND',
      `no route ${request.method} ${path.length > 200 ? `${path.slice(0, 200)}…` : path}`,
      'Check the path; GET /openapi.json lists every route.',
    );
    return sendError(reply, request, err, ctx);
  });
}

/**
 * Registers the routes, each `api` route under `/v1` and without the prefix. A route parses
 * its path, query and body with its zod schemas, then calls its handler.
 */
export function registerRoutes(
  app: FastifyInstance,
  runtime: ApiRuntime,
  routes: readonly ApiRoute[],
): void {
  const { ctx } = runtime;
  for (const route of routes) {
    const urls = route.kind === 'api' ? [`/v1${route.path}`, route.path] : [route.path];
    for (const url of urls) {
      app.route({
        method: route.method,
        url,
        config: { needleOperation: route.operation },
        // The seam for authentication and access control (ApiContext.authorize).
        preHandler:
          route.secured && runtime.authorize ? authorizeHook(runtime.authorize, route) : undefined,
        handler: async (request, reply) => {
          if (route.batch) guardBatchInput(ctx, request.body, route.batch);
          const codes = route.fieldCodes;
          const input = {
            params: route.params
              ? parseInput(route.params, request.params, 'path', codes)
              : undefined,
            query: route.query
              ? parseInput(route.query, request.query, 'query string', codes)
              : undefined,
            body: route.body
              ? parseInput(route.body, request.body ?? {}, 'body', codes)
              : undefined,
            requestId: requestIdOf(request),
            principal: principals.get(request),
            ip: request.ip,
          };
          const result = await route.handle(runtime, input);
          if (result instanceof Answer) return reply.code(result.status).send(result.body);
          return reply.code(route.status).send(result);
        },
      });
    }
  }
}

/** The principal each authorized request acts as. */
const principals = new WeakMap<FastifyRequest, Principal>();

function authorizeHook(authorize: Authorize, route: ApiRoute) {
  return async (request: FastifyRequest): Promise<void> => {
    const params = request.params as Record<string, string | undefined>;
    const principal = await authorize(
      {
        headers: request.headers,
        ip: request.ip,
        requestId: requestIdOf(request),
        certificateSubject: certificateSubjectOf(request),
      },
      {
        action: route.action as Action | 'authenticated',
        operation: route.operation,
        collection: route.path.startsWith('/collections/:name') ? params.name : undefined,
        route: route.path,
      },
    );
    if (principal) principals.set(request, principal);
  };
}

/** The subject of a verified client certificate on a TLS connection (mTLS). */
export function certificateSubjectOf(request: FastifyRequest): string | undefined {
  const socket = request.raw.socket as {
    authorized?: boolean;
    getPeerCertificate?: () => { subject?: Record<string, string> };
  };
  if (!socket.authorized || !socket.getPeerCertificate) return undefined;
  const subject = socket.getPeerCertificate().subject;
  if (!subject) return undefined;
  return Object.entries(subject)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  err: ApiError,
  ctx: ApiContext,
): FastifyReply {
  const operation =
    (request.routeOptions.config as NeedleRouteConfig | undefined)?.needleOperation ?? 'http';
  ctx.metrics.countError(err.code, operation);
  if (err.headers) reply.headers(err.headers);
  let body;
  try {
    body = errorBody(err, requestIdOf(request));
  } catch {
    body = errorBody(internalError(), requestIdOf(request));
  }
  return reply.code(err.status).type('application/json; charset=utf-8').send(body);
}

/** A 429 from the host's rate limiter, with the figures its headers carry. */
function rateLimitError(reply: FastifyReply): ApiError {
  const header = (name: string): number | null => {
    const value = Number(reply.getHeader(name));
    return Number.isFinite(value) ? value : null;
  };
  const retryAfter = header('retry-after');
  const threshold = header('x-ratelimit-limit');
  return limitError(
    429,
    'RATE_LIMIT_EXCEEDED',
    threshold === null
      ? 'too many requests'
      : `too many requests: the limit is ${threshold} per window`,
    'Slow down and retry after the number of seconds in Retry-After.',
    {
      limit: 'rate',
      scope: 'client',
      current: threshold === null ? 0 : threshold + 1,
      threshold: threshold ?? 0,
      retryAfterSeconds: retryAfter ?? 1,
    },
  );
}

function refuseProto(key: string, value: unknown): unknown {
  if (key === '__proto__') {
    throw new ApiError(
      400,
      'INVALID_JSON',
      'the body holds a "__proto__" key',
      'Rename the key: "__proto__" is refused to protect against prototype pollution.',
    );
  }
  return value;
}
