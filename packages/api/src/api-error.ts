/**
 * The API's error: a status, a stable UPPER_SNAKE code from the wire contract
 * (`spec/rest-api.md`), a sentence saying what went wrong and one saying what to do.
 * The shared error handler turns it into `{ error, code, help, request_id }`.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly help: string;
  /** Extra fields placed in the body beside error/code/help (e.g. `limit`, `retry_after`). */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Response headers to add (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    status: number,
    code: string,
    message: string,
    help: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.help = help;
    this.details = options.details;
    this.headers = options.headers;
  }
}

/** The body of every error response. */
export interface ErrorBody {
  error: string;
  code: string;
  help: string;
  request_id: string;
  [extra: string]: unknown;
}
