/**
 * Bounds on what a filter may contain, so that a hostile filter can neither blow the stack
 * while compiling nor make evaluation expensive. They are part of the wire contract.
 */
export const FILTER_LIMITS = {
  /**
   * Deepest nesting of objects and arrays in a filter, the root object being level 1:
   * `{ a: { $gt: 1 } }` has 2 levels, `{ $and: [{ a: 1 }] }` has 3.
   */
  maxDepth: 32,
  /** Most terms in one `$and` or `$or` array. */
  maxTerms: 1000,
  /** Longest `$regex` pattern, in UTF-16 code units. */
  maxRegexLength: 512,
} as const;
