import { ApiError } from '../api-error.js';

/** Which limit refused a request, where it applies, where it stands and where it stops. */
export interface LimitFacts {
  /** `max_batch_size`, `query_timeout`, `memory`, `rate`, `body_size`, `export_page`... */
  limit: string;
  /** What the limit is counted over: `request`, `client`, `key`, `collection`, `process`. */
  scope: string;
  current: number;
  threshold: number;
  /**
   * Seconds after which the same request can succeed (sent as `Retry-After` too), or null
   * when retrying it unchanged cannot help (a batch too large stays too large).
   */
  retryAfterSeconds: number | null;
}

/**
 * An error for a request a limit refused: the body carries `limit`, `scope`, `current`,
 * `threshold` (and `retry_after`, with a `Retry-After` header) beside error/code/help.
 *
 * @example
 * ```ts
 * throw limitError(413, 'BATCH_TOO_LARGE', 'the batch holds 12000 vectors, the limit is 10000',
 *   'Split it into batches of at most 10000.', { limit: 'max_batch_size', scope: 'request', current: 12000, threshold: 10000, retryAfterSeconds: null });
 * ```
 */
export function limitError(
  status: number,
  code: string,
  message: string,
  help: string,
  facts: LimitFacts,
): ApiError {
  const details: Record<string, unknown> = {
    limit: facts.limit,
    scope: facts.scope,
    current: facts.current,
    threshold: facts.threshold,
    retry_after: facts.retryAfterSeconds,
  };
  const headers: Record<string, string> = {};
  if (facts.retryAfterSeconds !== null) headers['retry-after'] = String(facts.retryAfterSeconds);
  return new ApiError(status, code, message, help, { details, headers });
}
