import { z } from 'zod';

import { HNSW_PROFILES } from '../config.js';
import { estimateCapacity, growVectorCount } from './capacity-estimate.js';
import {
  parseTuningInput,
  resolveTuningConstraints,
  type TuningConstraints,
} from './tuning-constraints.js';

/** One month of a {@link growthProjection}. */
export interface GrowthPoint {
  /** Months from now; 0 is today. */
  month: number;
  /** Vectors expected that month, rounded up. */
  vectors: number;
  /** Index memory at that count, by the checklist formula. */
  memoryBytes: number;
  /** Disk to provision at that count: twice the index, for compaction headroom. */
  diskBytes: number;
}

const GROWTH_OPTIONS_HELP: Readonly<Record<string, string>> = {
  months: 'Pass a whole number of months from 1 to 120, e.g. 12, or leave it out.',
  monthlyGrowth:
    'Pass the growth per month as a fraction, e.g. 0.08 for 8% a month, or leave it out.',
};

const growthOptionsSchema = z.object({
  months: z
    .number({ error: 'months must be a number' })
    .int('months must be a whole number')
    .min(1, 'months must be at least 1')
    .max(120, 'months must be at most 120'),
  monthlyGrowth: z
    .number({ error: 'monthlyGrowth must be a number' })
    .min(0, 'monthlyGrowth must be 0 or more (a fraction per month, e.g. 0.08)')
    .optional(),
});

/**
 * Month-by-month vectors, memory and disk for the console's growth chart, from today
 * (month 0) to `months`, at the constraints' profile and quantization.
 *
 * The growth model is compound monthly growth. Without `monthlyGrowth` the rate is the one
 * that reaches `growthFactor` (2.5× by default) at month 12, so the chart's month 12 equals
 * `autoTune(constraints).projected`; with it, month `t` holds
 * `expectedVectors × (1 + monthlyGrowth)^t` vectors (rounded up).
 *
 * @throws EngineError `INVALID_INPUT` naming the field when an argument is malformed.
 * @example
 * ```ts
 * growthProjection({ expectedVectors: 1_000_000, dimensions: 768 }, 12, 0.05)
 *   .map((p) => p.vectors); // [1 000 000, 1 050 000, 1 102 500, …]
 * ```
 */
export function growthProjection(
  constraints: TuningConstraints,
  months = 12,
  monthlyGrowth?: number,
): GrowthPoint[] {
  const c = resolveTuningConstraints(constraints);
  const options = parseTuningInput(
    growthOptionsSchema,
    { months, monthlyGrowth },
    'growth projection',
    GROWTH_OPTIONS_HELP,
  );
  const { m } = HNSW_PROFILES[c.profile];
  // A power of the 12-month factor lands month 12 on exactly `growthFactor`, where a 12th
  // root raised back to the 12th power would drift.
  const multiplier = (month: number) =>
    options.monthlyGrowth === undefined
      ? c.growthFactor ** (month / 12)
      : (1 + options.monthlyGrowth) ** month;

  const points: GrowthPoint[] = [];
  for (let month = 0; month <= options.months; month += 1) {
    const figures = estimateCapacity(
      growVectorCount(c.expectedVectors, multiplier(month)),
      c.dimensions,
      m,
      c.quantization,
      c.memoryBudget,
    );
    points.push({
      month,
      vectors: figures.vectors,
      memoryBytes: figures.memoryBytes,
      diskBytes: figures.diskBytes,
    });
  }
  return points;
}
