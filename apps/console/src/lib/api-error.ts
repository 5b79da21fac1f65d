import { TRPCClientError } from '@trpc/client';

/** A failed call as the console shows it: the server's `{ error, code, help }` and more. */
export interface ApiErrorInfo {
  /** What went wrong, in the server's words. */
  error: string;
  /** The stable code (`COLLECTION_NOT_FOUND`, `UNAUTHORIZED`...), or `NETWORK_ERROR`. */
  code: string;
  /** What to do about it. */
  help: string;
  /** The HTTP status, when the server answered. */
  status: number | undefined;
  /** The request id to quote to an operator or find in the server's log. */
  requestId: string | undefined;
}

interface NeedleErrorShape {
  apiCode?: unknown;
  help?: unknown;
  requestId?: unknown;
  httpStatus?: unknown;
  code?: unknown;
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Reads the server's error body out of whatever a tRPC call threw. */
export function toApiErrorInfo(err: unknown): ApiErrorInfo {
  if (err instanceof TRPCClientError) {
    const data = (err.data ?? undefined) as NeedleErrorShape | undefined;
    if (data) {
      return {
        error: err.message,
        code: str(data.apiCode) ?? str(data.code) ?? 'ERROR',
        help: str(data.help) ?? '',
        status: typeof data.httpStatus === 'number' ? data.httpStatus : undefined,
        requestId: str(data.requestId),
      };
    }
  }
  return {
    error: err instanceof Error ? err.message : String(err),
    code: 'NETWORK_ERROR',
    help: 'The server did not answer. Check that it is running and reachable, then retry.',
    status: undefined,
    requestId: undefined,
  };
}

/** True for a failure the same request cannot fix by being sent again (a 4xx). */
export function isClientError(err: unknown): boolean {
  const status = toApiErrorInfo(err).status;
  return status !== undefined && status >= 400 && status < 500;
}

/** True when the server refused the credentials (401): the session is over. */
export function isUnauthenticated(err: unknown): boolean {
  return toApiErrorInfo(err).status === 401;
}
