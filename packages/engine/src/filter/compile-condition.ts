import { compileRegex } from './compile-regex.js';
import { describeValue, type FilterCompileContext } from './filter-compile-context.js';
import type { FilterTypeName, JsonValue } from './filter-types.js';
import { jsonEqual } from './json-equal.js';
import { allOf, type Predicate } from './predicate.js';
import { isPlainObject, readJsonLiteral } from './read-json-literal.js';

/** Every operator that may stand under a field path, in the spec's order. */
export const FIELD_OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$contains',
  '$startsWith',
  '$endsWith',
  '$regex',
  '$all',
  '$elemMatch',
  '$between',
  '$size',
  '$type',
  '$not',
] as const;

const FIELD_OPERATOR_SET: ReadonlySet<string> = new Set(FIELD_OPERATORS);

const TYPE_TESTS: Readonly<Record<FilterTypeName, Predicate>> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
  array: (v) => Array.isArray(v),
  object: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
};

/**
 * Compiles what stands under a field path into a predicate over the field's value
 * (`undefined` when missing). An object whose keys all start with `$` is a set of
 * operators that must all hold; anything else is a plain value compared by deep equality.
 * `depth` is the nesting level of `condition` itself.
 */
export function compileCondition(
  condition: unknown,
  path: string,
  depth: number,
  context: FilterCompileContext,
): Predicate {
  if (!isOperatorObject(condition, path, context)) {
    return equals(readJsonLiteral(condition, path, depth, context, true));
  }
  context.checkDepth(path, depth);
  const parts = Object.keys(condition).map((op) =>
    compileOperator(op, condition[op], `${path}.${op}`, depth + 1, context),
  );
  return allOf(parts);
}

function isOperatorObject(
  value: unknown,
  path: string,
  context: FilterCompileContext,
): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  const operators = keys.filter((key) => key.startsWith('$'));
  if (operators.length === 0) return false;
  if (operators.length < keys.length) {
    context.fail(
      path,
      `mixes operators (${operators.join(', ')}) with plain keys`,
      'Use either operators ({$gte: 1, $lt: 5}) or a plain value; to compare with an object, write {$eq: {...}}; to reach inside an object, use a dotted path ("a.b").',
    );
  }
  return true;
}

/** Compiles one operator; `depth` is the nesting level of its operand. */
function compileOperator(
  op: string,
  operand: unknown,
  path: string,
  depth: number,
  context: FilterCompileContext,
): Predicate {
  switch (op) {
    case '$eq':
      return equals(readJsonLiteral(operand, path, depth, context, false));
    case '$ne': {
      const eq = equals(readJsonLiteral(operand, path, depth, context, false));
      return (v) => v !== undefined && !eq(v);
    }
    case '$gt': {
      const x = finiteNumber(operand, path, op, context);
      return (v) => typeof v === 'number' && v > x;
    }
    case '$gte': {
      const x = finiteNumber(operand, path, op, context);
      return (v) => typeof v === 'number' && v >= x;
    }
    case '$lt': {
      const x = finiteNumber(operand, path, op, context);
      return (v) => typeof v === 'number' && v < x;
    }
    case '$lte': {
      const x = finiteNumber(operand, path, op, context);
      return (v) => typeof v === 'number' && v <= x;
    }
    case '$between':
      return compileBetween(operand, path, context);
    case '$in':
      return memberOf(literalList(operand, path, depth, op, context));
    case '$nin': {
      const member = memberOf(literalList(operand, path, depth, op, context));
      return (v) => v !== undefined && !member(v);
    }
    case '$exists': {
      if (typeof operand !== 'boolean') {
        return context.fail(
          path,
          `expected true or false, got ${describeValue(operand)}`,
          'Write {$exists: true} or {$exists: false}.',
        );
      }
      return operand ? (v) => v !== undefined : (v) => v === undefined;
    }
    case '$contains': {
      const needle = readJsonLiteral(operand, path, depth, context, false);
      const inArray = arrayIncludes(needle);
      if (typeof needle !== 'string') return (v) => Array.isArray(v) && inArray(v);
      return (v) => (typeof v === 'string' ? v.includes(needle) : Array.isArray(v) && inArray(v));
    }
    case '$startsWith': {
      const prefix = string(operand, path, op, context);
      return (v) => typeof v === 'string' && v.startsWith(prefix);
    }
    case '$endsWith': {
      const suffix = string(operand, path, op, context);
      return (v) => typeof v === 'string' && v.endsWith(suffix);
    }
    case '$regex':
      return compileRegex(operand, path, context);
    case '$all': {
      const tests = literalList(operand, path, depth, op, context).map(arrayIncludes);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < tests.length; i++) {
          if (!(tests[i] as (array: readonly unknown[]) => boolean)(v)) return false;
        }
        return true;
      };
    }
    case '$elemMatch':
      return compileElemMatch(operand, path, depth, context);
    case '$size': {
      if (typeof operand !== 'number' || !Number.isInteger(operand) || operand < 0) {
        return context.fail(
          path,
          `expected a non-negative integer, got ${describeValue(operand)}`,
          'Write the array length to match, e.g. {$size: 3}; for a range, combine {"tags.2": {$exists: true}} with {"tags.5": {$exists: false}}.',
        );
      }
      return (v) => Array.isArray(v) && v.length === operand;
    }
    case '$type': {
      if (typeof operand !== 'string' || !Object.hasOwn(TYPE_TESTS, operand)) {
        return context.fail(
          path,
          `expected a type name, got ${typeof operand === 'string' ? JSON.stringify(operand) : describeValue(operand)}`,
          `Use one of ${Object.keys(TYPE_TESTS).join(', ')}.`,
        );
      }
      return TYPE_TESTS[operand as FilterTypeName];
    }
    case '$not': {
      const inner = compileCondition(operand, path, depth, context);
      return (v) => !inner(v);
    }
    default:
      return unknownOperator(op, path, context);
  }
}

