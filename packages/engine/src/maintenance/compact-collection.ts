import type { VectorIndex } from '../ann/vector-index.js';
import type { CollectionCore } from '../collection/collection-core.js';
import { readIndexedVector } from '../collection/collection-core.js';
import { closedError } from '../collection/collection-writer.js';
import { rebuildIndex } from './rebuild-index.js';
import type { ProgressListener } from './rebuild-index.js';

/** What `compact` did (or, for a dry run, would do). */
export interface CompactionReport {
  collection: string;
  dryRun: boolean;
  /** Deleted vectors whose index slots were (or would be) freed. */
  removed: number;
  /** Index memory freed (for a dry run: the estimate). */
  reclaimedBytes: number;
  durationMs: number;
  /** Live vectors in the rebuilt index. */
  vectors: number;
  /** Size of the database file before and after its vacuum (0 for in-memory databases). */
  fileBytesBefore: number;
  fileBytesAfter: number;
}

/**
 * Builds `fresh` from the live vectors while the old index keeps serving, replays the writes
 * made meanwhile (recorded in `core.compactionLog`), and swaps it in within one tick.
 */
export async function compactCollection(
  core: CollectionCore,
  fresh: VectorIndex,
  onProgress?: ProgressListener,
): Promise<CompactionReport> {
  const started = performance.now();
  const removed = core.state.deletedSlots;
  const bytesBefore = core.index.memoryBytes();
  core.compactionLog = { added: [], removed: [] };
  try {
    const keys: number[] = [];
    core.state.forEachVisible(0, (key) => {
      keys.push(key);
    });
    await rebuildIndex(
      fresh,
      Uint32Array.from(keys),
      (key, out) => readIndexedVector(core, key, out),
      onProgress,
    );
    // Dropped or closed while it was built: the new index goes with the old one.
    if (core.closed) throw closedError(core.name);
    const log = core.compactionLog;
    const row = new Float32Array(core.config.dimensions);
    for (const key of log.added) {
      if (core.state.ids[key] !== undefined && !fresh.has(key) && readIndexedVector(core, key, row))
        fresh.add(Uint32Array.of(key), row);
    }
    const removedMeanwhile =
      log.removed.length > 0 ? fresh.remove(Uint32Array.from(log.removed)) : 0;
    const old = core.index;
    core.index = fresh;
    core.compactionLog = null;
    old.close();
    core.state.deletedSlots = removedMeanwhile;
    // A new index: the next checkpoint must save it over the one on disk.
    core.state.version += 1;
  } catch (err) {
    core.compactionLog = null;
    fresh.close();
    throw err;
  }
  // Give the space of deleted rows back to the file system too.
  onProgress?.({ phase: 'vacuum', done: 0, total: 1 });
  const file = await core.storage.vacuum();
  onProgress?.({ phase: 'done', done: core.state.live, total: core.state.live });
  return {
    fileBytesBefore: file.bytesBefore,
    fileBytesAfter: file.bytesAfter,
    collection: core.name,
    dryRun: false,
    removed,
    reclaimedBytes: Math.max(0, bytesBefore - core.index.memoryBytes()),
    durationMs: performance.now() - started,
    vectors: core.state.live,
  };
}
