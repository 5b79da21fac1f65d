import { z } from 'zod';

import { ERROR_STATUS } from '../errors/error-codes.js';
import type { ApiErrorCode } from '../errors/error-codes.js';
import { errorResponse, notReadyResponse } from '../schemas/system.js';
import type { ApiRoute } from './api-route.js';

/** A JSON Schema or OpenAPI object, as plain JSON. */
type Json = Record<string, unknown>;

/** Codes any secured route can answer besides its own. */
const SECURED_ERRORS: readonly ApiErrorCode[] = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMIT_EXCEEDED',
  'NOT_READY',
  'INTERNAL_ERROR',
];
/** Codes any route with a body can answer. */
const BODY_ERRORS: readonly ApiErrorCode[] = [
  'INVALID_JSON',
  'INVALID_INPUT',
  'UNSUPPORTED_MEDIA_TYPE',
  'BODY_TOO_LARGE',
];

/** The path of a route in OpenAPI's notation: `/collections/{name}`. */
export function openApiPath(route: ApiRoute): string {
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  return route.kind === 'api' ? `/v1${path === '/' ? '' : path}` : path;
}

/**
 * The OpenAPI 3.1 document of the REST API, generated from the same route list and zod
 * schemas that validate requests, so it cannot drift from what the server accepts. Every
 * `/v1` path is also served without the prefix, for older clients.
 *
 * @example
 * ```ts
 * const doc = openApiDocument(allRoutes, '0.1.0');
 * ```
 */
export function openApiDocument(routes: readonly ApiRoute[], version: string): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const path = openApiPath(route);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Needle',
      version,
      description:
        'Needle vector database REST API. Every `/v1` route also answers at the same path without the prefix. Errors are always JSON `{error, code, help, request_id}`; a limit rejection adds `limit`, `scope`, `current`, `threshold` and `retry_after`. The console uses the tRPC router at `/trpc`, which shares these handlers.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    security: [{ ApiKey: [] }, { Bearer: [] }],
    paths,
    components: {
      schemas: { Error: schemaOf(errorResponse, 'output') },
      securitySchemes: {
        ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        Bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      },
      headers: {
        RequestId: {
          description: "The request's X-Request-Id, or one generated for it.",
          schema: { type: 'string' },
        },
      },
    },
  };
}

function operation(route: ApiRoute): Json {
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  const op: Json = {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    responses: responses(route),
  };
  if (parameters.length > 0) op.parameters = parameters;
  if (route.body) {
    op.requestBody = {
      required: !route.body.safeParse({}).success,
      content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
    };
  }
  if (!route.secured) op.security = [];
  return op;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const optional = field.safeParse(undefined).success;
    return {
      name,
      in: where,
      required: where === 'path' || !optional,
      schema: schemaOf(field, 'output'),
    };
  });
}

function responses(route: ApiRoute): Json {
  const requestId = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
  const out: Json = {
    [String(route.status)]: {
      description: route.summary,
      headers: requestId,
      content: { 'application/json': { schema: schemaOf(route.response, 'output') } },
    },
  };
  const codes = new Set<ApiErrorCode>(route.errors);
  if (route.body) for (const c of BODY_ERRORS) codes.add(c);
  if (route.query || route.params) codes.add('INVALID_INPUT');
  if (route.secured) for (const c of SECURED_ERRORS) codes.add(c);
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const notReady = route.id === 'ready' || route.id === 'healthReady';
    out[String(status)] = {
      description: list.join(', '),
      headers: requestId,
      content: {
        'application/json': {
          schema:
            status === 503 && notReady
              ? schemaOf(notReadyResponse, 'output')
              : { $ref: '#/components/schemas/Error' },
        },
      },
    };
  }
  return out;
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    // Vectors are checked by the engine (z.custom); their JSON Schema comes from .meta().
    unrepresentable: 'any',
  }) as Json;
  delete json.$schema;
  return json;
}
