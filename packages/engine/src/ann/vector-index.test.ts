import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  clusteredRows,
  exactNeighbours,
  keyRange,
  keyRecall,
  normalizeRows,
  rawDistance,
  row,
} from '../../test/helpers/flat-vectors.js';
import { prng } from '../../test/helpers/datasets.js';
import { createVectorIndex, nativeIndexAvailable } from './create-vector-index.js';
import { NativeHnswIndex } from './native-hnsw-index.js';
import { UsearchJsIndex } from './usearch-js-index.js';
import type { IndexMetric, Quantization, VectorIndex, VectorIndexOptions } from './vector-index.js';

const IMPLEMENTATIONS = [
  {
    name: 'NativeHnswIndex',
    kind: 'native-hnsw',
    make: (o: VectorIndexOptions) => new NativeHnswIndex(o),
    stats: true,
  },
  {
    name: 'UsearchJsIndex',
    kind: 'usearch-js',
    make: (o: VectorIndexOptions) => new UsearchJsIndex(o),
    stats: false,
  },
] as const;

const tempDir = mkdtempSync(join(tmpdir(), 'needle-vector-index-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

describe.each(IMPLEMENTATIONS)('$name conforms to VectorIndex', ({ kind, make, stats }) => {
  const open: VectorIndex[] = [];
  afterEach(() => {
    for (const index of open.splice(0)) index.close();
  });

  function build(
    dims: number,
    metric: IndexMetric = 'l2sq',
    quantization: Quantization = 'f32',
    capacity?: number,
  ) {
    const index = make({
      dimensions: dims,
      metric,
      quantization,
      connectivity: 16,
      expansionAdd: 128,
      expansionSearch: 64,
      capacity,
    });
    open.push(index);
    return index;
  }

  it('round-trips add, has, size, get and remove', () => {
    const index = build(4);
    expect(index.kind).toBe(kind);
    expect(index.dimensions).toBe(4);
    index.add(Uint32Array.of(3, 10), Float32Array.of(1, 2, 3, 4, -1, 0.5, 0, 9));
    expect(index.size()).toBe(2);
    expect([index.has(3), index.has(10), index.has(4), index.has(-1), index.has(2 ** 32)]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    const out = new Float32Array(4);
    expect(index.get(10, out)).toBe(true);
    expect(Array.from(out)).toEqual([-1, 0.5, 0, 9]);
    expect(index.get(4, out)).toBe(false);
    expect(index.memoryBytes()).toBeGreaterThan(0);

    expect(index.remove(Uint32Array.of(3, 3, 99))).toBe(1);
    expect(index.size()).toBe(1);
    expect(index.has(3)).toBe(false);
    expect(index.get(3, out)).toBe(false);
    expect(index.remove(Uint32Array.of(3))).toBe(0);
  });

  it.each(['f16', 'i8'] as const)(
    'returns approximately the stored vector with %s quantization',
    (quantization) => {
      const dims = 32;
      const rows = normalizeRows(clusteredRows(20, dims, 7), dims);
      const index = build(dims, 'ip', quantization);
      index.add(keyRange(20), rows);
      const out = new Float32Array(dims);
      for (let i = 0; i < 20; i++) {
        expect(index.get(i, out)).toBe(true);
        const worst = Math.max(...Array.from(out, (x, d) => Math.abs(x - rows[i * dims + d]!)));
        expect(worst).toBeLessThan(quantization === 'f16' ? 1e-3 : 1.5e-2);
      }
    },
  );

  it('rejects keys already present, or repeated in a batch, without changing anything', () => {
    const index = build(2);
    index.add(Uint32Array.of(1), Float32Array.of(0, 0));
    expect(() => index.add(Uint32Array.of(2, 1), Float32Array.of(1, 1, 2, 2))).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => index.add(Uint32Array.of(5, 5), Float32Array.of(1, 1, 2, 2))).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect([index.size(), index.has(2), index.has(5)]).toEqual([1, false, false]);
    index.add(Uint32Array.of(2, 5), Float32Array.of(1, 1, 2, 2));
    expect(index.size()).toBe(3);
  });

  it('rejects malformed arguments with engine error codes', () => {
    const index = build(3);
    expect(() => index.add(Uint32Array.of(1), Float32Array.of(1, 2))).toThrow(
      expect.objectContaining({ code: 'DIMENSION_MISMATCH' }),
    );
    expect(() => index.search(Float32Array.of(1, 2), 1, { ef: 8 })).toThrow(
      expect.objectContaining({ code: 'DIMENSION_MISMATCH' }),
    );
    expect(() => index.search(Float32Array.of(1, 2, 3), 0, { ef: 8 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(() => index.searchBatch(Float32Array.of(1, 2, 3, 4), 1, { ef: 8, threads: 1 })).toThrow(
      expect.objectContaining({ code: 'DIMENSION_MISMATCH' }),
    );
    expect(() => build(3, 'l2sq', 'i8')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('answers an empty index with no matches', () => {
    const index = build(3);
    const found = index.search(Float32Array.of(1, 2, 3), 5, { ef: 16 });
    expect(Array.from(found.keys)).toEqual([]);
    expect(
      index.searchBatch(new Float32Array(6), 2, { ef: 16, threads: 2 }).map((m) => m.keys.length),
    ).toEqual([0, 0]);
  });

  it.each(['l2sq', 'ip'] as const)(
    'finds the exact neighbours with raw %s distances on small data',
    (metric) => {
      const dims = 8;
      const rows = clusteredRows(300, dims, 11);
      if (metric === 'ip') normalizeRows(rows, dims);
      const keys = keyRange(300, 1000);
      const index = build(dims, metric);
      index.add(keys, rows);
      const queries = clusteredRows(20, dims, 12);
      if (metric === 'ip') normalizeRows(queries, dims);
      for (let q = 0; q < 20; q++) {
        const query = row(queries, dims, q);
        const truth = exactNeighbours(metric, rows, dims, keys, query, 10);
        const found = index.search(query, 10, { ef: 300 });
        expect(Array.from(found.keys)).toEqual(truth.keys);
        found.distances.forEach((d, i) => expect(d).toBeCloseTo(truth.distances[i]!, 3));
      }
    },
  );

  it('reaches recall@10 ≥ 0.95 on clustered data, with ascending distances', () => {
    const dims = 32;
    const rows = clusteredRows(4000, dims, 21);
    const keys = keyRange(4000);
    const index = build(dims, 'l2sq', 'f32', 1000);
    index.add(keys, rows);
    const queries = clusteredRows(50, dims, 22);
    let recall = 0;
    for (let q = 0; q < 50; q++) {
      const query = row(queries, dims, q);
      const found = index.search(query, 10, { ef: 128 });
      expect(found.keys.length).toBe(10);
      for (let i = 1; i < found.distances.length; i++)
        expect(found.distances[i]!).toBeGreaterThanOrEqual(found.distances[i - 1]!);
      recall +=
        keyRecall(found.keys, exactNeighbours('l2sq', rows, dims, keys, query, 10).keys) / 50;
    }
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('rescales i8 inner products to 1 − dot (within quantisation error)', () => {
    const dims = 64;
    const rows = normalizeRows(clusteredRows(200, dims, 31), dims);
    const index = build(dims, 'ip', 'i8');
    index.add(keyRange(200), rows);
    const query = row(rows, dims, 5);
    const found = index.search(query, 5, { ef: 64 });
    expect(found.keys[0]).toBe(5);
    // usearch truncates towards zero when quantising, which shortens vectors by a few %.
    found.keys.forEach((key, i) =>
      expect(
        Math.abs(found.distances[i]! - rawDistance('ip', query, row(rows, dims, key))),
      ).toBeLessThan(0.1),
    );
  });

  describe('with a filter', () => {
    const dims = 16;
    const rows = clusteredRows(3000, dims, 41);
    const keys = keyRange(3000);
    const queries = clusteredRows(20, dims, 42);

    it.each([0.3, 0.01])(
      'returns only allowed keys, and count of them when %s of keys are allowed',
      (share) => {
        const index = build(dims);
        index.add(keys, rows);
        const rand = prng(43);
        const allowed = Uint8Array.from(keys, () => (rand() < share ? 1 : 0));
        let recall = 0;
        for (let q = 0; q < 20; q++) {
          const query = row(queries, dims, q);
          const found = index.search(query, 10, { ef: 64, allowed });
          expect(found.keys.length).toBe(10);
          for (const key of found.keys) expect(allowed[key]).toBe(1);
          recall +=
            keyRecall(
              found.keys,
              exactNeighbours('l2sq', rows, dims, keys, query, 10, (k) => allowed[k] === 1).keys,
            ) / 20;
        }
        expect(recall).toBeGreaterThanOrEqual(0.9);
      },
    );

    it('treats keys beyond the filter as disallowed and returns nothing when nothing is allowed', () => {
      const index = build(dims);
      index.add(keys, rows);
      const short = new Uint8Array(100).fill(1);
      const found = index.search(row(queries, dims, 0), 10, { ef: 64, allowed: short });
      expect(found.keys.length).toBe(10);
      for (const key of found.keys) expect(key).toBeLessThan(100);
      expect(
        index.search(row(queries, dims, 0), 10, { ef: 64, allowed: new Uint8Array(3000) }).keys
          .length,
      ).toBe(0);
    });
  });

  it('searchSubset equals brute force among the given keys', () => {
    const dims = 24;
    const rows = clusteredRows(500, dims, 51);
    const keys = keyRange(500);
    const index = build(dims, 'l2sq', 'f32');
    index.add(keys, rows);
    const subset = Uint32Array.from({ length: 60 }, (_, i) => i * 7 + 3);
    const inSubset = new Set(subset);
    const query = row(clusteredRows(1, dims, 52), dims, 0);
    const truth = exactNeighbours('l2sq', rows, dims, keys, query, 10, (k) => inSubset.has(k));
    const found = index.searchSubset(query, Uint32Array.of(...subset, 9999), 10);
    expect(Array.from(found.keys)).toEqual(truth.keys);
    found.distances.forEach((d, i) => expect(d).toBeCloseTo(truth.distances[i]!, 2));
    expect(index.searchSubset(query, Uint32Array.of(3, 10, 9999), 10).keys.length).toBe(2);
    // A query that is a view into a larger buffer must still be read from its offset.
    const padded = new Float32Array(dims * 2);
    padded.set(query, dims);
    expect(Array.from(index.searchSubset(padded.subarray(dims), subset, 10).keys)).toEqual(
      truth.keys,
    );
  });

  it('searchBatch equals one search per query', () => {
    const dims = 16;
    const index = build(dims);
    index.add(keyRange(2000), clusteredRows(2000, dims, 61));
    const queries = clusteredRows(33, dims, 62);
    const batch = index.searchBatch(queries, 7, { ef: 40, threads: 2 });
    expect(batch.length).toBe(33);
    batch.forEach((matches, q) => {
      const single = index.search(row(queries, dims, q), 7, { ef: 40 });
      expect(Array.from(matches.keys)).toEqual(Array.from(single.keys));
      expect(Array.from(matches.distances)).toEqual(Array.from(single.distances));
    });
  });

  it('keeps every result intact across later searches, small and large', () => {
    const dims = 8;
    const rows = clusteredRows(1500, dims, 63);
    const index = build(dims);
    index.add(keyRange(1500), rows);
    const counts = [3, 10, 256, 257, 1200, 10];
    const results = counts.map((count, q) => index.search(row(rows, dims, q), count, { ef: 64 }));
    const copies = results.map((m) => [Array.from(m.keys), Array.from(m.distances)]);
    // Searches after the ones kept above must not write into their arrays.
    for (let q = 0; q < 20; q++) index.search(row(rows, dims, 100 + q), 1 + q * 30, { ef: 64 });
    results.forEach((m, i) => {
      expect(m.keys.length).toBe(counts[i]);
      expect(m.distances.length).toBe(counts[i]);
      expect(m.keys[0]).toBe(i);
      expect([Array.from(m.keys), Array.from(m.distances)]).toEqual(copies[i]);
    });
  });

  it('never returns removed keys and reuses their room', () => {
    const dims = 8;
    const rows = clusteredRows(1000, dims, 71);
    const index = build(dims);
    index.add(keyRange(1000), rows);
    const removed = Uint32Array.from({ length: 500 }, (_, i) => i * 2);
    expect(index.remove(removed)).toBe(500);
    for (let q = 0; q < 10; q++) {
      const found = index.search(row(rows, dims, q * 2), 50, { ef: 100 });
      expect(found.keys.length).toBe(50);
      for (const key of found.keys) expect(key % 2).toBe(1);
    }
    index.add(keyRange(300, 5000), clusteredRows(300, dims, 72));
    expect(index.size()).toBe(800);
    expect(index.search(row(clusteredRows(300, dims, 72), dims, 17), 1, { ef: 64 }).keys[0]).toBe(
      5017,
    );
  });

  it('leaves every vector reachable after a bulk add (concurrent-insertion pruning)', () => {
    const dims = 16;
    for (const seed of [301, 302, 303]) {
      const rows = clusteredRows(3000, dims, seed);
      const index = build(dims);
      index.add(keyRange(3000), rows);
      // With ef ≥ size the search walks the whole reachable graph.
      expect(index.search(row(rows, dims, 0), 3000, { ef: 3000 }).keys.length).toBe(3000);
    }
  });

  it('grows its capacity over many adds', () => {
    const dims = 8;
    const rows = clusteredRows(6000, dims, 81);
    const index = build(dims, 'l2sq', 'f32', 16);
    for (let start = 0; start < 6000; start += 150)
      index.add(keyRange(150, start), rows.subarray(start * dims, (start + 150) * dims));
    index.add(keyRange(1, 6000), row(rows, dims, 0).slice());
    expect(index.size()).toBe(6001);
    for (const key of [0, 149, 150, 3333, 5999]) {
      expect(index.search(row(rows, dims, key), 2, { ef: 64 }).keys).toContain(key);
    }
  });

  it(
    stats ? 'reports traversal statistics that grow with ef' : 'reports no traversal statistics',
    () => {
      const dims = 16;
      const index = build(dims);
      index.add(keyRange(3000), clusteredRows(3000, dims, 91));
      const query = row(clusteredRows(1, dims, 92), dims, 0);
      const narrow = index.search(query, 5, { ef: 5 });
      const wide = index.search(query, 5, { ef: 300 });
      if (!stats) {
        expect([narrow.visited, narrow.computed, wide.visited, wide.computed]).toEqual([
          null,
          null,
          null,
          null,
        ]);
        return;
      }
      expect(narrow.visited).toBeGreaterThan(0);
      expect(narrow.computed).toBeGreaterThan(narrow.visited!);
      expect(wide.visited).toBeGreaterThan(narrow.visited!);
      const batch = index.searchBatch(query, 5, { ef: 300, threads: 1 })[0]!;
      expect([batch.visited, batch.computed]).toEqual([wide.visited, wide.computed]);
    },
  );

  it('saves and loads, refusing mismatched or missing files', () => {
    const dims = 12;
    const rows = clusteredRows(800, dims, 101);
    const index = build(dims, 'l2sq', 'f16');
    index.add(keyRange(800, 10), rows);
    index.remove(Uint32Array.of(10, 11));
    const path = join(tempDir, `${kind}.usearch`);
    index.save(path);

    const restored = build(dims, 'l2sq', 'f16');
    restored.load(path);
    expect(restored.size()).toBe(798);
    expect(restored.has(10)).toBe(false);
    const query = row(rows, dims, 40);
    expect(Array.from(restored.search(query, 10, { ef: 64 }).keys)).toEqual(
      Array.from(index.search(query, 10, { ef: 64 }).keys),
    );
    const [a, b] = [new Float32Array(dims), new Float32Array(dims)];
    expect([index.get(50, a), restored.get(50, b)]).toEqual([true, true]);
    expect(Array.from(b)).toEqual(Array.from(a));
    restored.add(Uint32Array.of(10), row(rows, dims, 0).slice());
    expect(restored.size()).toBe(799);

    const other = build(dims + 1, 'l2sq', 'f16');
    other.add(Uint32Array.of(1), new Float32Array(dims + 1));
    expect(() => other.load(path)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => other.load(join(tempDir, 'missing.usearch'))).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    expect(other.size()).toBe(1);
  });

  it('throws CLOSED once closed', () => {
    const index = make({
      dimensions: 2,
      metric: 'l2sq',
      quantization: 'f32',
      connectivity: 8,
      expansionAdd: 32,
      expansionSearch: 16,
    });
    index.close();
    expect(() => index.size()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(() => index.search(Float32Array.of(0, 0), 1, { ef: 4 })).toThrow(
      expect.objectContaining({ code: 'CLOSED' }),
    );
  });
});

describe('createVectorIndex', () => {
  const options: VectorIndexOptions = {
    dimensions: 4,
    metric: 'ip',
    quantization: 'f32',
    connectivity: 8,
    expansionAdd: 32,
    expansionSearch: 16,
  };

  it('has the native addon built', () => {
    expect(nativeIndexAvailable()).toBe(true);
  });

  it('picks the native index by default and the fallback on request', () => {
    const native = createVectorIndex(options);
    const fallback = createVectorIndex(options, 'usearch-js');
    expect([native.kind, fallback.kind]).toEqual(['native-hnsw', 'usearch-js']);
    native.close();
    fallback.close();
  });
});
