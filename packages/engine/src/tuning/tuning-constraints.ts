import { z } from 'zod';

import { HNSW_PROFILES, type HnswProfile } from '../config.js';
import { EngineError } from '../errors.js';

/** How a collection stores each vector component; see {@link BYTES_PER_COMPONENT}. */
export type Quantization = 'f32' | 'f16' | 'i8';

/** Bytes one vector component takes under each quantization. */
export const BYTES_PER_COMPONENT: Readonly<Record<Quantization, number>> = {
  f32: 4,
  f16: 2,
  i8: 1,
};

/** The checklist's "plan for 2–3×": the growth the planner sizes for unless told otherwise. */
export const DEFAULT_GROWTH_FACTOR = 2.5;

const PROFILE_NAMES = Object.keys(HNSW_PROFILES) as [HnswProfile, ...HnswProfile[]];
const QUANTIZATIONS = Object.keys(BYTES_PER_COMPONENT) as [Quantization, ...Quantization[]];

/** A number field whose type error tells a missing value apart from a wrong one. */
function numberField(name: string, what: string) {
  return z.number({
    error: (issue) =>
      issue.input === undefined
        ? `${name} is required`
        : `${name} must be ${what}, got ${describe(issue.input)}`,
  });
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value;
}

/** What {@link autoTune} is asked to plan for, checked once at the edge. */
export const tuningConstraintsSchema = z.strictObject({
  expectedVectors: numberField('expectedVectors', 'a number')
    .int('expectedVectors must be a whole number')
    .positive('expectedVectors must be at least 1'),
  dimensions: numberField('dimensions', 'a number')
    .int('dimensions must be a whole number')
    .positive('dimensions must be at least 1'),
  memoryBudget: numberField('memoryBudget', 'a number of bytes')
    .positive('memoryBudget must be more than 0 bytes')
    .optional(),
  profile: z
    .enum(PROFILE_NAMES, { error: `profile must be one of ${PROFILE_NAMES.join(', ')}` })
    .default('balanced'),
  quantization: z
    .enum(QUANTIZATIONS, { error: `quantization must be one of ${QUANTIZATIONS.join(', ')}` })
    .default('f32'),
  growthFactor: numberField('growthFactor', 'a number')
    .min(1, 'growthFactor must be at least 1 (it multiplies today’s vector count)')
    .default(DEFAULT_GROWTH_FACTOR),
});

/** What {@link autoTune} accepts: `expectedVectors` and `dimensions` are required. */
export type TuningConstraints = z.input<typeof tuningConstraintsSchema>;

/** {@link TuningConstraints} with every default filled in. */
export type ResolvedTuningConstraints = z.output<typeof tuningConstraintsSchema>;

const FIELD_HELP: Readonly<Record<string, string>> = {
  expectedVectors:
    'Pass the number of vectors you expect at launch, e.g. { expectedVectors: 10_000_000 }.',
  dimensions: 'Pass the length of your embedding vectors, e.g. { dimensions: 384 }.',
  memoryBudget:
    'Pass the RAM available to the index in bytes, e.g. 32 * 1024 ** 3 for 32 GiB, or leave it out.',
  profile: `Use one of ${PROFILE_NAMES.join(', ')}, or leave it out for balanced.`,
  quantization: `Use one of ${QUANTIZATIONS.join(', ')}, or leave it out for f32.`,
  growthFactor: 'Pass how many times today’s vector count to plan for, e.g. 2.5, or leave it out.',
};

/**
 * Validates tuning constraints and fills defaults; any problem throws `INVALID_INPUT` whose
 * message names the field, with a `help` that says what to pass instead.
 */
export function resolveTuningConstraints(input: unknown): ResolvedTuningConstraints {
  return parseTuningInput(tuningConstraintsSchema, input, 'tuning constraints', FIELD_HELP);
}

/**
 * Parses planner input with zod; the first problem becomes an `INVALID_INPUT` EngineError
 * naming the field (an unknown key is named too: it is usually a typo that would otherwise
 * be silently ignored), with the field's entry of `help` as the error's help.
 */
export function parseTuningInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  what: string,
  help: Readonly<Record<string, string>>,
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  let field: string | undefined;
  let problem: string;
  if (issue?.code === 'unrecognized_keys') {
    field = issue.keys[0];
    problem = `unknown field "${field ?? ''}"`;
  } else if (issue !== undefined && issue.path.length > 0) {
    field = issue.path.join('.');
    problem = issue.message;
  } else {
    problem = `${what} must be an object`;
  }
  throw new EngineError('INVALID_INPUT', `invalid ${what}: ${problem}`, {
    help:
      (field === undefined ? undefined : help[field]) ??
      `Pass an object with the fields ${Object.keys(help).join(', ')}.`,
    details: {
      field: field ?? null,
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    },
    cause: result.error,
  });
}
