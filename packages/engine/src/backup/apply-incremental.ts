import { setImmediate as yieldToLoop } from 'node:timers/promises';

import { isEngineError } from '../errors.js';
import { decodeMutations } from '../storage/sqlite/mutation-codec.js';
import type { Connection } from '../storage/sqlite/open-connection.js';
import { backupCorrupt, chainBroken } from './backup-errors.js';
import {
  FRAME,
  decodeChangeRows,
  type Frame,
  type IncrementalHeader,
  type IncrementalTrailer,
} from './frame-codec.js';
import { readSnapshotFacts } from './snapshot-facts.js';

/** Frames applied per transaction: between transactions the event loop serves others. */
const FRAMES_PER_TRANSACTION = 32;

/** What applying one incremental backup did. */
export interface AppliedIncremental {
  /** Collections dropped, or dropped and re-created: their saved indexes no longer fit. */
  replaced: string[];
  /** Records (puts and tombstones) applied. */
  records: number;
}

/**
 * Applies an incremental backup's frames to a restored copy (a scratch file nobody else has
 * open), in transactions of a few frames with a yield to the event loop between them: the copy
 * only counts once the whole chain applied and verified. The copy must be exactly at the
 * parent's seq, or the chain does not fit (`BACKUP_CHAIN_BROKEN`); a payload that does not
 * add up is `BACKUP_CORRUPT`.
 */
export async function applyIncremental(
  conn: Connection,
  backupId: string,
  frames: AsyncIterable<Frame>,
  onRecords?: (done: number) => void,
): Promise<AppliedIncremental> {
  const sql = statements(conn);
  const seen: IncrementalTrailer = {
    frames: 0,
    deletes: 0,
    puts: 0,
    changes: 0,
    systemRecords: 0,
    systemLogEntries: 0,
  };
  let header: IncrementalHeader | undefined;
  let trailer: IncrementalTrailer | undefined;
  let current: string | undefined;
  const replaced: string[] = [];
  const corrupt = (why: string, cause?: unknown) =>
    backupCorrupt(backupId, 'payload', why, { object: `${backupId}/changes.nsf`, cause });
  conn.exec('BEGIN');
  try {
    for await (const { kind, body } of frames) {
      if (trailer) throw corrupt('frames follow its end frame');
      seen.frames += 1;
      if (!header) {
        if (kind !== FRAME.header) throw corrupt('it does not start with a header frame');
        header = JSON.parse(body.toString('utf8')) as IncrementalHeader;
        replaced.push(...applyHeader(conn, sql, backupId, header));
        continue;
      }
      switch (kind) {
        case FRAME.collection: {
          const { name } = JSON.parse(body.toString('utf8')) as { name: string };
          if (!header.collections.some((c) => c.name === name))
            throw corrupt(`it names an unknown collection`);
          current = name;
          break;
        }
        case FRAME.deletes:
        case FRAME.puts: {
          if (current === undefined) throw corrupt('records come before their collection');
          const collection = current;
          decodeMutations(body, (m) => {
            if (kind === FRAME.deletes) {
              sql.delete.run(collection, m.key);
              seen.deletes += 1;
            } else {
              if (m.op !== 'put' || m.vector === null) throw corrupt('a record is not a vector');
              sql.put.run(collection, m.key, m.id, m.vector, m.metadata, m.expiresAt);
              seen.puts += 1;
            }
          });
          onRecords?.(seen.deletes + seen.puts);
          break;
        }
        case FRAME.changes: {
          if (current === undefined) throw corrupt('change rows come before their collection');
          for (const row of decodeChangeRows(body)) {
            sql.change.run(row.seq, current, row.op, row.key, row.id, row.at);
            seen.changes += 1;
          }
          break;
        }
        case FRAME.systemRecords: {
          const records = JSON.parse(body.toString('utf8')) as {
            namespace: string;
            key: string;
            value: string;
            updatedAt: number;
          }[];
          for (const r of records) sql.systemRecord.run(r.namespace, r.key, r.value, r.updatedAt);
          seen.systemRecords += records.length;
          break;
        }
        case FRAME.systemLog: {
          const entries = JSON.parse(body.toString('utf8')) as {
            seq: number;
            log: string;
            at: number;
            entry: string;
          }[];
          for (const e of entries) sql.logEntry.run(e.seq, e.log, e.at, e.entry);
          seen.systemLogEntries += entries.length;
          break;
        }
        case FRAME.end:
          trailer = JSON.parse(body.toString('utf8')) as IncrementalTrailer;
          break;
        default:
          throw corrupt(`it holds a frame of unknown kind ${kind}`);
      }
      if (seen.frames % FRAMES_PER_TRANSACTION === 0) {
        conn.exec('COMMIT');
        await yieldToLoop();
        conn.exec('BEGIN');
      }
    }
    if (!header || !trailer) throw corrupt('it ends before its end frame');
    const mismatch = (Object.keys(seen) as (keyof IncrementalTrailer)[]).find(
      (k) => seen[k] !== trailer![k],
    );
    if (mismatch)
      throw corrupt(
        `it holds ${seen[mismatch]} ${mismatch}, its end frame says ${trailer[mismatch]}`,
      );
    sql.setSequence('changes', header.seqTo);
    sql.setSequence('system_log', header.systemLogTo);
    conn.exec('COMMIT');
  } catch (err) {
    if (conn.inTransaction) conn.exec('ROLLBACK');
    if (isEngineError(err)) throw err;
    throw corrupt(`its records cannot be applied (${(err as Error).message})`, err);
  }
  return { replaced, records: seen.deletes + seen.puts };
}

