import { describe, expect, it } from 'vitest';

import { compilePath } from './compile-path.js';

const doc = JSON.parse(
  '{"a": {"b": {"c": [10, {"d": "deep"}]}}, "list": [[1, 2], {"0": "zero-key"}], "__proto__": {"x": 1}, "n": null}',
) as unknown;

describe('compilePath', () => {
  it.each([
    ['a.b.c.0', 10],
    ['a.b.c.1.d', 'deep'],
    ['list.0.1', 2],
    ['list.1.0', 'zero-key'],
    ['__proto__.x', 1],
    ['n', null],
  ])('reads %s', (path, expected) => {
    expect(compilePath(path)(doc)).toEqual(expected);
  });

  it.each([
    'missing',
    'a.missing',
    'a.b.c.2',
    'a.b.c.01',
    'a.b.c.-1',
    'a.b.c.length',
    'a.b.c.1.d.0',
    'n.x',
    'constructor',
    'a.hasOwnProperty',
    'list.99999999999',
  ])('finds %s missing', (path) => {
    expect(compilePath(path)(doc)).toBeUndefined();
  });

  it('treats scalars and absent documents as having no fields', () => {
    for (const document of [null, undefined, 3, 'abc', true]) {
      expect(compilePath('a')(document)).toBeUndefined();
      expect(compilePath('a.b.c')(document)).toBeUndefined();
    }
  });
});
