import type { AnnRunner } from './runners/ann-runner.js';

/** One timed pass of single queries. */
export interface SinglePass {
  seconds: number;
  /** Per-query latency in microseconds. */
  latenciesUs: Float64Array;
}

/**
 * Runs `count` single queries one at a time, each awaited before the next (cycling through
 * the `queryCount` query rows), timing each.
 */
export async function timeSingleQueries(
  runner: AnnRunner,
  queryCount: number,
  count: number,
  k: number,
): Promise<SinglePass> {
  const latenciesUs = new Float64Array(count);
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await runner.search(i % queryCount, k);
    latenciesUs[i] = (performance.now() - t0) * 1000;
  }
  return { seconds: (performance.now() - start) / 1000, latenciesUs };
}

/**
 * Runs `count` queries through the runner's many-at-once path, `batchSize` at a time
 * (cycling through the query rows); returns the seconds taken.
 */
export async function timeBatchedQueries(
  searchMany: (from: number, to: number, k: number) => Promise<unknown>,
  queryCount: number,
  count: number,
  batchSize: number,
  k: number,
): Promise<number> {
  const start = performance.now();
  let done = 0;
  let from = 0;
  while (done < count) {
    const size = Math.min(batchSize, count - done, queryCount - from);
    await searchMany(from, from + size, k);
    done += size;
    from = (from + size) % queryCount;
  }
  return (performance.now() - start) / 1000;
}

/** Settings of {@link timeInterleaved}. */
export interface RoundOptions {
  k: number;
  /** Rounds to run at least. */
  rounds: number;
  /**
   * More rounds follow (up to `maxRounds`) until every runner has spent this long in
   * single-query passes: on a small dataset a pass lasts tens of milliseconds, and a few
   * such samples on a shared machine say more about its neighbours than about the library.
   */
  minSingleSeconds?: number;
  maxRounds?: number;
  queriesPerRun: number;
  warmupQueries: number;
  batchSize: number;
  log: (line: string) => void;
}

/** Per-runner figures of {@link timeInterleaved}, one entry per round. */
export interface RunnerTimings {
  qps: number[];
  /** Empty when the runner has no many-at-once path. */
  batchQps: number[];
  /** Every single query's latency over all rounds, in microseconds. */
  latenciesUs: Float64Array;
}

/**
 * Warms every runner up, then runs rounds in which each runner in turn does one
 * single-query pass, then each does one batched pass; who goes first rotates per round.
 * Taking turns this way is what makes figures of different libraries comparable on a
 * machine whose speed drifts. `rounds` rounds run, and more while some runner has spent
 * less than `minSingleSeconds` in single-query passes (at most `maxRounds` in all).
 */
export async function timeInterleaved(
  runners: readonly AnnRunner[],
  queryCount: number,
  options: RoundOptions,
): Promise<RunnerTimings[]> {
  const { k, queriesPerRun, batchSize } = options;
  const warmup = Math.min(options.warmupQueries, queriesPerRun);
  for (const runner of runners) {
    await timeSingleQueries(runner, queryCount, warmup, k);
    const many = runner.searchMany?.bind(runner);
    if (many) await timeBatchedQueries(many, queryCount, warmup, batchSize, k);
  }
  const qps: number[][] = runners.map(() => []);
  const batchQps: number[][] = runners.map(() => []);
  const latencies: Float64Array[][] = runners.map(() => []);
  const singleSeconds = runners.map(() => 0);
  const maxRounds = Math.max(options.rounds, options.maxRounds ?? options.rounds);
  const wantsMore = () => Math.min(...singleSeconds) < (options.minSingleSeconds ?? 0);
  for (let round = 0; round < options.rounds || (round < maxRounds && wantsMore()); round++) {
    const order = runners.map((_, turn) => (turn + round) % runners.length);
    for (const r of order) {
      const pass = await timeSingleQueries(runners[r]!, queryCount, queriesPerRun, k);
      qps[r]!.push(queriesPerRun / pass.seconds);
      latencies[r]!.push(pass.latenciesUs);
      singleSeconds[r]! += pass.seconds;
    }
    for (const r of order) {
      const many = runners[r]!.searchMany?.bind(runners[r]);
      if (!many) continue;
      const seconds = await timeBatchedQueries(many, queryCount, queriesPerRun, batchSize, k);
      batchQps[r]!.push(queriesPerRun / seconds);
    }
    if (round < 10 || (round + 1) % 10 === 0) {
      const figures = runners.map((r, i) => `${r.name} ${Math.round(qps[i]!.at(-1)!)} q/s`);
      options.log(`  round ${round + 1}: ${figures.join(', ')}`);
    }
  }
  return runners.map((_, i) => ({
    qps: qps[i]!,
    batchQps: batchQps[i]!,
    latenciesUs: concat(latencies[i]!),
  }));
}

/** The arrays one after another in one array. */
export function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
