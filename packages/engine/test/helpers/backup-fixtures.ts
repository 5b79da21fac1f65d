/** Databases, records and targets for the backup tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { z } from 'zod';

import { Database, LocalDirectoryTarget } from '../../src/index.js';
import type { DatabaseConfig } from '../../src/index.js';
import { clustered } from './datasets.js';

export const docsVectors = clustered(1200, 16, 7);
export const otherVectors = clustered(300, 8, 11);

/** Record `i` of the `docs` collection. */
export const doc = (i: number, extra: Record<string, unknown> = {}) => ({
  id: `doc-${i}`,
  vector: docsVectors[i]!,
  metadata: { i, title: `title ${i}`, tags: ['a', i % 3 === 0 ? 'b' : 'c'], ...extra },
});

export const roleSchema = z.object({ permissions: z.array(z.string()) });
export const eventSchema = z.object({ n: z.number(), what: z.string() });

/** A database with two collections, system records and a system log. */
export async function seeded(path: string, config: DatabaseConfig = {}): Promise<Database> {
  const db = await Database.open(path, { ttlSweepIntervalMs: 0, ...config });
  const docs = await db.createCollection('docs', { dimensions: 16, distance: 'cosine' });
  await docs.insertMany(Array.from({ length: 600 }, (_, i) => doc(i)));
  const other = await db.createCollection('other', { dimensions: 8, distance: 'euclidean' });
  await other.insertMany(otherVectors.slice(0, 200).map((vector, i) => ({ id: `o-${i}`, vector })));
  await db.system.records('roles', roleSchema).put('reader', { permissions: ['read'] });
  await db.system.log('events', eventSchema).append({ n: 1, what: 'seeded' });
  return db;
}

/** A scratch root for one test file, and fresh paths under it. */
export function scratch(prefix: string): {
  root: string;
  path: (name?: string) => string;
  target: () => LocalDirectoryTarget;
  remove: () => void;
} {
  const root = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    root,
    path: (name = 'app.needle') => join(root, `case${++n}`, name),
    target: () => new LocalDirectoryTarget(join(root, `target${++n}`)),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
