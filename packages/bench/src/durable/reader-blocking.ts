import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

import type { CollectionConfig } from '@needle/engine';

import { rowOf, type Dataset } from '../datasets/dataset.js';
import { openTarget, type DurableTarget } from './durable-target.js';
import {
  summarizeLatencies,
  summarizeLoopDelay,
  type LatencySummary,
  type LoopDelaySummary,
} from './latency-summary.js';

/** Settings of {@link measureReaderBlocking}. */
export interface ReaderBlockingOptions {
  /** The first `vectors` rows of `train` are inserted; `queries` are searched meanwhile. */
  dataset: Dataset;
  vectors: number;
  batchSize: number;
  k: number;
  /** A search falls due every this many milliseconds. */
  searchIntervalMs: number;
  collection: CollectionConfig;
  /** Directory for the durable database (deleted afterwards). */
  dir: string;
  log: (line: string) => void;
}

/** What a reader saw while one bulk insert ran. */
export interface ReaderBlockingReport {
  target: DurableTarget;
  vectors: number;
  insertSeconds: number;
  vectorsPerSecond: number;
  /** How late the event loop ran (timers at 1 ms resolution), during the insert. */
  loopDelay: LoopDelaySummary;
  /**
   * Searches during the insert, one due every `searchIntervalMs` (or at once when the last
   * one finished late), each timed from when it fell due to its result: time spent waiting
   * for a blocked event loop counts.
   */
  search: LatencySummary;
}

/**
 * Inserts `vectors` rows in `insertMany` batches of `batchSize`, awaited one after another,
 * while `monitorEventLoopDelay` watches the event loop and a reader searches on a fixed
 * schedule, as requests arriving at a steady rate would: a search that falls due while the
 * loop is blocked runs late, and its latency (from when it was due) says by how much. A
 * reader that fell behind skips the missed slots. The first batch goes in before measuring,
 * so the reader has something to find.
 */
export async function measureReaderBlocking(
  target: DurableTarget,
  options: ReaderBlockingOptions,
): Promise<ReaderBlockingReport> {
  const { dataset, batchSize } = options;
  if (options.vectors > dataset.trainCount || options.vectors <= batchSize) {
    throw new Error(`reader blocking needs ${batchSize} < vectors ≤ ${dataset.trainCount}`);
  }
  const open = await openTarget(target, options.dir, `reader-${target}`, options.collection);
  const col = open.collection;
  const batchOf = (from: number) =>
    Array.from({ length: Math.min(batchSize, options.vectors - from) }, (_, i) => ({
      id: String(from + i),
      vector: rowOf(dataset.train, dataset.dimensions, from + i),
    }));
  await col.insertMany(batchOf(0));

  const latencies: number[] = [];
  let inserting = true;
  const reader = (async () => {
    let due = performance.now();
    for (let q = 0; inserting; q = (q + 1) % dataset.queryCount) {
      const wait = due - performance.now();
      if (wait >= 1) await sleep(wait);
      else await nextTurn();
      await col.search(rowOf(dataset.queries, dataset.dimensions, q), options.k);
      const done = performance.now();
      latencies.push(done - due);
      // Slots missed while blocked are dropped, not queued: each latency is one wait, and a
      // long insert cannot pile up a backlog that would swamp the figures.
      due = Math.max(due + options.searchIntervalMs, done);
    }
  })();

  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  let insertSeconds = Number.NaN;
  try {
    for (let from = batchSize; from < options.vectors; from += batchSize) {
      await col.insertMany(batchOf(from));
    }
    insertSeconds = (performance.now() - started) / 1000;
  } finally {
    inserting = false;
    delay.disable();
    await reader;
  }
  const inserted = options.vectors - batchSize;
  const report: ReaderBlockingReport = {
    target,
    vectors: options.vectors,
    insertSeconds,
    vectorsPerSecond: inserted / insertSeconds,
    loopDelay: summarizeLoopDelay(delay),
    search: summarizeLatencies(latencies),
  };
  await open.dispose();
  options.log(
    `  bulk insert ${target.padEnd(6)} ${options.vectors} vectors in ${insertSeconds.toFixed(1)} s, ` +
      `${latencies.length} searches meanwhile`,
  );
  return report;
}
