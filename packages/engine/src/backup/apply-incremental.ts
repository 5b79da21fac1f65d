import { setImmediate as yieldToLoop } from 'node:timers/promises';

import { isEngineError } from '../errors.js';
import { decodeMutations } from '../storage/sqlite/mutation-codec.js';
import type { Connection } from '../storage/sqlite/open-connection.js';
import { applyToVectorRows, vectorRowStatements } from '../storage/sqlite/vector-rows.js';
import { backupCorrupt, chainBroken, pointUnavailable } from './backup-errors.js';
import {
  FRAME,
  decodeChangeRows,
  type ChangeRow,
  type Frame,
  type IncrementalHeader,
  type IncrementalTrailer,
} from './frame-codec.js';
import { readSnapshotFacts, type SnapshotFacts } from './snapshot-facts.js';

/** Frames applied per transaction: between transactions the event loop serves others. */
const FRAMES_PER_TRANSACTION = 32;

/**
 * Where a restore stops inside an incremental backup: after the change with this seq, or after
 * the last change committed at or before this time (ms since the epoch). One of the two.
 */
export interface StopPoint {
  seq?: number;
  time?: number;
}

/** What applying one incremental backup did. */
export interface AppliedIncremental {
  /** Collections dropped, or dropped and re-created: their saved indexes no longer fit. */
  replaced: string[];
  /** Records (puts and tombstones, or replayed changes when stopped early) applied. */
  records: number;
  /** The change-log seq the copy is at afterwards: the backup's `seqTo` unless it stopped early. */
  seq: number;
  /** Commit time of the last change applied when it stopped early (null otherwise, or none). */
  at: number | null;
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
  stop?: StopPoint,
): Promise<AppliedIncremental> {
  const sql = statements(conn);
  const seen: Required<IncrementalTrailer> = {
    frames: 0,
    deletes: 0,
    puts: 0,
    changes: 0,
    systemRecords: 0,
    systemLogEntries: 0,
    versions: 0,
  };
  let header: IncrementalHeader | undefined;
  let trailer: IncrementalTrailer | undefined;
  let current: string | undefined;
  const replaced: string[] = [];
  // Stopping early: the changes replayed (the last one's seq and time) and the collections
  // created since the parent, which exist at the stop point only if they were created by then.
  let replayed = 0;
  let last: { seq: number; at: number } | null = null;
  let born = new Map<string, number>();
  let pending: ChangeRow[] | null = null;
  // The commit time of the first change after the stop point (none: the backup's end).
  let nextAt = Infinity;
  const inCut = (row: ChangeRow): boolean =>
    stop?.seq !== undefined ? row.seq <= stop.seq : row.at <= (stop?.time ?? Infinity);
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
        if (stop && (header.version < 2 || header.versions !== true)) {
          throw pointUnavailable(
            backupId,
            'no-values',
            `it does not carry the value of each change (it was taken from a database written before format 2, or whose value log was pruned), so it restores only to its own seq ${header.seqTo}`,
          );
        }
        if (stop) born = applyHeaderUpTo(conn, sql, backupId, header);
        else replaced.push(...applyHeader(conn, sql, backupId, header));
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
            if (stop) {
              // Each key's newest value: stopping early replays the versions instead.
              if (kind === FRAME.deletes) seen.deletes += 1;
              else if (m.op !== 'put' || m.vector === null)
                throw corrupt('a record is not a vector');
              else seen.puts += 1;
            } else if (kind === FRAME.deletes) {
              sql.rows.delete.run(collection, m.key);
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
          if (pending) throw corrupt('change rows lack their values');
          const rows = decodeChangeRows(body);
          seen.changes += rows.length;
          if (header.versions === true) pending = rows;
          if (stop) break;
          for (const row of rows) sql.change.run(row.seq, current, row.op, row.key, row.id, row.at);
          break;
        }
        case FRAME.versions: {
          if (current === undefined || !pending || header.versions !== true)
            throw corrupt('values come without their change rows');
          const rows = pending;
          const collection = current;
          pending = null;
          let i = 0;
          decodeMutations(body, (m) => {
            const row = rows[i++];
            if (!row || row.op !== m.op || row.key !== m.key || row.id !== m.id)
              throw corrupt('a value does not match its change row');
            seen.versions += 1;
            if (stop && !inCut(row)) {
              nextAt = Math.min(nextAt, row.at);
              return;
            }
            if (stop) {
              applyToVectorRows(sql.rows, collection, m);
              sql.change.run(row.seq, collection, row.op, row.key, row.id, row.at);
              replayed += 1;
              if (!last || row.seq > last.seq) last = { seq: row.seq, at: row.at };
            }
            if (m.op === 'put') sql.value.run(row.seq, m.vector, m.metadata, m.expiresAt);
            else if (m.op === 'metadata') sql.value.run(row.seq, null, m.metadata, null);
          });
          if (i !== rows.length) throw corrupt('change rows and their values differ in number');
          if (stop) onRecords?.(replayed);
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
    if (pending) throw corrupt('change rows lack their values');
    const totals: Required<IncrementalTrailer> = { ...trailer, versions: trailer.versions ?? 0 };
    const mismatch = (Object.keys(seen) as (keyof IncrementalTrailer)[]).find(
      (k) => seen[k] !== totals[k],
    );
    if (mismatch)
      throw corrupt(
        `it holds ${seen[mismatch]} ${mismatch}, its end frame says ${totals[mismatch]}`,
      );
    const reached = last as { seq: number; at: number } | null;
    const seq = !stop
      ? header.seqTo
      : stop.seq !== undefined
        ? stop.seq
        : Math.max(header.seqFrom, reached?.seq ?? 0);
    if (stop) {
      // A collection created since the parent exists at the stop point if it was written to by
      // then, or created at or before the time asked for — for a seq, before the change after
      // it (a state at seq S lasts until change S + 1).
      const cutoff = stop.time ?? nextAt;
      for (const [name, createdAt] of born) {
        const written = sql.hasChanges.get(name, seq) !== undefined;
        if (!written && createdAt > cutoff) sql.dropCollection.run(name);
      }
    } else if (header.versions !== true) {
      // Changes without values: the restored file's value log starts above them.
      sql.valuesFrom.run(String(header.seqTo));
    }
    sql.setSequence('changes', seq);
    sql.setSequence('system_log', header.systemLogTo);
    conn.exec('COMMIT');
    return {
      replaced,
      records: stop ? replayed : seen.deletes + seen.puts,
      seq,
      at: stop ? (reached?.at ?? null) : null,
    };
  } catch (err) {
    if (conn.inTransaction) conn.exec('ROLLBACK');
    if (isEngineError(err)) throw err;
    throw corrupt(`its records cannot be applied (${(err as Error).message})`, err);
  }
}

