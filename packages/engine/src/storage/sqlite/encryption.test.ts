import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { put, scanAll, tempDir, testCollection } from '../../../test/helpers/storage-fixtures.js';
import type { Mutation } from '../storage.js';
import { SqliteStorage } from './sqlite-storage.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const NEW_KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 53 + 5) & 0xff);

const SECRET_ID = 'needle-secret-id-4f1c9a';
const SECRET_METADATA = 'classified-metadata-7d2e0b';
/** An unmistakable float pattern; its bytes must not appear anywhere on disk. */
const PATTERN = [1234.5678, -8765.4321, 31415.9265, 27182.8182];
const PATTERN_BYTES = Buffer.from(Float32Array.from(PATTERN).buffer);

let tmp: ReturnType<typeof tempDir>;
let file: string;

beforeEach(() => {
  tmp = tempDir();
  file = join(tmp.dir, 'secret.needle');
});
afterEach(() => tmp.remove());

function secretRecords(): Mutation[] {
  return Array.from({ length: 200 }, (_, i) =>
    put(i + 1, `${SECRET_ID}-${i}`, {
      vector: PATTERN,
      metadata: JSON.stringify({ note: SECRET_METADATA, i }),
    }),
  );
}

/** Which secrets the raw bytes of `path` give away. */
function leaks(path: string): string[] {
  const bytes = readFileSync(path);
  const found: string[] = [];
  if (bytes.includes(SECRET_ID)) found.push('id');
  if (bytes.includes(SECRET_METADATA)) found.push('metadata');
  if (bytes.includes(PATTERN_BYTES)) found.push('vector');
  return found;
}

/** Writes the secrets and reports the leaks of the file and its WAL, before and after a checkpoint. */
async function writeSecretsAndInspect(
  cipherKey: Uint8Array | undefined,
): Promise<{ wal: string[]; file: string[] }> {
  const storage = await SqliteStorage.open(file, { cipherKey, wal: { checkpointIntervalMs: 0 } });
  await storage.createCollection(testCollection('docs'));
  await storage.commit('docs', secretRecords());
  expect(storage.stats().walBytes).toBeGreaterThan(0);
  const wal = leaks(`${file}-wal`);
  await storage.close();
  return { wal, file: leaks(file) };
}

describe('encryption at rest', () => {
  it('writes ids, metadata and vectors in the clear without a key (the check can see them)', async () => {
    expect(await writeSecretsAndInspect(undefined)).toEqual({
      wal: ['id', 'metadata', 'vector'],
      file: ['id', 'metadata', 'vector'],
    });
  });

  it('leaves no plaintext id, metadata or vector bytes in the file or its WAL with a key', async () => {
    expect(await writeSecretsAndInspect(KEY)).toEqual({ wal: [], file: [] });
    const storage = await SqliteStorage.open(file, { cipherKey: KEY });
    const records = scanAll(storage, 'docs');
    expect(records).toHaveLength(200);
    expect(records[0]).toMatchObject({ id: `${SECRET_ID}-0`, vector: Float32Array.from(PATTERN) });
    await storage.close();
  });

  it('rotates the key with rekey: the old key stops working, the new one reads everything', async () => {
    const storage = await SqliteStorage.open(file, { cipherKey: KEY });
    await storage.createCollection(testCollection('docs'));
    await storage.commit('docs', [put(1, 'before')]);
    await storage.rekey(NEW_KEY);
    await storage.commit('docs', [put(2, 'after')]);
    expect(scanAll(storage, 'docs').map((r) => r.id)).toEqual(['before', 'after']);
    await storage.close();

    await expect(SqliteStorage.open(file, { cipherKey: KEY })).rejects.toMatchObject({
      code: 'WRONG_KEY',
    });
    const reopened = await SqliteStorage.open(file, { cipherKey: NEW_KEY });
    expect(scanAll(reopened, 'docs').map((r) => r.id)).toEqual(['before', 'after']);
    await reopened.close();
    expect(leaks(file)).toEqual([]);
  });

  it('keeps reads going during a rekey, from a copy that is removed afterwards', async () => {
    const storage = await SqliteStorage.open(file, { cipherKey: KEY });
    await storage.createCollection(testCollection('docs'));
    // Enough pages that the rewrite spans many event-loop turns of reads.
    const many = Array.from({ length: 20_000 }, (_, i) =>
      put(i + 1, `doc-${i}`, { vector: [i, i + 1, i + 2, i + 3] }),
    );
    await storage.commit('docs', many);
    const out = new Float32Array(4);
    let readsDuringRewrite = 0;
    let failures = 0;
    let done = false;
    const rotation = storage.rekey(NEW_KEY).finally(() => (done = true));
    while (!done) {
      const copyExists = existsSync(`${file}-rekey`);
      const key = 1 + Math.floor(Math.random() * many.length);
      try {
        if (!storage.readVector('docs', key, out) || out[0] !== key - 1) failures += 1;
        else if (copyExists) readsDuringRewrite += 1;
      } catch {
        failures += 1;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await rotation;
    expect(failures).toBe(0);
    expect(readsDuringRewrite).toBeGreaterThan(0);
    expect(existsSync(`${file}-rekey`)).toBe(false);
    expect(storage.readVector('docs', 7, out)).toBe(true);
    expect(out[0]).toBe(6);
    await storage.close();
    const reopened = await SqliteStorage.open(file, { cipherKey: NEW_KEY });
    expect(scanAll(reopened, 'docs')).toHaveLength(20_000);
    await reopened.close();
  });

  it('encrypts a plaintext database with rekey', async () => {
    const storage = await SqliteStorage.open(file);
    await storage.createCollection(testCollection('docs'));
    await storage.commit('docs', secretRecords());
    await storage.rekey(KEY);
    expect(storage.stats().encrypted).toBe(true);
    await storage.close();
    expect(leaks(file)).toEqual([]);
    await expect(SqliteStorage.open(file)).rejects.toMatchObject({ code: 'WRONG_KEY' });
    const reopened = await SqliteStorage.open(file, { cipherKey: KEY });
    expect(scanAll(reopened, 'docs')).toHaveLength(200);
    await reopened.close();
  });

  it('refuses a malformed new key before touching anything', async () => {
    const storage = await SqliteStorage.open(file, { cipherKey: KEY });
    await expect(storage.rekey(new Uint8Array(31))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await storage.createCollection(testCollection('docs'));
    await storage.close();
    await (await SqliteStorage.open(file, { cipherKey: KEY })).close();
  });
});
