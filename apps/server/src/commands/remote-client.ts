/** A request to a Needle server failed; `code` is the server's error code when it sent one. */
export class RemoteError extends Error {
  readonly code: string;
  readonly status: number | null;
  readonly help: string;

  constructor(message: string, code: string, status: number | null, help: string) {
    super(message);
    this.name = 'RemoteError';
    this.code = code;
    this.status = status;
    this.help = help;
  }
}

/** Options of {@link RemoteClient}. */
export interface RemoteClientOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Sent as `X-API-Key`. */
  apiKey?: string;
  /** Longest wait for one response (default 10 minutes: a compaction answers when done). */
  timeoutMs?: number;
}

/** JSON over HTTP to a Needle server, with its `{error, code, help}` failures as {@link RemoteError}. */
export class RemoteClient {
  readonly base: URL;
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: RemoteClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new RemoteError(
        `--url ${JSON.stringify(options.url)} is not a URL`,
        'INVALID_INPUT',
        null,
        'Pass the server address, e.g. --url http://127.0.0.1:8080.',
      );
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new RemoteError(
        `--url must be http:// or https://, got ${base.protocol}`,
        'INVALID_INPUT',
        null,
        'Pass the server address, e.g. --url http://127.0.0.1:8080.',
      );
    }
    this.base = base;
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 600_000;
  }

  /** Sends a request and parses the JSON answer; a non-2xx answer throws {@link RemoteError}. */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const url = new URL(
      path.replace(/^\//, ''),
      this.base.href.endsWith('/') ? this.base : `${this.base.href}/`,
    );
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.#apiKey !== undefined) headers['x-api-key'] = this.#apiKey;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        throw new RemoteError(
          `${method} ${url.pathname}: no answer from ${this.base.origin} within ${Math.round(this.#timeoutMs / 1000)} s`,
          'TIMEOUT',
          null,
          'The server may be overloaded; check its log and /health, then try again.',
        );
      }
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why =
        typeof cause?.code === 'string'
          ? cause.code
          : typeof cause?.message === 'string'
            ? cause.message
            : (err as Error).message;
      throw new RemoteError(
        `cannot reach ${this.base.origin} (${why})`,
        'UNREACHABLE',
        null,
        'Check that the server runs and that --url names its host and port.',
      );
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: reported below with the status.
    }
    if (!response.ok) {
      const e = (parsed ?? {}) as { error?: unknown; code?: unknown; help?: unknown };
      throw new RemoteError(
        `${method} ${url.pathname}: ${typeof e.error === 'string' ? e.error : `HTTP ${response.status}`}`,
        typeof e.code === 'string' ? e.code : `HTTP_${response.status}`,
        response.status,
        typeof e.help === 'string'
          ? e.help
          : response.status === 401 || response.status === 403
            ? 'Pass an API key with the needed permission with --api-key.'
            : 'See the server log for details.',
      );
    }
    if (parsed === undefined) {
      throw new RemoteError(
        `${method} ${url.pathname}: the server answered ${response.status} without a JSON body`,
        'INVALID_RESPONSE',
        response.status,
        'Check that --url points at a Needle server.',
      );
    }
    return parsed as T;
  }
}
