import { parseArgs } from 'node:util';

import { DATASETS } from './datasets/registry.js';

/** The benchmark's part name for the filtered-search benchmark. */
export const FILTERED_PART = 'filtered';

/** Libraries the comparison can run. */
export const LIBRARIES = ['usearch', 'hnswlib', 'needle'] as const;

/** One of {@link LIBRARIES}. */
export type Library = (typeof LIBRARIES)[number];

/** What the command line asked for. */
export interface CliOptions {
  /** Dataset names and/or `filtered`, in run order. */
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
    'parts (default: all, in this order):',
    ...DATASETS.map((d) => `  ${d.name.padEnd(14)} ${d.description}`),
    `  ${FILTERED_PART.padEnd(14)} needle's filtered search (1%, 10%, 50% of clustered-128) vs exact filtered truth`,
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
  const known = [...DATASETS.map((d) => d.name), FILTERED_PART];
  const parts = values.dataset ? list(values.dataset) : known;
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
