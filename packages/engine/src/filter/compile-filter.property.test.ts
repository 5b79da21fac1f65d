import { describe, expect, it } from 'vitest';

import { compileFilter } from './compile-filter.js';

// A deliberately plain interpreter of the filter language, written from the rules in
// compileFilter's documentation and sharing no code with it, to check the compiled closures.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const LOGIC = ['$and', '$or', '$not'];

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const same = (a: unknown, b: unknown): boolean => a !== undefined && canonical(a) === canonical(b);

function lookup(document: unknown, path: string): unknown {
  let current: unknown = document;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      current = /^(0|[1-9][0-9]*)$/.test(segment) ? current[Number(segment)] : undefined;
    } else if (current !== null && typeof current === 'object') {
      current = Object.prototype.hasOwnProperty.call(current, segment)
        ? (current as Record<string, unknown>)[segment]
        : undefined;
    } else {
      return undefined;
    }
  }
  return current;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function referenceMatch(filter: Record<string, unknown>, document: unknown): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$and')
      return (condition as Record<string, unknown>[]).every((f) => referenceMatch(f, document));
    if (key === '$or')
      return (condition as Record<string, unknown>[]).some((f) => referenceMatch(f, document));
    if (key === '$not') return !referenceMatch(condition as Record<string, unknown>, document);
    return referenceCondition(condition, lookup(document, key));
  });
}

function referenceCondition(condition: unknown, value: unknown): boolean {
  const isOperators =
    condition !== null &&
    typeof condition === 'object' &&
    !Array.isArray(condition) &&
    Object.keys(condition).some((k) => k.startsWith('$'));
  if (!isOperators) return same(value, condition);
  return Object.entries(condition).every(([op, operand]) => referenceOperator(op, operand, value));
}

function referenceOperator(op: string, x: unknown, v: unknown): boolean {
  if (op === '$exists') return x === (v !== undefined);
  if (op === '$not') return !referenceCondition(x, v);
  if (v === undefined) return false;
  // The generator makes only valid operands, so the reference trusts their types.
  const num = x as number;
  const str = x as string;
  const list = x as unknown[];
  switch (op) {
    case '$eq':
      return same(v, x);
    case '$ne':
      return !same(v, x);
    case '$gt':
      return typeof v === 'number' && v > num;
    case '$gte':
      return typeof v === 'number' && v >= num;
    case '$lt':
      return typeof v === 'number' && v < num;
    case '$lte':
      return typeof v === 'number' && v <= num;
    case '$between':
      return typeof v === 'number' && (list[0] as number) <= v && v <= (list[1] as number);
    case '$in':
      return list.some((y) => same(v, y));
    case '$nin':
      return !list.some((y) => same(v, y));
    case '$contains':
      if (typeof v === 'string') return typeof x === 'string' && v.indexOf(x) >= 0;
      return Array.isArray(v) && v.some((e) => same(e, x));
    case '$startsWith':
      return typeof v === 'string' && v.slice(0, str.length) === str;
    case '$endsWith':
      return (
        typeof v === 'string' && v.length >= str.length && v.slice(v.length - str.length) === str
      );
    case '$regex':
      return typeof v === 'string' && new RegExp(str).test(v);
    case '$all':
      return Array.isArray(v) && list.every((y) => v.some((e) => same(e, y)));
    case '$size':
      return Array.isArray(v) && v.length === num;
    case '$type':
      return typeName(v) === x;
    case '$elemMatch': {
      if (!Array.isArray(v)) return false;
      const sub = x as Record<string, unknown>;
      const onElement = Object.keys(sub).some((k) => k.startsWith('$') && !LOGIC.includes(k));
      return v.some((e) => (onElement ? referenceCondition(sub, e) : referenceMatch(sub, e)));
    }
    default:
      throw new Error(`reference does not know ${op}`);
  }
}

