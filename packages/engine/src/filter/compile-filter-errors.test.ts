import { describe, expect, it } from 'vitest';

import { EngineError } from '../errors.js';
import { compileFilter } from './compile-filter.js';
import { FILTER_LIMITS } from './filter-limits.js';

/** The error `fn` throws; fails the test when it throws nothing. */
function thrownBy(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    return err as EngineError;
  }
  throw new Error('expected an EngineError, nothing was thrown');
}

function nested(levels: number): Record<string, unknown> {
  // Each $not adds one level; the innermost {a: 1} is one level too.
  let filter: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < levels; i++) filter = { $not: filter };
  return filter;
}

type ErrorCase = readonly [filter: unknown, path: string, message: string];

const cases: readonly ErrorCase[] = [
  [null, 'filter', 'expected a filter object, got null'],
  [undefined, 'filter', 'expected a filter object, got undefined'],
  [[], 'filter', 'expected a filter object, got an array'],
  ['price > 5', 'filter', 'expected a filter object, got a string'],
  [new Date(0), 'filter', 'expected a filter object, got an object'],
  [{ $and: {} }, 'filter.$and', 'expected an array of filters, got an object'],
  [{ $or: [] }, 'filter.$or', 'expected at least one filter'],
  [{ $or: [1] }, 'filter.$or[0]', 'expected a filter object, got a number'],
  [
    { $and: [{}, {}, { price: { $gt: '5' } }] },
    'filter.$and[2].price.$gt',
    'expected a number, got a string',
  ],
  [{ $not: 5 }, 'filter.$not', 'expected a filter object, got a number'],
  [{ $not: { $gt: 5 } }, 'filter.$not.$gt', '$gt needs a field'],
  [{ $nor: [] }, 'filter.$nor', 'unknown operator $nor'],
  [{ $AND: [] }, 'filter.$AND', 'unknown operator $AND'],
  [{ $gt: 1 }, 'filter.$gt', '$gt needs a field'],
  [{ '': 1 }, 'filter.', 'field path "" has an empty segment'],
  [{ 'a..b': 1 }, 'filter.a..b', 'field path "a..b" has an empty segment'],
  [{ '.a': 1 }, 'filter..a', 'field path ".a" has an empty segment'],
  [{ 'a.': 1 }, 'filter.a.', 'field path "a." has an empty segment'],
  [{ a: undefined }, 'filter.a', 'expected a JSON value, got undefined'],
  [{ a: Number.NaN }, 'filter.a', 'expected a finite number, got NaN'],
  [{ a: new Date(0) }, 'filter.a', 'expected a JSON value, got an object'],
  [{ a: () => 1 }, 'filter.a', 'expected a JSON value, got a function'],
  [{ a: [1, 2n] }, 'filter.a[1]', 'expected a JSON value, got a bigint'],
  [{ a: { $eq: undefined } }, 'filter.a.$eq', 'expected a JSON value, got undefined'],
  [
    { a: { $ne: { b: [Infinity] } } },
    'filter.a.$ne.b[0]',
    'expected a finite number, got Infinity',
  ],
  [{ a: { $gt: 1, b: 2 } }, 'filter.a', 'mixes operators ($gt) with plain keys'],
  [{ a: { b: { $gt: 1 } } }, 'filter.a.b.$gt', 'operator $gt inside a plain value'],
  [{ a: { $gte: null } }, 'filter.a.$gte', 'expected a number, got null'],
  [{ a: { $lt: Infinity } }, 'filter.a.$lt', 'expected a number, got Infinity'],
  [{ a: { $lte: '3' } }, 'filter.a.$lte', 'expected a number, got a string'],
  [{ a: { $between: 1 } }, 'filter.a.$between', 'expected [low, high], got a number'],
  [{ a: { $between: [1] } }, 'filter.a.$between', 'expected [low, high], got an array of length 1'],
  [{ a: { $between: [1, '2'] } }, 'filter.a.$between[1]', 'expected a number, got a string'],
  [{ a: { $between: [5, 1] } }, 'filter.a.$between', 'low bound 5 is above high bound 1'],
  [{ a: { $in: {} } }, 'filter.a.$in', 'expected an array, got an object'],
  [{ a: { $in: [1, undefined] } }, 'filter.a.$in[1]', 'expected a JSON value, got undefined'],
  [{ a: { $nin: 'x' } }, 'filter.a.$nin', 'expected an array, got a string'],
  [{ a: { $all: 3 } }, 'filter.a.$all', 'expected an array, got a number'],
  [{ a: { $exists: 1 } }, 'filter.a.$exists', 'expected true or false, got a number'],
  [{ a: { $contains: undefined } }, 'filter.a.$contains', 'expected a JSON value, got undefined'],
  [{ a: { $startsWith: 1 } }, 'filter.a.$startsWith', 'expected a string, got a number'],
  [{ a: { $endsWith: null } }, 'filter.a.$endsWith', 'expected a string, got null'],
  [{ a: { $regex: /x/ } }, 'filter.a.$regex', 'expected a pattern string, got an object'],
  [
    { a: { $regex: '(' } },
    'filter.a.$regex',
    'invalid regular expression (error parsing regexp: missing closing )',
  ],
  [{ a: { $regex: '(?=x)' } }, 'filter.a.$regex', 'invalid regular expression'],
  [{ a: { $regex: '(a)\\1' } }, 'filter.a.$regex', 'invalid regular expression'],
  [{ a: { $elemMatch: 1 } }, 'filter.a.$elemMatch', 'expected an object, got a number'],
  [
    { a: { $elemMatch: { $gt: 'x' } } },
    'filter.a.$elemMatch.$gt',
    'expected a number, got a string',
  ],
  [
    { a: { $elemMatch: { b: { $foo: 1 } } } },
    'filter.a.$elemMatch.b.$foo',
    'unknown operator $foo',
  ],
  [{ a: { $elemMatch: { $gt: 1, b: 1 } } }, 'filter.a.$elemMatch', 'mixes operators'],
  [{ a: { $size: -1 } }, 'filter.a.$size', 'expected a non-negative integer, got a number'],
  [{ a: { $size: 1.5 } }, 'filter.a.$size', 'expected a non-negative integer'],
  [{ a: { $size: '3' } }, 'filter.a.$size', 'expected a non-negative integer, got a string'],
  [{ a: { $type: 'int' } }, 'filter.a.$type', 'expected a type name, got "int"'],
  [{ a: { $type: 3 } }, 'filter.a.$type', 'expected a type name, got a number'],
  [{ a: { $type: 'toString' } }, 'filter.a.$type', 'expected a type name'],
  [{ a: { $not: { $foo: 1 } } }, 'filter.a.$not.$foo', 'unknown operator $foo'],
  [{ a: { $foo: 1 } }, 'filter.a.$foo', 'unknown operator $foo'],
  [{ a: { $or: [{ a: 1 }] } }, 'filter.a.$or', '$or cannot stand under a field'],
  [{ a: { $options: 'i' } }, 'filter.a.$options', 'unknown operator $options'],
  [
    { x: 1, $or: [{ y: { $in: [1, Number.NaN] } }] },
    'filter.$or[0].y.$in[1]',
    'expected a finite number, got NaN',
  ],
];

