import { describe, expect, it } from 'vitest';

import { groupSlowQueries, nearestRank } from './group-slow-queries.js';
import { searchShape, shapeId } from './query-shape.js';
import type { SlowQueryRecord } from './search-insights.js';

const plain = searchShape({ k: 10 });
const filtered = searchShape({ k: 10, filter: { lang: 'en' } });

function record(id: number, collection: string, shape = plain, durationMs = id): SlowQueryRecord {
  return {
    id,
    at: 1000 + id,
    collection,
    shapeId: shapeId(shape),
    shape,
    durationMs,
    requestId: null,
  };
}

describe('groupSlowQueries', () => {
  it('groups by collection and shape with count, percentiles, max, last seen and newest ids', () => {
    const records = [
      ...Array.from({ length: 20 }, (_, i) => record(i + 1, 'docs')),
      record(21, 'docs', filtered, 500),
      record(22, 'other', plain, 3),
    ];
    const groups = groupSlowQueries(records);
    expect(groups.map((g) => [g.collection, g.shapeId, g.count])).toEqual([
      ['docs', shapeId(filtered), 1],
      ['docs', shapeId(plain), 20],
      ['other', shapeId(plain), 1],
    ]);
    const docs = groups[1]!;
    expect(docs).toMatchObject({ p50Ms: 10, p95Ms: 19, maxMs: 20, lastSeen: 1020 });
    expect(docs.exampleIds).toEqual([20, 19, 18, 17, 16]);
  });

  it('answers no groups for no records', () => {
    expect(groupSlowQueries([])).toEqual([]);
  });
});

describe('nearestRank', () => {
  it('is the smallest value with the share at or below it', () => {
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4], 0.95)).toBe(4);
    expect(nearestRank([7], 0.5)).toBe(7);
  });
});
