import type { ApiContext, Operation } from '../context.js';
import { limitError } from '../errors/limit-error.js';

/** Refuses a write with 503 `MEMORY_LIMIT` while the host reports memory above its limit. */
export function guardMemory(ctx: ApiContext): void {
  const refusal = ctx.memoryGuard();
  if (!refusal) return;
  ctx.metrics.limitRejected('memory');
  throw limitError(
    503,
    'MEMORY_LIMIT',
    `writes are refused: memory in use is ${refusal.currentBytes} bytes, the limit is ${refusal.limitBytes}`,
    'Reads keep working. Delete or compact data, raise the memory limit, or retry once memory is freed.',
    {
      limit: 'memory',
      scope: 'process',
      current: refusal.currentBytes,
      threshold: refusal.limitBytes,
      retryAfterSeconds: 30,
    },
  );
}

/** Refuses a batch larger than the configured maximum with 413 `BATCH_TOO_LARGE`. */
export function guardBatch(ctx: ApiContext, size: number, what: string): void {
  const max = ctx.limits.maxBatchSize;
  if (size <= max) return;
  ctx.metrics.limitRejected('max_batch_size');
  throw limitError(
    413,
    'BATCH_TOO_LARGE',
    `the batch holds ${size} ${what}, the limit is ${max}`,
    `Split it into batches of at most ${max} ${what}.`,
    {
      limit: 'max_batch_size',
      scope: 'request',
      current: size,
      threshold: max,
      retryAfterSeconds: null,
    },
  );
}

/**
 * Runs a search-like operation under the query timeout: past `queryTimeoutMs` the caller
 * gets 504 `QUERY_TIMEOUT` (the work itself cannot be interrupted and is discarded). Work
 * that blocks the event loop past the deadline is refused when it returns, so a slow answer
 * is never served as if it were on time. A timeout of 0 turns the limit off.
 */
export async function withQueryTimeout<T>(
  ctx: ApiContext,
  operation: Operation,
  work: () => T | Promise<T>,
): Promise<T> {
  const timeoutMs = ctx.limits.queryTimeoutMs;
  if (!(timeoutMs > 0)) return work();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const running = Promise.resolve().then(work);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(timeoutError(ctx, operation, timeoutMs, performance.now() - started)),
      timeoutMs,
    );
  });
  try {
    const result = await Promise.race([running, deadline]);
    const elapsed = performance.now() - started;
    if (elapsed > timeoutMs) throw timeoutError(ctx, operation, timeoutMs, elapsed);
    return result;
  } finally {
    clearTimeout(timer);
    // The losing side of the race must not surface as an unhandled rejection.
    running.catch(() => undefined);
    deadline.catch(() => undefined);
  }
}

function timeoutError(ctx: ApiContext, operation: Operation, timeoutMs: number, elapsedMs: number) {
  ctx.metrics.limitRejected('query_timeout');
  return limitError(
    504,
    'QUERY_TIMEOUT',
    `the ${operation.replace('_', ' ')} ran longer than the query timeout of ${timeoutMs} ms`,
    'Narrow the query (a more selective filter, a smaller k or limit, a lower ef_search) or raise the query timeout.',
    {
      limit: 'query_timeout',
      scope: 'request',
      current: Math.round(elapsedMs),
      threshold: timeoutMs,
      retryAfterSeconds: null,
    },
  );
}

/**
 * Checks the size of a request's batch before anything else looks at it, so a batch over
 * the limit is refused with 413 (and cheaply) rather than validated item by item.
 */
export function guardBatchInput(ctx: ApiContext, raw: unknown, field: string): void {
  if (typeof raw !== 'object' || raw === null) return;
  const items = (raw as Record<string, unknown>)[field];
  if (Array.isArray(items)) guardBatch(ctx, items.length, field === 'ids' ? 'ids' : 'vectors');
}
