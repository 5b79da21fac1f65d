import { RE2JS } from 're2js';

import { describeValue, type FilterCompileContext } from './filter-compile-context.js';
import { FILTER_LIMITS } from './filter-limits.js';
import type { Predicate } from './predicate.js';

/**
 * Compiles a `$regex` operand into a predicate over field values. Patterns run on RE2
 * (re2js, pure JavaScript), whose matching time is linear in the input, so a pattern such
 * as `(a+)+$` cannot backtrack catastrophically and needs no timer; metadata strings are
 * bounded by the metadata size limit. The syntax is RE2's: no lookaround or
 * backreferences, flags inline (`(?i)`, `(?s)`, `(?m)`). Matching is unanchored, like
 * `RegExp.prototype.test`; only strings can match.
 */
export function compileRegex(
  pattern: unknown,
  path: string,
  context: FilterCompileContext,
): Predicate {
  if (typeof pattern !== 'string') {
    return context.fail(
      path,
      `expected a pattern string, got ${describeValue(pattern)}`,
      'Write the pattern as a string, e.g. {$regex: "^abc"}; flags go inline, e.g. "(?i)^abc".',
    );
  }
  if (pattern.length > FILTER_LIMITS.maxRegexLength) {
    return context.fail(
      path,
      `pattern is ${pattern.length} characters long, over the limit of ${FILTER_LIMITS.maxRegexLength}`,
      'Shorten the pattern, or match a fixed prefix or suffix with $startsWith / $endsWith, or a list of values with $in.',
      { limit: FILTER_LIMITS.maxRegexLength, length: pattern.length },
    );
  }
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return context.fail(
      path,
      `invalid regular expression (${reason})`,
      'Use RE2 syntax: no lookahead, lookbehind or backreferences; put flags inline, e.g. "(?i)abc".',
      {},
      err,
    );
  }
  return (value) => typeof value === 'string' && regex.test(value);
}
