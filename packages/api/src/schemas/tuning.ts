import { z } from 'zod';

/** `POST /tune`: what to plan an index for. */
export const tuneBody = z.object({
  expected_vectors: z
    .number()
    .int()
    .min(1)
    .max(1e12)
    .meta({ description: 'Vectors expected now (or at launch).' }),
  dimensions: z.number().int().min(1).max(65_536),
  memory_budget_bytes: z
    .number()
    .positive()
    .optional()
    .meta({ description: 'RAM available to the index, in bytes; without it every plan fits.' }),
  profile: z.enum(['high-recall', 'balanced', 'low-latency']).default('balanced'),
  quantization: z.enum(['f32', 'f16', 'i8']).default('f32'),
  monthly_growth: z.number().min(0).max(10).default(0).meta({
    description: 'Growth per month as a fraction (0.08 for 8% a month); 0 for none.',
  }),
  months: z.number().int().min(1).max(120).default(12),
});

const capacity = z.object({
  vectors: z.number(),
  index_type: z.enum(['hnsw', 'ivf', 'diskann']),
  memory_bytes: z.number(),
  disk_bytes: z.number(),
  fits_budget: z.boolean(),
});

export const tuneResponse = z.object({
  /** The index and settings to create the collection with. */
  recommendation: z.object({
    index_type: z.enum(['hnsw', 'ivf', 'diskann']),
    profile: z.string(),
    m: z.number().int(),
    ef_construction: z.number().int(),
    ef_search: z.number().int(),
    requested_quantization: z.string(),
    /** The requested quantization when it fits the budget, else the most precise that does. */
    quantization: z.string(),
    memory_bytes: z.number(),
    disk_bytes: z.number(),
    fits_budget: z.boolean(),
    /** What to change when the plan is over budget now or at month 12; empty when it fits. */
    notes: z.array(z.string()),
  }),
  memory_budget_bytes: z.number().nullable(),
  /** The growth factor at month 12 the plan was sized for. */
  growth_factor: z.number(),
  /** At month 12. */
  projected: capacity,
  /** Month by month from today (month 0), at the requested quantization. */
  projection: z.array(
    z.object({
      month: z.number().int(),
      vectors: z.number(),
      memory_bytes: z.number(),
      disk_bytes: z.number(),
    }),
  ),
  /** The first month whose memory is over the budget; null when none (or no budget). */
  budget_exceeded_month: z.number().int().nullable(),
});
