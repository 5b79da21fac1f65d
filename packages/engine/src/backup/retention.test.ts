import { describe, expect, it } from 'vitest';

import { dependentsOf, planRetention, type RetentionItem } from './retention.js';

const DAY = 86_400_000;
const now = 100 * DAY;

/** Backups one day apart: `F` full, `I` incremental of the one before. */
function chain(pattern: string): RetentionItem[] {
  const items: RetentionItem[] = [];
  [...pattern].forEach((kind, i) => {
    items.push({
      id: `b${i}`,
      parentId: kind === 'I' ? `b${i - 1}` : null,
      createdAt: now - (pattern.length - i) * DAY,
    });
  });
  return items;
}

describe('planRetention', () => {
  it('keeps the newest by count and drops whole chains no kept backup needs', () => {
    const plan = planRetention(chain('FIIFI'), { maxCount: 2 }, now);
    expect(plan.keep).toEqual([
      { id: 'b4', reason: 'min-count' },
      { id: 'b3', reason: 'policy' },
    ]);
    expect(plan.remove).toEqual(['b2', 'b1', 'b0']);
  });

  it('never removes a link of a kept chain, whatever the count', () => {
    const plan = planRetention(chain('FIII'), { maxCount: 1 }, now);
    expect(plan.keep).toEqual([
      { id: 'b3', reason: 'min-count' },
      { id: 'b2', reason: 'chain' },
      { id: 'b1', reason: 'chain' },
      { id: 'b0', reason: 'chain' },
    ]);
    expect(plan.remove).toEqual([]);
  });

  it('drops by age, keeps the chains of the young ones', () => {
    // b0 F (6 days), b1 I, b2 I (4 days), b3 F (3 days), b4 I, b5 I (1 day)
    const plan = planRetention(chain('FIIFII'), { maxAgeMs: 2.5 * DAY }, now);
    expect(plan.keep.map((k) => [k.id, k.reason])).toEqual([
      ['b5', 'min-count'],
      ['b4', 'policy'],
      ['b3', 'chain'],
    ]);
    expect(plan.remove).toEqual(['b2', 'b1', 'b0']);
  });

  it('keeps the newest minCount even when all are too old, and a pinned backup with its chain', () => {
    const items = chain('FIFI');
    expect(planRetention(items, { maxAgeMs: DAY / 2, minCount: 1 }, now + 30 * DAY).remove).toEqual(
      ['b1', 'b0'],
    );
    const pinned = planRetention(items, { maxCount: 1 }, now, ['b1']);
    expect(pinned.keep.map((k) => [k.id, k.reason])).toEqual([
      ['b3', 'min-count'],
      ['b2', 'chain'],
      ['b1', 'pinned'],
      ['b0', 'chain'],
    ]);
  });

  it('rejects an invalid policy', () => {
    expect(() => planRetention([], { maxCount: 0 }, now)).toThrow();
  });
});

describe('dependentsOf', () => {
  it('finds every backup that builds on one, through branches', () => {
    const items: RetentionItem[] = [
      { id: 'f', parentId: null, createdAt: 1 },
      { id: 'i1', parentId: 'f', createdAt: 2 },
      { id: 'i2', parentId: 'i1', createdAt: 3 },
      { id: 'branch', parentId: 'f', createdAt: 4 },
      { id: 'g', parentId: null, createdAt: 5 },
    ];
    expect(dependentsOf(items, 'f').sort()).toEqual(['branch', 'i1', 'i2']);
    expect(dependentsOf(items, 'i2')).toEqual([]);
  });
});
