/** A record to write as one JSONL line. */
export interface LineRecord {
  id: string;
  vector: Float32Array | readonly number[];
  metadata: unknown;
  /** Seconds the record has left to live, when it expires. */
  ttlSeconds?: number;
}

/**
 * Writes a record as the JSONL line `needle import` reads, newline included:
 * `{"id","vector","metadata","ttl_seconds"?}`. Each vector component is printed as the
 * shortest decimal that reads back as the same float32 (−0 included), so an export
 * imported again stores identical bits, and exporting that gives identical bytes.
 *
 * @example
 * ```ts
 * formatRecordLine({ id: 'a', vector: Float32Array.of(0.1, -0), metadata: null });
 * // '{"id":"a","vector":[0.1,-0],"metadata":null}\n'
 * ```
 */
export function formatRecordLine(record: LineRecord): string {
  let line = `{"id":${JSON.stringify(record.id)},"vector":${formatVector(record.vector)}`;
  line += `,"metadata":${JSON.stringify(record.metadata ?? null)}`;
  if (record.ttlSeconds !== undefined) line += `,"ttl_seconds":${record.ttlSeconds}`;
  return `${line}}\n`;
}

function formatVector(vector: ArrayLike<number>): string {
  let out = '[';
  for (let i = 0; i < vector.length; i++) {
    if (i > 0) out += ',';
    out += formatFloat32(vector[i]!);
  }
  return `${out}]`;
}

/** The shortest decimal that parses back to the float32 `x` (9 digits always suffice). */
export function formatFloat32(x: number): string {
  if (x === 0) return 1 / x < 0 ? '-0' : '0';
  const f = Math.fround(x);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return String(candidate);
  }
  return String(Number(f.toPrecision(9)));
}
