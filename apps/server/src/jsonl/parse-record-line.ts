import type { WireRecord } from '../commands/backend.js';

/** A JSONL line read as a record, or why it cannot be one. */
export type ParsedLine = { ok: true; record: WireRecord } | { ok: false; reason: string };

/**
 * Reads one JSONL line `{"id","vector","metadata"?,"ttl_seconds"?}` (other fields are
 * ignored). Checks the shape and, when `dimensions` is known, the vector's length; the
 * engine checks the rest (id length, metadata limits) when the record is written.
 */
export function parseRecordLine(text: string, dimensions: number | null): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not valid JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'expected a JSON object {"id", "vector", "metadata"?}' };
  }
  const { id, vector, metadata, ttl_seconds: ttl } = value as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') {
    return { ok: false, reason: '"id" must be a non-empty string' };
  }
  if (!Array.isArray(vector)) return { ok: false, reason: '"vector" must be an array of numbers' };
  if (dimensions !== null && vector.length !== dimensions) {
    return {
      ok: false,
      reason: `"vector" has ${vector.length} dimensions, the collection has ${dimensions}`,
    };
  }
  for (let i = 0; i < vector.length; i++) {
    const x: unknown = vector[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      return { ok: false, reason: `"vector"[${i}] is not a finite number` };
    }
    if (!Number.isFinite(Math.fround(x))) {
      return { ok: false, reason: `"vector"[${i}] is ${x}, beyond the float32 range (±3.4e38)` };
    }
  }
  if (
    metadata !== undefined &&
    metadata !== null &&
    (typeof metadata !== 'object' || Array.isArray(metadata))
  ) {
    return { ok: false, reason: '"metadata" must be an object or null' };
  }
  if (ttl !== undefined && ttl !== null && (typeof ttl !== 'number' || !(ttl > 0))) {
    return { ok: false, reason: '"ttl_seconds" must be a positive number or null' };
  }
  return {
    ok: true,
    record: {
      id,
      vector: vector as number[],
      metadata: (metadata ?? null) as Record<string, unknown> | null,
      ...(typeof ttl === 'number' ? { ttl_seconds: ttl } : {}),
    },
  };
}