function compileBetween(operand: unknown, path: string, context: FilterCompileContext): Predicate {
  const help = 'Write an inclusive numeric range as [low, high], e.g. {$between: [10, 20]}.';
  if (!Array.isArray(operand) || operand.length !== 2) {
    return context.fail(
      path,
      `expected [low, high], got ${describeValue(operand)}${Array.isArray(operand) ? ` of length ${operand.length}` : ''}`,
      help,
    );
  }
  const low = finiteNumber(operand[0], `${path}[0]`, '$between', context);
  const high = finiteNumber(operand[1], `${path}[1]`, '$between', context);
  if (low > high) {
    return context.fail(
      path,
      `low bound ${low} is above high bound ${high}`,
      'Put the smaller bound first: [low, high].',
    );
  }
  return (v) => typeof v === 'number' && v >= low && v <= high;
}

function compileElemMatch(
  operand: unknown,
  path: string,
  depth: number,
  context: FilterCompileContext,
): Predicate {
  if (!isPlainObject(operand)) {
    return context.fail(
      path,
      `expected an object, got ${describeValue(operand)}`,
      'Give a condition on each element ({$gt: 5}) or a filter on each element object ({sku: "a", qty: {$gt: 1}}).',
    );
  }
  // Field operators make it a condition on the element itself; paths and logic make it a
  // filter on each element as a document (paths inside are relative to the element).
  const onElement = Object.keys(operand).some(
    (key) => key !== '$not' && FIELD_OPERATOR_SET.has(key),
  );
  const element = onElement
    ? compileCondition(operand, path, depth, context)
    : context.compileDocument(operand, path, depth, context, false);
  return (v) => {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) {
      if (element(v[i])) return true;
    }
    return false;
  };
}

function unknownOperator(op: string, path: string, context: FilterCompileContext): never {
  if (op === '$and' || op === '$or') {
    return context.fail(
      path,
      `${op} cannot stand under a field`,
      `Move it to the filter level, with the field inside each term: {${op}: [{"price": {$lt: 5}}, {"price": {$gt: 9}}]}.`,
    );
  }
  if (op === '$options') {
    return context.fail(
      path,
      'unknown operator $options',
      'Put regex flags inline in the pattern: {$regex: "(?i)abc"}.',
    );
  }
  const near = FIELD_OPERATORS.find((known) => known.toLowerCase() === op.toLowerCase());
  return context.fail(
    path,
    `unknown operator ${op}`,
    near === undefined
      ? `Field operators are ${FIELD_OPERATORS.join(' ')}.`
      : `Did you mean ${near}?`,
  );
}

function equals(literal: JsonValue): Predicate {
  if (typeof literal !== 'object' || literal === null) return (v) => v === literal;
  return (v) => jsonEqual(v, literal);
}

/** Tests membership in a list: scalars through a Set, objects and arrays by deep equality. */
function memberOf(items: readonly JsonValue[]): Predicate {
  const scalars = new Set<unknown>();
  const composites: JsonValue[] = [];
  for (const item of items) {
    if (typeof item === 'object' && item !== null) composites.push(item);
    else scalars.add(item);
  }
  if (composites.length === 0) return (v) => scalars.has(v);
  return (v) => {
    if (typeof v !== 'object' || v === null) return scalars.has(v);
    for (let i = 0; i < composites.length; i++) {
      if (jsonEqual(v, composites[i])) return true;
    }
    return false;
  };
}

function arrayIncludes(needle: JsonValue): (array: readonly unknown[]) => boolean {
  if (typeof needle !== 'object' || needle === null) return (array) => array.includes(needle);
  return (array) => {
    for (let i = 0; i < array.length; i++) {
      if (jsonEqual(array[i], needle)) return true;
    }
    return false;
  };
}

function literalList(
  operand: unknown,
  path: string,
  depth: number,
  op: string,
  context: FilterCompileContext,
): JsonValue[] {
  if (!Array.isArray(operand)) {
    return context.fail(
      path,
      `expected an array, got ${describeValue(operand)}`,
      `Give ${op} a list of values, e.g. {${op}: ["a", "b"]}.`,
    );
  }
  context.checkDepth(path, depth);
  return operand.map((item: unknown, i) =>
    readJsonLiteral(item, `${path}[${i}]`, depth + 1, context, false),
  );
}

function finiteNumber(
  operand: unknown,
  path: string,
  op: string,
  context: FilterCompileContext,
): number {
  if (typeof operand === 'number' && Number.isFinite(operand)) return operand;
  return context.fail(
    path,
    `expected a number, got ${describeValue(operand)}`,
    `${op} compares numbers only: write a number such as {${op}: 10} (store dates as epoch milliseconds).`,
  );
}

function string(operand: unknown, path: string, op: string, context: FilterCompileContext): string {
  if (typeof operand === 'string') return operand;
  return context.fail(
    path,
    `expected a string, got ${describeValue(operand)}`,
    `Write {${op}: "text"}; it matches string fields only.`,
  );
}
