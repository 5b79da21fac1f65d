import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { type Collection, Database, type DatabaseConfig, EngineError } from '../src/index.js';
import { clustered } from './helpers/datasets.js';

/**
 * A real full disk: a size-limited tmpfs mounted for this file only. Mounting needs root and
 * a kernel that lets this process mount (a container may not); otherwise the tests are
 * skipped with the reason printed, never passed vacuously.
 */
const MIB = 1024 * 1024;
const MOUNT_MIB = 16;
/** Written beside the database before it fills up; deleting it is "space returns". */
const FILLER_BYTES = 4 * MIB;
const DIMS = 128;
const BATCH = 200;
/** Batches use records 0.., single writes records SINGLES_FROM..; every vector is distinct. */
const SINGLES_FROM = 30_000;

const mountPoint = mkdtempSync(join(tmpdir(), 'needle-disk-full-'));
const skipReason = mount(['-t', 'tmpfs', '-o', `size=${MOUNT_MIB * MIB}`, 'tmpfs', mountPoint]);
if (skipReason) console.log(`disk-full tests skipped: ${skipReason}`);

/** Every database a test opened: closed before the unmount, even when the test failed. */
const opened: Database[] = [];
async function open(path: string, dbConfig: DatabaseConfig): Promise<Database> {
  const db = await Database.open(path, dbConfig);
  opened.push(db);
  return db;
}

