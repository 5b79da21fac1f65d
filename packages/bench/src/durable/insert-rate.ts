import type { CollectionConfig } from '@needle/engine';

import { rowOf, type Dataset } from '../datasets/dataset.js';
import { openTarget, writesPerTransaction, type DurableTarget } from './durable-target.js';
import { runInFlight } from './run-in-flight.js';

/** How the writes are issued. */
export const INSERT_PATTERNS = ['single', 'concurrent', 'batch'] as const;

/** One of {@link INSERT_PATTERNS}. */
export type InsertPattern = (typeof INSERT_PATTERNS)[number];

/** Settings of {@link measureInsertRates}. */
export interface InsertRateOptions {
  /** Rows of `train` are the vectors written (row `i` gets id `"i"`). */
  dataset: Dataset;
  targets: readonly DurableTarget[];
  /** Vectors written per pattern (each pattern and target starts from an empty collection). */
  counts: Readonly<Record<InsertPattern, number>>;
  /** Inserts kept in flight by the `concurrent` pattern. */
  concurrency: number;
  /** Vectors per `insertMany` in the `batch` pattern. */
  batchSize: number;
  collection: CollectionConfig;
  /** Directory for the durable databases (each is deleted after its run). */
  dir: string;
  log: (line: string) => void;
}

/** One measured (pattern, target) pair. */
export interface InsertRate {
  pattern: InsertPattern;
  target: DurableTarget;
  vectors: number;
  seconds: number;
  vectorsPerSecond: number;
  /** Writes per SQLite transaction (group commit), null for memory. */
  writesPerTransaction: number | null;
}

/**
 * Times inserting into a fresh collection for every pattern and target: `single` awaits each
 * `insert` before the next, `concurrent` keeps `concurrency` inserts in flight (group commit
 * merges them into shared transactions), `batch` awaits `insertMany` of `batchSize` at a time.
 * Targets run side by side per pattern, so machine drift hits them alike. Every write
 * resolves only once it is committed and indexed, so the rate includes both.
 */
export async function measureInsertRates(options: InsertRateOptions): Promise<InsertRate[]> {
  const { dataset, counts } = options;
  const largest = Math.max(...INSERT_PATTERNS.map((p) => counts[p]));
  if (largest > dataset.trainCount) {
    throw new Error(`insert rates need ${largest} vectors, the dataset has ${dataset.trainCount}`);
  }
  const records = Array.from({ length: largest }, (_, i) => ({
    id: String(i),
    vector: rowOf(dataset.train, dataset.dimensions, i),
  }));
  const results: InsertRate[] = [];
  for (const pattern of INSERT_PATTERNS) {
    for (const target of options.targets) {
      const open = await openTarget(
        target,
        options.dir,
        `insert-${pattern}-${target}`,
        options.collection,
      );
      const count = counts[pattern];
      const col = open.collection;
      const started = performance.now();
      switch (pattern) {
        case 'single':
          for (let i = 0; i < count; i++) await col.insert(records[i]!);
          break;
        case 'concurrent':
          await runInFlight(count, options.concurrency, (i) => col.insert(records[i]!));
          break;
        case 'batch':
          for (let from = 0; from < count; from += options.batchSize) {
            await col.insertMany(records.slice(from, Math.min(from + options.batchSize, count)));
          }
          break;
      }
      const seconds = (performance.now() - started) / 1000;
      if (col.size !== count)
        throw new Error(`${target}/${pattern}: ${col.size} of ${count} vectors stored`);
      const rate: InsertRate = {
        pattern,
        target,
        vectors: count,
        seconds,
        vectorsPerSecond: count / seconds,
        writesPerTransaction: writesPerTransaction(open.db),
      };
      results.push(rate);
      await open.dispose();
      options.log(
        `  insert ${pattern.padEnd(10)} ${target.padEnd(6)} ${count} vectors in ${seconds.toFixed(2)} s`,
      );
    }
  }
  return results;
}
