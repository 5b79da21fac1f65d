/** Records, collections and temp dirs for the storage tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ResolvedCollectionConfig } from '../../src/config.js';
import type {
  Change,
  Mutation,
  Storage,
  StoredCollection,
  StoredRecord,
} from '../../src/storage/storage.js';

/** A resolved config for a small test collection. */
export function testConfig(dimensions = 4): ResolvedCollectionConfig {
  return {
    dimensions,
    distance: 'cosine',
    index: { m: 16, efConstruction: 200, efSearch: 50 },
    quantization: 'f32',
  };
}

/** A stored collection named `name`. */
export function testCollection(name: string, dimensions = 4): StoredCollection {
  return { name, config: testConfig(dimensions), createdAt: 1_700_000_000_000 };
}

/** A `put` of `id` under `key`; the vector is `[key, key + 0.5, ...]` unless given. */
export function put(
  key: number,
  id: string,
  options: { vector?: number[]; metadata?: string | null; expiresAt?: number | null } = {},
): Mutation {
  const vector = Float32Array.from(options.vector ?? [key, key + 0.5, -key, 0.25]);
  return {
    op: 'put',
    key,
    id,
    vector,
    metadata: options.metadata ?? null,
    expiresAt: options.expiresAt ?? null,
  };
}

/** Every record of a collection, in the order `scan` visits them. */
export function scanAll(storage: Storage, collection: string): StoredRecord[] {
  const records: StoredRecord[] = [];
  storage.scan(collection, (r) => records.push({ ...r, vector: r.vector.slice() }));
  return records;
}

/** The change log of a collection after `after`. */
export function changesOf(storage: Storage, collection: string, after = 0): Change[] {
  const changes: Change[] = [];
  storage.changesSince(collection, after, (c) => changes.push({ ...c }));
  return changes;
}

/** A fresh temp directory and a function that removes it. */
export function tempDir(prefix = 'needle-storage-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
