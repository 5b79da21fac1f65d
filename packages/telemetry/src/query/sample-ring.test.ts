import { describe, expect, it } from 'vitest';

import { SampleRing, seriesKey } from './sample-ring.js';

const sample = (name: string, value: number, labels: Record<string, string> = {}) => ({
  name,
  labels,
  value,
});

describe('SampleRing', () => {
  it('keeps the newest `capacity` rounds, oldest overwritten', () => {
    const ring = new SampleRing({ capacity: 4, maxSeries: 10 });
    for (let t = 1; t <= 10; t++) ring.append(t * 1000, [sample('x', t * 10)]);
    expect(ring.roundCount).toBe(4);
    const [x] = [...ring.series('x')];
    expect(x!.range(0, 100_000)).toEqual({
      times: [7000, 8000, 9000, 10_000],
      values: [70, 80, 90, 100],
    });
    // The range is open at the start and closed at the end.
    expect(x!.range(8000, 9000)).toEqual({ times: [9000], values: [90] });
    expect(x!.instant(9500, 5000)).toBe(90);
    expect(x!.instant(6500, 5000)).toBeUndefined();
  });

  it('ignores a round not later than the previous one', () => {
    const ring = new SampleRing({ capacity: 4, maxSeries: 10 });
    expect(ring.append(2000, [sample('x', 1)])).toBe(true);
    expect(ring.append(2000, [sample('x', 2)])).toBe(false);
    expect(ring.append(1000, [sample('x', 3)])).toBe(false);
    expect([...ring.series('x')][0]!.range(0, 5000).values).toEqual([1]);
  });

  it('marks a series absent from a round, and drops it once no sample of it is held', () => {
    const ring = new SampleRing({ capacity: 3, maxSeries: 10 });
    ring.append(1000, [sample('x', 1, { c: 'a' }), sample('x', 2, { c: 'b' })]);
    ring.append(2000, [sample('x', 3, { c: 'a' })]);
    const b = [...ring.series('x')].find((s) => s.labels.c === 'b')!;
    expect(b.instant(2000, 60_000)).toBeUndefined();
    expect(b.instant(1500, 60_000)).toBe(2);
    expect(ring.seriesCount).toBe(2);
    ring.append(3000, [sample('x', 4, { c: 'a' })]);
    ring.append(4000, [sample('x', 5, { c: 'a' })]);
    expect(ring.seriesCount).toBe(1);
    expect([...ring.series('x')].map((s) => s.labels)).toEqual([{ c: 'a' }]);
  });

  it('bounds memory: caps the series, counts dropped samples, reports its bytes', () => {
    const options = { capacity: 17_280, maxSeries: 3 };
    const ring = new SampleRing(options);
    expect(SampleRing.boundBytes(options)).toBe(4 * 17_280 * 8);
    expect(ring.bytes()).toBe(17_280 * 8);
    for (let t = 1; t <= 5; t++) {
      ring.append(
        t * 1000,
        Array.from({ length: 5 }, (_, i) => sample('x', t, { i: String(i) })),
      );
    }
    expect(ring.seriesCount).toBe(3);
    expect(ring.droppedSamples).toBe(10);
    expect(ring.bytes()).toBe(SampleRing.boundBytes(options));
    expect(() => new SampleRing({ capacity: 1, maxSeries: 1 })).toThrow(RangeError);
    expect(() => new SampleRing({ capacity: 10, maxSeries: 0 })).toThrow(RangeError);
  });

  it('keys a series by name and sorted labels', () => {
    expect(seriesKey('x', { b: '1', a: '2' })).toBe(seriesKey('x', { a: '2', b: '1' }));
    expect(seriesKey('x', { a: '1' })).not.toBe(seriesKey('y', { a: '1' }));
  });
});
