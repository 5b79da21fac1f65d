import { compileCondition, FIELD_OPERATORS } from './compile-condition.js';
import { compilePath } from './compile-path.js';
import { describeValue, FilterCompileContext } from './filter-compile-context.js';
import { FILTER_LIMITS } from './filter-limits.js';
import type { CompiledFilter, CompileFilterOptions, Filter } from './filter-types.js';
import { allOf, anyOf, type Predicate } from './predicate.js';
import { isPlainObject } from './read-json-literal.js';

/**
 * Validates a MongoDB-style metadata filter once and compiles it into a tree of closures,
 * so `test` re-parses nothing per record.
 *
 * Meaning, where the wire spec leaves room:
 * - A missing field satisfies only `{$exists: false}`; so `$ne` and `$nin` need the field
 *   present. `null` is a present value (`{a: null}` matches only an explicit null).
 * - `$eq`, `$ne`, `$in`, `$nin` and a plain value compare the whole value by deep equality:
 *   `{tags: "a"}` does not match `tags: ["a", "b"]`. Array membership is `$contains`,
 *   `$all` or `$elemMatch`.
 * - `$gt $gte $lt $lte $between` (inclusive) match number fields only, never strings.
 * - `$contains`: on a string field, substring (string operand); on an array field, some
 *   element deep-equals the operand. `$startsWith`, `$endsWith`, `$regex`: strings only.
 * - `$all: []` matches any array; `$in: []` matches nothing; `$nin: []` any present field.
 * - `$elemMatch` with field operators (`{$gt: 5}`) tests each element; with paths or logic
 *   (`{sku: "a"}`) it filters each element as a document.
 * - `$type`: `string number boolean null array object`.
 * - `$not` is plain negation, beside a field (`{a: {$not: {$gt: 5}}}`) or of a filter
 *   (`{$not: {a: 5}}`), so it matches records where the field is missing.
 * - Dotted paths: own object keys; on arrays only indexes (`tags.0`); see `compilePath`.
 * - `{}` matches everything. `filter` must be an object: absence is for the caller to
 *   handle (it means "no filter").
 *
 * Malformed filters throw `EngineError` with `options.code` (default `INVALID_FILTER`), a
 * message starting with the offending path (`filter.$and[2].price.$gt: expected a number`),
 * `help`, and `details.path`. Limits are in `FILTER_LIMITS`.
 *
 * @example
 * ```ts
 * const f = compileFilter({ genre: 'jazz', year: { $between: [1955, 1965] } });
 * f.test({ genre: 'jazz', year: 1959 }); // true
 * f.fields; // ['genre', 'year']
 * ```
 */
export function compileFilter(filter: unknown, options: CompileFilterOptions = {}): CompiledFilter {
  const code = options.code ?? 'INVALID_FILTER';
  const context = new FilterCompileContext(
    code,
    code === 'INVALID_POST_FILTER' ? 'post_filter' : 'filter',
    compileDocument,
  );
  const test = compileDocument(filter, context.root, 1, context, true);
  // Validated above, so the filter is acyclic plain JSON of bounded depth.
  const source = structuredClone(filter) as Filter;
  return { test, fields: Object.freeze([...context.fields]), source };
}

function compileDocument(
  value: unknown,
  path: string,
  depth: number,
  context: FilterCompileContext,
  trackFields: boolean,
): Predicate {
  if (!isPlainObject(value)) {
    return context.fail(
      path,
      `expected a filter object, got ${describeValue(value)}`,
      'Write a filter as an object of field paths and conditions, e.g. {"category": "book", "price": {$lt: 20}}; {} matches everything.',
    );
  }
  context.checkDepth(path, depth);
  const parts: Predicate[] = [];
  for (const key of Object.keys(value)) {
    const operand = value[key];
    const at = `${path}.${key}`;
    if (key === '$and' || key === '$or') {
      const terms = compileTerms(key, operand, at, depth + 1, context, trackFields);
      parts.push(key === '$and' ? allOf(terms) : anyOf(terms));
    } else if (key === '$not') {
      const inner = compileDocument(operand, at, depth + 1, context, trackFields);
      parts.push((document) => !inner(document));
    } else if (key.startsWith('$')) {
      return unknownLogicOperator(key, at, context);
    } else {
      checkPath(key, at, context);
      if (trackFields) context.addField(key);
      const get = compilePath(key);
      const condition = compileCondition(operand, at, depth + 1, context);
      parts.push((document) => condition(get(document)));
    }
  }
  return allOf(parts);
}

function compileTerms(
  op: '$and' | '$or',
  operand: unknown,
  path: string,
  depth: number,
  context: FilterCompileContext,
  trackFields: boolean,
): Predicate[] {
  const example = `{${op}: [{"a": 1}, {"b": {$gt: 2}}]}`;
  if (!Array.isArray(operand)) {
    return context.fail(
      path,
      `expected an array of filters, got ${describeValue(operand)}`,
      `Write ${example}.`,
    );
  }
  if (operand.length === 0) {
    return context.fail(
      path,
      'expected at least one filter, got an empty array',
      `Remove ${op}, or list filters: ${example}.`,
    );
  }
  if (operand.length > FILTER_LIMITS.maxTerms) {
    return context.fail(
      path,
      `has ${operand.length} terms, over the limit of ${FILTER_LIMITS.maxTerms}`,
      'Replace many equality terms on one field with {field: {$in: [...]}}, or split the query.',
      { limit: FILTER_LIMITS.maxTerms, terms: operand.length },
    );
  }
  context.checkDepth(path, depth);
  return operand.map((term: unknown, i) =>
    compileDocument(term, `${path}[${i}]`, depth + 1, context, trackFields),
  );
}

function checkPath(key: string, path: string, context: FilterCompileContext): void {
  if (key === '' || key.startsWith('.') || key.endsWith('.') || key.includes('..')) {
    context.fail(
      path,
      `field path ${JSON.stringify(key)} has an empty segment`,
      'Name fields with non-empty dot-separated segments, e.g. "a.b" or "tags.0".',
    );
  }
}

function unknownLogicOperator(op: string, path: string, context: FilterCompileContext): never {
  if ((FIELD_OPERATORS as readonly string[]).includes(op)) {
    return context.fail(
      path,
      `${op} needs a field`,
      `Put it under a field path: {"price": {${op}: ...}}; inside $elemMatch, give the element's condition directly.`,
    );
  }
  const near = ['$and', '$or', '$not', ...FIELD_OPERATORS].find(
    (known) => known.toLowerCase() === op.toLowerCase(),
  );
  return context.fail(
    path,
    `unknown operator ${op}`,
    near === undefined
      ? 'At the filter level use $and, $or, $not or field paths; field operators go under a field.'
      : `Did you mean ${near}?`,
  );
}
