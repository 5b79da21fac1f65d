import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { Database, type Progress } from '@needle/engine';

import { generateClustered } from '../datasets/clustered.js';
import { rowOf } from '../datasets/dataset.js';
import { savedCollectionCacheName, type SavedCollectionSpec } from './saved-collection-cache.js';

/** Settings of {@link measureOpenTime}. */
export interface OpenTimeOptions {
  spec: SavedCollectionSpec;
  /** Where the built database is kept between runs (`.bench-cache/`). */
  cacheDir: string;
  /** Vectors per `insertMany` while building. */
  buildBatch: number;
  log: (line: string) => void;
}

/** One timed open of the saved collection. */
export interface TimedOpen {
  seconds: number;
  /** `loaded`: the saved index was used; `rebuilt`: it was rebuilt from the stored vectors. */
  index: 'loaded' | 'rebuilt';
  reason: string | null;
}

/** Open time with the saved index against a rebuild. */
export interface OpenTimeReport {
  spec: SavedCollectionSpec;
  /** Seconds the build took, or null when the database came from the cache. */
  buildSeconds: number | null;
  fileBytes: number;
  indexBytes: number;
  loaded: TimedOpen;
  rebuilt: TimedOpen;
  /** Seconds the close after the rebuild spent saving the index again. */
  resaveSeconds: number;
}

const DB_FILE = 'bench.needle';
const COLLECTION = 'bench';
const DONE_MARKER = 'complete.json';

/**
 * Times `Database.open` of a saved `spec.count × spec.dimensions` collection twice: with its
 * saved index, then after deleting the saved index directory (`<path>-index`), so the open
 * rebuilds it from the stored vectors. The close after the rebuild saves the index again, so
 * the cached database stays complete for the next run. The database is built once per spec
 * (clustered data, batches of `buildBatch`) and kept in `cacheDir`.
 */
export async function measureOpenTime(options: OpenTimeOptions): Promise<OpenTimeReport> {
  const dir = join(options.cacheDir, savedCollectionCacheName(options.spec));
  const path = join(dir, DB_FILE);
  const buildSeconds = isComplete(dir) ? null : await build(path, options);
  if (buildSeconds === null) options.log(`  open time: reusing ${dir}`);

  let loaded = await timeOpen(path, 'with saved index', options.log);
  if (loaded.index !== 'loaded') {
    // Saved by an older engine (or damaged): that open rebuilt it and its close saved it anew.
    options.log(`  the cached index was not usable (${loaded.reason}); timing again`);
    loaded = await timeOpen(path, 'with saved index', options.log);
  }
  const fileBytes = statSync(path).size;
  const indexBytes = directoryBytes(`${path}-index`);
  rmSync(`${path}-index`, { recursive: true, force: true });
  const { closeSeconds, ...rebuilt } = await timeOpen(path, 'without saved index', options.log);
  return {
    spec: options.spec,
    buildSeconds,
    fileBytes,
    indexBytes,
    loaded: { seconds: loaded.seconds, index: loaded.index, reason: loaded.reason },
    rebuilt,
    resaveSeconds: closeSeconds,
  };
}

async function timeOpen(
  path: string,
  label: string,
  log: (line: string) => void,
): Promise<TimedOpen & { closeSeconds: number }> {
  const onProgress = progressLogger(`rebuilding (${label})`, log);
  const started = performance.now();
  const db = await Database.open(
    path,
    { wal: { checkpointIntervalMs: 0 } },
    {
      onProgress: (_, progress) => onProgress(progress),
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const entry = db.openReport.collections.find((c) => c.name === COLLECTION);
  if (!entry) throw new Error(`the cached database at ${path} has no "${COLLECTION}" collection`);
  const closing = performance.now();
  await db.close();
  const closeSeconds = (performance.now() - closing) / 1000;
  log(`  opened ${label} in ${seconds.toFixed(2)} s (index ${entry.index})`);
  return { seconds, index: entry.index, reason: entry.reason, closeSeconds };
}

async function build(path: string, options: OpenTimeOptions): Promise<number> {
  const { spec, log } = options;
  const dir = join(path, '..');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`  open time: generating ${spec.count} × ${spec.dimensions} clustered vectors`);
  const data = generateClustered({
    count: spec.count,
    queryCount: 0,
    dimensions: spec.dimensions,
    distance: spec.distance,
    seed: spec.seed,
  });
  log(`  open time: building ${dir} (once; reruns reuse it)`);
  const started = performance.now();
  // The build itself is not measured: the fastest safe settings will do.
  const db = await Database.open(path, { wal: { syncMode: 'off', checkpointIntervalMs: 0 } });
  const col = await db.createCollection(COLLECTION, {
    dimensions: spec.dimensions,
    distance: spec.distance,
    index: { m: spec.m, efConstruction: spec.efConstruction },
    quantization: 'f32',
  });
  const report = progressLogger('built', log);
  for (let from = 0; from < spec.count; from += options.buildBatch) {
    const to = Math.min(from + options.buildBatch, spec.count);
    await col.insertMany(
      Array.from({ length: to - from }, (_, i) => ({
        id: String(from + i),
        vector: rowOf(data.train, spec.dimensions, from + i),
      })),
    );
    report({ phase: 'build', done: to, total: spec.count });
  }
  await db.close();
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(join(dir, DONE_MARKER), JSON.stringify({ spec, buildSeconds: seconds }, null, 2));
  log(`  open time: built in ${seconds.toFixed(0)} s`);
  return seconds;
}

/** True when a previous run finished building this directory's database. */
function isComplete(dir: string): boolean {
  const marker = join(dir, DONE_MARKER);
  if (!existsSync(marker) || !existsSync(join(dir, DB_FILE))) return false;
  try {
    return (
      typeof (JSON.parse(readFileSync(marker, 'utf8')) as { buildSeconds?: unknown })
        .buildSeconds === 'number'
    );
  } catch {
    return false;
  }
}

/** Logs progress at every tenth of the total. */
function progressLogger(label: string, log: (line: string) => void): (progress: Progress) => void {
  let nextTenth = 1;
  return (progress) => {
    if (progress.total === 0) return;
    const tenths = Math.floor((progress.done / progress.total) * 10);
    if (tenths < nextTenth) return;
    nextTenth = tenths + 1;
    log(`    ${label}: ${progress.done} / ${progress.total}`);
  };
}

function directoryBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}
