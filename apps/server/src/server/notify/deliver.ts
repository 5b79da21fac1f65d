import type { OutgoingRequest } from './notifier.js';

/** How hard a delivery tries. */
export interface DeliveryPolicy {
  /** Attempts, the first included. */
  readonly maxAttempts: number;
  /** Base delay of the exponential backoff, ms. */
  readonly backoffMs: number;
  /** Longest wait between attempts, ms; a `Retry-After` beyond it ends the delivery. */
  readonly maxBackoffMs: number;
  /** Time limit of one attempt, ms. */
  readonly timeoutMs: number;
}

/** How a delivery ended. */
export interface DeliveryOutcome {
  readonly outcome: 'delivered' | 'failed' | 'abandoned';
  readonly attempts: number;
  /** The last HTTP status received (the accepting one when delivered), or null. */
  readonly httpStatus: number | null;
  /** Why it failed (the last attempt's reasons), or null. No URL path or secret in it. */
  readonly error: string | null;
  readonly durationMs: number;
}

/** What one request of an attempt got. */
type RequestResult =
  | { ok: true; status: number }
  | { ok: false; retry: boolean; status: number | null; retryAfterMs?: number; error: string };

/**
 * Delivers with retries: each attempt sends its requests (built afresh, so a signature carries
 * the attempt's time) with a per-attempt timeout; it succeeds when one request gets a 2xx.
 * Network errors, timeouts, 408, 429 and 5xx are retried after an exponential backoff with
 * jitter (`backoffMs × 2^(n-1)`, capped at `maxBackoffMs`, then between half and all of it),
 * at least as long as a `Retry-After` asks; other answers (3xx, 4xx) are final. Aborting
 * `signal` ends the delivery at once as `abandoned`.
 */
export async function deliver(
  build: (attempt: number) => OutgoingRequest[],
  policy: DeliveryPolicy,
  signal: AbortSignal,
  random: () => number = Math.random,
): Promise<DeliveryOutcome> {
  const started = performance.now();
  const done = (
    outcome: DeliveryOutcome['outcome'],
    attempts: number,
    httpStatus: number | null,
    error: string | null,
  ): DeliveryOutcome => ({
    outcome,
    attempts,
    httpStatus,
    error,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });

  let lastStatus: number | null = null;
  let lastError: string | null = null;
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (signal.aborted) return done('abandoned', attempt - 1, lastStatus, 'the server stopped');
    const requests = build(attempt);
    const results = await Promise.all(requests.map((r) => send(r, policy.timeoutMs, signal)));
    const accepted = results.find((r) => r.ok);
    if (accepted) return done('delivered', attempt, accepted.status, null);
    if (signal.aborted) return done('abandoned', attempt, lastStatus, 'the server stopped');

    const failures = results.filter((r): r is Extract<RequestResult, { ok: false }> => !r.ok);
    lastStatus = failures.find((f) => f.status !== null)?.status ?? null;
    lastError = failures
      .map((f, i) => (requests.length > 1 ? `${requests[i]!.target}: ${f.error}` : f.error))
      .join('; ');
    if (!failures.some((f) => f.retry)) return done('failed', attempt, lastStatus, lastError);
    if (attempt === policy.maxAttempts) break;

    const exponential = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
    const jittered = exponential / 2 + random() * (exponential / 2);
    const asked = Math.max(0, ...failures.map((f) => f.retryAfterMs ?? 0));
    if (asked > policy.maxBackoffMs) {
      return done(
        'failed',
        attempt,
        lastStatus,
        `${lastError}; the receiver asked to retry after ${Math.ceil(asked / 1000)} s, beyond max_backoff_ms`,
      );
    }
    if (!(await sleep(Math.max(asked, jittered), signal))) {
      return done('abandoned', attempt, lastStatus, 'the server stopped');
    }
  }
  return done('failed', policy.maxAttempts, lastStatus, lastError);
}

async function send(
  request: OutgoingRequest,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<RequestResult> {
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      // A signed body is never replayed to wherever a redirect points.
      redirect: 'manual',
      signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
    });
    const text = await answerStart(response);
    const status = response.status;
    if (status >= 200 && status < 300) return { ok: true, status };
    const retry = status === 408 || status === 429 || status >= 500;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const said = printable(text);
    return {
      ok: false,
      retry,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      error: `HTTP ${status}${said === '' ? '' : `: ${said}`}`,
    };
  } catch (err) {
    if (stop.aborted) return { ok: false, retry: false, status: null, error: 'the server stopped' };
    return { ok: false, retry: true, status: null, error: describeFailure(err, timeoutMs) };
  }
}

/** The first few KiB of an answer (a receiver's explanation); the rest is not read. */
async function answerStart(response: Response, limit = 4096): Promise<string> {
  if (!response.body) return '';
  // Typed explicitly: the DOM and Node stream typings of fetch's body disagree.
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // An answer cut off: what came is enough.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** `Retry-After` as ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A network failure in words, without the request's URL or headers (they may hold secrets):
 * the timeout, or the system error code and its message (`connect ECONNREFUSED 10.0.0.5:9093`).
 */
function describeFailure(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: unknown; message?: unknown } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const code = typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  const message = typeof e.cause?.message === 'string' ? e.cause.message : undefined;
  if (message && code && message.includes(code)) return printable(message);
  if (code) return code;
  return 'the request failed before an answer came';
}

/** The start of a receiver's answer, on one line, for the log. */
function printable(text: string): string {
  return text
    .replace(/[^\x20-\x7e]+/g, ' ')
    .trim()
    .slice(0, 200);
}

/** Waits `ms`; false when `signal` aborted the wait. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
