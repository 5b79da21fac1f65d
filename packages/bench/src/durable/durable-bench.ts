import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { Database, type CollectionConfig } from '@needle/engine';

import { generateClustered } from '../datasets/clustered.js';
import { SYNC_MODES, type DurableTarget } from './durable-target.js';
import { measureInsertRates, type InsertPattern, type InsertRate } from './insert-rate.js';
import { measureOpenTime, type OpenTimeReport } from './open-time.js';
import { measureReaderBlocking, type ReaderBlockingReport } from './reader-blocking.js';

/** Settings of {@link runDurableBench}. */
export interface DurableBenchOptions {
  quick: boolean;
  m: number;
  efConstruction: number;
  /** Where the open-time database is kept between runs. */
  cacheDir: string;
  log: (line: string) => void;
}

/** Everything the durability benchmark measured. */
export interface DurableReport {
  /** The engine's ANN implementation in this process (`native-hnsw` or the `usearch-js` fallback). */
  indexKind: string;
  dimensions: number;
  m: number;
  efConstruction: number;
  concurrency: number;
  batchSize: number;
  searchIntervalMs: number;
  cores: number;
  /** One-minute load average when the run started and ended: other work shares the cores. */
  loadBefore: number;
  loadAfter: number;
  insertRates: InsertRate[];
  readerBlocking: ReaderBlockingReport[];
  openTime: OpenTimeReport;
}

const DIMENSIONS = 128;
const CONCURRENCY = 64;
const BATCH = 1000;
const K = 10;
/** The reader's schedule during the bulk insert: 500 searches a second. */
const SEARCH_INTERVAL_MS = 2;

/** Vectors per insert pattern; the durable singles are bounded by the disk's sync rate. */
const INSERT_COUNTS: Record<'full' | 'quick', Record<InsertPattern, number>> = {
  full: { single: 2000, concurrent: 20_000, batch: 50_000 },
  quick: { single: 500, concurrent: 5000, batch: 10_000 },
};

/**
 * The durability benchmark: insert rates of each sync mode against the in-memory engine,
 * what a reader sees during a bulk insert, and open time of a saved collection with and
 * without its saved index (1M × 128; `quick`: 100k, and smaller insert runs).
 */
export async function runDurableBench(options: DurableBenchOptions): Promise<DurableReport> {
  const { quick, log } = options;
  const loadBefore = loadavg()[0]!;
  const bulkVectors = quick ? 20_000 : 100_000;
  const counts = INSERT_COUNTS[quick ? 'quick' : 'full'];
  const dataset = generateClustered({
    count: Math.max(bulkVectors, ...Object.values(counts)),
    queryCount: 1000,
    dimensions: DIMENSIONS,
    distance: 'euclidean',
  });
  const collection: CollectionConfig = {
    dimensions: DIMENSIONS,
    distance: 'euclidean',
    index: { m: options.m, efConstruction: options.efConstruction },
    quantization: 'f32',
  };
  const indexKind = await indexKindOf(collection);
  const dir = mkdtempSync(join(tmpdir(), 'needle-bench-durable-'));
  try {
    const targets: DurableTarget[] = ['memory', ...SYNC_MODES];
    log(`\ndurable: insert rates (${targets.join(', ')}) in ${dir}`);
    const insertRates = await measureInsertRates({
      dataset,
      targets,
      counts,
      concurrency: CONCURRENCY,
      batchSize: BATCH,
      collection,
      dir,
      log,
    });

    log(`\ndurable: readers during a bulk insert of ${bulkVectors} vectors`);
    const readerBlocking: ReaderBlockingReport[] = [];
    for (const target of ['fsync', 'memory'] as const) {
      readerBlocking.push(
        await measureReaderBlocking(target, {
          dataset,
          vectors: bulkVectors,
          batchSize: BATCH,
          k: K,
          searchIntervalMs: SEARCH_INTERVAL_MS,
          collection,
          dir,
          log,
        }),
      );
    }

    log('\ndurable: open time');
    const openTime = await measureOpenTime({
      spec: {
        count: quick ? 100_000 : 1_000_000,
        dimensions: DIMENSIONS,
        distance: 'euclidean',
        m: options.m,
        efConstruction: options.efConstruction,
        seed: 7,
      },
      cacheDir: options.cacheDir,
      buildBatch: 10_000,
      log,
    });

    return {
      indexKind,
      dimensions: DIMENSIONS,
      m: options.m,
      efConstruction: options.efConstruction,
      concurrency: CONCURRENCY,
      batchSize: BATCH,
      searchIntervalMs: SEARCH_INTERVAL_MS,
      cores: cpus().length,
      loadBefore,
      loadAfter: loadavg()[0]!,
      insertRates,
      readerBlocking,
      openTime,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The index implementation the engine picks in this process (it falls back when the addon is missing). */
async function indexKindOf(config: CollectionConfig): Promise<string> {
  const db = await Database.open(':memory:');
  try {
    return (await db.createCollection('probe', config)).stats().index.kind;
  } finally {
    await db.close();
  }
}
