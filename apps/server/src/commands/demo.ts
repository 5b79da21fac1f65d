import { SingleBar, Presets } from 'cli-progress';

import { Database, autoTune } from '@needle/engine';

/**
 * `needle demo`: a tour of the engine on generated data — bulk insert with progress,
 * recall calibration, a filtered search and its explain trace, and a capacity plan.
 */
export async function runDemo(options: { vectors: number; dimensions: number }): Promise<void> {
  const { vectors: count, dimensions } = options;
  const db = await Database.open(':memory:');
  try {
    const docs = await db.createCollection('demo', { dimensions, distance: 'cosine' });
    const random = seeded(1);
    const centres = Array.from({ length: 32 }, () =>
      Array.from({ length: dimensions }, () => random() * 2 - 1),
    );
    const vectorNear = (c: number[]): number[] => c.map((x) => x + (random() - 0.5) * 0.6);

    console.log(`Inserting ${count} vectors of ${dimensions} dimensions into collection "demo"...`);
    const bar = new SingleBar(
      { format: '  {bar} {percentage}% | {value}/{total} vectors | {rate} vectors/s' },
      Presets.shades_classic,
    );
    bar.start(count, 0, { rate: 0 });
    const started = performance.now();
    for (let i = 0; i < count; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, count - i) }, (_, j) => {
        const n = i + j;
        const cluster = n % centres.length;
        return {
          id: `doc-${n}`,
          vector: vectorNear(centres[cluster]!),
          metadata: { cluster, year: 2000 + (n % 25) },
        };
      });
      await docs.insertMany(batch);
      const done = i + batch.length;
      bar.update(done, { rate: Math.round(done / ((performance.now() - started) / 1000)) });
    }
    bar.stop();

    console.log('\nCalibrating efSearch for recall@10 ≥ 0.95 ...');
    const report = await docs.calibrate({ targetRecall: 0.95, sampleSize: 100 });
    for (const p of report.curve) {
      console.log(
        `  ef ${String(p.efSearch).padStart(4)}  recall ${p.recall.toFixed(3)}  mean ${p.meanLatencyUs.toFixed(0)} µs`,
      );
    }
    console.log(`  → efSearch ${report.efSearch} (recall ${report.achievedRecall.toFixed(3)})`);

    const query = vectorNear(centres[3]!);
    const { hits, explain } = await docs.searchExplain(query, 5, {
      filter: { year: { $gte: 2020 }, cluster: 3 },
    });
    console.log('\nTop 5 for a query near cluster 3, filtered to year ≥ 2020:');
    for (const h of hits)
      console.log(
        `  ${h.id.padEnd(10)} distance ${h.distance.toFixed(4)}  ${JSON.stringify(h.metadata)}`,
      );
    console.log('\nExplain:');
    console.log(`  plan      ${explain.plan.strategy} — ${explain.plan.reason}`);
    console.log(
      `  time      total ${explain.timing.totalUs.toFixed(0)} µs, index ${explain.timing.indexUs.toFixed(0)} µs, filter ${explain.timing.filterUs.toFixed(0)} µs, fetch ${explain.timing.fetchUs.toFixed(0)} µs`,
    );
    console.log(
      `  index     ${explain.index.kind}, visited ${explain.index.visitedNodes ?? 'n/a'}, distances ${explain.index.distanceComputations ?? 'n/a'}, ef ${explain.index.efUsed}`,
    );

    const stats = docs.stats();
    const plan = autoTune({ expectedVectors: count, dimensions, profile: 'balanced' });
    console.log('\nMemory:');
    console.log(
      `  index     ${mib(stats.indexDataBytes)} in use (${mib(plan.expectedMemoryBytes)} by the checklist formula), ${mib(stats.indexMemoryBytes)} allocated`,
    );
    console.log(`  total     ${mib(stats.memoryBytes)} (index, ids and metadata)`);
  } finally {
    await db.close();
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** mulberry32, so every demo run shows the same data. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
