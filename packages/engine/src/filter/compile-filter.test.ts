import { describe, expect, it } from 'vitest';

import { compileFilter } from './compile-filter.js';

const doc = {
  price: 10,
  zero: 0,
  name: 'Blue Widget',
  numeric: '10',
  flag: true,
  nil: null,
  tags: ['a', 'b', 'c'],
  scores: [3, 8, 12],
  empty: [],
  matrix: [[1, 2], [3]],
  obj: { k: 1, l: [1, 2] },
  nested: { x: 1, y: { z: 'deep' } },
  items: [
    { sku: 'a', qty: 1 },
    { sku: 'b', qty: 5 },
  ],
};

type Case = readonly [filter: Record<string, unknown>, expected: boolean];

const table: Record<string, readonly Case[]> = {
  'implicit $eq and $eq': [
    [{ price: 10 }, true],
    [{ price: 11 }, false],
    [{ price: '10' }, false],
    [{ numeric: '10' }, true],
    [{ flag: true }, true],
    [{ flag: 1 }, false],
    [{ zero: false }, false],
    [{ nil: null }, true],
    [{ missing: null }, false],
    [{ tags: ['a', 'b', 'c'] }, true],
    [{ tags: ['b', 'a', 'c'] }, false],
    [{ tags: 'a' }, false],
    [{ obj: { l: [1, 2], k: 1 } }, true],
    [{ obj: { k: 1 } }, false],
    [{ obj: {} }, false],
    [{ price: { $eq: 10 } }, true],
    [{ obj: { $eq: { k: 1, l: [1, 2] } } }, true],
    [{ obj: { $eq: { k: 1, l: [2, 1] } } }, false],
    [{ missing: { $eq: null } }, false],
  ],
  'dotted paths': [
    [{ 'nested.x': 1 }, true],
    [{ 'nested.y.z': 'deep' }, true],
    [{ 'nested.y': { z: 'deep' } }, true],
    [{ 'tags.0': 'a' }, true],
    [{ 'tags.1': 'a' }, false],
    [{ 'items.1.sku': 'b' }, true],
    [{ 'matrix.1.0': 3 }, true],
    [{ 'tags.3': { $exists: false } }, true],
    [{ 'tags.01': { $exists: true } }, false],
    [{ 'tags.length': { $exists: true } }, false],
    [{ 'items.sku': { $exists: true } }, false],
    [{ 'name.0': { $exists: true } }, false],
    [{ 'price.x': { $exists: true } }, false],
    [{ 'nil.x': { $exists: false } }, true],
  ],
  $ne: [
    [{ price: { $ne: 11 } }, true],
    [{ price: { $ne: 10 } }, false],
    [{ price: { $ne: '10' } }, true],
    [{ missing: { $ne: 1 } }, false],
    [{ nil: { $ne: 1 } }, true],
    [{ nil: { $ne: null } }, false],
    [{ tags: { $ne: 'a' } }, true],
    [{ tags: { $ne: ['a', 'b', 'c'] } }, false],
    [{ obj: { $ne: { k: 1 } } }, true],
  ],
  'range operators': [
    [{ price: { $gt: 9 } }, true],
    [{ price: { $gt: 10 } }, false],
    [{ price: { $gte: 10 } }, true],
    [{ price: { $lt: 10 } }, false],
    [{ price: { $lt: 10.5 } }, true],
    [{ price: { $lte: 10 } }, true],
    [{ price: { $gt: 5, $lt: 20 } }, true],
    [{ price: { $gt: 5, $lt: 9 } }, false],
    [{ numeric: { $gt: 1 } }, false],
    [{ numeric: { $lt: 100 } }, false],
    [{ flag: { $gt: 0 } }, false],
    [{ nil: { $gte: -1 } }, false],
    [{ tags: { $gt: 0 } }, false],
    [{ scores: { $gt: 0 } }, false],
    [{ missing: { $lt: 1e308 } }, false],
    [{ zero: { $gte: 0 } }, true],
  ],
  $between: [
    [{ price: { $between: [10, 10] } }, true],
    [{ price: { $between: [5, 20] } }, true],
    [{ price: { $between: [0, 9] } }, false],
    [{ price: { $between: [10.5, 20] } }, false],
    [{ numeric: { $between: [0, 100] } }, false],
    [{ missing: { $between: [0, 100] } }, false],
  ],
  '$in and $nin': [
    [{ price: { $in: [1, 10] } }, true],
    [{ price: { $in: ['10'] } }, false],
    [{ price: { $in: [] } }, false],
    [{ nil: { $in: [null] } }, true],
    [{ missing: { $in: [null] } }, false],
    [{ tags: { $in: ['a'] } }, false],
    [{ tags: { $in: [['a', 'b', 'c']] } }, true],
    [{ obj: { $in: [1, { l: [1, 2], k: 1 }] } }, true],
    [{ price: { $nin: [1, 2] } }, true],
    [{ price: { $nin: [10] } }, false],
    [{ price: { $nin: [] } }, true],
    [{ missing: { $nin: [1] } }, false],
    [{ obj: { $nin: [{ k: 1, l: [1, 2] }] } }, false],
  ],
  $exists: [
    [{ price: { $exists: true } }, true],
    [{ price: { $exists: false } }, false],
    [{ nil: { $exists: true } }, true],
    [{ missing: { $exists: true } }, false],
    [{ missing: { $exists: false } }, true],
    [{ 'nested.y.z': { $exists: true } }, true],
  ],
  $contains: [
    [{ name: { $contains: 'Widg' } }, true],
    [{ name: { $contains: 'widg' } }, false],
    [{ name: { $contains: '' } }, true],
    [{ name: { $contains: 1 } }, false],
    [{ tags: { $contains: 'b' } }, true],
    [{ tags: { $contains: 'z' } }, false],
    [{ tags: { $contains: 'ab' } }, false],
    [{ scores: { $contains: 8 } }, true],
    [{ scores: { $contains: '8' } }, false],
    [{ items: { $contains: { qty: 1, sku: 'a' } } }, true],
    [{ items: { $contains: { sku: 'a' } } }, false],
    [{ matrix: { $contains: [3] } }, true],
    [{ price: { $contains: 1 } }, false],
    [{ missing: { $contains: 'a' } }, false],
  ],
  '$startsWith and $endsWith': [
    [{ name: { $startsWith: 'Blue' } }, true],
    [{ name: { $startsWith: 'blue' } }, false],
    [{ name: { $endsWith: 'Widget' } }, true],
    [{ name: { $endsWith: 'Blue' } }, false],
    [{ tags: { $startsWith: 'a' } }, false],
    [{ numeric: { $startsWith: '1' } }, true],
    [{ price: { $startsWith: '1' } }, false],
    [{ missing: { $endsWith: '' } }, false],
  ],
  $regex: [
    [{ name: { $regex: 'Wid' } }, true],
    [{ name: { $regex: '^Wid' } }, false],
    [{ name: { $regex: '(?i)^blue' } }, true],
    [{ name: { $regex: '\\bWidget$' } }, true],
    [{ name: { $regex: '^[A-Z][a-z]+ [A-Z]\\w+$' } }, true],
    [{ price: { $regex: '1' } }, false],
    [{ tags: { $regex: 'a' } }, false],
    [{ missing: { $regex: '' } }, false],
  ],
  $all: [
    [{ tags: { $all: ['a', 'c'] } }, true],
    [{ tags: { $all: ['c', 'a', 'a'] } }, true],
    [{ tags: { $all: ['a', 'z'] } }, false],
    [{ tags: { $all: [] } }, true],
    [{ price: { $all: [] } }, false],
    [{ items: { $all: [{ sku: 'b', qty: 5 }] } }, true],
    [{ name: { $all: ['Blue Widget'] } }, false],
  ],
  $elemMatch: [
    [{ items: { $elemMatch: { sku: 'b', qty: { $gt: 2 } } } }, true],
    [{ items: { $elemMatch: { sku: 'a', qty: { $gt: 2 } } } }, false],
    [{ items: { $elemMatch: { $or: [{ sku: 'z' }, { qty: 5 }] } } }, true],
    [{ items: { $elemMatch: { $not: { sku: 'a' } } } }, true],
    [{ scores: { $elemMatch: { $gt: 10 } } }, true],
    [{ scores: { $elemMatch: { $gt: 5, $lt: 7 } } }, false],
    [{ scores: { $elemMatch: { $gt: 10, $not: { $gt: 100 } } } }, true],
    [{ tags: { $elemMatch: { $in: ['c', 'd'] } } }, true],
    [{ tags: { $elemMatch: {} } }, true],
    [{ empty: { $elemMatch: {} } }, false],
    [{ matrix: { $elemMatch: { 1: 2 } } }, true],
    [{ price: { $elemMatch: { $gt: 1 } } }, false],
  ],
  $size: [
    [{ tags: { $size: 3 } }, true],
    [{ tags: { $size: 2 } }, false],
    [{ empty: { $size: 0 } }, true],
    [{ name: { $size: 11 } }, false],
    [{ missing: { $size: 0 } }, false],
  ],
  $type: [
    [{ name: { $type: 'string' } }, true],
    [{ price: { $type: 'number' } }, true],
    [{ flag: { $type: 'boolean' } }, true],
    [{ nil: { $type: 'null' } }, true],
    [{ tags: { $type: 'array' } }, true],
    [{ obj: { $type: 'object' } }, true],
    [{ tags: { $type: 'object' } }, false],
    [{ nil: { $type: 'object' } }, false],
    [{ numeric: { $type: 'number' } }, false],
    [{ missing: { $type: 'null' } }, false],
  ],
  '$not beside a field': [
    [{ price: { $not: { $gt: 20 } } }, true],
    [{ price: { $not: { $gt: 5 } } }, false],
    [{ price: { $not: 10 } }, false],
    [{ price: { $not: 11 } }, true],
    [{ missing: { $not: { $gt: 5 } } }, true],
    [{ numeric: { $not: { $gt: 5 } } }, true],
  ],
  logic: [
    [{}, true],
    [{ price: 10, flag: true }, true],
    [{ price: 10, flag: false }, false],
    [{ $and: [{ price: 10 }, { flag: true }] }, true],
    [{ $and: [{ price: 10 }, { flag: false }] }, false],
    [{ $and: [{}] }, true],
    [{ $or: [{ price: 11 }, { flag: true }] }, true],
    [{ $or: [{ price: 11 }, { flag: false }, { missing: 1 }] }, false],
    [{ flag: false, $or: [{ price: 10 }] }, false],
    [{ flag: true, $or: [{ price: 10 }] }, true],
    [{ $or: [{ price: 10 }], $and: [{ flag: false }] }, false],
    [{ $not: { price: 10 } }, false],
    [{ $not: { price: 11 } }, true],
    [{ $not: { missing: 1 } }, true],
    [{ $not: {} }, false],
    [{ $not: { $not: { price: 10 } } }, true],
    [
      {
        $or: [
          { $and: [{ price: { $gt: 5 } }, { name: { $startsWith: 'Blue' } }] },
          { flag: false },
        ],
      },
      true,
    ],
  ],
};

