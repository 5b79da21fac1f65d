import { Database } from '@needle/engine';
import { describe, expect, it } from 'vitest';

import { BackgroundBudget } from './background-budget.js';
import { RecallMonitor } from './recall-monitor.js';

const row = (i: number) => Array.from({ length: 32 }, (_, d) => Math.sin(i * 0.37 + d * 1.3));

describe('RecallMonitor', () => {
  it('does not measure a search answered while the index was catching up with a bulk insert', async () => {
    const db = await Database.open(':memory:');
    const collection = await db.createCollection('docs', { dimensions: 32, distance: 'euclidean' });
    await collection.insertMany(
      Array.from({ length: 1000 }, (_, i) => ({ id: `a${i}`, vector: row(i) })),
    );
    const events: string[] = [];
    const budget = new BackgroundBudget({ maxCpuShare: 1, maxQueue: 10 });
    const monitor = new RecallMonitor({ sampleRate: 1, window: 100 }, budget, {
      sampled: () => events.push('sampled'),
      dropped: (_, reason) => events.push(reason),
    });
    const observe = async (vector: number[]) => {
      const changeVersion = collection.changeVersion;
      const { hits } = await collection.search(vector, 5);
      monitor.observe({
        collection,
        name: 'docs',
        request: { vector, k: 5 },
        hits,
        changeVersion,
        durationMs: 1,
        at: Date.now(),
        requestId: undefined,
        trace: undefined,
      });
    };

    const bulk = collection.insertMany(
      Array.from({ length: 9000 }, (_, i) => ({ id: `b${i}`, vector: row(1000 + i) })),
    );
    // The batch is in the collection at once; its vectors reach the index in slices.
    while (collection.size < 10_000) await new Promise((resolve) => setImmediate(resolve));
    expect(collection.indexIdle).toBe(false);
    await observe(row(9999));
    await budget.idle();
    await bulk;
    expect(events).toEqual(['changed']);

    // Once the index has caught up, searches are measured again.
    await observe(row(9999));
    await budget.idle();
    expect(events).toEqual(['changed', 'sampled']);
    expect(monitor.estimates().get('docs')?.samples).toBe(1);
    await budget.stop();
    await db.close();
  });
});
