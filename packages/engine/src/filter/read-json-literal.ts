import { describeValue, type FilterCompileContext } from './filter-compile-context.js';
import type { JsonValue } from './filter-types.js';

/** True for `{...}` objects (prototype `Object.prototype` or none), not arrays, dates, maps. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Checks that an operand sitting at `path`, `depth` levels deep, is a JSON value and returns
 * a deep copy of it, so the compiled filter cannot be changed through the caller's object.
 * With `implicitEq` (a plain value standing for `$eq`), object keys starting with `$` are
 * rejected: `{ meta: { a: { $gt: 1 } } }` is almost always meant as `{ 'meta.a': { $gt: 1 } }`.
 */
export function readJsonLiteral(
  value: unknown,
  path: string,
  depth: number,
  context: FilterCompileContext,
  implicitEq: boolean,
): JsonValue {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    return context.fail(
      path,
      `expected a finite number, got ${describeValue(value)}`,
      'JSON has no NaN or Infinity: use a finite number.',
    );
  }
  if (Array.isArray(value)) {
    context.checkDepth(path, depth);
    const copy: JsonValue[] = [];
    for (let i = 0; i < value.length; i++) {
      copy.push(readJsonLiteral(value[i], `${path}[${i}]`, depth + 1, context, implicitEq));
    }
    return copy;
  }
  if (isPlainObject(value)) {
    context.checkDepth(path, depth);
    // A null prototype lets a `__proto__` key be copied as data.
    const copy = Object.create(null) as Record<string, JsonValue>;
    for (const key of Object.keys(value)) {
      if (implicitEq && key.startsWith('$')) {
        context.fail(
          `${path}.${key}`,
          `operator ${key} inside a plain value`,
          `Operators apply to a field path: write {"a.b": {${key}: ...}} rather than {a: {b: {${key}: ...}}}; to compare with an object that has "$" keys, use {$eq: {...}}.`,
        );
      }
      copy[key] = readJsonLiteral(value[key], `${path}.${key}`, depth + 1, context, implicitEq);
    }
    return copy;
  }
  return context.fail(
    path,
    `expected a JSON value, got ${describeValue(value)}`,
    value === undefined
      ? 'Remove the key, or test absence with {$exists: false}.'
      : 'Use only strings, finite numbers, booleans, null, arrays and plain objects.',
  );
}
