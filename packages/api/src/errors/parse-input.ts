import type { z } from 'zod';

import { ApiError } from '../api-error.js';

/** The code a bad value of each request field gets (deepest named field wins). */
const FIELD_CODES: Readonly<Record<string, string>> = {
  k: 'INVALID_K',
  limit: 'INVALID_LIMIT',
  offset: 'INVALID_LIMIT',
  max_distance: 'INVALID_MAX_DISTANCE',
  search_after: 'INVALID_CURSOR',
  post_filter_factor: 'INVALID_POST_FILTER_FACTOR',
  post_filter: 'INVALID_POST_FILTER',
  filter: 'INVALID_FILTER',
  distance: 'INVALID_DISTANCE',
  dimensions: 'INVALID_DIMENSIONS',
  vector: 'INVALID_VECTOR',
  vectors: 'INVALID_VECTOR',
  id: 'INVALID_VECTOR_ID',
  ids: 'INVALID_VECTOR_ID',
  positive_ids: 'INVALID_VECTOR_ID',
  negative_ids: 'INVALID_VECTOR_ID',
};

/** Fields whose absence has its own code. */
const MISSING_CODES: Readonly<Record<string, string>> = { filter: 'MISSING_FILTER' };

/** Where the value came from, for messages: `body`, `query string`, `path`. */
export type InputPart = 'body' | 'query string' | 'path';

/**
 * Validates a request part with its zod schema; a failure becomes a 400 whose code names the
 * field's kind of error (`INVALID_K`, `INVALID_LIMIT`, `MISSING_FILTER`...; `fieldCodes`
 * adds a route's own, e.g. `name` → `INVALID_COLLECTION_NAME`) or else `INVALID_INPUT`, and
 * whose message gives the field's path.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: InputPart,
  fieldCodes: Readonly<Record<string, string>> = {},
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map(String);
  const missing = valueAt(value, issue.path) === undefined;
  const where = path.length === 0 ? part : `${part} field "${path.join('.')}"`;
  // The deepest named field with a code of its own decides; a missing field is judged by
  // its own absence code at the top level and by its parents' codes below it.
  const named = issue.path.filter((p): p is string => typeof p === 'string');
  const codeOf = (fields: string[]): string =>
    fields
      .reverse()
      .reduce<string | undefined>(
        (found, f) => found ?? fieldCodes[f] ?? FIELD_CODES[f],
        undefined,
      ) ?? 'INVALID_INPUT';
  if (missing && path.length > 0) {
    const code =
      path.length === 1 ? (MISSING_CODES[path[0]!] ?? 'INVALID_INPUT') : codeOf(named.slice(0, -1));
    return fail(
      code,
      `${where} is required`,
      `Add "${path.join('.')}"; GET /openapi.json describes every request.`,
      path,
    );
  }
  const code = codeOf(named);
  return fail(code, `${where}: ${issue.message}`, helpFor(code), path);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function fail(code: string, message: string, help: string, path: string[]): never {
  throw new ApiError(400, code, message, help, {
    details: path.length > 0 ? { field: path.join('.') } : {},
  });
}

function helpFor(code: string): string {
  switch (code) {
    case 'INVALID_K':
      return 'Ask for k between 1 and 10000 results.';
    case 'INVALID_LIMIT':
      return 'Use a positive integer limit within the documented maximum and an offset ≥ 0.';
    case 'INVALID_VECTOR':
      return 'Send vectors as arrays of finite numbers (JSON has no NaN or Infinity).';
    case 'INVALID_CURSOR':
      return 'Pass the next_cursor of the previous page unchanged: {"distance": number, "id": string}.';
    case 'INVALID_DISTANCE':
      return 'Use one of: cosine, euclidean, l2, dot, dot_product, inner_product.';
    case 'INVALID_FILTER':
    case 'INVALID_POST_FILTER':
      return 'Pass the filter as a JSON object in the MongoDB-style filter language.';
    default:
      return 'Check the request against GET /openapi.json.';
  }
}
