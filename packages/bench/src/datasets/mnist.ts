import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { Prng } from '../prng.js';
import { holdOut, type Dataset } from './dataset.js';

const require = createRequire(import.meta.url);

/** Pixels per digit image (28 × 28). */
export const MNIST_DIMENSIONS = 784;
/** Digits the `mnist` package ships (about 1 000 per class). */
export const MNIST_TOTAL = 10_000;

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Digits held out as queries (default 1 000). */
  queryCount?: number;
  /** Keep at most this many train vectors (for quick runs); default all. */
  trainLimit?: number;
  /** Seed of the shuffle that picks the queries (default 1). */
  seed?: number;
}

/**
 * The `mnist` package's 10 000 handwritten digits as 784-d vectors of grey levels in [0, 1],
 * euclidean. The package stores each class as one flat JSON array (`src/digits/<d>.json`,
 * `{"data": [...]}`); its own API shuffles with `Math.random`, so the files are read
 * directly and the queries are picked by a seeded shuffle instead.
 *
 * @example
 * const mnist = loadMnist(); // 9 000 train, 1 000 queries
 */
export function loadMnist(options: MnistOptions = {}): Dataset {
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const classes: number[][] = [];
  let total = 0;
  for (let digit = 0; digit < 10; digit++) {
    const file = JSON.parse(readFileSync(join(dir, `${digit}.json`), 'utf8')) as { data: number[] };
    classes.push(file.data);
    total += file.data.length / MNIST_DIMENSIONS;
  }
  const rows = new Float32Array(total * MNIST_DIMENSIONS);
  let offset = 0;
  for (const data of classes) {
    rows.set(data, offset);
    offset += data.length;
  }

  const order = new Prng(options.seed ?? 1).shuffle(
    Uint32Array.from({ length: total }, (_, i) => i),
  );
  const queryCount = Math.min(options.queryCount ?? 1000, total - 1);
  const trainLimit = Math.min(options.trainLimit ?? total, total - queryCount);
  // Shuffled order decides both the queries and, for quick runs, which train rows are kept.
  const kept = order.subarray(0, queryCount + trainLimit);
  const shuffled = new Float32Array(kept.length * MNIST_DIMENSIONS);
  for (let i = 0; i < kept.length; i++) {
    const row = kept[i]!;
    shuffled.set(
      rows.subarray(row * MNIST_DIMENSIONS, (row + 1) * MNIST_DIMENSIONS),
      i * MNIST_DIMENSIONS,
    );
  }
  const split = holdOut(
    shuffled,
    MNIST_DIMENSIONS,
    Uint32Array.from({ length: queryCount }, (_, i) => i),
  );
  return { name: 'mnist', dimensions: MNIST_DIMENSIONS, distance: 'euclidean', ...split };
}
