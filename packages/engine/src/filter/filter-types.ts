/** A JSON scalar as it may appear in metadata or in a filter operand. */
export type JsonPrimitive = string | number | boolean | null;

/** Any JSON value: what metadata holds and what equality operands compare against. */
export type JsonValue =
  JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The names `$type` accepts: the six kinds of JSON value. */
export type FilterTypeName = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';

/**
 * The operators that apply to one field, e.g. `{ $gte: 10, $lt: 20 }`. Several operators in
 * one object must all hold. See `compileFilter` for the exact meaning of each.
 */
export interface FieldOperators {
  $eq?: JsonValue;
  $ne?: JsonValue;
  $gt?: number;
  $gte?: number;
  $lt?: number;
  $lte?: number;
  $in?: readonly JsonValue[];
  $nin?: readonly JsonValue[];
  $exists?: boolean;
  $contains?: JsonValue;
  $startsWith?: string;
  $endsWith?: string;
  /** An RE2-syntax pattern, unanchored; flags go inline, e.g. `(?i)^abc`. */
  $regex?: string;
  $all?: readonly JsonValue[];
  /** A condition on each element (`{ $gt: 5 }`) or a filter on each element (`{ sku: 'a' }`). */
  $elemMatch?: FieldOperators | Filter;
  /** Inclusive range `[low, high]`. */
  $between?: readonly [number, number];
  $size?: number;
  $type?: FilterTypeName;
  $not?: FieldCondition;
}

/** What may stand under a field path: operators, or a plain value meaning `$eq`. */
export type FieldCondition = FieldOperators | JsonValue;

/**
 * A valid metadata filter: dotted field paths mapped to conditions, plus the logic
 * operators. Several keys in one object must all hold.
 *
 * @example
 * ```ts
 * const f: Filter = { category: 'book', price: { $lt: 20 }, $or: [{ stock: { $gt: 0 } }, { preorder: true }] };
 * ```
 */
export interface Filter {
  $and?: readonly Filter[];
  $or?: readonly Filter[];
  $not?: Filter;
  [path: string]: FieldCondition | readonly Filter[] | Filter | undefined;
}

/** Options of `compileFilter`. */
export interface CompileFilterOptions {
  /**
   * The error code for a malformed filter: `INVALID_POST_FILTER` when compiling a
   * post-filter. It also names the root in error paths (`filter` or `post_filter`).
   */
  code?: 'INVALID_FILTER' | 'INVALID_POST_FILTER';
}

/** A filter validated once and turned into a predicate over metadata. */
export interface CompiledFilter {
  /**
   * True when `metadata` satisfies the filter. `null`, `undefined` or a non-object count as
   * metadata without fields. Never throws; allocates nothing for most operators. A plain
   * closure, so it may be passed around detached from this object.
   */
  readonly test: (metadata: unknown) => boolean;
  /**
   * The distinct dotted field paths the filter reads, in order of first appearance. Paths
   * inside `$elemMatch` are relative to array elements and are not listed (the array is).
   */
  readonly fields: readonly string[];
  /** A deep copy of the filter as given, so later changes to the input do not leak in. */
  readonly source: Filter;
}
