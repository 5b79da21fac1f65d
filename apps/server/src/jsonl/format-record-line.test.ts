import { describe, expect, it } from 'vitest';

import { formatFloat32, formatRecordLine } from './format-record-line.js';
import { parseRecordLine } from './parse-record-line.js';

describe('formatRecordLine', () => {
  it('writes the line needle import reads, with the shortest float32 decimals', () => {
    const line = formatRecordLine({
      id: 'a"b',
      vector: Float32Array.of(0.1, -0, 1 / 3, 1e-40, 3.4028234663852886e38),
      metadata: { tags: ['x'], n: 1 },
    });
    expect(line).toBe(
      '{"id":"a\\"b","vector":[0.1,-0,0.33333334,1e-40,3.4028235e+38],"metadata":{"tags":["x"],"n":1}}\n',
    );
  });

  it('writes ttl_seconds only for records that expire, and null metadata', () => {
    expect(formatRecordLine({ id: 'a', vector: [1], metadata: null, ttlSeconds: 60 })).toBe(
      '{"id":"a","vector":[1],"metadata":null,"ttl_seconds":60}\n',
    );
  });

  it('round-trips every float32 bit pattern it is given', () => {
    const bits = new Uint32Array(20_000);
    let x = 0x9e3779b9;
    for (let i = 0; i < bits.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bits[i] = x >>> 0;
    }
    const values = new Float32Array(bits.buffer).filter((v) => Number.isFinite(v));
    const parsed = parseRecordLine(
      formatRecordLine({ id: 'r', vector: values, metadata: null }),
      values.length,
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const back = Float32Array.from(parsed.record.vector);
    expect(new Uint32Array(back.buffer)).toEqual(new Uint32Array(values.slice().buffer));
  });

  it('prints the shortest decimal, as a digit-by-digit search finds it', () => {
    // Values across the fast path's range and beyond it, and at powers of ten.
    const values = [
      0.5, 0.1, 1, 10, 100, 1e7, 9.999999e6, 1e-6, 1e-7, 99999.99, 16777216, 1e12, 1e13,
    ];
    for (let i = 0; i < 20_000; i++) values.push(Math.sin(i * 131 + 7) * 10 ** ((i % 31) - 15));
    for (const v of values.map(Math.fround)) {
      const text = formatFloat32(v);
      expect(Math.fround(Number(text))).toBe(v);
      expect(text).toBe(slowShortest(v));
    }
  });

  it('never prints more digits than needed', () => {
    expect(formatFloat32(Math.fround(0.2))).toBe('0.2');
    expect(formatFloat32(100)).toBe('100');
    expect(formatFloat32(Math.fround(16777217))).toBe('16777216');
  });
});

/** The shortest round-tripping decimal by brute force over the number of digits. */
function slowShortest(f: number): string {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return String(candidate);
  }
  throw new Error(`no decimal of 9 digits reads back as ${f}`);
}
