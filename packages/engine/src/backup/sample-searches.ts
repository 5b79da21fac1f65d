import type { Collection } from '../collection/collection.js';
import type { Database } from '../database.js';

/** How the sample searches against a restored copy went. */
export interface SampleSearchReport {
  run: number;
  /** Searches whose every hit is a stored vector at the distance the search reported. */
  passed: number;
  /** Searches that found the queried vector itself (approximate search may miss a few). */
  found: number;
  /** The first few that failed: collection, id queried, and why. */
  failures: { collection: string; id: string; problem: string }[];
}

/** Fewer self-hits than this share means the restored index does not describe the vectors. */
export const MIN_FOUND_SHARE = 0.5;

/**
 * Searches each collection of a freshly restored database for a few of its own vectors
 * (spread over the collection). A search passes when it returns hits, in distance order, each
 * a stored vector whose distance to the query, computed from the restored vectors, is the one
 * the search reported: the restored index and the restored vectors agree. Finding the queried
 * vector itself is counted apart, since an approximate index may miss one now and then.
 */
export async function runSampleSearches(
  db: Database,
  perCollection: number,
): Promise<SampleSearchReport> {
  const report: SampleSearchReport = { run: 0, passed: 0, found: 0, failures: [] };
  if (perCollection <= 0) return report;
  for (const { name } of db.listCollections()) {
    const collection = db.collection(name);
    const total = collection.list({ limit: 1 }).total;
    const samples = Math.min(perCollection, total);
    for (let i = 0; i < samples; i++) {
      const [id] = collection.list({ offset: Math.floor((i * total) / samples), limit: 1 }).ids;
      const record = id === undefined ? null : collection.get(id);
      if (!record) continue;
      report.run += 1;
      const { problem, found } = await searchFor(collection, record.id, record.vector, total);
      if (found) report.found += 1;
      if (problem === null) report.passed += 1;
      else if (report.failures.length < 10)
        report.failures.push({ collection: name, id: record.id, problem });
    }
  }
  return report;
}

/** True when the report shows a restored copy whose searches cannot be trusted. */
export function searchesFailed(report: SampleSearchReport): boolean {
  return report.passed < report.run || report.found < report.run * MIN_FOUND_SHARE;
}

async function searchFor(
  collection: Collection,
  id: string,
  query: Float32Array,
  size: number,
): Promise<{ problem: string | null; found: boolean }> {
  const { hits } = await collection.search(query, Math.min(10, size), {
    efSearch: Math.max(100, collection.config.index.efSearch),
  });
  const found = hits.some((h) => h.id === id);
  if (hits.length === 0) return { problem: 'no hits', found };
  const { distance, quantization } = collection.config;
  let previous = -Infinity;
  for (const hit of hits) {
    if (hit.distance < previous - 1e-6) return { problem: 'hits out of order', found };
    previous = hit.distance;
    const stored = collection.get(hit.id);
    if (!stored) return { problem: `hit ${hit.id} is not stored`, found };
    // Quantized indexes report approximate distances; f32 ones the exact distance.
    if (quantization !== 'f32') continue;
    const expected = distanceOf(distance, query, stored.vector);
    if (Math.abs(expected - hit.distance) > 1e-3 * Math.max(1, Math.abs(expected))) {
      return { problem: `hit ${hit.id} is at ${expected}, the search said ${hit.distance}`, found };
    }
  }
  return { problem: null, found };
}

function distanceOf(metric: string, a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    aa += x * x;
    bb += y * y;
    sq += (x - y) * (x - y);
  }
  if (metric === 'dot') return -dot;
  if (metric === 'euclidean') return Math.sqrt(sq);
  return 1 - dot / Math.sqrt(aa * bb);
}
