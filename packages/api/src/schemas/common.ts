import { z } from 'zod';

/** A collection name in a path or body: `^[A-Za-z0-9_-]{1,256}$`. */
export const collectionName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,256}$/, 'use 1 to 256 letters, digits, "_" or "-"')
  .meta({ description: 'Collection name: 1 to 256 letters, digits, "_" or "-".' });

/** Path parameters of routes under `/collections/{name}`. */
export const collectionParams = z.object({ name: z.string() });

/** Path parameters of routes under `/collections/{name}/vectors/{id}`. */
export const vectorParams = z.object({ name: z.string(), id: z.string() });

/**
 * A vector: an array of finite numbers. Only its shape is checked here; the engine checks
 * every component in one typed pass and names the first bad index (a string, null, or a
 * number too large for float32), which is both faster and a better message.
 */
export const vectorSchema = z
  .custom<number[]>((v) => Array.isArray(v), { message: 'expected an array of numbers' })
  .meta({ type: 'array', items: { type: 'number' }, description: 'An array of finite numbers.' });

/** A filter in the MongoDB-style filter language; the engine compiles and checks it. */
export const filterSchema = z.record(z.string(), z.unknown()).meta({
  description:
    'MongoDB-style filter: $eq $ne $gt $gte $lt $lte $in $nin $exists $contains $startsWith $endsWith $regex $all $elemMatch $between $size $type, $and $or $not; dotted paths.',
  examples: [{ lang: 'en', year: { $gte: 2020 } }],
});

/** JSON metadata attached to a vector (an object, or null for none). */
export const metadataSchema = z
  .record(z.string(), z.unknown())
  .nullable()
  .meta({ description: 'JSON object (≤ 64 KB serialized, nesting ≤ 10), or null.' });

/** An integer in a query string. */
export function queryInt(min: number, max?: number) {
  const base = z.coerce.number().int().min(min);
  return max === undefined ? base : base.max(max);
}

/** `offset`/`limit` of a paginated listing. */
export function pageQuery(maxLimit: number, defaultLimit: number) {
  return z.object({
    offset: queryInt(0).default(0),
    limit: queryInt(1, maxLimit).default(defaultLimit),
  });
}

/** The pagination block of paginated answers. */
export const paginationSchema = z.object({
  count: z.number().int(),
  offset: z.number().int(),
  total: z.number().int(),
  has_more: z.boolean(),
});

/** Where a search page ends: pass it back as `search_after` for the next page. */
export const cursorSchema = z.object({
  distance: z.number(),
  id: z.string(),
});
