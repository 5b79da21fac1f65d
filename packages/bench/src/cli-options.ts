import { parseArgs } from 'node:util';

import { DATASETS } from './datasets/registry.js';

/** The benchmark's part name for the filtered-search benchmark. */
export const FILTERED_PART = 'filtered';

/**
 * The benchmark's part name for durable storage (insert rate per sync mode, readers during a
 * bulk insert, open time with and without the saved index). It runs only when named: it
 * builds a 1M-vector database on first use.
 */
export const DURABLE_PART = 'durable';

/** Libraries the comparison can run. */
export const LIBRARIES = ['usearch', 'hnswlib', 'needle'] as const;

/** One of {@link LIBRARIES}. */
export type Library = (typeof LIBRARIES)[number];

/** What the command line asked for. */
export interface CliOptions {
  /** Dataset names, `filtered` and/or `durable`, in run order. */
  parts: string[];
  quick: boolean;
  libraries: Library[];
  efConstruction: number;
  help: boolean;
}

/** Usage text for `--help`. */
export function usage(): string {
  return [
    'usage: npm run bench -- [--dataset=name[,name…]] [--quick] [--libs=usearch,hnswlib,needle] [--ef-construction=128]',
    '',
    'parts (default: all but durable, in this order):',
    ...DATASETS.map((d) => `  ${d.name.padEnd(14)} ${d.description}`),
    `  ${FILTERED_PART.padEnd(14)} needle's filtered search (1%, 10%, 50% of clustered-128) vs exact filtered truth`,
    `  ${DURABLE_PART.padEnd(14)} durable storage, 128-d: insert rate per sync mode vs memory, readers during a`,
    `  ${''.padEnd(14)} 100k bulk insert, open time of a saved 1M collection vs rebuild (quick: 100k;`,
    `  ${''.padEnd(14)} built once into .bench-cache/). Only when named.`,
  ].join('\n');
}

/**
 * Parses `argv` (without node and the script). Unknown flags, datasets or libraries throw
 * with a message naming the bad value.
 */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dataset: { type: 'string' },
      quick: { type: 'boolean', default: false },
      libs: { type: 'string' },
      'ef-construction': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const defaults = [...DATASETS.map((d) => d.name), FILTERED_PART];
  const known = [...defaults, DURABLE_PART];
  const parts = values.dataset ? list(values.dataset) : defaults;
  for (const part of parts) {
    if (!known.includes(part))
      throw new Error(`unknown dataset "${part}"; known: ${known.join(', ')}`);
  }
  const libraries = values.libs ? list(values.libs) : [...LIBRARIES];
  for (const lib of libraries) {
    if (!(LIBRARIES as readonly string[]).includes(lib)) {
      throw new Error(`unknown library "${lib}"; known: ${LIBRARIES.join(', ')}`);
    }
  }
  const efConstruction =
    values['ef-construction'] === undefined ? 128 : Number(values['ef-construction']);
  if (!Number.isInteger(efConstruction) || efConstruction < 1) {
    throw new Error(
      `--ef-construction must be a positive integer, got "${values['ef-construction']}"`,
    );
  }
  return {
    parts,
    quick: values.quick,
    libraries: libraries as Library[],
    efConstruction,
    help: values.help,
  };
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
