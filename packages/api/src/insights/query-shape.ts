import { createHash } from 'node:crypto';

/**
 * What a search looked like with its values taken out, so that searches differing only in
 * their vector and filter values group together: `k`, the breadth asked for, the filter's
 * structure (field names and operators, every value replaced by `"?"`), and the names of the
 * options given.
 */
export interface QueryShape {
  readonly k: number;
  /** `ef_search` when the request set it, else null (the collection's default). */
  readonly ef_search: number | null;
  readonly filter: unknown;
  readonly post_filter: unknown;
  /** Names of the optional fields the request gave, sorted (`explain`, `search_after`...). */
  readonly options: string[];
}

/** The fields of a search request the shape reads (the wire names of `POST .../search`). */
export interface ShapedSearch {
  readonly k: number;
  readonly filter?: Record<string, unknown> | null | undefined;
  readonly post_filter?: Record<string, unknown> | null | undefined;
  readonly post_filter_factor?: number | undefined;
  readonly include_vectors?: boolean | undefined;
  readonly explain?: boolean | undefined;
  readonly distance?: string | undefined;
  readonly search_after?: unknown;
  readonly ef_search?: number | undefined;
}

/** What replaces every value in a shape. */
export const PLACEHOLDER = '?';

const LOGICAL_LISTS = new Set(['$and', '$or', '$nor']);
const NESTED = new Set(['$not', '$elemMatch']);
const OPTION_NAMES = [
  'distance',
  'ef_search',
  'explain',
  'filter',
  'include_vectors',
  'post_filter',
  'post_filter_factor',
  'search_after',
] as const;

/**
 * The shape of a search request.
 *
 * @example
 * ```ts
 * searchShape({ k: 10, filter: { lang: 'en', year: { $gte: 2020 } } });
 * // { k: 10, ef_search: null, filter: { lang: '?', year: { $gte: '?' } }, post_filter: null,
 * //   options: ['filter'] }
 * ```
 */
export function searchShape(request: ShapedSearch): QueryShape {
  const given = (name: (typeof OPTION_NAMES)[number]): boolean => {
    const value = request[name];
    return value !== undefined && value !== null && value !== false;
  };
  return {
    k: request.k,
    ef_search: request.ef_search ?? null,
    filter: request.filter == null ? null : filterShape(request.filter),
    post_filter: request.post_filter == null ? null : filterShape(request.post_filter),
    options: OPTION_NAMES.filter(given),
  };
}

/**
 * A filter's structure with its values replaced by {@link PLACEHOLDER}: keys sorted, the
 * terms of `$and`/`$or` kept one by one, operator objects descended into.
 */
export function filterShape(filter: unknown): unknown {
  if (!isObject(filter)) return PLACEHOLDER;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(filter).sort()) {
    const value = filter[key];
    if (LOGICAL_LISTS.has(key) && Array.isArray(value)) out[key] = value.map(filterShape);
    else if (NESTED.has(key) && isObject(value)) out[key] = filterShape(value);
    else if (isObject(value) && Object.keys(value).some((k) => k.startsWith('$')))
      out[key] = filterShape(value);
    else out[key] = PLACEHOLDER;
  }
  return out;
}

/** A short stable id of a shape (the same shape always has the same id). */
export function shapeId(shape: QueryShape): string {
  return createHash('sha256').update(canonicalJson(shape)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