afterAll(async () => {
  for (const db of opened) await db.close().catch(() => undefined);
  if (!skipReason) {
    try {
      execFileSync('umount', [mountPoint], { stdio: 'pipe' });
    } catch {
      // A lazy unmount detaches it even if something still holds a file there.
      execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
    }
  }
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Runs `mount args`; returns why it could not, or null when it worked. */
function mount(args: string[]): string | null {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'mounting a size-limited tmpfs needs root';
  try {
    execFileSync('mount', args, { stdio: 'pipe' });
    return null;
  } catch (err) {
    const { stderr } = err as { stderr?: Buffer };
    const said = stderr?.toString('utf8').trim();
    return `mount ${args.join(' ')} failed (${said || (err as Error).message})`;
  }
}

/** Empties the mount and sets its size, so each test starts on the same small disk. */
function resetDisk(mib: number): string {
  for (const name of readdirSync(mountPoint))
    rmSync(join(mountPoint, name), { recursive: true, force: true });
  resize(mib);
  const dir = join(mountPoint, 'db');
  mkdirSync(dir);
  writeFileSync(join(dir, 'filler.bin'), Buffer.alloc(FILLER_BYTES, 1));
  return dir;
}

function resize(mib: number): void {
  const failure = mount(['-o', `remount,size=${mib * MIB}`, mountPoint]);
  if (failure) throw new Error(failure);
}

const pool = clustered(SINGLES_FROM + 5000, DIMS, 97);
const recordOf = (i: number) => ({
  id: `v-${i}`,
  vector: pool[i]!,
  metadata: { i, note: `record ${i}` },
});

/**
 * Writes batches until one is refused, then single records until one is refused: the disk is
 * full to the last page. Returns the refusals and the records acknowledged on the way.
 */
async function fillDisk(col: Collection): Promise<{
  batchError: unknown;
  singleError: unknown;
  acknowledged: number[];
  /** The first record of the refused batch, and the refused single record. */
  refused: { batch: number; single: number };
}> {
  const acknowledged: number[] = [];
  let batchError: unknown;
  let next = 0;
  for (; batchError === undefined; next += BATCH) {
    expect(next, 'the disk never filled up').toBeLessThan(SINGLES_FROM);
    try {
      await col.insertMany(Array.from({ length: BATCH }, (_, j) => recordOf(next + j)));
      for (let j = 0; j < BATCH; j++) acknowledged.push(next + j);
    } catch (err) {
      batchError = err;
    }
  }
  let singleError: unknown;
  let single = SINGLES_FROM;
  for (; singleError === undefined; single++) {
    expect(single, 'single writes never filled the disk').toBeLessThan(pool.length);
    try {
      await col.insert(recordOf(single));
      acknowledged.push(single);
    } catch (err) {
      singleError = err;
    }
  }
  return {
    batchError,
    singleError,
    acknowledged,
    refused: { batch: next - BATCH, single: single - 1 },
  };
}

/** The refusal is the user-facing DISK_FULL with an actionable message, not an internal error. */
function expectDiskFull(err: unknown): void {
  expect(err).toBeInstanceOf(EngineError);
  const error = err as EngineError;
  expect(error.code).toBe('DISK_FULL');
  expect(error.message).toMatch(/disk is full/);
  expect(error.help).toMatch(/free disk space/i);
}

/** Every listed record is stored exactly; a sample is found by searching for its own vector. */
async function expectAllReadable(col: Collection, indices: readonly number[]): Promise<void> {
  for (const i of indices) {
    const got = col.get(`v-${i}`);
    expect(got, `v-${i}`).not.toBeNull();
    expect(got!.metadata).toEqual({ i, note: `record ${i}` });
    expect(Array.from(got!.vector)).toEqual(Array.from(pool[i]!));
  }
  const step = Math.max(1, Math.floor(indices.length / 50));
  for (let s = 0; s < indices.length; s += step) {
    const i = indices[s]!;
    // A wide search, so an approximate miss cannot pass for a lost record.
    const { hits } = await col.search(pool[i]!, 10, { efSearch: 400 });
    expect(hits.find((h) => h.id === `v-${i}`)?.distance, `search for v-${i}`).toBe(0);
  }
}

const config = (wal: DatabaseConfig['wal']): DatabaseConfig => ({
  wal: { syncMode: 'fsync', checkpointIntervalMs: 0, ...wal },
});

describe('a database on a full disk', () => {
  it.skipIf(skipReason !== null)(
    'refuses writes with DISK_FULL, keeps every acknowledged write readable, and resumes once space returns',
    { timeout: 180_000 },
    async () => {
      const dir = resetDisk(MOUNT_MIB);
      const path = join(dir, 'full.needle');
      const db = await open(path, config({}));
      const col = await db.createCollection('docs', { dimensions: DIMS, distance: 'euclidean' });

      const { batchError, singleError, acknowledged, refused } = await fillDisk(col);
      expectDiskFull(batchError);
      expectDiskFull(singleError);
      expect(acknowledged.length).toBeGreaterThan(BATCH);

      // Nothing of a refused write is visible; everything acknowledged is, and searches work.
      for (let j = 0; j < BATCH; j++) expect(col.get(`v-${refused.batch + j}`)).toBeNull();
      expect(col.get(`v-${refused.single}`)).toBeNull();
      expect(col.size).toBe(acknowledged.length);
      await expectAllReadable(col, acknowledged);
      // Moving the WAL into the file needs room too: refused the same way, harmlessly.
      await expect(db.checkpoint()).rejects.toMatchObject({ code: 'DISK_FULL' });

      // Space returns: the next writes succeed on the same open database.
      rmSync(join(dir, 'filler.bin'));
      await col.insert(recordOf(refused.single));
      const resumed = Array.from({ length: BATCH }, (_, j) => refused.batch + j);
      await col.insertMany(resumed.map(recordOf));
      acknowledged.push(refused.single, ...resumed);
      expect(col.size).toBe(acknowledged.length);
      await expectAllReadable(col, [refused.single, ...resumed]);

      // The checkpoint on close copies the whole WAL into the file: give it room, then reopen.
      resize(MOUNT_MIB * 4);
      await db.close();
      const again = await open(path, config({}));
      expect(again.openReport.collections).toMatchObject([{ name: 'docs', index: 'loaded' }]);
      expect(again.collection('docs').size).toBe(acknowledged.length);
      await expectAllReadable(again.collection('docs'), acknowledged);
      await again.close();
    },
  );

  it.skipIf(skipReason !== null)(
    'reports a saved index that does not fit as DISK_FULL and loses nothing when closed on a full disk',
    { timeout: 180_000 },
    async () => {
      const dir = resetDisk(MOUNT_MIB);
      const path = join(dir, 'full.needle');
      // A small WAL limit checkpoints after almost every batch: the main file is what fills up.
      const db = await open(path, config({ maxWalBytes: MIB }));
      const col = await db.createCollection('docs', { dimensions: DIMS, distance: 'euclidean' });
      const { batchError, acknowledged } = await fillDisk(col);
      expectDiskFull(batchError);

      // With a little room the WAL fits into the file, but the saved index does not.
      rmSync(join(dir, 'filler.bin'));
      const checkpointError = await db.checkpoint().then(
        () => null,
        (err: unknown) => err,
      );
      expectDiskFull(checkpointError);
      await expect(db.close()).rejects.toMatchObject({ code: 'DISK_FULL' });

      // Everything acknowledged is in the store; the index is rebuilt from it.
      const again = await open(path, config({ maxWalBytes: MIB }));
      expect(again.openReport.collections).toMatchObject([
        { name: 'docs', index: 'rebuilt', rebuilt: acknowledged.length },
      ]);
      expect(again.collection('docs').size).toBe(acknowledged.length);
      await expectAllReadable(again.collection('docs'), acknowledged);
      resize(MOUNT_MIB * 4);
      await again.close();
    },
  );
});
