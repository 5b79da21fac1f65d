import { afterEach, describe, expect, it } from 'vitest';

import { generateClustered } from '../src/datasets/clustered.js';
import type { DatasetDistance } from '../src/datasets/dataset.js';
import { exactTopK } from '../src/ground-truth.js';
import { meanRecallAtK } from '../src/recall.js';
import type { AnnRunner, RunnerConfig } from '../src/runners/ann-runner.js';
import { EngineRunner } from '../src/runners/engine-runner.js';
import { HnswlibRunner } from '../src/runners/hnswlib-runner.js';
import { UsearchRunner } from '../src/runners/usearch-runner.js';

const implementations: [string, (config: RunnerConfig) => Promise<AnnRunner>][] = [
  ['usearch', async (config) => new UsearchRunner(config)],
  ['hnswlib', async (config) => new HnswlibRunner(config)],
  ['needle', (config) => EngineRunner.open(config)],
];

// One conformance suite for every runner: the harness must be able to trust each the same.
describe.each(implementations)('%s runner', (name, open) => {
  let runner: AnnRunner | undefined;
  afterEach(async () => {
    await runner?.close();
    runner = undefined;
  });

  for (const distance of ['euclidean', 'cosine'] as DatasetDistance[]) {
    it(`finds the exact neighbours of a small ${distance} set at a wide ef`, async () => {
      const data = generateClustered({
        count: 800,
        queryCount: 20,
        dimensions: 16,
        distance,
        clusters: 8,
        seed: 21,
      });
      runner = await open({ dimensions: 16, distance, m: 16, efConstruction: 128, capacity: 800 });
      expect(runner.name).toBe(name);
      // Added in two steps, as the harness does, so keys must continue across calls.
      await runner.prepareAdd(data.train.subarray(0, 500 * 16), 0)();
      await runner.prepareAdd(data.train.subarray(500 * 16), 500)();
      runner.setQueries(data.queries);
      await runner.setEf(256);
      const truth = exactTopK(data.train, data.queries, 16, distance, 10);

      const single: ArrayLike<number>[] = [];
      for (let q = 0; q < 20; q++) single.push(await runner.search(q, 10));
      expect(single.every((keys) => keys.length === 10)).toBe(true);
      expect(meanRecallAtK(single, truth, 10, 10)).toBeGreaterThanOrEqual(0.99);

      if (runner.searchMany) {
        const many = await runner.searchMany(5, 20, 10);
        expect(many).toHaveLength(15);
        expect(many.map((keys) => Array.from(keys))).toEqual(
          single.slice(5).map((keys) => Array.from(keys)),
        );
      }

      const bytes = await runner.reportedBytes();
      expect(bytes).toBeGreaterThan(800 * 16 * 4);
    });
  }

  it('narrows the search when ef shrinks', async () => {
    const data = generateClustered({
      count: 3000,
      queryCount: 100,
      dimensions: 32,
      distance: 'euclidean',
      seed: 8,
    });
    runner = await open({
      dimensions: 32,
      distance: 'euclidean',
      m: 16,
      efConstruction: 64,
      capacity: 3000,
    });
    await runner.prepareAdd(data.train, 0)();
    runner.setQueries(data.queries);
    const truth = exactTopK(data.train, data.queries, 32, 'euclidean', 10);
    const recallAt = async (ef: number) => {
      await runner!.setEf(ef);
      const found: ArrayLike<number>[] = [];
      for (let q = 0; q < 100; q++) found.push(await runner!.search(q, 10));
      return meanRecallAtK(found, truth, 10, 10);
    };
    expect(await recallAt(10)).toBeLessThan(await recallAt(256));
  });
});
