import { isSecurityError } from '@needle/security';
import { isEngineError } from '@needle/engine';

import { ApiError } from '../api-error.js';
import { toApiError as securityApiError } from '../security/access-guard.js';
import { statusOfCode } from './error-codes.js';
import { limitError } from './limit-error.js';

/** Engine codes that are a configured limit refusing the request, and the limit's name. */
const ENGINE_LIMITS: Readonly<Partial<Record<string, string>>> = {
  BATCH_TOO_LARGE: 'max_batch_size',
  METADATA_TOO_LARGE: 'max_metadata_bytes',
  DIMENSIONS_TOO_LARGE: 'max_dimensions',
};

function numberOr(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** The sentence every 500 carries; the detail goes to the log only. */
export const INTERNAL_MESSAGE = 'An internal error occurred';

const INTERNAL_HELP =
  'Retry the request; if it keeps failing, report it with the request id to the operator.';

/** A fastify (or plugin) error: a code such as `FST_ERR_CTP_BODY_TOO_LARGE` and a status. */
interface HttpLikeError {
  code?: unknown;
  statusCode?: unknown;
  validation?: unknown;
  message?: unknown;
}

/**
 * Turns anything thrown while serving a request into an `ApiError`: an `ApiError` as it is,
 * an `EngineError` with the status of its code, fastify's own errors with the contract's
 * codes, and anything else into a 500 `INTERNAL_ERROR` whose message reveals nothing.
 * `facts` give the listener's body limit and the request's length, reported when a body was
 * too large.
 */
export function toApiError(
  err: unknown,
  facts: { bodyLimit?: number; contentLength?: number } = {},
): ApiError {
  if (err instanceof ApiError) return err;
  if (isSecurityError(err)) return securityApiError(err);
  if (isEngineError(err)) {
    const status = statusOfCode(err.code);
    if (status >= 500 && err.code !== 'DISK_FULL' && err.code !== 'CLOSED') return internalError();
    const limit = ENGINE_LIMITS[err.code];
    if (limit) {
      const d = err.details;
      return limitError(status, err.code, err.message, err.help, {
        limit,
        scope: 'request',
        current: numberOr(
          d[
            limit === 'max_batch_size'
              ? 'size'
              : limit === 'max_dimensions'
                ? 'dimensions'
                : 'bytes'
          ],
        ),
        threshold: numberOr(d.limit),
        retryAfterSeconds: null,
      });
    }
    return new ApiError(status, err.code, err.message, err.help, {
      details: plainDetails(err.details),
    });
  }
  if (typeof err === 'object' && err !== null) return fromHttpError(err, facts);
  return internalError();
}

/** The 500 every unexpected failure becomes. */
export function internalError(): ApiError {
  return new ApiError(500, 'INTERNAL_ERROR', INTERNAL_MESSAGE, INTERNAL_HELP);
}

function fromHttpError(
  err: HttpLikeError,
  { bodyLimit, contentLength }: { bodyLimit?: number; contentLength?: number },
): ApiError {
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(
        413,
        'BODY_TOO_LARGE',
        bodyLimit === undefined
          ? 'the request body is too large'
          : `the request body exceeds the limit of ${bodyLimit} bytes`,
        'Send a smaller body: split large batches into several requests.',
        {
          details: {
            limit: 'body_size',
            scope: 'request',
            current: contentLength ?? null,
            threshold: bodyLimit ?? null,
            retry_after: null,
          },
        },
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidJson();
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(
        400,
        'INVALID_INPUT',
        'the Content-Length header does not match the body',
        'Send the exact length of the body, or let the client compute it.',
      );
    default:
      break;
  }
  if (err.validation !== undefined) {
    return new ApiError(
      400,
      'INVALID_INPUT',
      typeof err.message === 'string' ? err.message : 'the request is invalid',
      'Check the request against GET /openapi.json.',
    );
  }
  if (status === 429) {
    return new ApiError(
      429,
      'RATE_LIMIT_EXCEEDED',
      'too many requests',
      'Slow down and retry after the number of seconds in Retry-After.',
      {
        details: {
          limit: 'rate',
          scope: 'client',
          current: null,
          threshold: null,
          retry_after: null,
        },
      },
    );
  }
  if (status >= 400 && status < 500) {
    const code = status === 404 ? 'NOT_FOUND' : status === 413 ? 'BODY_TOO_LARGE' : 'INVALID_INPUT';
    return new ApiError(
      status,
      code,
      typeof err.message === 'string' ? err.message : 'the request is invalid',
      'Check the request against GET /openapi.json.',
    );
  }
  return internalError();
}

/** 400 `INVALID_JSON`. */
export function invalidJson(detail?: string): ApiError {
  return new ApiError(
    400,
    'INVALID_JSON',
    detail ? `the body is not valid JSON: ${detail}` : 'the body is not valid JSON',
    'Send a JSON document (numbers must be finite: JSON has no NaN or Infinity).',
  );
}

/** 415 `UNSUPPORTED_MEDIA_TYPE`. */
export function unsupportedMediaType(contentType?: string): ApiError {
  return new ApiError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    contentType
      ? `bodies of type ${JSON.stringify(contentType.slice(0, 80))} are not accepted`
      : 'this body type is not accepted',
    'Send the body as JSON with the header Content-Type: application/json.',
  );
}

/**
 * Keeps the scalar facts of an engine error (path, index, limit, id) and drops anything
 * structured, so a body never echoes a caller's vector or metadata back.
 */
function plainDetails(
  details: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  let any = false;
  for (const [name, value] of Object.entries(details)) {
    if (value === undefined || (typeof value === 'object' && value !== null)) continue;
    if (typeof value === 'string' && value.length > 1100) continue;
    out[name] = value;
    any = true;
  }
  return any ? { details: out } : undefined;
}
