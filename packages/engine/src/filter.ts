/**
 * The filter compiler alone, without the rest of the engine (no SQLite, no native index, no
 * Node imports): `@needle/engine/filter`. The console validates a filter in the browser with
 * the very rules the server applies, before sending it.
 *
 * @example
 * ```ts
 * import { validateFilter } from '@needle/engine/filter';
 * validateFilter({ year: { $gte: 'x' } });
 * // { ok: false, code: 'INVALID_FILTER', message: 'filter.year.$gte: expected a number...', help: '...' }
 * ```
 */
import { isEngineError } from './errors.js';
import { compileFilter } from './filter/compile-filter.js';

export { compileFilter } from './filter/compile-filter.js';
export { FILTER_LIMITS } from './filter/filter-limits.js';
export type { CompiledFilter, Filter } from './filter/filter-types.js';

/** The outcome of {@link validateFilter}: valid, or the server's error for it. */
export type FilterValidation =
  | { readonly ok: true; readonly fields: readonly string[] }
  | {
      readonly ok: false;
      readonly code: string;
      /** Starts with the offending part's path: `filter.$and[1].price.$gt: ...`. */
      readonly message: string;
      readonly help: string;
    };

/**
 * Checks a filter as `compileFilter` does (the same code), answering instead of throwing:
 * what a search with this filter would be refused for, or the field paths it reads.
 */
export function validateFilter(filter: unknown): FilterValidation {
  try {
    return { ok: true, fields: compileFilter(filter).fields };
  } catch (err) {
    if (isEngineError(err))
      return { ok: false, code: err.code, message: err.message, help: err.help };
    throw err;
  }
}
