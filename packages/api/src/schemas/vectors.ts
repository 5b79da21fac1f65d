import { z } from 'zod';

import { metadataSchema, pageQuery, vectorSchema } from './common.js';

/** A vector id: 1 to 1024 UTF-8 bytes without control characters (the engine checks). */
export const vectorId = z.string().meta({
  description: 'Vector id: 1 to 1024 UTF-8 bytes without control characters.',
});

/** One vector to write. */
export const vectorInput = z.object({
  id: vectorId,
  vector: vectorSchema,
  metadata: metadataSchema.optional(),
  ttl_seconds: z
    .number()
    .positive()
    .nullable()
    .optional()
    .meta({ description: 'Seconds until the vector expires; omit or null for never.' }),
});

/** `POST /collections/{c}/vectors` and `.../vectors/upsert`. */
export const insertVectorBody = vectorInput;
export const insertVectorResponse = z.object({ inserted: z.string() });
export const upsertVectorResponse = z.object({
  id: z.string(),
  updated: z.boolean().meta({ description: 'True when the id existed before.' }),
});

/** `POST /collections/{c}/vectors/batch`. */
export const batchInsertBody = z.object({
  vectors: z.array(vectorInput).meta({ description: 'At most max_batch_size vectors.' }),
});
export const batchInsertResponse = z.object({
  inserted: z.number().int(),
  errors: z.array(z.object({ id: z.string(), error: z.string(), code: z.string() })),
});

/** `GET /collections/{c}/vectors/{id}`. */
export const vectorResponse = z.object({
  id: z.string(),
  vector: z.array(z.number()),
  metadata: z.record(z.string(), z.unknown()).nullable(),
});

export const deleteVectorResponse = z.object({ deleted: z.string() });

/** `POST /collections/{c}/vectors/{id}/metadata`. */
export const updateMetadataBody = z.object({
  metadata: metadataSchema,
  replace: z
    .boolean()
    .default(false)
    .meta({ description: 'Replace the metadata instead of merging (JSON merge patch).' }),
});
export const updateMetadataResponse = z.object({ updated: z.string() });

/** `POST /collections/{c}/vectors/delete-batch`. */
export const deleteBatchBody = z.object({
  ids: z
    .array(vectorId)
    .meta({ description: 'At most max_batch_size ids; unknown ids are skipped.' }),
});
export const deleteBatchResponse = z.object({ deleted_count: z.number().int() });

/** `GET /collections/{c}/vectors?offset&limit`. */
export const listVectorsQuery = pageQuery(1000, 100);
export const listVectorsResponse = z.object({
  ids: z.array(z.string()),
  offset: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
});
