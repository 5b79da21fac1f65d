import type { Action, Principal } from '@needle/security';
import type { z } from 'zod';

import type { Operation } from '../context.js';
import type { ApiErrorCode } from '../errors/error-codes.js';
import type { ApiRuntime } from '../handlers/runtime.js';

/** An answer with a status other than the route's success status (e.g. `/ready`'s 503). */
export class Answer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/** The parsed parts of a request, typed by the route's schemas. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The request's id, for bodies that carry it. */
  requestId: string;
  /** Who is asking, when access control is on. */
  principal: Principal | undefined;
  /** The client's address. */
  ip: string;
}

/**
 * One HTTP route as data: its method and path, the zod schemas of its parts and answer, and
 * its handler. REST registration, the 404/405 decision and the OpenAPI document all read
 * the same list.
 */
export interface ApiRoute {
  /** Unique name: the OpenAPI operationId. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Fastify pattern, e.g. `/collections/:name/vectors/:id`. */
  readonly path: string;
  /** `api` routes answer under `/v1` and unprefixed; `infra` routes only unprefixed. */
  readonly kind: 'api' | 'infra';
  readonly operation: Operation | 'http';
  readonly summary: string;
  readonly tag: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Status of a success. */
  readonly status: number;
  readonly response: z.ZodType;
  /** Codes this route can answer besides the ones every route can (documentation). */
  readonly errors: readonly ApiErrorCode[];
  /** False for the probes and the document (`action: 'public'`): no credentials needed. */
  readonly secured: boolean;
  /**
   * The permission action the route needs (see `ApiContext.authorize`), or `public`. Every
   * route declares one: there is no default.
   */
  readonly action: Action | 'authenticated' | 'public';
  /** The body field holding a batch, checked against `maxBatchSize` before validation. */
  readonly batch?: 'vectors' | 'ids';
  /** Codes for bad values of this route's own fields (e.g. `name` → `INVALID_COLLECTION_NAME`). */
  readonly fieldCodes?: Readonly<Record<string, string>>;
  readonly handle: (runtime: ApiRuntime, input: RouteInput<unknown, unknown, unknown>) => unknown;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** Declares a route with its handler typed by its schemas. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(
  route: Omit<ApiRoute, 'handle' | 'params' | 'query' | 'body' | 'secured' | 'errors'> & {
    params?: P;
    query?: Q;
    body?: B;
    errors?: readonly ApiErrorCode[];
    handle: (runtime: ApiRuntime, input: RouteInput<Out<P>, Out<Q>, Out<B>>) => unknown;
  },
): ApiRoute {
  return {
    ...route,
    secured: route.action !== 'public',
    errors: route.errors ?? [],
    handle: route.handle as ApiRoute['handle'],
  };
}
