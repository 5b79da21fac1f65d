import { buildInterleaved } from './build-interleaved.js';
import type { Dataset } from './datasets/dataset.js';
import { sweepEf, type EfChoice } from './ef-sweep.js';
import { checklistMemoryBytes } from './memory.js';
import type { AnnRunner } from './runners/ann-runner.js';
import { median, percentile } from './stats.js';
import { concat, timeInterleaved, type RunnerTimings } from './timed-runs.js';

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
  /**
   * Groups of libraries (by runner name) that run the same graph code and are timed at
   * one `ef`: the largest any of them chose on that build. Whether a build's recall at a
   * step lands just above or just below the target is luck of that build's graph, and
   * on mnist it moved the step, and the QPS, by 20%: for two builds of one algorithm that
   * is noise, not speed. Each still reaches the target at the shared `ef`.
   */
  sharedEf?: readonly (readonly string[])[];
  /** Timed rounds; libraries take turns within each round. */
  rounds: number;
  /** See {@link RoundOptions.minSingleSeconds}; more rounds, up to `maxRounds`. */
  minSingleSeconds?: number;
  maxRounds?: number;
  /**
   * Extra builds for datasets that build fast: while some library has spent less than
   * `minSeconds` building, fresh runners from `fresh` (same libraries, same order) build
   * the dataset again, interleaved, up to `maxBuilds` builds in all. The build rate is then
   * the median over builds. The first `timedBuilds` builds (default 1) are kept and the
   * timed rounds are spread over them: a multi-threaded build's graph differs from the
   * next one's, and one graph's luck moved a library's single-query rate by ±5% on mnist.
   */
  rebuild?: {
    fresh: () => Promise<AnnRunner[]>;
    minSeconds: number;
    maxBuilds: number;
    timedBuilds?: number;
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
  /**
   * The `ef` each timed build was searched at, first build first: its own choice, raised
   * to the largest of its {@link CompareOptions.sharedEf} group's (`curve` stays its own
   * sweep).
   */
  choices: EfChoice[];
  /** Median over rounds of single-query throughput. */
  qps: number;
  /**
   * Single-query throughput of each round, in round order (the same rounds for every
   * library of the comparison, which took turns within each).
   */
  roundQps: number[];
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
  /** How many builds of each library the timed rounds were spread over. */
  timedBuilds: number;
  /** {@link CompareOptions.sharedEf} groups with at least two of the libraries run. */
  sharedEf: string[][];
  runners: RunnerReport[];
}

/**
 * Builds every runner's index from `dataset` (interleaved; again on fresh runners while
 * builds are short, see {@link CompareOptions.rebuild}), picks each one's smallest `ef`
 * reaching the target recall, then times single and batched queries in rounds where the
 * libraries take turns, so speed drift hits all of them alike; with several timed builds,
 * each gets its own sweep and its share of the rounds. Closes the runners.
 */
export async function compareOnDataset(
  dataset: Dataset,
  runners: readonly AnnRunner[],
  truth: Uint32Array,
  options: CompareOptions,
): Promise<DatasetReport> {
  const { log, k } = options;
  const n = dataset.trainCount;
  /** The builds whose indexes are timed; the first is `runners`. */
  const timed: AnnRunner[][] = [[...runners]];
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
      const { fresh, minSeconds, maxBuilds, timedBuilds = 1 } = options.rebuild;
      const spent = () => Math.min(...buildSeconds.map((s) => s.reduce((a, b) => a + b, 0)));
      while (buildSeconds[0]!.length < maxBuilds && spent() < minSeconds) {
        const again = await fresh();
        let kept = false;
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
          if (timed.length < timedBuilds) {
            timed.push(again);
            kept = true;
          }
        } finally {
          if (!kept) for (const runner of again) await runner.close();
        }
      }
      if (buildSeconds[0]!.length > 1)
        log(`  built ${buildSeconds[0]!.length} times (median rate reported)`);
    }
    const reported = await Promise.all(runners.map((r) => r.reportedBytes()));

    // Each kept build: its own ef sweep, then its share of the timed rounds.
    const choices: EfChoice[][] = runners.map(() => []);
    const timings: RunnerTimings[][] = runners.map(() => []);
    for (const [b, set] of timed.entries()) {
      const label = timed.length > 1 ? ` (build ${b + 1})` : '';
      for (const [i, runner] of set.entries()) {
        runner.setQueries(dataset.queries);
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
        log(`  ${runner.name} ef sweep${label} ${curve}`);
        choices[i]!.push(choice);
      }
      for (const group of options.sharedEf ?? []) {
        const members = set.flatMap((runner, i) => (group.includes(runner.name) ? [i] : []));
        if (members.length < 2) continue;
        const ef = Math.max(...members.map((i) => choices[i]!.at(-1)!.ef));
        for (const i of members) {
          if (choices[i]!.at(-1)!.ef === ef) continue;
          // Measure the recall at the shared breadth; the runner is left set to it.
          const [at] = (await sweepEf(set[i]!, truth, options.k, dataset.queryCount, k, 0, [ef]))
            .curve;
          const own = choices[i]!.pop()!;
          choices[i]!.push({
            ...own,
            ef,
            recall: at!.recall,
            reached: at!.recall >= options.targetRecall,
          });
          log(`  ${set[i]!.name} timed at ef ${ef}${label}, shared with ${group.join(', ')}`);
        }
      }
      const share = (n: number) => Math.ceil(n / timed.length);
      const setTimings = await timeInterleaved(set, dataset.queryCount, {
        ...options,
        rounds: share(options.rounds),
        maxRounds: options.maxRounds === undefined ? undefined : share(options.maxRounds),
        minSingleSeconds:
          options.minSingleSeconds === undefined
            ? undefined
            : options.minSingleSeconds / timed.length,
      });
      setTimings.forEach((timing, i) => timings[i]!.push(timing));
    }

    return {
      dataset: dataset.name,
      trainCount: n,
      queryCount: dataset.queryCount,
      dimensions: dataset.dimensions,
      distance: dataset.distance,
      m: options.m,
      efConstruction: options.efConstruction,
      formulaBytes: checklistMemoryBytes(n, dataset.dimensions, options.m),
      timedBuilds: timed.length,
      sharedEf: (options.sharedEf ?? [])
        .map((group) => runners.map((r) => r.name).filter((name) => group.includes(name)))
        .filter((group) => group.length > 1),
      runners: runners.map((runner, i) => {
        const timing = mergeTimings(timings[i]!);
        const seconds = median(buildSeconds[i]!);
        return {
          name: runner.name,
          buildSeconds: seconds,
          buildRate: n / seconds,
          builds: buildSeconds[i]!.length,
          rssDeltaBytes: builds[i]!.rssDeltaBytes,
          reportedBytes: reported[i]!,
          choices: choices[i]!,
          qps: median(timing.qps),
          roundQps: timing.qps,
          p50Us: percentile(timing.latenciesUs, 50),
          p99Us: percentile(timing.latenciesUs, 99),
          batchQps: timing.batchQps.length > 0 ? median(timing.batchQps) : null,
        };
      }),
    };
  } finally {
    for (const set of timed) for (const runner of set) await runner.close();
  }
}

/** One runner's timings over several builds, as if measured in one run (rounds in order). */
function mergeTimings(parts: readonly RunnerTimings[]): RunnerTimings {
  return {
    qps: parts.flatMap((p) => p.qps),
    batchQps: parts.flatMap((p) => p.batchQps),
    latenciesUs: concat(parts.map((p) => p.latenciesUs)),
  };
}
