import { describe, expect, it } from 'vitest';

import { runInFlight } from './run-in-flight.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('runInFlight', () => {
  it('runs every task once, in start order, never more than `concurrency` at a time', async () => {
    const started: number[] = [];
    let inFlight = 0;
    let peak = 0;
    await runInFlight(50, 8, async (i) => {
      started.push(i);
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      for (let t = 0; t < (i % 3) + 1; t++) await tick();
      inFlight -= 1;
    });
    expect(started).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(peak).toBe(8);
    expect(inFlight).toBe(0);
  });

  it('handles fewer tasks than lanes, and none', async () => {
    const seen: number[] = [];
    await runInFlight(3, 64, async (i) => void seen.push(i));
    expect(seen).toEqual([0, 1, 2]);
    await runInFlight(0, 4, async () => {
      throw new Error('never called');
    });
  });

  it('rethrows the first failure and starts no new task after it', async () => {
    const started: number[] = [];
    const run = runInFlight(100, 4, async (i) => {
      started.push(i);
      await tick();
      if (i === 5) throw new Error('task 5 failed');
    });
    await expect(run).rejects.toThrow('task 5 failed');
    expect(started.length).toBeLessThan(100);
    expect(Math.max(...started)).toBeLessThanOrEqual(5 + 4);
  });

  it('refuses a concurrency that is not a positive integer', async () => {
    await expect(runInFlight(1, 0, async () => undefined)).rejects.toThrow(/positive integer/);
  });
});
