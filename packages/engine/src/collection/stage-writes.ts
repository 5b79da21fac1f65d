import type { Limits, ResolvedCollectionConfig } from '../config.js';
import { EngineError, isEngineError } from '../errors.js';
import type { Mutation } from '../storage/storage.js';
import { prepareForIndex } from '../vectors/metric.js';
import { serializeMetadata, toVector, validateId } from '../vectors/validate-record.js';
import type { VectorInput } from '../vectors/validate-record.js';
import { expiryOf } from './validate-options.js';

/** A vector to write. */
export interface VectorRecordInput {
  id: string;
  vector: VectorInput;
  metadata?: Record<string, unknown> | null;
  /** Seconds until the vector expires and disappears; omit for never. */
  ttlSeconds?: number | null;
}

/** A validated record, ready to stage. */
export interface ValidRecord {
  id: string;
  /** The vector as given (stored). */
  vector: Float32Array;
  /** The vector as indexed (normalised for cosine). */
  indexed: Float32Array;
  metadata: string | null;
  expiresAt: number | null;
}

/**
 * Validates a whole batch before anything is written: one bad record (wrong dimensions,
 * NaN, bad id or metadata) rejects the batch, naming the record.
 */
export function validateRecords(
  records: readonly unknown[],
  config: ResolvedCollectionConfig,
  limits: Limits,
  now: number,
): ValidRecord[] {
  return records.map((raw, position) => {
    if (typeof raw !== 'object' || raw === null) {
      throw new EngineError(
        'INVALID_INPUT',
        `record ${position}: expected { id, vector, metadata? }`,
        {
          help: 'Pass each record as an object with an id and a vector.',
          details: { position },
        },
      );
    }
    const r = raw as Partial<VectorRecordInput>;
    const label = typeof r.id === 'string' ? `vector "${truncate(r.id)}"` : `record ${position}`;
    try {
      const id = validateId(r.id, limits);
      const vector = toVector(r.vector, config.dimensions, label);
      const indexed =
        config.distance === 'cosine' ? prepareForIndex('cosine', vector.slice(), label) : vector;
      return {
        id,
        vector,
        indexed,
        metadata: serializeMetadata(r.metadata, limits, label),
        expiresAt: expiryOf(r.ttlSeconds, now, label),
      };
    } catch (err) {
      if (isEngineError(err)) {
        throw new EngineError(err.code, err.message, {
          help: err.help,
          details: { ...err.details, position, id: typeof r.id === 'string' ? r.id : undefined },
          cause: err.cause,
        });
      }
      throw err;
    }
  });
}

/** A put, plus the delete of the key the id had before (if any). */
export function putMutations(
  record: ValidRecord,
  key: number,
  oldKey: number | undefined,
): Mutation[] {
  const put: Mutation = {
    op: 'put',
    key,
    id: record.id,
    vector: record.vector,
    metadata: record.metadata,
    expiresAt: record.expiresAt,
  };
  return oldKey === undefined ? [put] : [{ op: 'delete', key: oldKey, id: record.id }, put];
}

/**
 * RFC 7396 JSON merge patch: keys set to null are removed, nested objects merge, anything
 * else replaces.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete base[name];
    else base[name] = mergePatch(base[name], value);
  }
  return base;
}

function truncate(id: string): string {
  return id.length > 64 ? `${id.slice(0, 61)}...` : id;
}
