import { setImmediate as yieldToLoop } from 'node:timers/promises';

import type { VectorIndex } from '../ann/vector-index.js';

/** Progress of a long operation, reported as it goes. */
export interface Progress {
  /** What the operation is doing now, e.g. `rebuild`, `catch-up`, `vacuum`. */
  phase: string;
  done: number;
  total: number;
}

/** Receives progress reports. */
export type ProgressListener = (progress: Progress) => void;

/** Vectors added to the index per step; between steps the event loop serves others. */
const STEP = 512;

/**
 * Builds a fresh index holding `keys`, reading each vector (already prepared for the index)
 * with `read`. Works in steps and yields between them, so searches and writes go on while
 * it runs; `onProgress` hears about every step.
 */
export async function rebuildIndex(
  index: VectorIndex,
  keys: Uint32Array,
  read: (key: number, out: Float32Array) => boolean,
  onProgress?: ProgressListener,
  phase = 'rebuild',
): Promise<VectorIndex> {
  const dims = index.dimensions;
  const flat = new Float32Array(STEP * dims);
  const row = new Float32Array(dims);
  onProgress?.({ phase, done: 0, total: keys.length });
  for (let start = 0; start < keys.length; start += STEP) {
    const batch: number[] = [];
    for (let i = start; i < Math.min(start + STEP, keys.length); i++) {
      const key = keys[i]!;
      if (!read(key, row)) continue;
      flat.set(row, batch.length * dims);
      batch.push(key);
    }
    if (batch.length > 0) index.add(Uint32Array.from(batch), flat.subarray(0, batch.length * dims));
    onProgress?.({ phase, done: Math.min(start + STEP, keys.length), total: keys.length });
    await yieldToLoop();
  }
  return index;
}
