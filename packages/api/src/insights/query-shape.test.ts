import { describe, expect, it } from 'vitest';

import { searchShape, shapeId } from './query-shape.js';

describe('searchShape', () => {
  it('keeps k, ef and the filter structure, replacing every value', () => {
    const shape = searchShape({
      k: 10,
      ef_search: 64,
      filter: {
        year: { $gte: 2020, $lt: 2024 },
        lang: 'en',
        meta: { nested: 'object' },
        $or: [{ tag: { $in: ['a', 'b'] } }, { $not: { draft: true } }],
        items: { $elemMatch: { score: { $gt: 5 } } },
      },
      explain: true,
      include_vectors: false,
    });
    expect(shape).toEqual({
      k: 10,
      ef_search: 64,
      filter: {
        $or: [{ tag: { $in: '?' } }, { $not: { draft: '?' } }],
        items: { $elemMatch: { score: { $gt: '?' } } },
        lang: '?',
        meta: '?',
        year: { $gte: '?', $lt: '?' },
      },
      post_filter: null,
      options: ['ef_search', 'explain', 'filter'],
    });
    expect(JSON.stringify(shape)).not.toMatch(/2020|"en"|object/);
  });

  it('gives one id to searches differing only in values, another when the structure differs', () => {
    const a = searchShape({ k: 5, filter: { lang: 'en', year: { $gt: 1 } } });
    const b = searchShape({ k: 5, filter: { year: { $gt: 99 }, lang: 'fr' } });
    const c = searchShape({ k: 5, filter: { lang: 'en' } });
    const d = searchShape({ k: 6, filter: { lang: 'en', year: { $gt: 1 } } });
    expect(shapeId(a)).toBe(shapeId(b));
    expect(shapeId(a)).not.toBe(shapeId(c));
    expect(shapeId(a)).not.toBe(shapeId(d));
    expect(shapeId(a)).toMatch(/^[0-9a-f]{16}$/);
  });
});
