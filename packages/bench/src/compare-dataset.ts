import { buildInterleaved } from './build-interleaved.js';
import type { Dataset } from './datasets/dataset.js';
import { sweepEf, type EfChoice } from './ef-sweep.js';
import { checklistMemoryBytes } from './memory.js';
import type { AnnRunner } from './runners/ann-runner.js';
import { median, percentile } from './stats.js';
import { timeInterleaved } from './timed-runs.js';

/** How a comparison is run; every library gets the same. */
export interface CompareOptions {
  /** HNSW `M`. */
  m: number;
  /** HNSW `ef_construction`. */
  efConstruction: number;
  /** Neighbours per query (recall@k). */
  k: number;
  /** Recall@k each library's `ef` is chosen to reach. */
  targetRecall: number;
  efSweep: readonly number[];
  /** Timed rounds; libraries take turns within each round. */
  rounds: number;
  /** See {@link RoundOptions.minSingleSeconds}; more rounds, up to `maxRounds`. */
  minSingleSeconds?: number;
  maxRounds?: number;
  /**
   * Extra builds for datasets that build fast: while some library has spent less than
   * `minSeconds` building, fresh runners from `fresh` (same libraries, same order) build
   * the dataset again, interleaved, up to `maxBuilds` builds in all. The build rate is then
   * the median over builds; the kept index is the first build's.
   */
  rebuild?: {
    fresh: () => Promise<AnnRunner[]>;
    minSeconds: number;
    maxBuilds: number;
  };
  /** Queries per timed run (the query set is cycled). */
  queriesPerRun: number;
  /** Untimed queries per library before the first round. */
  warmupQueries: number;
  /** Queries per batch call / concurrent wave. */
  batchSize: number;
  /** Rows per interleaved build step. */
  chunkSize: number;
  log: (line: string) => void;
}

/** Everything measured for one library on one dataset. */
export interface RunnerReport {
  name: string;
  /** Median over builds of the time one build took. */
  buildSeconds: number;
  /** Vectors indexed per second (at the median build time). */
  buildRate: number;
  /** How many times the dataset was built to measure it. */
  builds: number;
  rssDeltaBytes: number;
  /** Index bytes the library reports or serialises; null if unknown. */
  reportedBytes: number | null;
  choice: EfChoice;
  /** Median over rounds of single-query throughput. */
  qps: number;
  p50Us: number;
  p99Us: number;
  /** Median over rounds of batched / concurrent throughput; null without such a path. */
  batchQps: number | null;
}

/** The comparison on one dataset. */
export interface DatasetReport {
  dataset: string;
  trainCount: number;
  queryCount: number;
  dimensions: number;
  distance: string;
  m: number;
  efConstruction: number;
  /** The checklist formula for this dataset's size. */
  formulaBytes: number;
  runners: RunnerReport[];
}

/**
 * Builds every runner's index from `dataset` (interleaved; again on fresh runners while
 * builds are short, see {@link CompareOptions.rebuild}), picks each one's smallest `ef`
 * reaching the target recall, then times single and batched queries in rounds where the
 * libraries take turns, so speed drift hits all of them alike. Closes the runners.
 */
export async function compareOnDataset(
  dataset: Dataset,
  runners: readonly AnnRunner[],
  truth: Uint32Array,
  options: CompareOptions,
): Promise<DatasetReport> {
  const { log, k } = options;
  const n = dataset.trainCount;
  try {
    log(`  building ${runners.map((r) => r.name).join(', ')} (${n} vectors, interleaved)…`);
    let lastShown = 0;
    const builds = await buildInterleaved(
      runners,
      dataset.train,
      dataset.dimensions,
      options.chunkSize,
      (done, total) => {
        if (done === total || done - lastShown >= total / 4) {
          log(`    ${done}/${total}`);
          lastShown = done;
        }
      },
    );
    const buildSeconds = builds.map((b) => [b.seconds]);
    if (options.rebuild) {
      const { fresh, minSeconds, maxBuilds } = options.rebuild;
      const spent = () => Math.min(...buildSeconds.map((s) => s.reduce((a, b) => a + b, 0)));
      while (buildSeconds[0]!.length < maxBuilds && spent() < minSeconds) {
        const again = await fresh();
        try {
          if (again.map((r) => r.name).join() !== runners.map((r) => r.name).join())
            throw new Error('rebuild.fresh must make the same libraries in the same order');
          const costs = await buildInterleaved(
            again,
            dataset.train,
            dataset.dimensions,
            options.chunkSize,
          );
          costs.forEach((cost, i) => buildSeconds[i]!.push(cost.seconds));
        } finally {
          for (const runner of again) await runner.close();
        }
      }
      if (buildSeconds[0]!.length > 1)
        log(`  built ${buildSeconds[0]!.length} times (median rate reported)`);
    }
    const reported = await Promise.all(runners.map((r) => r.reportedBytes()));

    for (const runner of runners) runner.setQueries(dataset.queries);
    const choices: EfChoice[] = [];
    for (const runner of runners) {
      const choice = await sweepEf(
        runner,
        truth,
        options.k,
        dataset.queryCount,
        k,
        options.targetRecall,
        options.efSweep,
      );
      const curve = choice.curve.map((c) => `${c.ef}:${c.recall.toFixed(3)}`).join(' ');
      log(`  ${runner.name} ef sweep ${curve}`);
      choices.push(choice);
    }

    const timings = await timeInterleaved(runners, dataset.queryCount, options);

    return {
      dataset: dataset.name,
      trainCount: n,
      queryCount: dataset.queryCount,
      dimensions: dataset.dimensions,
      distance: dataset.distance,
      m: options.m,
      efConstruction: options.efConstruction,
      formulaBytes: checklistMemoryBytes(n, dataset.dimensions, options.m),
      runners: runners.map((runner, i) => {
        const timing = timings[i]!;
        const seconds = median(buildSeconds[i]!);
        return {
          name: runner.name,
          buildSeconds: seconds,
          buildRate: n / seconds,
          builds: buildSeconds[i]!.length,
          rssDeltaBytes: builds[i]!.rssDeltaBytes,
          reportedBytes: reported[i]!,
          choice: choices[i]!,
          qps: median(timing.qps),
          p50Us: percentile(timing.latenciesUs, 50),
          p99Us: percentile(timing.latenciesUs, 99),
          batchQps: timing.batchQps.length > 0 ? median(timing.batchQps) : null,
        };
      }),
    };
  } finally {
    for (const runner of runners) await runner.close();
  }
}
