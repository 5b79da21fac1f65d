import { z } from 'zod';

const optionalInt = (min: number, max: number) =>
  z
    .string()
    .trim()
    .transform((text) => (text === '' ? undefined : Number(text)))
    .pipe(
      z
        .number({ error: 'enter a whole number' })
        .int('enter a whole number')
        .min(min, `at least ${min}`)
        .max(max, `at most ${max}`)
        .optional(),
    );

/**
 * The create-collection form, checked in the browser with the server's own limits so most
 * mistakes are shown before anything is sent (the server checks again).
 */
export const createCollectionForm = z.object({
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'use 1 to 256 letters, digits, "_" or "-"'),
  dimensions: z
    .string()
    .trim()
    .min(1, 'enter the length of the vectors')
    .transform(Number)
    .pipe(
      z
        .number({ error: 'enter a whole number' })
        .int('enter a whole number')
        .min(1, 'at least 1')
        .max(65_536, 'at most 65536'),
    ),
  distance: z.enum(['cosine', 'euclidean', 'dot']),
  quantization: z.enum(['f32', 'f16', 'i8']),
  m: optionalInt(2, 128),
  ef_construction: optionalInt(1, 4096),
  ef_search: optionalInt(1, 10_000),
});

/** What the form's fields hold (text, as typed). */
export type CreateCollectionFields = z.input<typeof createCollectionForm>;

/** The first problem of each field, by field name. */
export function fieldErrors(
  error: z.ZodError,
): Partial<Record<keyof CreateCollectionFields, string>> {
  const out: Partial<Record<keyof CreateCollectionFields, string>> = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as keyof CreateCollectionFields;
    out[field] ??= issue.message;
  }
  return out;
}
