import type { ApiError, ErrorBody } from '../api-error.js';

/**
 * The body of an error response: `{ error, code, help, request_id }` plus the error's extra
 * fields (a limit rejection's `limit`, `scope`, `current`, `threshold`...). The server uses it
 * for the rejections it makes itself (429, 413) so every error looks the same.
 *
 * @example
 * ```ts
 * reply.code(err.status).send(errorBody(err, request.id));
 * ```
 */
export function errorBody(err: ApiError, requestId: string): ErrorBody {
  return {
    ...err.details,
    error: err.message,
    code: err.code,
    help: err.help,
    request_id: requestId,
  };
}
