import { Database } from '@needle/engine';
import { beforeAll, describe, expect, it } from 'vitest';

import { resolveDataFile } from '../../src/data-dir.js';
import { useTempRoot } from './fixtures.js';
import { runNeedle } from './run-needle.js';

const { dir } = useTempRoot('needle-maintenance-');

describe('needle compact and checkpoint', () => {
  const data = () => dir('maintenance');

  interface Info {
    collections: { name: string; count: number; deletedCount: number }[];
  }
  const info = async (): Promise<Info> =>
    JSON.parse((await runNeedle(['info', '--data', data(), '--json'])).stdout) as Info;

  beforeAll(async () => {
    const db = await Database.open(resolveDataFile(data()));
    const docs = await db.createCollection('docs', { dimensions: 4, distance: 'cosine' });
    await docs.insertMany(
      Array.from({ length: 400 }, (_, i) => ({ id: `d${i}`, vector: [1 + (i % 7), 2, 3, i % 5] })),
    );
    await docs.deleteMany(Array.from({ length: 150 }, (_, i) => `d${i}`));
    await db.createCollection('clean', { dimensions: 2 });
    await db.close();
  });

  it('reports what a dry run would reclaim and changes nothing', async () => {
    const before = (await info()).collections.find((c) => c.name === 'docs')!;
    expect(before.count).toBe(250);
    const run = await runNeedle(['compact', 'docs', '--data', data(), '--dry-run', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      dryRun: true,
      compacted: [{ collection: 'docs', removed: before.deletedCount, vectors: 250 }],
    });
    expect((await info()).collections.find((c) => c.name === 'docs')).toEqual(before);
  });

  it('compacts a collection, reporting what it removed, the file before and after, and progress', async () => {
    const before = (await info()).collections.find((c) => c.name === 'docs')!;
    const run = await runNeedle(['compact', 'docs', '--data', data(), '--progress-interval', '1']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^compacted "docs" in [\\d.]+ s: removed ${before.deletedCount} deleted vectors, freed .+ of index memory; file .+ → .+; 250 live vectors$`,
        'm',
      ),
    );
    // The engine's phases, each ending complete.
    expect(run.stderr).toMatch(/^compact docs: rebuild \| 100% \| 250\/250 \|/m);
    expect(run.stderr).toMatch(/^compact docs: vacuum \| 100% \| 1\/1 \|/m);
    expect((await info()).collections.find((c) => c.name === 'docs')).toMatchObject({
      count: 250,
      deletedCount: 0,
    });
  });

  it('with --all, compacts the collections that have deleted vectors and names the others', async () => {
    const run = await runNeedle(['compact', '--all', '--data', data(), '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      compacted: { collection: string }[];
      unchanged: string[];
    };
    // Both are clean after the compaction above.
    expect(summary).toMatchObject({ compacted: [], unchanged: ['clean', 'docs'] });
    expect((await runNeedle(['compact', '--all', '--data', data()])).stdout).toContain(
      'nothing to compact in "clean", "docs" (no deleted vectors)',
    );
  });

  it('checkpoints and reports the WAL and file', async () => {
    const run = await runNeedle(['checkpoint', '--data', data()]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^checkpoint of data directory .* done in [\d.]+ ms: \d+ pages moved/m,
    );
    expect(run.stdout).toMatch(/WAL .* → .*, file [\d.]+ (KiB|MiB)/);
    const json = JSON.parse(
      (await runNeedle(['checkpoint', '--data', data(), '--json'])).stdout,
    ) as {
      pagesCheckpointed: number;
      storage: { fileBytes: number; walBytes: number };
    };
    expect(json.pagesCheckpointed).toBeGreaterThanOrEqual(0);
    expect(json.storage.fileBytes).toBeGreaterThan(0);
  });

  it('refuses a collection that does not exist', async () => {
    const run = await runNeedle(['compact', 'nope', '--data', data()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('needle: collection "nope" does not exist');
  });
});