describe('compileFilter', () => {
  for (const [group, cases] of Object.entries(table)) {
    it.each(cases)(`${group}: %j → %s`, (filter, expected) => {
      expect(compileFilter(filter).test(doc)).toBe(expected);
    });
  }

  it('treats null, undefined and scalar metadata as having no fields', () => {
    for (const metadata of [null, undefined, 'text', 42, []]) {
      expect(compileFilter({}).test(metadata)).toBe(true);
      expect(compileFilter({ a: { $exists: false } }).test(metadata)).toBe(true);
      expect(compileFilter({ a: { $ne: 1 } }).test(metadata)).toBe(false);
      expect(compileFilter({ a: null }).test(metadata)).toBe(false);
    }
  });

  it('reads only own keys, never Object.prototype', () => {
    expect(compileFilter({ constructor: { $exists: true } }).test({})).toBe(false);
    expect(compileFilter({ 'a.toString': { $exists: true } }).test({ a: {} })).toBe(false);
    expect(compileFilter({ constructor: 1 }).test({ constructor: 1 })).toBe(true);
    const protoFilter = compileFilter(JSON.parse('{"__proto__": {"$eq": 1}}'));
    expect(protoFilter.test(JSON.parse('{"__proto__": 1}'))).toBe(true);
    expect(protoFilter.test({})).toBe(false);
    expect(
      compileFilter({ a: { b: 1 } }).test({ a: Object.assign(Object.create({ c: 2 }), { b: 1 }) }),
    ).toBe(true);
  });

  it('compares objects holding undefined as if JSON-serialised', () => {
    expect(compileFilter({ o: { a: 1 } }).test({ o: { a: 1, b: undefined } })).toBe(true);
    expect(compileFilter({ o: { a: 1 } }).test({ o: { b: 1 } })).toBe(false);
  });

  it('lists the fields read, once each, in order, without $elemMatch inner paths', () => {
    const compiled = compileFilter({
      price: { $gt: 1 },
      $or: [{ 'a.b': 1 }, { price: 2 }],
      $not: { tags: { $contains: 'x' } },
      items: { $elemMatch: { sku: 'a' } },
    });
    expect(compiled.fields).toEqual(['price', 'a.b', 'tags', 'items']);
    expect(Object.isFrozen(compiled.fields)).toBe(true);
    expect(compileFilter({}).fields).toEqual([]);
  });

  it('keeps a deep copy of the source, immune to later changes of the input', () => {
    const filter = { tags: { $contains: { k: [1] } }, $or: [{ n: { $in: [1, 2] } }] };
    const compiled = compileFilter(filter);
    filter.tags.$contains.k[0] = 9;
    filter.$or[0]!.n.$in.push(3);
    expect(compiled.source).toEqual({
      tags: { $contains: { k: [1] } },
      $or: [{ n: { $in: [1, 2] } }],
    });
    expect(compiled.test({ tags: [{ k: [1] }], n: 1 })).toBe(true);
    expect(compiled.test({ tags: [{ k: [9] }], n: 1 })).toBe(false);
    expect(compiled.test({ tags: [{ k: [1] }], n: 3 })).toBe(false);
  });

  it.each([
    ['(a+)+$', 'a'.repeat(100_000) + 'b', false],
    ['(a+)+$', 'a'.repeat(100_000), true],
    ['^(a|aa)+$', 'a'.repeat(100_000) + 'b', false],
    ['^(x+x+)+y', 'x'.repeat(100_000) + 'z', false],
    ['(.*a){20}', 'a'.repeat(100_000) + 'b', true],
  ])('finishes the catastrophic pattern %s on a long input', (pattern, input, expected) => {
    expect(compileFilter({ s: { $regex: pattern } }).test({ s: input })).toBe(expected);
  });
});
