import { statSync } from 'node:fs';
import { join } from 'node:path';

import { Database } from '@needle/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { tempDir } from '../../test/helpers.js';
import { createServerMetrics } from './server-metrics.js';

/** The value of one sample line of an exposition, e.g. `needle_wal_bytes` or `x{a="b"}`. */
function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe('server metrics', () => {
  let dir: ReturnType<typeof tempDir>;
  let db: Database | undefined;
  beforeEach(() => {
    dir = tempDir('needle-metrics-');
  });
  afterEach(async () => {
    await db?.close();
    db = undefined;
    dir.remove();
  });

  it('reads vectors, fragmentation, WAL, disk and checkpoints from the engine at scrape time', async () => {
    const file = join(dir.path, 'needle.needle');
    db = await Database.open(file);
    const docs = await db.createCollection('docs', { dimensions: 4 });
    await docs.insertMany(
      Array.from({ length: 10 }, (_, i) => ({ id: `v${i}`, vector: [i + 1, 1, 0, 0] })),
    );
    await docs.deleteMany(['v0', 'v1']);
    await db.checkpoint();
    await docs.insert({ id: 'late', vector: [1, 2, 3, 4] });

    let open: Database | undefined = db;
    const { registry } = createServerMetrics({
      database: () => open,
      dataFile: file,
      memoryLimitBytes: 0,
      openConnections: () => 3,
    });
    const text = await registry.metrics();
    expect(sample(text, 'needle_vector_count{collection="docs"}')).toBe(9);
    expect(sample(text, 'needle_fragmentation_ratio{collection="docs"}')).toBeCloseTo(
      docs.stats().fragmentationRatio,
    );
    expect(docs.stats().fragmentationRatio).toBeGreaterThan(0);
    expect(sample(text, 'needle_index_memory_bytes{collection="docs"}')).toBeGreaterThan(0);
    expect(sample(text, 'needle_wal_bytes')).toBe(db.storageStats().walBytes);
    expect(db.storageStats().walBytes).toBeGreaterThan(0);
    expect(sample(text, 'needle_disk_usage_bytes')).toBeGreaterThanOrEqual(statSync(file).size);
    expect(sample(text, 'needle_disk_capacity_bytes')).toBeGreaterThan(
      sample(text, 'needle_disk_available_bytes')!,
    );
    const last = db.storageStats().lastCheckpoint!;
    expect(sample(text, 'needle_checkpoint_duration_seconds')).toBe(last.durationMs / 1000);
    expect(sample(text, 'needle_last_checkpoint_timestamp_seconds')).toBe(last.at / 1000);
    expect(sample(text, 'needle_ready')).toBe(1);
    expect(sample(text, 'needle_http_open_connections')).toBe(3);
    expect(sample(text, 'needle_memory_usage_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'needle_memory_limit_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'needle_limit_rejections_total{limit="rate"}')).toBe(0);

    // A database that is gone (shutting down) leaves no stale per-collection series.
    open = undefined;
    const after = await registry.metrics();
    expect(sample(after, 'needle_ready')).toBe(0);
    expect(sample(after, 'needle_vector_count{collection="docs"}')).toBeUndefined();
  });

  it('implements the API measurements over the catalogue metrics', async () => {
    const { registry, api } = createServerMetrics({
      database: () => undefined,
      dataFile: join(dir.path, 'needle.needle'),
      memoryLimitBytes: 512 * 1024 * 1024,
      openConnections: () => 0,
    });
    api.observeSearch('docs', 'search', 0.003);
    api.observeSearch('docs', 'search', 0.2);
    api.observeInsert('docs', 'batch_insert', 0.01, 250);
    api.countError('DIMENSION_MISMATCH', 'insert');
    api.countError('NOT_FOUND', 'http');
    api.cacheLookup('docs', true);
    api.cacheLookup('docs', false);
    api.cacheLookup('docs', true);
    api.limitRejected('memory');
    const text = await registry.metrics();
    expect(
      sample(
        text,
        'needle_search_latency_seconds_bucket{le="0.005",collection="docs",operation="search"}',
      ),
    ).toBe(1);
    expect(
      sample(text, 'needle_search_latency_seconds_count{collection="docs",operation="search"}'),
    ).toBe(2);
    expect(sample(text, 'needle_query_throughput{collection="docs",operation="search"}')).toBe(2);
    expect(
      sample(
        text,
        'needle_insert_latency_seconds_count{collection="docs",operation="batch_insert"}',
      ),
    ).toBe(1);
    expect(
      sample(text, 'needle_vectors_written_total{collection="docs",operation="batch_insert"}'),
    ).toBe(250);
    expect(sample(text, 'needle_error_count{operation="insert",code="DIMENSION_MISMATCH"}')).toBe(
      1,
    );
    expect(sample(text, 'needle_error_count{operation="http",code="NOT_FOUND"}')).toBe(1);
    expect(sample(text, 'needle_query_cache_hits_total{collection="docs"}')).toBe(2);
    expect(sample(text, 'needle_query_cache_misses_total{collection="docs"}')).toBe(1);
    expect(sample(text, 'needle_query_cache_hit_ratio{collection="docs"}')).toBeCloseTo(2 / 3);
    expect(sample(text, 'needle_limit_rejections_total{limit="memory"}')).toBe(1);
    expect(sample(text, 'needle_memory_limit_bytes')).toBe(512 * 1024 * 1024);
    expect(sample(text, 'needle_ready')).toBe(0);
  });

  it('exposes no backup age or restore drill figures before the first backup and drill (not 0)', async () => {
    const { registry } = createServerMetrics({
      database: () => undefined,
      dataFile: join(dir.path, 'needle.needle'),
      memoryLimitBytes: 0,
      openConnections: () => 0,
      backups: () => ({ entries: [], running: null }),
    });
    const text = await registry.metrics();
    for (const name of [
      'needle_backup_age_seconds',
      'needle_backup_restore_seconds',
      'needle_backup_last_verification_timestamp_seconds',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} gauge`);
      expect(sample(text, name), name).toBeUndefined();
    }
    expect(sample(text, 'needle_backup_stored_bytes')).toBe(0);
    expect(sample(text, 'needle_backup_verify_failures_total')).toBe(0);
  });

  it('reports the progress of running compactions by collection, and 0 when none runs', async () => {
    let running: [string, { kind: string; ratio: number }][] = [
      ['docs', { kind: 'compaction', ratio: 0.4 }],
    ];
    const db = await Database.open(':memory:');
    await db.createCollection('docs', { dimensions: 2 });
    const { registry } = createServerMetrics({
      database: () => db,
      dataFile: join(dir.path, 'needle.needle'),
      memoryLimitBytes: 0,
      openConnections: () => 0,
      operations: () => running,
    });
    const name = 'needle_operation_progress_ratio{collection="docs",operation="compaction"}';
    expect(sample(await registry.metrics(), name)).toBeCloseTo(0.4);
    running = [];
    expect(sample(await registry.metrics(), name)).toBe(0);
    await db.dropCollection('docs');
    expect(sample(await registry.metrics(), name)).toBeUndefined();
    await db.close();
  });

  it('has both query cache series of a collection from its first lookup', async () => {
    const { registry, api } = createServerMetrics({
      database: () => undefined,
      dataFile: join(dir.path, 'needle.needle'),
      memoryLimitBytes: 0,
      openConnections: () => 0,
    });
    expect(await registry.metrics()).not.toContain('needle_query_cache_hits_total{');
    api.cacheLookup('docs', false);
    const text = await registry.metrics();
    expect(sample(text, 'needle_query_cache_misses_total{collection="docs"}')).toBe(1);
    expect(sample(text, 'needle_query_cache_hits_total{collection="docs"}')).toBe(0);
    expect(sample(text, 'needle_query_cache_hit_ratio{collection="docs"}')).toBe(0);
  });
});
