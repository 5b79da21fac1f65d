import { z } from 'zod';

import { parseOrThrow } from './parse-or-throw.js';

import { encryptionConfigSchema } from './crypto/encryption-config.js';
import { EngineError } from './errors.js';
import { formatValue } from './format-value.js';
import { walOptionsSchema } from './storage/sqlite/sqlite-options.js';

/** Public distance names and the aliases the REST contract accepts for them. */
export const DISTANCE_ALIASES = {
  cosine: 'cosine',
  euclidean: 'euclidean',
  l2: 'euclidean',
  dot: 'dot',
  dot_product: 'dot',
  inner_product: 'dot',
} as const;

/** How a collection measures distance: `cosine` = 1 − cos, `euclidean` = √L2², `dot` = −dot. */
export type Distance = 'cosine' | 'euclidean' | 'dot';

/** The checklist's three HNSW profiles. */
export const HNSW_PROFILES = {
  'high-recall': { m: 32, efConstruction: 400, efSearch: 200 },
  balanced: { m: 16, efConstruction: 200, efSearch: 50 },
  'low-latency': { m: 8, efConstruction: 100, efSearch: 20 },
} as const;

/** Name of one of {@link HNSW_PROFILES}. */
export type HnswProfile = keyof typeof HNSW_PROFILES;

/** Size limits every write and query is checked against (the REST contract's defaults). */
export const limitsSchema = z.object({
  maxDimensions: z.number().int().positive().default(65_536),
  maxK: z.number().int().positive().default(10_000),
  maxBatchSize: z.number().int().positive().default(10_000),
  maxMetadataBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024),
  maxMetadataDepth: z.number().int().positive().default(10),
  maxIdBytes: z.number().int().positive().default(1024),
  maxQueryLimit: z.number().int().positive().default(10_000),
});

/** Resolved limits. */
export type Limits = z.infer<typeof limitsSchema>;

/** Options of `Database.open`. Every field is optional. */
export const databaseConfigSchema = z.object({
  limits: limitsSchema.prefault({}),
  /** WAL settings of a file database: sync mode, checkpoint interval, WAL size limit. */
  wal: walOptionsSchema.prefault({}),
  /** Encryption at rest of a file database (the file, its WAL and the saved indexes). */
  encryption: encryptionConfigSchema.optional(),
  /** Which ANN implementation to use; `auto` takes the native addon when it loaded. */
  indexImplementation: z.enum(['auto', 'native', 'usearch-js']).default('auto'),
  /** Native threads for a coalesced batch of concurrent searches. */
  searchThreads: z.number().int().min(1).max(64).default(2),
  /** How long to collect concurrent searches before one native batch call. */
  searchBatchWindow: z.enum(['microtask', 'immediate']).default('microtask'),
  /** How often expired (TTL) vectors are removed in the background, in ms; 0 disables. */
  ttlSweepIntervalMs: z.number().int().min(0).default(1000),
  /**
   * Filters matching at most this share of a collection are answered by an exact search of
   * the matching subset; above it, by the HNSW graph with the filter applied.
   */
  exactSearchMaxSelectivity: z.number().min(0).max(1).default(0.05),
  /** A filtered exact search is also used whenever at most this many vectors match. */
  exactSearchMaxCandidates: z.number().int().min(0).default(20_000),
});

/** What `Database.open` accepts. */
export type DatabaseConfig = z.input<typeof databaseConfigSchema>;
/** `DatabaseConfig` with every default filled in. */
export type ResolvedDatabaseConfig = z.output<typeof databaseConfigSchema>;

/** Options of `createCollection`. */
export const collectionConfigSchema = z.object({
  dimensions: z.number(),
  distance: z.string().default('cosine'),
  index: z
    .object({
      m: z.number().int().min(2).max(128).optional(),
      efConstruction: z.number().int().min(1).max(4096).optional(),
      efSearch: z.number().int().min(1).max(10_000).optional(),
      profile: z.enum(['high-recall', 'balanced', 'low-latency']).optional(),
    })
    .prefault({}),
  quantization: z.enum(['f32', 'f16', 'i8']).default('f32'),
});

/** What `createCollection` accepts. */
export type CollectionConfig = z.input<typeof collectionConfigSchema>;

/** A collection's settings with every default resolved; stored with the collection. */
export interface ResolvedCollectionConfig {
  dimensions: number;
  distance: Distance;
  index: { m: number; efConstruction: number; efSearch: number };
  quantization: 'f32' | 'f16' | 'i8';
}

/** Validates `createCollection` options against the limits and fills defaults. */
export function resolveCollectionConfig(input: unknown, limits: Limits): ResolvedCollectionConfig {
  const parsed = parseOrThrow(collectionConfigSchema, input, 'collection config');
  const { dimensions } = parsed;
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new EngineError(
      'INVALID_DIMENSIONS',
      `dimensions must be a positive integer, got ${formatValue(dimensions)}`,
      {
        help: 'Pass the length of your embedding vectors, e.g. { dimensions: 384 }.',
        details: { dimensions },
      },
    );
  }
  if (dimensions > limits.maxDimensions) {
    throw new EngineError(
      'DIMENSIONS_TOO_LARGE',
      `dimensions ${dimensions} exceeds the limit of ${limits.maxDimensions}`,
      {
        help: `Use at most ${limits.maxDimensions} dimensions, or raise limits.maxDimensions.`,
        details: { dimensions, limit: limits.maxDimensions },
      },
    );
  }
  const distance = resolveDistance(parsed.distance);
  const profile = HNSW_PROFILES[parsed.index.profile ?? 'balanced'];
  return {
    dimensions,
    distance,
    index: {
      m: parsed.index.m ?? profile.m,
      efConstruction: parsed.index.efConstruction ?? profile.efConstruction,
      efSearch: parsed.index.efSearch ?? profile.efSearch,
    },
    quantization: parsed.quantization,
  };
}

/** Maps a distance name or alias onto its canonical name, or throws `INVALID_DISTANCE`. */
export function resolveDistance(name: unknown): Distance {
  if (typeof name === 'string' && Object.hasOwn(DISTANCE_ALIASES, name)) {
    return DISTANCE_ALIASES[name as keyof typeof DISTANCE_ALIASES];
  }
  throw new EngineError('INVALID_DISTANCE', `unknown distance ${JSON.stringify(name)}`, {
    help: `Use one of: ${Object.keys(DISTANCE_ALIASES).join(', ')}.`,
    details: { distance: name },
  });
}