/**
 * Brings the collections and system tables to the header's state: drops what is gone or was
 * re-created, creates what is new, updates configs, replaces the system records wholesale and
 * cuts each system log where it now starts.
 */
function applyHeader(
  conn: Connection,
  sql: ReturnType<typeof statements>,
  backupId: string,
  header: IncrementalHeader,
): string[] {
  const facts = readSnapshotFacts(conn);
  if (facts.seq !== header.seqFrom || facts.systemLogSeq !== header.systemLogFrom) {
    throw chainBroken(
      backupId,
      null,
      `it starts at seq ${header.seqFrom}, the backups before it end at seq ${facts.seq}`,
    );
  }
  const existing = new Map(facts.collections.map((c) => [c.name, c.createdAt]));
  const wanted = new Map(header.collections.map((c) => [c.name, c]));
  const replaced: string[] = [];
  for (const [name, createdAt] of existing) {
    const next = wanted.get(name);
    if (next && next.createdAt === createdAt && next.mode === 'changes') continue;
    sql.dropVectors.run(name);
    sql.dropChanges.run(name);
    sql.dropCollection.run(name);
    replaced.push(name);
  }
  for (const c of header.collections) {
    if (c.mode === 'changes') {
      if (existing.get(c.name) !== c.createdAt) {
        throw chainBroken(backupId, null, `collection "${c.name}" is not in the backups before it`);
      }
      sql.updateCollection.run(c.config, c.name);
    } else {
      sql.createCollection.run(c.name, c.config, c.createdAt);
    }
  }
  sql.clearSystemRecords.run();
  const floors = new Map(header.logFloors.map((f) => [f.log, f.minSeq]));
  for (const log of sql.logs.all()) {
    sql.pruneLog.run(log, floors.get(log) ?? Number.MAX_SAFE_INTEGER);
  }
  return replaced;
}

function statements(conn: Connection) {
  const updateSequence = conn.prepare<[number, string]>(
    'UPDATE sqlite_sequence SET seq = ? WHERE name = ?',
  );
  const insertSequence = conn.prepare<[string, number]>(
    'INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)',
  );
  return {
    createCollection: conn.prepare<[string, string, number]>(
      'INSERT INTO collections (name, config, created_at) VALUES (?, ?, ?)',
    ),
    updateCollection: conn.prepare<[string, string]>(
      'UPDATE collections SET config = ? WHERE name = ?',
    ),
    dropCollection: conn.prepare<[string]>('DELETE FROM collections WHERE name = ?'),
    dropVectors: conn.prepare<[string]>('DELETE FROM vectors WHERE collection = ?'),
    dropChanges: conn.prepare<[string]>('DELETE FROM changes WHERE collection = ?'),
    delete: conn.prepare<[string, number]>('DELETE FROM vectors WHERE collection = ? AND key = ?'),
    put: conn.prepare<[string, number, string, Buffer, string | null, number | null]>(
      'INSERT INTO vectors (collection, key, id, vector, metadata, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    change: conn.prepare<[number, string, string, number, string, number]>(
      'INSERT INTO changes (seq, collection, op, key, id, at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    clearSystemRecords: conn.prepare('DELETE FROM system_records'),
    systemRecord: conn.prepare<[string, string, string, number]>(
      'INSERT INTO system_records (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)',
    ),
    logs: conn.prepare<[], string>('SELECT DISTINCT log FROM system_log').pluck(),
    pruneLog: conn.prepare<[string, number]>('DELETE FROM system_log WHERE log = ? AND seq < ?'),
    logEntry: conn.prepare<[number, string, number, string]>(
      'INSERT INTO system_log (seq, log, at, entry) VALUES (?, ?, ?, ?)',
    ),
    setSequence(table: string, seq: number): void {
      if (updateSequence.run(seq, table).changes === 0) insertSequence.run(table, seq);
    },
  };
}
