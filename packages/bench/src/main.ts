/**
 * `npm run bench`: recall and throughput of Needle's engine side by side with raw usearch
 * and hnswlib-node on real and generated datasets, then filtered-search recall and QPS;
 * `--dataset=durable` measures durable storage. Run `npm run bench -- --help` for the flags.
 */
import { arch, cpus, totalmem } from 'node:os';

import {
  DURABLE_PART,
  FILTERED_PART,
  parseCliOptions,
  usage,
  type CliOptions,
} from './cli-options.js';
import { compareOnDataset, type CompareOptions, type DatasetReport } from './compare-dataset.js';
import { FILTERED_DATASET, datasetSpec } from './datasets/registry.js';
import { DEFAULT_EF_SWEEP } from './ef-sweep.js';
import { DEFAULT_CACHE_DIR, groundTruth } from './ground-truth.js';
import { formatDatasetReport, formatSummary } from './report.js';
import type { AnnRunner, RunnerConfig } from './runners/ann-runner.js';
import { HnswlibRunner } from './runners/hnswlib-runner.js';
import { UsearchRunner } from './runners/usearch-runner.js';

const M = 16;
const K = 10;
const TARGET_RECALL = 0.95;

async function main(): Promise<void> {
  let cli: CliOptions;
  try {
    cli = parseCliOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  if (cli.help) {
    console.log(usage());
    return;
  }
  const log = (line: string) => console.log(line);
  const gc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  log(
    `needle bench · node ${process.version} ${arch()} · ${cpus().length} cores (${cpus()[0]?.model ?? '?'}) · ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB${cli.quick ? ' · QUICK' : ''}${gc ? '' : ' · no --expose-gc: rss Δ noisier'}`,
  );

  const options: CompareOptions = {
    m: M,
    efConstruction: cli.efConstruction,
    k: K,
    targetRecall: TARGET_RECALL,
    efSweep: DEFAULT_EF_SWEEP,
    rounds: cli.quick ? 3 : 5,
    minSingleSeconds: cli.quick ? 0.5 : 4,
    maxRounds: 120,
    queriesPerRun: 500,
    warmupQueries: cli.quick ? 200 : 500,
    batchSize: 256,
    chunkSize: cli.quick ? 2000 : 5000,
    // Needle's index is usearch's HNSW code behind our binding: compare them at one ef.
    sharedEf: [['usearch', 'needle']],
    log,
  };

  const reports: DatasetReport[] = [];
  for (const part of cli.parts) {
    if (part === FILTERED_PART || part === DURABLE_PART) continue;
    const spec = datasetSpec(part)!;
    const started = performance.now();
    const dataset = spec.load(cli.quick);
    log(
      `\n${dataset.name}: ${dataset.trainCount} × ${dataset.dimensions} ${dataset.distance}, ${dataset.queryCount} queries`,
    );
    const truth = groundTruth(dataset, K);
    const config: RunnerConfig = {
      dimensions: dataset.dimensions,
      distance: dataset.distance,
      m: M,
      efConstruction: cli.efConstruction,
      capacity: dataset.trainCount,
    };
    const fresh = async (): Promise<AnnRunner[]> => {
      const runners: AnnRunner[] = [];
      if (cli.libraries.includes('usearch')) runners.push(new UsearchRunner(config));
      if (cli.libraries.includes('hnswlib')) runners.push(new HnswlibRunner(config));
      if (cli.libraries.includes('needle')) runners.push(await openEngine(config));
      return runners;
    };
    const report = await compareOnDataset(dataset, await fresh(), truth, {
      ...options,
      rebuild: {
        fresh,
        minSeconds: cli.quick ? 0.5 : 4,
        maxBuilds: 15,
        timedBuilds: cli.quick ? 1 : 3,
      },
    });
    reports.push(report);
    log(`\n${formatDatasetReport(report)}`);
    log(`  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }

  if (cli.parts.includes(FILTERED_PART) && cli.libraries.includes('needle')) {
    const { formatFilteredReport, runFilteredBench } = await import('./filtered-bench.js');
    const dataset = datasetSpec(FILTERED_DATASET)!.load(cli.quick);
    log(`\nfiltered: ${dataset.name}, ${dataset.trainCount} × ${dataset.dimensions}`);
    const report = await runFilteredBench(dataset, {
      m: M,
      efConstruction: cli.efConstruction,
      k: K,
      shares: [0.01, 0.1, 0.5, 1],
      efs: [32, 64, 128],
      rounds: cli.quick ? 2 : 3,
      queriesPerRun: cli.quick ? 300 : 1000,
      batchSize: 256,
      chunkSize: options.chunkSize,
      log,
    });
    log(`\n${formatFilteredReport(report)}`);
  }

  if (cli.parts.includes(DURABLE_PART) && cli.libraries.includes('needle')) {
    const { runDurableBench } = await import('./durable/durable-bench.js');
    const { formatDurableReport } = await import('./durable/durable-report.js');
    const started = performance.now();
    const report = await runDurableBench({
      quick: cli.quick,
      m: M,
      efConstruction: cli.efConstruction,
      cacheDir: DEFAULT_CACHE_DIR,
      log,
    });
    log(`\n${formatDurableReport(report)}`);
    log(`  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }

  if (reports.length > 0) log(`\n${formatSummary(reports)}`);
}

/** The engine is loaded only when asked for, so the peers can run without it. */
async function openEngine(config: RunnerConfig): Promise<AnnRunner> {
  const { EngineRunner } = await import('./runners/engine-runner.js');
  return EngineRunner.open(config);
}

await main();
