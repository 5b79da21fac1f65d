import { buildInterleaved } from './build-interleaved.js';
import type { Dataset } from './datasets/dataset.js';
import { formatNumber, formatTable } from './format-table.js';
import { bucketsFor, filteredTruth, matchingRows } from './filtered-truth.js';
import { meanRecallAtK } from './recall.js';
import { EngineRunner } from './runners/engine-runner.js';
import { median, percentile } from './stats.js';
import { timeBatchedQueries, timeSingleQueries } from './timed-runs.js';

/** Options of {@link runFilteredBench}. */
export interface FilteredOptions {
  m: number;
  efConstruction: number;
  k: number;
  /** Shares of the collection a filter matches (1 = no filter, the baseline). */
  shares: readonly number[];
  /** Search breadths measured for each share. */
  efs: readonly number[];
  rounds: number;
  queriesPerRun: number;
  batchSize: number;
  chunkSize: number;
  log: (line: string) => void;
}

/** One (share, ef) cell of the filtered benchmark. */
export interface FilteredRow {
  share: number;
  /** Vectors the filter matches. */
  matching: number;
  ef: number;
  recall: number;
  qps: number;
  p50Us: number;
  p99Us: number;
  concurrentQps: number;
}

/** The filtered benchmark's outcome. */
export interface FilteredReport {
  dataset: string;
  trainCount: number;
  dimensions: number;
  /** Build rate with metadata attached to every vector. */
  buildRate: number;
  rows: FilteredRow[];
  indexKind: string;
}

/**
 * Stores a `bucket` (0–99, seeded) with every vector, so `{ bucket: { $lt: s × 100 } }`
 * matches share `s` of the collection; measures our filtered search's recall@k against
 * the exact top-k of the matching vectors, and its single and concurrent QPS.
 */
export async function runFilteredBench(
  dataset: Dataset,
  options: FilteredOptions,
): Promise<FilteredReport> {
  const { k, log } = options;
  const buckets = bucketsFor(dataset.trainCount, 11);
  const engine = await EngineRunner.open(
    {
      dimensions: dataset.dimensions,
      distance: dataset.distance,
      m: options.m,
      efConstruction: options.efConstruction,
      capacity: dataset.trainCount,
    },
    { metadataOf: (key) => ({ bucket: buckets[key]! }) },
  );
  try {
    log(`  building needle with metadata (${dataset.trainCount} vectors)…`);
    const [build] = await buildInterleaved(
      [engine],
      dataset.train,
      dataset.dimensions,
      options.chunkSize,
    );
    engine.setQueries(dataset.queries);
    const rows: FilteredRow[] = [];
    for (const share of options.shares) {
      const limit = Math.round(share * 100);
      const subset = matchingRows(buckets, limit);
      const truth = filteredTruth(dataset, subset, k);
      engine.setFilter(share >= 1 ? null : { bucket: { $lt: limit } });
      for (const ef of options.efs) {
        await engine.setEf(ef);
        const found: ArrayLike<number>[] = [];
        for (let q = 0; q < dataset.queryCount; q++) found.push(await engine.search(q, k));
        const recall = meanRecallAtK(found, truth, k, k);
        const qps: number[] = [];
        const concurrent: number[] = [];
        const latencies: number[] = [];
        for (let round = 0; round < options.rounds; round++) {
          const pass = await timeSingleQueries(
            engine,
            dataset.queryCount,
            options.queriesPerRun,
            k,
          );
          qps.push(options.queriesPerRun / pass.seconds);
          latencies.push(...pass.latenciesUs);
          const seconds = await timeBatchedQueries(
            engine.searchMany.bind(engine),
            dataset.queryCount,
            options.queriesPerRun,
            options.batchSize,
            k,
          );
          concurrent.push(options.queriesPerRun / seconds);
        }
        const row = {
          share,
          matching: subset.length,
          ef,
          recall,
          qps: median(qps),
          p50Us: percentile(latencies, 50),
          p99Us: percentile(latencies, 99),
          concurrentQps: median(concurrent),
        };
        log(
          `  ${shareLabel(share)} ef ${ef}: recall ${recall.toFixed(3)}, ${Math.round(row.qps)} q/s`,
        );
        rows.push(row);
      }
    }
    return {
      dataset: dataset.name,
      trainCount: dataset.trainCount,
      dimensions: dataset.dimensions,
      buildRate: dataset.trainCount / build!.seconds,
      rows,
      indexKind: engine.stats().index.kind,
    };
  } finally {
    await engine.close();
  }
}

/** The filtered benchmark as a table. */
export function formatFilteredReport(report: FilteredReport): string {
  const header =
    `== filtered search (needle, index ${report.indexKind}) on ${report.dataset}: ${formatNumber(report.trainCount)} × ${report.dimensions}; ` +
    `build with metadata ${formatNumber(report.buildRate)} vec/s`;
  const table = formatTable(
    ['filter matches', 'vectors', 'ef', 'recall@10', 'QPS', 'p50 µs', 'p99 µs', 'concurrent QPS'],
    report.rows.map((r) => [
      shareLabel(r.share),
      formatNumber(r.matching),
      String(r.ef),
      r.recall.toFixed(3),
      formatNumber(r.qps),
      formatNumber(r.p50Us, 1),
      formatNumber(r.p99Us, 1),
      formatNumber(r.concurrentQps),
    ]),
  );
  return [
    header,
    table,
    '  recall against the exact top-10 of the matching vectors; 100% is the unfiltered baseline.',
  ].join('\n');
}

function shareLabel(share: number): string {
  return share >= 1 ? '100% (no filter)' : `${Math.round(share * 100)}%`;
}
