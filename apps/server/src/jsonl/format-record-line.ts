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

/** Exact powers of ten in double precision (10^22 is the largest). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The shortest decimal that parses back to the float32 `x`, printed as JavaScript prints
 * numbers (`0.1`, `1e-7`, `3.4028235e+38`). For magnitudes within 1e±12 the digits come
 * from integer arithmetic on exact powers of ten, about ten times faster than
 * `toPrecision`; every candidate is checked to read back as the same float32.
 */
export function formatFloat32(x: number): string {
  if (x === 0) return 1 / x < 0 ? '-0' : '0';
  const f = Math.fround(x);
  const a = Math.abs(f);
  const e = Math.floor(Math.log10(a));
  if (e > 12 || e < -12) return shortestByPrecision(f);
  for (let p = 1; p <= 9; p++) {
    // Round a to p significant digits: n × 10^-k, n an integer (exact below 2^53).
    const k = p - 1 - e;
    const scale = POW10[Math.abs(k)]!;
    const n = k >= 0 ? Math.round(a * scale) : Math.round(a / scale);
    const candidate = k >= 0 ? n / scale : n * scale;
    if (Math.fround(candidate) === a) {
      const text = numberText(String(n), -k);
      return f < 0 ? `-${text}` : text;
    }
  }
  return shortestByPrecision(f);
}

/** `digits` × 10^`exponent` as `Number.prototype.toString` would print it. */
function numberText(digits: string, exponent: number): string {
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  const d = digits.slice(0, end);
  const k = d.length;
  // The value is 0.d × 10^n, as in the ECMAScript Number::toString algorithm.
  const n = exponent + digits.length;
  if (k <= n && n <= 21) return d + '0'.repeat(n - k);
  if (0 < n && n <= 21) return `${d.slice(0, n)}.${d.slice(n)}`;
  if (-6 < n && n <= 0) return `0.${'0'.repeat(-n)}${d}`;
  const e = n - 1;
  return `${d[0]}${k > 1 ? `.${d.slice(1)}` : ''}e${e > 0 ? '+' : '-'}${Math.abs(e)}`;
}

/** The shortest decimal by trying 1 to 9 significant digits (9 always suffice). */
function shortestByPrecision(f: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return String(candidate);
  }
  return String(Number(f.toPrecision(9)));
}