/**
 * The header's collections for a restore that stops inside the backup: every collection of the
 * copy must still be there unchanged (a collection dropped since the parent took its change
 * log with it, so the states before the drop are gone); configs are the backup's; collections
 * created since the parent are created (and returned, name → creation time). System records
 * and logs are brought to the backup's own point, as for a whole restore.
 */
function applyHeaderUpTo(
  conn: Connection,
  sql: ReturnType<typeof statements>,
  backupId: string,
  header: IncrementalHeader,
): Map<string, number> {
  const facts = checkFits(conn, backupId, header);
  const existing = new Map(facts.collections.map((c) => [c.name, c.createdAt]));
  const wanted = new Map(header.collections.map((c) => [c.name, c]));
  for (const [name, createdAt] of existing) {
    const next = wanted.get(name);
    if (next && next.createdAt === createdAt && next.mode === 'changes') continue;
    throw pointUnavailable(
      backupId,
      'collection-dropped',
      `collection "${name}" was dropped${next ? ' and re-created' : ''} between its parent and it, and a drop removes the collection's change log, so the points inside it are gone; it restores only to its own seq ${header.seqTo}`,
      { collection: name },
    );
  }
  const born = new Map<string, number>();
  for (const c of header.collections) {
    if (existing.has(c.name)) {
      sql.updateCollection.run(c.config, c.name);
    } else {
      sql.createCollection.run(c.name, c.config, c.createdAt);
      born.set(c.name, c.createdAt);
    }
  }
  applySystemHeader(sql, header);
  return born;
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
  const facts = checkFits(conn, backupId, header);
  const existing = new Map(facts.collections.map((c) => [c.name, c.createdAt]));
  const wanted = new Map(header.collections.map((c) => [c.name, c]));
  const replaced: string[] = [];
  for (const [name, createdAt] of existing) {
    const next = wanted.get(name);
    if (next && next.createdAt === createdAt && next.mode === 'changes') continue;
    sql.dropVectors.run(name);
    sql.dropValues.run(name);
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
  applySystemHeader(sql, header);
  return replaced;
}

/** The copy must be exactly where the backup starts, or the chain does not fit. */
function checkFits(conn: Connection, backupId: string, header: IncrementalHeader): SnapshotFacts {
  const facts = readSnapshotFacts(conn);
  if (facts.seq !== header.seqFrom || facts.systemLogSeq !== header.systemLogFrom) {
    throw chainBroken(
      backupId,
      null,
      `it starts at seq ${header.seqFrom}, the backups before it end at seq ${facts.seq}`,
    );
  }
  return facts;
}

/** Replaces the system records wholesale and cuts each system log where it now starts. */
function applySystemHeader(sql: ReturnType<typeof statements>, header: IncrementalHeader): void {
  sql.clearSystemRecords.run();
  const floors = new Map(header.logFloors.map((f) => [f.log, f.minSeq]));
  for (const log of sql.logs.all()) {
    sql.pruneLog.run(log, floors.get(log) ?? Number.MAX_SAFE_INTEGER);
  }
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
    dropValues: conn.prepare<[string]>(
      'DELETE FROM change_values WHERE seq IN (SELECT seq FROM changes WHERE collection = ?)',
    ),
    hasChanges: conn
      .prepare<[string, number], number>(
        'SELECT 1 FROM changes WHERE collection = ? AND seq <= ? LIMIT 1',
      )
      .pluck(),
    rows: vectorRowStatements(conn),
    value: conn.prepare<[number, Buffer | null, string | null, number | null]>(
      'INSERT INTO change_values (seq, vector, metadata, expires_at) VALUES (?, ?, ?, ?)',
    ),
    valuesFrom: conn.prepare<[string]>(
      `INSERT INTO meta (key, value) VALUES ('change_values_from', ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value
       WHERE CAST(excluded.value AS INTEGER) > CAST(meta.value AS INTEGER)`,
    ),
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
      // No row and nothing handed out: leave it so (as the original file has it).
      if (updateSequence.run(seq, table).changes === 0 && seq > 0) insertSequence.run(table, seq);
    },
  };
}
