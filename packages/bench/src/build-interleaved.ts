import { settledRss } from './memory.js';
import type { AnnRunner } from './runners/ann-runner.js';

/** What building one runner's index cost. */
export interface BuildCost {
  /** Time spent inside the timed add calls. */
  seconds: number;
  /** Sum of the resident-set growth over this runner's add calls (noisy; see report). */
  rssDeltaBytes: number;
}

/**
 * Adds `vectors` (row-major, `dimensions` wide) to every runner in chunks of `chunkSize`
 * rows, taking turns chunk by chunk (and rotating who goes first), so that the machine's
 * speed drifting during the build affects every library alike. Each chunk's conversion
 * happens before its timed add, and the resident set is sampled around each timed add
 * only, so one library's growth is not charged to another.
 */
export async function buildInterleaved(
  runners: readonly AnnRunner[],
  vectors: Float32Array,
  dimensions: number,
  chunkSize: number,
  onProgress?: (done: number, total: number) => void,
): Promise<BuildCost[]> {
  const total = vectors.length / dimensions;
  const costs = runners.map(() => ({ seconds: 0, rssDeltaBytes: 0 }));
  let chunk = 0;
  for (let start = 0; start < total; start += chunkSize, chunk++) {
    const end = Math.min(total, start + chunkSize);
    const rows = vectors.subarray(start * dimensions, end * dimensions);
    for (let turn = 0; turn < runners.length; turn++) {
      const r = (turn + chunk) % runners.length;
      const add = runners[r]!.prepareAdd(rows, start);
      const before = settledRss();
      const t0 = performance.now();
      await add();
      const t1 = performance.now();
      const cost = costs[r]!;
      cost.seconds += (t1 - t0) / 1000;
      cost.rssDeltaBytes += settledRss() - before;
    }
    onProgress?.(end, total);
  }
  return costs;
}
