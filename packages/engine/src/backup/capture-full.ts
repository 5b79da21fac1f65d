import { createReadStream, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';

import { createResolvedKey } from '../crypto/resolved-key.js';
import { sealChunks } from '../crypto/sealed-file.js';
import { openConnection } from '../storage/sqlite/open-connection.js';
import type { CaptureJob, CaptureResult } from './capture-job.js';
import { compressing } from './compression.js';
import { readSnapshotFacts } from './snapshot-facts.js';

/** Progress reports of a capture. */
export type CaptureProgress = (phase: string, done: number, total: number | null) => void;

/**
 * A full backup's payload: `VACUUM INTO` on a read-only connection of its own makes a
 * consistent, compact copy of the whole file (collections, vectors, change log, system tables)
 * while the writer goes on writing and readers go on reading; the copy's pages stay encrypted
 * under the database key when the database is. The copy is then compressed (unless its pages
 * are encrypted: they would not shrink) and sealed, and removed.
 */
export async function captureFull(
  job: CaptureJob,
  progress: CaptureProgress,
): Promise<CaptureResult> {
  const indexes = await sealIndexes(job, progress);
  const connection = { readonly: true, cipherKey: job.pageKey, busyTimeoutMs: job.busyTimeoutMs };
  const source = openConnection(job.dbPath, connection);
  let createdAt: number;
  try {
    progress('copy', 0, statSync(job.dbPath).size);
    createdAt = Date.now();
    source.prepare('VACUUM INTO ?').run(job.copyPath);
  } finally {
    source.close();
  }
  try {
    const copy = openConnection(job.copyPath, connection);
    let facts;
    try {
      facts = readSnapshotFacts(copy);
    } finally {
      copy.close();
    }
    const compression = job.pageKey ? 'none' : job.compression;
    const uncompressedBytes = statSync(job.copyPath).size;
    const path = join(job.workDir, 'database.nsf');
    let read = 0;
    const body = async function* (): AsyncGenerator<Uint8Array> {
      for await (const piece of createReadStream(job.copyPath, { highWaterMark: 1024 * 1024 })) {
        read += (piece as Buffer).byteLength;
        progress('seal', read, uncompressedBytes);
        yield piece as Buffer;
      }
    };
    const sealed = await sealChunks(compressing(body(), compression, job.compressionLevel), path, {
      header: {
        kind: 'needle-backup-object',
        backupId: job.backupId,
        role: 'database',
        compression,
      },
      key: job.sealKey ? createResolvedKey(job.sealKey) : undefined,
    });
    const { collections, ...rest } = facts;
    return {
      createdAt,
      facts: rest,
      collections: collections.map((c) => ({
        name: c.name,
        createdAt: c.createdAt,
        config: JSON.parse(c.config) as Record<string, unknown>,
        vectors: c.vectors,
        mode: 'full',
        records: c.vectors,
      })),
      payload: {
        path,
        uncompressedBytes,
        sealedPayloadBytes: sealed.plaintextBytes,
        compression,
      },
      indexes,
    };
  } finally {
    rmSync(job.copyPath, { force: true });
  }
}

/** Seals the saved indexes (compressed like the copy); one whose file is gone is left out. */
async function sealIndexes(
  job: CaptureJob,
  progress: CaptureProgress,
): Promise<CaptureResult['indexes']> {
  const out: CaptureResult['indexes'] = [];
  const compression = job.pageKey ? 'none' : job.compression;
  for (const [i, index] of job.indexes.entries()) {
    progress('index', i, job.indexes.length);
    let source;
    try {
      // Opened first: a checkpoint may replace the file meanwhile, the open one stays whole.
      source = await open(index.source, 'r');
    } catch {
      continue;
    }
    try {
      const uncompressedBytes = (await source.stat()).size;
      const sealed = await sealChunks(
        compressing(
          source.createReadStream({ autoClose: false, highWaterMark: 1024 * 1024 }),
          compression,
          job.compressionLevel,
        ),
        index.staged,
        {
          header: {
            kind: 'needle-backup-object',
            backupId: job.backupId,
            role: 'index',
            compression,
          },
          key: job.sealKey ? createResolvedKey(job.sealKey) : undefined,
        },
      );
      out.push({
        collection: index.collection,
        staged: index.staged,
        sealedPayloadBytes: sealed.plaintextBytes,
        uncompressedBytes,
      });
    } finally {
      await source.close();
    }
  }
  return out;
}
