import { join } from 'node:path';

import { createResolvedKey } from '../crypto/resolved-key.js';
import { sealChunks } from '../crypto/sealed-file.js';
import { encodeMutationChunks, encodeMutations } from '../storage/sqlite/mutation-codec.js';
import { openConnection, type Connection } from '../storage/sqlite/open-connection.js';
import type { Mutation } from '../storage/storage.js';
import { chainBroken } from './backup-errors.js';
import type { BackupCollection } from './backup-manifest.js';
import type { CaptureProgress } from './capture-full.js';
import type { CaptureJob, CaptureResult } from './capture-job.js';
import { compressing } from './compression.js';
import {
  FRAME,
  encodeChangeRows,
  frame,
  jsonFrame,
  type ChangeRow,
  type IncrementalHeader,
  type IncrementalTrailer,
} from './frame-codec.js';
import { blobToFloat32, readSnapshotFacts } from './snapshot-facts.js';

/** Records per mutation batch and rows per JSON frame. */
const BATCH = 1024;

type VectorRow = [
  key: number,
  id: string,
  vector: Buffer,
  metadata: string | null,
  expiresAt: number | null,
];
type ChangeRowTuple = [
  seq: number,
  op: ChangeRow['op'],
  key: number,
  id: string,
  at: number,
  vector: Buffer | null,
  metadata: string | null,
  expiresAt: number | null,
];

/**
 * An incremental backup's payload, read in one read transaction of a connection of its own
 * (a consistent snapshot; the writer and the readers go on meanwhile). The change log records
 * which keys changed, not their values, so for every collection it carries: a tombstone for
 * every key changed since the parent, the current value of those that are live, and the
 * change-log rows themselves; collections created (or dropped and re-created) since the
 * parent are carried whole; the list of collections (so drops and config changes show); every
 * system record; the system-log entries appended since the parent and where each log now
 * starts (so pruning shows).
 */
export async function captureIncremental(
  job: CaptureJob,
  progress: CaptureProgress,
): Promise<CaptureResult> {
  const parent = job.parent!;
  const conn = openConnection(job.dbPath, {
    readonly: true,
    cipherKey: job.pageKey,
    busyTimeoutMs: job.busyTimeoutMs,
  });
  try {
    conn.exec('BEGIN');
    const createdAt = Date.now();
    const facts = readSnapshotFacts(conn);
    if (facts.seq < parent.seqTo || facts.systemLogSeq < parent.systemLogSeq) {
      throw chainBroken(
        job.backupId,
        null,
        `the database is at seq ${facts.seq}, behind the seq ${parent.seqTo} of the backup it would build on`,
      );
    }
    const before = new Map(parent.collections.map((c) => [c.name, c.createdAt]));
    const valuesFrom = conn
      .prepare<[], string>(`SELECT value FROM meta WHERE key = 'change_values_from'`)
      .pluck()
      .get();
    // The value log holds every change above its floor: all of this span, or the span is not
    // recoverable seq by seq (a file from before format 2, or values pruned too far).
    const versions =
      valuesFrom !== undefined &&
      Number(valuesFrom) <= parent.seqTo &&
      conn
        .prepare<[number], number>(
          `SELECT 1 FROM changes c LEFT JOIN change_values v ON v.seq = c.seq
           WHERE c.seq > ? AND c.op <> 'delete' AND v.seq IS NULL LIMIT 1`,
        )
        .pluck()
        .get(parent.seqTo) === undefined;
    const header: IncrementalHeader = {
      version: 2,
      versions,
      seqFrom: parent.seqTo,
      seqTo: facts.seq,
      systemLogFrom: parent.systemLogSeq,
      systemLogTo: facts.systemLogSeq,
      collections: facts.collections.map((c) => ({
        name: c.name,
        createdAt: c.createdAt,
        config: c.config,
        mode: before.get(c.name) === c.createdAt ? 'changes' : 'replace',
      })),
      logFloors: conn
        .prepare<[], { log: string; minSeq: number }>(
          'SELECT log, min(seq) AS minSeq FROM system_log GROUP BY log ORDER BY log',
        )
        .all(),
    };
    const collections: BackupCollection[] = [];
    const totals: IncrementalTrailer = {
      frames: 0,
      deletes: 0,
      puts: 0,
      changes: 0,
      systemRecords: 0,
      systemLogEntries: 0,
      versions: 0,
    };
    const frames = function* (): Generator<Uint8Array> {
      const emit = (f: Buffer): Buffer => {
        totals.frames += 1;
        return f;
      };
      yield emit(jsonFrame(FRAME.header, header));
      for (const [i, c] of header.collections.entries()) {
        progress('capture', i, header.collections.length);
        yield emit(jsonFrame(FRAME.collection, { name: c.name, mode: c.mode }));
        // Records carried: the changed keys, or every vector of a collection carried whole.
        let records = 0;
        const after = c.mode === 'replace' ? null : parent.seqTo;
        for (const chunk of collectionFrames(conn, c.name, after, totals, versions)) {
          if (chunk.kind === (after === null ? FRAME.puts : FRAME.deletes)) records += chunk.count;
          yield emit(chunk.frame);
        }
        const vectors = facts.collections[i]!.vectors;
        collections.push({
          name: c.name,
          createdAt: c.createdAt,
          config: JSON.parse(c.config) as Record<string, unknown>,
          vectors,
          mode: c.mode,
          records,
        });
      }
      for (const batch of batches(
        conn
          .prepare<[], { namespace: string; key: string; value: string; updatedAt: number }>(
            'SELECT namespace, key, value, updated_at AS updatedAt FROM system_records ORDER BY namespace, key',
          )
          .iterate(),
      )) {
        totals.systemRecords += batch.length;
        yield emit(jsonFrame(FRAME.systemRecords, batch));
      }
      for (const batch of batches(
        conn
          .prepare<[number], { seq: number; log: string; at: number; entry: string }>(
            'SELECT seq, log, at, entry FROM system_log WHERE seq > ? ORDER BY seq',
          )
          .iterate(parent.systemLogSeq),
      )) {
        totals.systemLogEntries += batch.length;
        yield emit(jsonFrame(FRAME.systemLog, batch));
      }
      totals.frames += 1;
      yield jsonFrame(FRAME.end, totals);
    };
    let uncompressedBytes = 0;
    const counted = async function* (): AsyncGenerator<Uint8Array> {
      for (const f of frames()) {
        uncompressedBytes += f.byteLength;
        yield f;
      }
    };
    const path = join(job.workDir, 'changes.nsf');
    const sealed = await sealChunks(
      compressing(counted(), job.compression, job.compressionLevel),
      path,
      {
        header: {
          kind: 'needle-backup-object',
          backupId: job.backupId,
          role: 'changes',
          compression: job.compression,
        },
        key: job.sealKey ? createResolvedKey(job.sealKey) : undefined,
      },
    );
    const { collections: _all, ...rest } = facts;
    return {
      createdAt,
      facts: rest,
      collections,
      payload: {
        path,
        uncompressedBytes,
        sealedPayloadBytes: sealed.plaintextBytes,
        compression: job.compression,
      },
      indexes: [],
    };
  } finally {
    // A read transaction: ending it changes nothing. This thread ends with the job anyway.
    try {
      if (conn.inTransaction) conn.exec('COMMIT');
      conn.close();
    } catch {
      // A statement abandoned mid-iteration by a failure; the failure is what gets reported.
    }
  }
}

