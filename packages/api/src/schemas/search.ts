import { z } from 'zod';

import { cursorSchema, filterSchema, paginationSchema, vectorSchema } from './common.js';

const k = z.number().int().min(1).max(10_000).meta({ description: 'Results wanted, 1 to 10000.' });
const efSearch = z
  .number()
  .int()
  .min(1)
  .max(10_000)
  .optional()
  .meta({ description: "Search breadth for this query; the collection's ef_search by default." });
const includeVectors = z
  .boolean()
  .default(false)
  .meta({ description: "Include each result's stored vector." });

/** `POST /collections/{c}/search`. */
export const searchBody = z.object({
  vector: vectorSchema,
  k: k.default(10),
  filter: filterSchema.nullable().optional(),
  post_filter: filterSchema
    .nullable()
    .optional()
    .meta({ description: 'Checked after ranking on k × post_filter_factor candidates.' }),
  post_filter_factor: z.number().min(1).optional(),
  include_vectors: includeVectors,
  explain: z.boolean().default(false),
  distance: z
    .string()
    .optional()
    .meta({ description: "Must name the collection's distance (or an alias of it) when given." }),
  search_after: cursorSchema.nullable().optional(),
  ef_search: efSearch,
});

/** One search result. */
export const searchHit = z.object({
  id: z.string(),
  distance: z.number(),
  score: z.number().meta({ description: '1 ÷ (1 + distance).' }),
  metadata: z.record(z.string(), z.unknown()).optional(),
  vector: z.array(z.number()).optional(),
});

/** The `explanation` of an explained search. */
export const explanationSchema = z.object({
  query_norm: z.number(),
  distance_metric: z.string(),
  top_dimensions: z.array(
    z.object({ dimension: z.number().int(), query_value: z.number(), contribution: z.number() }),
  ),
  profiling: z.object({
    total_time_us: z.number(),
    index_time_us: z.number(),
    filter_time_us: z.number(),
    enrich_time_us: z.number(),
    candidates_before_filter: z.number().int(),
    candidates_after_filter: z.number().int(),
    hnsw_stats: z.object({
      visited_nodes: z.number().int().nullable(),
      layers_traversed: z.number().int().nullable(),
      distance_computations: z.number().int().nullable(),
      traversal_time_us: z.number(),
    }),
    dimensions: z.number().int(),
    collection_size: z.number().int(),
    requested_k: z.number().int(),
    effective_k: z.number().int(),
    ef_search: z.number().int(),
    filter_applied: z.boolean(),
  }),
  plan: z.object({
    strategy: z.string(),
    reason: z.string(),
    estimated_selectivity: z.number(),
  }),
  cache_hit: z.boolean(),
});

export const searchResponse = z.object({
  results: z.array(searchHit),
  next_cursor: cursorSchema.optional(),
  has_more: z.boolean(),
  explanation: explanationSchema.optional(),
});

/** `POST /collections/{c}/search/batch`. */
export const batchSearchBody = z.object({
  vectors: z.array(vectorSchema).meta({ description: 'At most max_batch_size query vectors.' }),
  k: k.default(10),
  filter: filterSchema.nullable().optional(),
  include_vectors: includeVectors,
  ef_search: efSearch,
});
export const batchSearchResponse = z.object({ results: z.array(z.array(searchHit)) });

/** `POST /collections/{c}/search/radius`. */
export const radiusSearchBody = z.object({
  vector: vectorSchema,
  max_distance: z.number().meta({ description: 'Largest distance a result may have.' }),
  limit: z.number().int().min(1).max(10_000).default(1000),
  filter: filterSchema.nullable().optional(),
  include_vectors: includeVectors,
});
export const radiusSearchResponse = z.object({
  results: z.array(searchHit),
  max_distance: z.number(),
  count: z.number().int(),
});

/** `POST /collections/{c}/query`. */
export const queryBody = z.object({
  filter: filterSchema,
  limit: z.number().int().min(1).max(10_000).default(100),
  offset: z.number().int().min(0).default(0),
});
export const queryResponse = z.object({
  data: z.array(
    z.object({ id: z.string(), metadata: z.record(z.string(), z.unknown()).nullable() }),
  ),
  pagination: paginationSchema,
});

/** `POST /collections/{c}/count`. */
export const countBody = z.object({ filter: filterSchema.nullable().optional() });
export const countResponse = z.object({ count: z.number().int() });

/** `POST /collections/{c}/recommend`. */
export const recommendBody = z.object({
  positive_ids: z.array(z.string()).min(1),
  negative_ids: z.array(z.string()).default([]),
  limit: z.number().int().min(1).max(10_000).default(10),
  filter: filterSchema.nullable().optional(),
});
export const recommendResponse = z.object({ results: z.array(searchHit) });
