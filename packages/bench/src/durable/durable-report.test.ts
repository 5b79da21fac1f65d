import { describe, expect, it } from 'vitest';

import type { DurableReport } from './durable-bench.js';
import { formatDurableReport } from './durable-report.js';

const latency = { count: 100, p50Ms: 0.1, p99Ms: 2, maxMs: 3 };
const report: DurableReport = {
  indexKind: 'native-hnsw',
  dimensions: 128,
  m: 16,
  efConstruction: 128,
  concurrency: 64,
  batchSize: 1000,
  searchIntervalMs: 2,
  cores: 2,
  loadBefore: 1.5,
  loadAfter: 2.25,
  insertRates: [
    {
      pattern: 'single',
      target: 'memory',
      vectors: 500,
      seconds: 0.125,
      vectorsPerSecond: 4000,
      writesPerTransaction: null,
    },
    {
      pattern: 'single',
      target: 'fsync',
      vectors: 500,
      seconds: 0.5,
      vectorsPerSecond: 1000,
      writesPerTransaction: 1,
    },
    {
      pattern: 'concurrent',
      target: 'memory',
      vectors: 5000,
      seconds: 1,
      vectorsPerSecond: 5000,
      writesPerTransaction: null,
    },
    {
      pattern: 'concurrent',
      target: 'off',
      vectors: 5000,
      seconds: 2,
      vectorsPerSecond: 2500,
      writesPerTransaction: 62.5,
    },
  ],
  readerBlocking: [
    {
      target: 'fsync',
      vectors: 20_000,
      insertSeconds: 5,
      vectorsPerSecond: 3800,
      loopDelay: { p99Ms: 4.5, maxMs: 9.25, meanMs: 1.1 },
      search: latency,
    },
  ],
  openTime: {
    spec: {
      count: 100_000,
      dimensions: 128,
      distance: 'euclidean',
      m: 16,
      efConstruction: 128,
      seed: 7,
    },
    buildSeconds: null,
    fileBytes: 69e6,
    indexBytes: 66e6,
    loaded: { seconds: 2, index: 'loaded', reason: null },
    rebuilt: { seconds: 50, index: 'rebuilt', reason: 'no saved index' },
    resaveSeconds: 0.4,
  },
};

/** The row of a table whose first cells are `cells`, split into its cells. */
function row(text: string, ...cells: string[]): string[] {
  const line = text.split('\n').find((l) => cells.every((c, i) => l.split(/\s{2,}/)[i] === c));
  if (!line) throw new Error(`no row starting ${cells.join(' | ')}`);
  return line.split(/\s{2,}/);
}

describe('formatDurableReport', () => {
  const text = formatDurableReport(report);

  it('gives each insert rate with its ratio to memory and its writes per transaction', () => {
    expect(row(text, 'single, awaited', 'fsync')).toEqual([
      'single, awaited',
      'fsync',
      '500',
      '1 000',
      '0.25',
      '1.0',
    ]);
    expect(row(text, 'single, awaited', 'memory')).toEqual([
      'single, awaited',
      'memory',
      '500',
      '4 000',
      '1.00',
      '—',
    ]);
    expect(row(text, 'single, 64 in flight', 'off')).toEqual([
      'single, 64 in flight',
      'off',
      '5 000',
      '2 500',
      '0.50',
      '62.5',
    ]);
  });

  it('gives the loop delay and search latency during the bulk insert', () => {
    expect(row(text, 'fsync', '20 000')).toEqual([
      'fsync',
      '20 000',
      '3 800',
      '4.5',
      '9.3',
      '100',
      '0.10',
      '2.00',
      '3.0',
    ]);
  });

  it('gives both open times and their ratio', () => {
    expect(row(text, 'with saved index')).toEqual(['with saved index', '2.00', 'loaded', '1.00']);
    expect(row(text, 'index deleted (rebuild)')).toEqual([
      'index deleted (rebuild)',
      '50.00',
      'rebuilt',
      '25.00',
    ]);
    expect(text).toContain('native-hnsw M=16');
    expect(text).toContain('load average 1.50 before, 2.25 after (2 cores)');
  });
});