/** mulberry32: a small seeded PRNG, so a failure replays exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generators(random: () => number) {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const STRINGS = ['', 'a', 'ab', 'abc', 'b', 'ba', 'cab'];
  const NUMBERS = [-2, -1, 0, 0.5, 1, 2, 3];
  const scalar = (): Json =>
    pick<() => Json>([
      () => pick(NUMBERS),
      () => pick(STRINGS),
      () => random() < 0.5,
      () => null,
    ])();
  const list = (make: () => Json): Json[] => Array.from({ length: int(4) }, make);
  const small = (): Json =>
    pick<() => Json>([
      scalar,
      scalar,
      () => list(scalar),
      () => ({ n: pick(NUMBERS), s: pick(STRINGS) }),
    ])();

  const document = (): Record<string, Json> => {
    const out: Record<string, Json> = {};
    const fields: Record<string, () => Json> = {
      n: () => (random() < 0.8 ? pick(NUMBERS) : small()),
      s: () => (random() < 0.8 ? pick(STRINGS) : small()),
      b: () => random() < 0.5,
      z: () => null,
      t: () => (random() < 0.8 ? list(() => pick(STRINGS)) : small()),
      o: () => ({
        n: pick(NUMBERS),
        s: pick(STRINGS),
        ...(random() < 0.3 ? { t: list(scalar) } : {}),
      }),
      arr: () => list(() => ({ n: pick(NUMBERS), s: pick(STRINGS) })),
    };
    for (const [key, make] of Object.entries(fields)) if (random() < 0.7) out[key] = make();
    return out;
  };

  const PATHS = [
    'n',
    's',
    'b',
    'z',
    't',
    'o',
    'o.n',
    'o.s',
    'o.t',
    't.0',
    't.1',
    'arr',
    'arr.0.n',
    'arr.s',
    'missing',
  ];
  const REGEXES = ['^a', 'b$', 'a|c', '^$', 'a+b', 'c.b'];
  const TYPES = ['string', 'number', 'boolean', 'null', 'array', 'object'];
  const operator = (budget: number): [string, Json] => {
    const op = pick([
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
    ]);
    switch (op) {
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        return [op, pick(NUMBERS)];
      case '$between': {
        const a = pick(NUMBERS),
          b = pick(NUMBERS);
        return [op, [Math.min(a, b), Math.max(a, b)]];
      }
      case '$in':
      case '$nin':
      case '$all':
        return [op, list(small)];
      case '$exists':
        return [op, random() < 0.5];
      case '$startsWith':
      case '$endsWith':
        return [op, pick(STRINGS)];
      case '$regex':
        return [op, pick(REGEXES)];
      case '$size':
        return [op, int(4)];
      case '$type':
        return [op, pick(TYPES)];
      case '$elemMatch':
        if (budget > 0 && random() < 0.5) return [op, filter(budget - 1)];
        // Only $not would make it a filter on the element document, where $not needs a filter.
        return [op, { $exists: true, ...operators(budget - 1) }];
      case '$not':
        return [op, budget > 0 && random() < 0.7 ? operators(budget - 1) : small()];
      default:
        return [op, small()];
    }
  };
  const operators = (budget: number): Record<string, Json> => {
    const out: Record<string, Json> = {};
    const count = 1 + int(2);
    for (let i = 0; i < count; i++) {
      const [op, operand] = operator(budget);
      out[op] = operand;
    }
    return out;
  };
  const filter = (budget: number): Record<string, Json> => {
    const out: Record<string, Json> = {};
    const count = int(3) + (budget > 0 ? 0 : 1);
    for (let i = 0; i < count; i++) {
      const roll = random();
      if (budget > 0 && roll < 0.15)
        out['$and'] = Array.from({ length: 1 + int(3) }, () => filter(budget - 1));
      else if (budget > 0 && roll < 0.3)
        out['$or'] = Array.from({ length: 1 + int(3) }, () => filter(budget - 1));
      else if (budget > 0 && roll < 0.4) out['$not'] = filter(budget - 1);
      else out[pick(PATHS)] = random() < 0.25 ? small() : operators(budget);
    }
    return out;
  };
  return { document, filter };
}

describe('compileFilter agrees with a reference evaluator', () => {
  it.each([1, 2, 3, 4])('on random filters and documents (seed %i)', (seed) => {
    const { document, filter } = generators(prng(seed));
    const documents = Array.from({ length: 200 }, document);
    let matches = 0;
    let total = 0;
    for (let f = 0; f < 150; f++) {
      const source = filter(3);
      const compiled = compileFilter(source);
      for (const doc of documents) {
        const expected = referenceMatch(source, doc);
        const actual = compiled.test(doc);
        if (actual !== expected) {
          expect({ filter: source, document: doc, result: actual }).toEqual({
            filter: source,
            document: doc,
            result: expected,
          });
        }
        total++;
        if (expected) matches++;
      }
    }
    // Guards against a generator that only makes trivially true or false filters.
    expect(matches / total).toBeGreaterThan(0.1);
    expect(matches / total).toBeLessThan(0.9);
  });
});
