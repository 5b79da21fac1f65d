import { describe, expect, it } from 'vitest';

import { BackgroundBudget } from './background-budget.js';

/** Keeps the thread busy for about `ms`, as an exact search does. */
function work(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

describe('BackgroundBudget', () => {
  it('rests after each job so the jobs take at most their share of wall time', async () => {
    const budget = new BackgroundBudget({ maxCpuShare: 0.25, maxQueue: 10 });
    const ran: number[] = [];
    for (let i = 0; i < 4; i++)
      expect(
        budget.offer(() => {
          work(4);
          ran.push(i);
        }),
      ).toBe(true);
    await budget.idle();
    expect(ran).toEqual([0, 1, 2, 3]);
    expect(budget.workMs).toBeGreaterThan(0);
    // Each rest is three times the work before it (timers may fire up to 1 ms early).
    expect(budget.restMs).toBeGreaterThanOrEqual(3 * budget.workMs - 4);
  });

  it('refuses jobs beyond its queue, and after stop, and keeps going when a job throws', async () => {
    const errors: unknown[] = [];
    const budget = new BackgroundBudget({
      maxCpuShare: 1,
      maxQueue: 2,
      onError: (err) => errors.push(err),
    });
    const ran: string[] = [];
    // The first job starts at once and leaves the queue; two more fit, the fourth does not.
    expect(budget.offer(() => void ran.push('a'))).toBe(true);
    expect(
      budget.offer(() => {
        throw new Error('boom');
      }),
    ).toBe(true);
    expect(budget.offer(() => void ran.push('c'))).toBe(true);
    expect(budget.offer(() => void ran.push('d'))).toBe(false);
    await budget.idle();
    expect(ran).toEqual(['a', 'c']);
    expect(errors).toHaveLength(1);
    await budget.stop();
    expect(budget.offer(() => undefined)).toBe(false);
  });

  it('rejects a share outside (0, 1]', () => {
    expect(() => new BackgroundBudget({ maxCpuShare: 0, maxQueue: 1 })).toThrow(RangeError);
    expect(() => new BackgroundBudget({ maxCpuShare: 1.5, maxQueue: 1 })).toThrow(RangeError);
  });
});
