import { TRPCError, initTRPC } from '@trpc/server';
import { isEngineError } from '@needle/engine';
import { isSecurityError, type Principal } from '@needle/security';

import { ApiError } from '../api-error.js';
import type { RouteAccess } from '../context.js';
import { trpcCodeOfStatus } from '../errors/error-codes.js';
import { internalError, toApiError } from '../errors/to-api-error.js';
import type { ApiRuntime } from '../handlers/runtime.js';
import { guardBatchInput } from '../limits/guards.js';

/** What every procedure sees: the API's runtime and the request it serves. */
export interface TrpcContext {
  readonly runtime: ApiRuntime;
  readonly requestId: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly ip: string;
  readonly certificateSubject: string | undefined;
}

/** The extra `data` of every tRPC error: the REST error's code, help and request id. */
export interface NeedleErrorData {
  /** The stable UPPER_SNAKE code the REST API would answer (`COLLECTION_NOT_FOUND`...). */
  apiCode: string;
  help: string;
  requestId: string;
  /** Extra facts (a limit rejection's `limit`, `current`, `threshold`...). */
  details: Record<string, unknown> | null;
}

const t = initTRPC.context<TrpcContext>().create({
  errorFormatter({ shape, error, ctx }) {
    const api = error.cause instanceof ApiError ? error.cause : null;
    const data: NeedleErrorData = {
      apiCode: api?.code ?? tRPCFallbackCode(error.code),
      help: api?.help ?? 'Check the procedure path and its input.',
      requestId: ctx?.requestId ?? '',
      details: api?.details ? { ...api.details } : null,
    };
    return { ...shape, data: { ...shape.data, stack: undefined, ...data } };
  },
});

function tRPCFallbackCode(code: string): string {
  switch (code) {
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    case 'PARSE_ERROR':
      return 'INVALID_JSON';
    case 'METHOD_NOT_SUPPORTED':
      return 'METHOD_NOT_ALLOWED';
    case 'BAD_REQUEST':
      return 'INVALID_INPUT';
    default:
      return 'INTERNAL_ERROR';
  }
}

/**
 * Turns what a procedure threw into a TRPCError with the status the REST API would answer
 * and the `ApiError` as its cause, so the formatter can say `code`, `help`, `request_id`.
 */
const mapErrors = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (!(cause instanceof ApiError) && !isEngineError(cause) && !isSecurityError(cause)) {
    if (result.error.code !== 'INTERNAL_SERVER_ERROR') return result;
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: internalError().message,
      cause: internalError(),
    });
  }
  const api = toApiError(cause);
  // Limits the engine enforced are counted here; the API's own where they refuse.
  const limit = api.details?.limit;
  if (isEngineError(cause) && typeof limit === 'string')
    ctx.runtime.ctx.metrics.limitRejected(limit);
  throw new TRPCError({ code: trpcCodeOfStatus(api.status), message: api.message, cause: api });
});

/** Procedures with error mapping; every API procedure starts here. */
export const publicProcedure = t.procedure.use(mapErrors);

/** A procedure behind the access decision; its context gains the `principal`. */
export function securedProcedure(access: Omit<RouteAccess, 'collection'>) {
  return publicProcedure.use(async ({ ctx, getRawInput, next }) => {
    const authorize = ctx.runtime.authorize;
    let principal: Principal | undefined;
    if (authorize) {
      const raw = (await getRawInput()) as { collection?: unknown } | undefined;
      principal = await authorize(
        {
          headers: ctx.headers,
          ip: ctx.ip,
          requestId: ctx.requestId,
          certificateSubject: ctx.certificateSubject,
        },
        {
          ...access,
          collection: typeof raw?.collection === 'string' ? raw.collection : undefined,
        },
      );
    }
    return next({ ctx: { principal } });
  });
}

/** Checks a batch's size before the input is validated item by item (413 `BATCH_TOO_LARGE`). */
export function batchGuard(field: 'vectors' | 'ids') {
  return t.middleware(async ({ ctx, getRawInput, next }) => {
    guardBatchInput(ctx.runtime.ctx, await getRawInput(), field);
    return next();
  });
}

export const router = t.router;
