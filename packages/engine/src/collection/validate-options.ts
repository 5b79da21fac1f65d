import type { Limits } from '../config.js';
import { EngineError } from '../errors.js';
import { formatValue } from '../format-value.js';
import type { SearchCursor } from '../search/run-search.js';

/** Checks `k`: an integer in 1..maxK. */
export function validateK(k: unknown, limits: Limits, name = 'k'): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > limits.maxK) {
    throw new EngineError(
      'INVALID_K',
      `${name} must be an integer from 1 to ${limits.maxK}, got ${formatValue(k)}`,
      {
        help: `Ask for between 1 and ${limits.maxK} results.`,
        details: { k, limit: limits.maxK },
      },
    );
  }
  return k;
}

/** Checks a per-query `efSearch`. */
export function validateEf(ef: unknown, fallback: number): number {
  if (ef === undefined) return fallback;
  if (typeof ef !== 'number' || !Number.isInteger(ef) || ef < 1 || ef > 10_000) {
    throw new EngineError(
      'INVALID_INPUT',
      `efSearch must be an integer from 1 to 10000, got ${formatValue(ef)}`,
      {
        help: 'Use an efSearch between k and a few hundred; larger is slower and more accurate.',
        details: { efSearch: ef },
      },
    );
  }
  return ef;
}

/** Checks a `limit`/`offset` pair for listing and queries. */
export function validatePage(
  limit: unknown,
  offset: unknown,
  maxLimit: number,
  defaultLimit: number,
): { limit: number; offset: number } {
  const l = limit ?? defaultLimit;
  const o = offset ?? 0;
  if (typeof l !== 'number' || !Number.isInteger(l) || l < 1 || l > maxLimit) {
    throw new EngineError(
      'INVALID_LIMIT',
      `limit must be an integer from 1 to ${maxLimit}, got ${formatValue(l)}`,
      {
        help: `Page through results with at most ${maxLimit} per page.`,
        details: { limit: l, max: maxLimit },
      },
    );
  }
  if (typeof o !== 'number' || !Number.isInteger(o) || o < 0) {
    throw new EngineError(
      'INVALID_LIMIT',
      `offset must be a non-negative integer, got ${formatValue(o)}`,
      {
        help: 'Start at offset 0 and add the page size for each next page.',
        details: { offset: o },
      },
    );
  }
  return { limit: l, offset: o };
}

/** Checks a `searchAfter` cursor. */
export function validateCursor(cursor: unknown): SearchCursor | null {
  if (cursor === undefined || cursor === null) return null;
  const c = cursor as Partial<SearchCursor>;
  if (
    typeof c !== 'object' ||
    typeof c.distance !== 'number' ||
    !Number.isFinite(c.distance) ||
    typeof c.id !== 'string'
  ) {
    throw new EngineError(
      'INVALID_CURSOR',
      'searchAfter must be { distance: number, id: string }',
      {
        help: 'Pass back the nextCursor of the previous page unchanged.',
        details: { cursor },
      },
    );
  }
  return { distance: c.distance, id: c.id };
}

/** Checks `postFilterFactor`: a finite number ≥ 1 (default 3). */
export function validatePostFilterFactor(factor: unknown): number {
  if (factor === undefined) return 3;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 1 || factor > 100) {
    throw new EngineError(
      'INVALID_POST_FILTER_FACTOR',
      `postFilterFactor must be a number from 1 to 100, got ${formatValue(factor)}`,
      {
        help: 'Use e.g. 3 to rank 3 × k candidates before the post-filter.',
        details: { postFilterFactor: factor },
      },
    );
  }
  return factor;
}

/** Checks a TTL in seconds and turns it into an absolute expiry (ms), or null. */
export function expiryOf(ttlSeconds: unknown, now: number, label: string): number | null {
  if (ttlSeconds === undefined || ttlSeconds === null) return null;
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new EngineError(
      'INVALID_INPUT',
      `${label}: ttlSeconds must be a positive number, got ${formatValue(ttlSeconds)}`,
      {
        help: 'Give the number of seconds the vector should live, or leave ttlSeconds out.',
        details: { ttlSeconds },
      },
    );
  }
  return now + ttlSeconds * 1000;
}

/** Checks a batch's size. */
export function validateBatch(items: unknown, limits: Limits, what: string): unknown[] {
  if (!Array.isArray(items)) {
    throw new EngineError('INVALID_INPUT', `${what} must be an array`, {
      help: `Pass the ${what} as an array.`,
    });
  }
  if (items.length === 0) {
    throw new EngineError('EMPTY_BATCH', `${what} is empty`, { help: `Pass at least one item.` });
  }
  if (items.length > limits.maxBatchSize) {
    throw new EngineError(
      'BATCH_TOO_LARGE',
      `${what} holds ${items.length} items, the limit is ${limits.maxBatchSize}`,
      {
        help: `Split it into batches of at most ${limits.maxBatchSize}.`,
        details: { size: items.length, limit: limits.maxBatchSize },
      },
    );
  }
  return items;
}
