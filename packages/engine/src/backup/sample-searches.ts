import type { Collection } from '../collection/collection.js';
import type { Database } from '../database.js';

/** How the sample searches against a restored copy went. */
export interface SampleSearchReport {
  run: number;
  passed: number;
  /** The first few that failed: collection and id. */
  failures: { collection: string; id: string }[];
}

/**
 * Searches each collection of a freshly restored database for a few of its own vectors
 * (spread over the collection). A search passes when it finds the vector itself, or a hit at
 * least as close as the vector is to itself (a duplicate, or for `dot` a larger one): the
 * restored index and the restored vectors agree.
 */
export async function runSampleSearches(
  db: Database,
  perCollection: number,
): Promise<SampleSearchReport> {
  const report: SampleSearchReport = { run: 0, passed: 0, failures: [] };
  if (perCollection <= 0) return report;
  for (const { name } of db.listCollections()) {
    const collection = db.collection(name);
    const total = collection.list({ limit: 1 }).total;
    const samples = Math.min(perCollection, total);
    for (let i = 0; i < samples; i++) {
      const offset = Math.floor((i * total) / samples);
      const [id] = collection.list({ offset, limit: 1 }).ids;
      const record = id === undefined ? null : collection.get(id);
      if (!record) continue;
      report.run += 1;
      if (await findsItself(collection, record.id, record.vector)) report.passed += 1;
      else if (report.failures.length < 10)
        report.failures.push({ collection: name, id: record.id });
    }
  }
  return report;
}

async function findsItself(
  collection: Collection,
  id: string,
  vector: Float32Array,
): Promise<boolean> {
  const size = collection.list({ limit: 1 }).total;
  const k = Math.min(10, size);
  const { hits } = await collection.search(vector, k, {
    efSearch: Math.max(100, collection.config.index.efSearch),
  });
  if (hits.some((h) => h.id === id)) return true;
  const self = collection.config.distance === 'dot' ? -dot(vector, vector) : 0;
  const best = hits[0]?.distance;
  return best !== undefined && best <= self + 1e-3 * Math.max(1, Math.abs(self));
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
