/**
 * Entry point of the writer thread: owns the database's only read-write connection, so a big
 * transaction, its fsync and every checkpoint run off the main thread. Requests are handled
 * one at a time, in arrival order.
 */
import { copyFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

import { BatchWriter } from './batch-writer.js';
import { checkpointWal, fileBytes } from './checkpoint-wal.js';
import { migrateDatabase } from './migrate-database.js';
import { openConnection, rekeyConnection, type Connection } from './open-connection.js';
import type { WalOptions } from './sqlite-options.js';
import { toWireError } from './sqlite-errors.js';
import type {
  WriterInit,
  WriterMessage,
  WriterRequest,
  WriterSettings,
} from './writer-protocol.js';

const port = parentPort!;
const init = workerData as WriterInit;
const post = (message: WriterMessage): void => port.postMessage(message);

let db: Connection | undefined;
let encrypted = init.cipherKey !== undefined;
try {
  db = openConnection(init.path, {
    readonly: false,
    cipherKey: init.cipherKey,
    busyTimeoutMs: init.busyTimeoutMs,
  });
  configure(db);
  await migrateDatabase(db);
  const writer = new BatchWriter(db, readLastSeq(db));
  const conn = db;
  port.on('message', (request: WriterRequest) => handle(conn, writer, request));
  post({ type: 'ready', lastSeq: writer.lastSeq, settings: readSettings(db) });
} catch (err) {
  db?.close();
  post({ type: 'failed', error: toWireError(err) });
  port.close();
}

function configure(conn: Connection): void {
  const mode = conn.pragma('journal_mode=WAL', { simple: true });
  if (mode !== 'wal')
    throw new Error(`could not switch the database to WAL mode (journal_mode is ${String(mode)})`);
  conn.pragma(`synchronous=${synchronousPragma(init.syncMode)}`);
  conn.pragma(`journal_size_limit=${init.maxWalBytes}`);
  // Checkpoints follow the configured policy (timer, size limit, close, manual) and are
  // measured; SQLite's own automatic ones would bypass both.
  conn.pragma('wal_autocheckpoint=0');
}

function readSettings(conn: Connection): WriterSettings {
  const synchronous =
    (['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const)[
      Number(conn.pragma('synchronous', { simple: true }))
    ] ?? 'FULL';
  return {
    journalMode: String(conn.pragma('journal_mode', { simple: true })),
    synchronous,
    journalSizeLimit: Number(conn.pragma('journal_size_limit', { simple: true })),
    walAutocheckpoint: Number(conn.pragma('wal_autocheckpoint', { simple: true })),
  };
}

/** AUTOINCREMENT keeps the highest seq ever handed out even when its rows were dropped. */
function readLastSeq(conn: Connection): number {
  const seq = conn
    .prepare<[], number>(
      `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0),
                  coalesce((SELECT max(seq) FROM changes), 0))`,
    )
    .pluck()
    .get();
  return seq ?? 0;
}

function handle(conn: Connection, writer: BatchWriter, request: WriterRequest): void {
  try {
    switch (request.type) {
      case 'batch': {
        const results = writer.apply(request.ops);
        reply(request.id, { results, lastSeq: writer.lastSeq });
        // After the reply, so the commits are acknowledged before the checkpoint runs.
        if (fileBytes(`${init.path}-wal`) > init.maxWalBytes) checkpointForSize(conn);
        return;
      }
      case 'checkpoint':
        reply(request.id, checkpointWal(conn, request.reason));
        return;
      case 'rekey':
        rekey(conn, request);
        reply(request.id, null);
        return;
      case 'vacuum': {
        // Empty the WAL first so the file's size before is the real one, and after, so
        // the rewritten pages land in the file and the WAL is left empty.
        checkpointWal(conn, 'manual');
        const bytesBefore = fileBytes(init.path);
        conn.exec('VACUUM');
        checkpointWal(conn, 'manual');
        reply(request.id, { bytesBefore, bytesAfter: fileBytes(init.path) });
        return;
      }
      case 'close': {
        let stats = null;
        try {
          stats = checkpointWal(conn, 'close');
        } finally {
          conn.close();
        }
        reply(request.id, stats);
        port.close();
        return;
      }
    }
  } catch (err) {
    post({ type: 'reply', id: request.id, ok: false, error: toWireError(err) });
  }
}

/**
 * SQLite3MultipleCiphers (2.3) cannot rekey a database in WAL mode, so the WAL is emptied and
 * the file switched to a rollback journal for the rewrite (which is one transaction: a crash
 * leaves the old key in force), then back to WAL. The caller has closed every other
 * connection of this process.
 */
function rekey(conn: Connection, request: Extract<WriterRequest, { type: 'rekey' }>): void {
  checkpointWal(conn, 'manual');
  if (request.readCopy !== undefined && request.gate) {
    // Readers move to a copy of the checkpointed file (still under the old key) for the
    // rewrite; no write runs meanwhile, since writes queue behind this request.
    let copied = false;
    try {
      copyFileSync(init.path, request.readCopy);
      copied = true;
    } catch {
      // No room for a copy: readers pause (OPERATION_IN_PROGRESS) during the rewrite instead.
    }
    post({ type: 'notice', id: request.id, value: { copied } });
    Atomics.wait(request.gate, 0, 0, READ_COPY_WAIT_MS);
  }
  const { key } = request;
  conn.pragma('journal_mode=DELETE');
  try {
    if (!encrypted) conn.pragma(`cipher='chacha20'`);
    rekeyConnection(conn, key);
    encrypted = true;
  } finally {
    conn.pragma('journal_mode=WAL');
  }
  conn.prepare('SELECT count(*) FROM sqlite_master').get();
}

/** Longest the writer waits for the main thread to move its reader off the file. */
const READ_COPY_WAIT_MS = 30_000;

function checkpointForSize(conn: Connection): void {
  try {
    post({ type: 'checkpointed', stats: checkpointWal(conn, 'wal-size') });
  } catch (err) {
    // The next batch tries again; the main thread reports the failure in its stats.
    post({ type: 'checkpoint-failed', error: toWireError(err) });
  }
}

function synchronousPragma(mode: WalOptions['syncMode']): 'FULL' | 'NORMAL' | 'OFF' {
  switch (mode) {
    case 'fsync':
      return 'FULL';
    case 'normal':
      return 'NORMAL';
    case 'off':
      return 'OFF';
  }
}

function reply(id: number, value: unknown): void {
  post({ type: 'reply', id, ok: true, value });
}