/**
 * The frames of one collection: tombstones for every changed key (all keys are cleared before
 * any put, so a restore never trips over an id that moved to another key), the current values,
 * then the change-log rows. `after` null carries the collection whole.
 */
function* collectionFrames(
  conn: Connection,
  collection: string,
  after: number | null,
  totals: IncrementalTrailer,
  versions: boolean,
): Generator<{ kind: number; count: number; frame: Buffer }> {
  if (after !== null) {
    const keys = conn
      .prepare<[string, number], number>(
        'SELECT DISTINCT key FROM changes WHERE collection = ? AND seq > ? ORDER BY key',
      )
      .pluck()
      .iterate(collection, after);
    for (const batch of batches(keys)) {
      const tombstones: Mutation[] = batch.map((key) => ({ op: 'delete', key, id: '' }));
      totals.deletes += batch.length;
      for (const chunk of encodeMutationChunks(tombstones))
        yield {
          kind: FRAME.deletes,
          count: chunkCountOf(chunk),
          frame: frame(FRAME.deletes, chunk),
        };
    }
  }
  const rows =
    after === null
      ? conn
          .prepare<[string], VectorRow>(
            'SELECT key, id, vector, metadata, expires_at FROM vectors WHERE collection = ? ORDER BY key',
          )
          .raw()
          .iterate(collection)
      : conn
          .prepare<[string, string, number], VectorRow>(
            `SELECT key, id, vector, metadata, expires_at FROM vectors
             WHERE collection = ? AND key IN (SELECT key FROM changes WHERE collection = ? AND seq > ?)
             ORDER BY key`,
          )
          .raw()
          .iterate(collection, collection, after);
  for (const batch of batches(rows)) {
    const puts: Mutation[] = batch.map(([key, id, vector, metadata, expiresAt]) => ({
      op: 'put',
      key,
      id,
      vector: blobToFloat32(vector),
      metadata,
      expiresAt,
    }));
    totals.puts += batch.length;
    for (const chunk of encodeMutationChunks(puts))
      yield { kind: FRAME.puts, count: chunkCountOf(chunk), frame: frame(FRAME.puts, chunk) };
  }
  const changes = conn
    .prepare<[string, number], ChangeRowTuple>(
      `SELECT c.seq, c.op, c.key, c.id, c.at, v.vector, v.metadata, v.expires_at
       FROM changes c LEFT JOIN change_values v ON v.seq = c.seq
       WHERE c.collection = ? AND c.seq > ? ORDER BY c.seq`,
    )
    .raw()
    .iterate(collection, after ?? 0);
  for (const batch of batches(changes)) {
    totals.changes += batch.length;
    const rows = batch.map(([seq, op, key, id, at]) => ({ seq, op, key, id, at }));
    yield {
      kind: FRAME.changes,
      count: batch.length,
      frame: frame(FRAME.changes, encodeChangeRows(rows)),
    };
    if (!versions) continue;
    // Each change's value, in the same order: the restore replays them up to the seq it stops at.
    const values = batch.map(([, op, key, id, , vector, metadata, expiresAt]): Mutation => {
      if (op === 'delete') return { op, key, id };
      if (op === 'metadata') return { op, key, id, metadata };
      // Checked before the header said `versions`: every put of the span has its value.
      if (vector === null) throw new Error(`the value log has no vector for a put of key ${key}`);
      return { op, key, id, vector: blobToFloat32(vector), metadata, expiresAt };
    });
    totals.versions! += values.length;
    yield {
      kind: FRAME.versions,
      count: values.length,
      frame: frame(FRAME.versions, encodeMutations(values)),
    };
  }
}

function chunkCountOf(chunk: Buffer): number {
  return chunk.readUInt32LE(0);
}

function* batches<T>(rows: Iterable<T>): Generator<T[]> {
  let batch: T[] = [];
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