describe('compileFilter errors', () => {
  it.each(cases)('case %#: %s', (filter, path, message) => {
    const err = thrownBy(() => compileFilter(filter));
    expect(err.code).toBe('INVALID_FILTER');
    expect(err.message).toContain(`${path}: ${message}`);
    expect(err.details).toMatchObject({ path });
    expect(err.help.length).toBeGreaterThan(10);
  });

  it('uses the post-filter code and root name when asked', () => {
    const err = thrownBy(() => compileFilter({ a: { $gt: 'x' } }, { code: 'INVALID_POST_FILTER' }));
    expect(err).toMatchObject({
      code: 'INVALID_POST_FILTER',
      details: { path: 'post_filter.a.$gt' },
    });
  });

  it('suggests the right spelling of a mistyped operator', () => {
    expect(thrownBy(() => compileFilter({ a: { $startswith: 'x' } })).help).toBe(
      'Did you mean $startsWith?',
    );
    expect(thrownBy(() => compileFilter({ $OR: [{ a: 1 }] })).help).toBe('Did you mean $or?');
    expect(thrownBy(() => compileFilter({ a: { $options: 'i' } })).help).toContain('(?i)');
  });

  it('keeps the regex parser error as the cause', () => {
    const err = thrownBy(() => compileFilter({ a: { $regex: '[' } }));
    expect(err.cause).toBeInstanceOf(Error);
  });
});

describe('compileFilter limits', () => {
  it(`accepts ${FILTER_LIMITS.maxDepth} levels of nesting and rejects one more`, () => {
    expect(compileFilter(nested(32)).test({ a: 1 })).toBe(false); // 31 negations
    expect(compileFilter(nested(31)).test({ a: 1 })).toBe(true);
    const err = thrownBy(() => compileFilter(nested(33)));
    expect(err.code).toBe('INVALID_FILTER');
    expect(err.details).toMatchObject({ limit: 32, path: `filter${'.$not'.repeat(32)}` });
  });

  it('counts nesting inside operands and literals too', () => {
    let literal: unknown = 1;
    for (let i = 0; i < 30; i++) literal = [literal];
    // root (1) + {$eq} (2) + 30 arrays (3..32) is fine; one more array is level 33.
    expect(compileFilter({ a: { $eq: literal } }).test({ a: literal })).toBe(true);
    const err = thrownBy(() => compileFilter({ a: { $eq: [literal] } }));
    expect(err.details).toMatchObject({ limit: 32 });
    expect(err.message).toContain('filter.a.$eq[0]');
  });

  it('rejects cyclic filters through the depth limit instead of overflowing the stack', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['$not'] = cyclic;
    expect(thrownBy(() => compileFilter(cyclic)).details).toMatchObject({ limit: 32 });
    const cyclicValue: Record<string, unknown> = {};
    cyclicValue['self'] = cyclicValue;
    expect(thrownBy(() => compileFilter({ a: { $eq: cyclicValue } })).details).toMatchObject({
      limit: 32,
    });
  });

  it.each(['$and', '$or'])(
    `accepts ${FILTER_LIMITS.maxTerms} terms in %s and rejects one more`,
    (op) => {
      const terms = Array.from({ length: 1000 }, (_, i) => ({ n: i }));
      const compiled = compileFilter({ [op]: terms });
      expect(compiled.test({ n: 999 })).toBe(op === '$or');
      const err = thrownBy(() => compileFilter({ [op]: [...terms, { n: 1000 }] }));
      expect(err).toMatchObject({
        code: 'INVALID_FILTER',
        details: { path: `filter.${op}`, limit: 1000, terms: 1001 },
      });
    },
  );

  it(`accepts a ${FILTER_LIMITS.maxRegexLength}-character pattern and rejects a longer one`, () => {
    const pattern = 'a'.repeat(FILTER_LIMITS.maxRegexLength);
    expect(compileFilter({ s: { $regex: pattern } }).test({ s: `x${pattern}` })).toBe(true);
    const err = thrownBy(() => compileFilter({ s: { $regex: `${pattern}a` } }));
    expect(err).toMatchObject({
      code: 'INVALID_FILTER',
      details: { path: 'filter.s.$regex', limit: 512, length: 513 },
    });
  });
});
