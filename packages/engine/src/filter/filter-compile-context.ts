import { EngineError } from '../errors.js';
import { FILTER_LIMITS } from './filter-limits.js';
import type { Predicate } from './predicate.js';

/** Compiles a filter object (field paths and logic) found at `path`, `depth` levels deep. */
export type DocumentCompiler = (
  value: unknown,
  path: string,
  depth: number,
  context: FilterCompileContext,
  trackFields: boolean,
) => Predicate;

/**
 * State of one `compileFilter` call: the error code and root name, the field paths seen,
 * and the filter-object compiler (passed in so that `$elemMatch` can recurse into it
 * without an import cycle).
 */
export class FilterCompileContext {
  readonly fields: string[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly code: 'INVALID_FILTER' | 'INVALID_POST_FILTER',
    /** How error paths start: `filter` or `post_filter`, the request field's name. */
    readonly root: string,
    readonly compileDocument: DocumentCompiler,
  ) {}

  /** Throws the malformed-filter error for the part at `path`. */
  fail(
    path: string,
    problem: string,
    help: string,
    details: Record<string, unknown> = {},
    cause?: unknown,
  ): never {
    throw new EngineError(this.code, `${path}: ${problem}`, {
      help,
      details: { path, ...details },
      cause,
    });
  }

  /** Rejects an object or array sitting deeper than the nesting limit. */
  checkDepth(path: string, depth: number): void {
    if (depth > FILTER_LIMITS.maxDepth) {
      this.fail(
        path,
        `filter nests deeper than ${FILTER_LIMITS.maxDepth} levels`,
        `Flatten the filter: use dotted paths ("a.b": 1) instead of nested objects, and merge nested $and/$or into one list.`,
        { limit: FILTER_LIMITS.maxDepth },
      );
    }
  }

  /** Records a field path the filter reads (once, in order of first appearance). */
  addField(path: string): void {
    if (this.seen.has(path)) return;
    this.seen.add(path);
    this.fields.push(path);
  }
}

/** Names a value's kind for an error message: `a string`, `null`, `an array`... */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}
