import { copyFileSync } from 'node:fs';

import { afterAll, describe, expect, it } from 'vitest';

import { runSampleSearches, searchesFailed } from '../src/backup/sample-searches.js';
import { Database } from '../src/index.js';
import { indexFilePath } from '../src/persistence/index-files.js';
import { scratch } from './helpers/backup-fixtures.js';
import { clustered } from './helpers/datasets.js';

const files = scratch('needle-backup-searches-');
afterAll(() => files.remove());

async function database(path: string, seed: number): Promise<void> {
  const db = await Database.open(path);
  const docs = await db.createCollection('docs', { dimensions: 16, distance: 'euclidean' });
  await docs.insertMany(clustered(500, 16, seed).map((vector, i) => ({ id: `d-${i}`, vector })));
  await db.close();
}

describe('sample searches of a restored copy', () => {
  it('pass when the index describes the stored vectors', async () => {
    const path = files.path();
    await database(path, 1);
    const db = await Database.open(path);
    const report = await runSampleSearches(db, 8);
    expect(report).toMatchObject({ run: 8, passed: 8, found: 8, failures: [] });
    expect(searchesFailed(report)).toBe(false);
    await db.close();
  });

  it('fail when the index is another database’s, though its seal and settings fit', async () => {
    const path = files.path();
    const stranger = files.path();
    await database(path, 1);
    await database(stranger, 2);
    copyFileSync(indexFilePath(stranger, 'docs'), indexFilePath(path, 'docs'));
    const db = await Database.open(path);
    expect(db.openReport.collections[0]).toMatchObject({ index: 'loaded' });
    const report = await runSampleSearches(db, 8);
    expect(report.passed).toBeLessThan(report.run);
    expect(report.failures[0]!.problem).toMatch(/is at .*, the search said/);
    expect(searchesFailed(report)).toBe(true);
    await db.close();
  });
});
