/**
 * `npm run bench:paired -- <dataset> [repetitions] [ef]`: needle against raw usearch, the
 * ratio only, as robustly as a shared machine allows. Each repetition builds both from
 * scratch (who goes first alternates), then times single queries at the same `ef` for
 * both in three interleaved passes; the figures are medians of the per-repetition ratios,
 * so drift between repetitions cancels and graph luck of one build averages out.
 *
 * Unlike `npm run bench`, recall is not equalised (both search at `ef`), so it isolates
 * per-query and per-insert overhead. Datasets load in their quick form (fiori is whole).
 */
import { datasetSpec } from './datasets/registry.js';
import type { AnnRunner, RunnerConfig } from './runners/ann-runner.js';
import { EngineRunner } from './runners/engine-runner.js';
import { UsearchRunner } from './runners/usearch-runner.js';
import { median } from './stats.js';

const K = 10;
const WARMUP = 500;
const PASS = 4000;
const PASSES = 3;

async function main(): Promise<void> {
  const [name = 'fiori', repsArg = '15', efArg = '10'] = process.argv.slice(2);
  const spec = datasetSpec(name);
  const reps = Number(repsArg);
  const ef = Number(efArg);
  if (!spec || !Number.isInteger(reps) || reps < 1 || !Number.isInteger(ef) || ef < 1) {
    console.error('usage: npm run bench:paired -- <dataset> [repetitions ≥ 1] [ef ≥ 1]');
    process.exitCode = 2;
    return;
  }
  const data = spec.load(true);
  const config: RunnerConfig = {
    dimensions: data.dimensions,
    distance: data.distance,
    m: 16,
    efConstruction: 128,
    capacity: data.trainCount,
  };
  const buildRatios: number[] = [];
  const qpsRatios: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const usearch = new UsearchRunner(config);
    const needle = await EngineRunner.open(config);
    const order: AnnRunner[] = rep % 2 ? [usearch, needle] : [needle, usearch];
    try {
      const build = new Map<AnnRunner, number>();
      for (const runner of order) {
        const add = runner.prepareAdd(data.train, 0);
        const t0 = performance.now();
        await add();
        build.set(runner, performance.now() - t0);
      }
      buildRatios.push(build.get(usearch)! / build.get(needle)!);
      for (const runner of order) {
        await runner.setEf(ef);
        runner.setQueries(data.queries);
        for (let i = 0; i < WARMUP; i++) await runner.search(i % data.queryCount, K);
      }
      const seconds = new Map<AnnRunner, number[]>(order.map((r) => [r, []]));
      for (let pass = 0; pass < PASSES; pass++) {
        for (const runner of order) {
          const t0 = performance.now();
          for (let i = 0; i < PASS; i++) await runner.search(i % data.queryCount, K);
          seconds.get(runner)!.push(performance.now() - t0);
        }
      }
      qpsRatios.push(median(seconds.get(usearch)!) / median(seconds.get(needle)!));
    } finally {
      for (const runner of order) await runner.close();
    }
  }
  const show = (ratios: number[]) =>
    `${median(ratios).toFixed(3)} (range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
  console.log(
    `${data.name}: ${data.trainCount} × ${data.dimensions} ${data.distance}, ef ${ef}, ${reps} repetitions`,
  );
  console.log(`needle/usearch single-query QPS ${show(qpsRatios)}`);
  console.log(`needle/usearch build rate       ${show(buildRatios)}`);
}

await main();
