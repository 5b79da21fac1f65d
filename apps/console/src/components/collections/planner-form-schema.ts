import { z } from 'zod';

const GIB = 1024 ** 3;

const number = (what: string, min: number, max: number, int = false) =>
  z
    .string()
    .trim()
    .min(1, `enter ${what}`)
    .transform(Number)
    .pipe(
      (int
        ? z.number({ error: 'enter a number' }).int('enter a whole number')
        : z.number({ error: 'enter a number' })
      )
        .min(min, `at least ${min}`)
        .max(max, `at most ${max}`),
    );

/** The capacity planner's form, as typed, turned into the server's `tune` input. */
export const plannerForm = z
  .object({
    expected_vectors: number('the vectors you expect', 1, 1e12, true),
    dimensions: number('the length of the vectors', 1, 65_536, true),
    growth_percent: number('the growth per month (0 for none)', 0, 1000),
    budget_gib: z
      .string()
      .trim()
      .transform((t) => (t === '' ? undefined : Number(t)))
      .pipe(z.number({ error: 'enter a number of GiB' }).positive('more than 0').optional()),
    profile: z.enum(['high-recall', 'balanced', 'low-latency']),
    quantization: z.enum(['f32', 'f16', 'i8']),
  })
  .transform((f) => ({
    expected_vectors: f.expected_vectors,
    dimensions: f.dimensions,
    monthly_growth: f.growth_percent / 100,
    profile: f.profile,
    quantization: f.quantization,
    months: 12,
    ...(f.budget_gib === undefined ? {} : { memory_budget_bytes: Math.round(f.budget_gib * GIB) }),
  }));

/** The form's fields, as text. */
export type PlannerFields = z.input<typeof plannerForm>;
/** What is sent to `collections.tune`. */
export type PlannerInput = z.output<typeof plannerForm>;

/** The first problem of each field. */
export function plannerErrors(error: z.ZodError): Partial<Record<keyof PlannerFields, string>> {
  const out: Partial<Record<keyof PlannerFields, string>> = {};
  for (const issue of error.issues) out[issue.path[0] as keyof PlannerFields] ??= issue.message;
  return out;
}
