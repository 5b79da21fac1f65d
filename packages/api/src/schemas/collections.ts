import { z } from 'zod';

import { collectionName, pageQuery, paginationSchema } from './common.js';

/** `GET /collections?offset&limit`. */
export const listCollectionsQuery = pageQuery(1000, 100);

/** `POST /collections`. */
export const createCollectionBody = z.object({
  name: collectionName,
  dimensions: z.number().int().min(1).meta({ description: 'Length of every vector.' }),
  distance: z.string().default('cosine').meta({
    description:
      'cosine (default), euclidean or l2, dot or dot_product or inner_product. Unknown names are 400 INVALID_DISTANCE.',
  }),
  m: z.number().int().min(2).max(128).optional(),
  ef_construction: z.number().int().min(1).max(4096).optional(),
  ef_search: z.number().int().min(1).max(10_000).optional(),
  profile: z.enum(['high-recall', 'balanced', 'low-latency']).optional(),
  quantization: z.enum(['f32', 'f16', 'i8']).optional(),
});

/** One line of the collection list. */
export const collectionSummary = z.object({
  name: z.string(),
  dimensions: z.number().int(),
  count: z.number().int(),
  deleted_count: z.number().int(),
});

export const listCollectionsResponse = z.object({
  collections: z.array(collectionSummary),
  pagination: paginationSchema,
});

export const createCollectionResponse = z.object({ created: z.string() });

export const collectionDetail = z.object({
  name: z.string(),
  dimensions: z.number().int(),
  distance: z.string(),
  count: z.number().int(),
  deleted_count: z.number().int(),
  needs_compaction: z.boolean(),
  /** The index's scalar kind (`f32`, `f16`, `i8`, `b1`). */
  quantization: z.string(),
  /** The index's type and the HNSW parameters it was built with. */
  index: z.object({
    type: z.string(),
    m: z.number().int(),
    ef_construction: z.number().int(),
    ef_search: z.number().int(),
  }),
});

export const deleteCollectionResponse = z.object({ deleted: z.string() });

/** `POST /collections/{name}/compact?dry_run=true`: only report what compaction would reclaim. */
export const compactQuery = z.object({
  dry_run: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .meta({ description: 'true: change nothing, answer what a compaction would reclaim.' }),
});

export const compactResponse = z.object({
  compacted: z.string(),
  /** Deleted slots freed (for a dry run: that would be freed). */
  removed: z.number().int(),
  dry_run: z.boolean().optional(),
  /** Index memory freed (for a dry run: the estimate). */
  reclaimed_bytes: z.number().int().optional(),
  /** Live vectors in the rebuilt index. */
  vectors: z.number().int().optional(),
});

/** The long operation running on a collection, or null. */
export const runningOperation = z
  .object({
    kind: z.enum(['compaction']),
    /** `starting`, `rebuild`, `vacuum`, `done`. */
    phase: z.string(),
    done: z.number().int(),
    total: z.number().int(),
    /** How far the whole operation is, 0..1. */
    ratio: z.number(),
    started_at: z.string(),
    /** Seconds still to go at the rate so far; null until there is a rate. */
    eta_seconds: z.number().nullable(),
  })
  .nullable();

export const indexStatusResponse = z.object({
  collection: z.string(),
  index: z.object({
    type: z.string(),
    vectors: z.number().int(),
    deleted: z.number().int(),
    fragmentation_ratio: z.number(),
    needs_compaction: z.boolean(),
    memory_bytes: z.number().int(),
    index_memory_bytes: z.number().int(),
  }),
  compaction_recommended: z.boolean(),
  /** The compaction running now, with its progress; null when none. */
  operation: runningOperation.optional(),
  /** What the last compaction since the server started did; null before one. */
  last_compaction: z
    .object({
      removed: z.number().int(),
      reclaimed_bytes: z.number().int(),
      duration_ms: z.number(),
      vectors: z.number().int(),
      completed_at: z.string(),
    })
    .nullable()
    .optional(),
});

/** `GET /collections/{name}/export?offset&limit`: without `limit`, the whole collection. */
export const exportQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).optional(),
});

export const exportResponse = z.object({
  collection: z.string(),
  dimensions: z.number().int(),
  count: z.number().int(),
  total: z.number().int(),
  offset: z.number().int(),
  has_more: z.boolean(),
  vectors: z.array(
    z.object({
      id: z.string(),
      vector: z.array(z.number()),
      metadata: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
});
