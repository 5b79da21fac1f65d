import { z } from 'zod';

/**
 * The console's build-time settings, validated once. `NEXT_PUBLIC_NEEDLE_URL` is for `next dev`
 * only (a server on another origin, which must then allow it with `--cors-origins`); the
 * built console calls its own origin, where the Needle server serves it.
 */
const schema = z.object({
  NEXT_PUBLIC_NEEDLE_URL: z
    .url()
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
});

export const env = schema.parse({
  // Next inlines each NEXT_PUBLIC_ variable only where it is written out in full.
  NEXT_PUBLIC_NEEDLE_URL: process.env.NEXT_PUBLIC_NEEDLE_URL || undefined,
});

/** The base of the API's URLs: empty (same origin) unless `NEXT_PUBLIC_NEEDLE_URL` is set. */
export const apiBase = env.NEXT_PUBLIC_NEEDLE_URL ?? '';
