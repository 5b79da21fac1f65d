import { EngineError } from '../../errors.js';
import { decodeMutations, type DecodedMutation } from './mutation-codec.js';
import type { Connection } from './open-connection.js';
import { toWireError } from './sqlite-errors.js';
import { applyToVectorRows, vectorRowStatements } from './vector-rows.js';
import type { OpResult, WriteOp } from './writer-protocol.js';

/**
 * Applies batches of writes on the writer connection: one transaction per batch (one sync
 * for all of it), one savepoint per op, so a failing op is undone alone and the others still
 * commit. If the transaction itself fails (SQLite aborted it, or COMMIT failed — a full disk,
 * an I/O error), every op in the batch fails with that error and nothing of it is stored.
 *
 * Statements are hand-written (prepared once) rather than built per call: this is the hot
 * path. Their table and column names are those of `schema.ts`.
 */
export class BatchWriter {
  readonly #db: Connection;
  #lastSeq: number;
  readonly #sql;

  constructor(db: Connection, lastSeq: number) {
    this.#db = db;
    this.#lastSeq = lastSeq;
    this.#sql = {
      hasCollection: db
        .prepare<[string], number>('SELECT 1 FROM collections WHERE name = ?')
        .pluck(),
      createCollection: db.prepare<[string, string, number]>(
        'INSERT INTO collections (name, config, created_at) VALUES (?, ?, ?)',
      ),
      updateCollection: db.prepare<[string, string]>(
        'UPDATE collections SET config = ? WHERE name = ?',
      ),
      dropCollection: db.prepare<[string]>('DELETE FROM collections WHERE name = ?'),
      dropVectors: db.prepare<[string]>('DELETE FROM vectors WHERE collection = ?'),
      dropValues: db.prepare<[string]>(
        'DELETE FROM change_values WHERE seq IN (SELECT seq FROM changes WHERE collection = ?)',
      ),
      dropChanges: db.prepare<[string]>('DELETE FROM changes WHERE collection = ?'),
      rows: vectorRowStatements(db),
      change: db.prepare<[number, string, string, number, string, number]>(
        'INSERT INTO changes (seq, collection, op, key, id, at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      value: db.prepare<[number, Buffer | null, string | null, number | null]>(
        'INSERT INTO change_values (seq, vector, metadata, expires_at) VALUES (?, ?, ?, ?)',
      ),
      pruneValues: db.prepare<[number]>('DELETE FROM change_values WHERE seq <= ?'),
      valuesFrom: db.prepare<[string]>(
        `INSERT INTO meta (key, value) VALUES ('change_values_from', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value
         WHERE CAST(excluded.value AS INTEGER) > CAST(meta.value AS INTEGER)`,
      ),
      systemPut: db.prepare<[string, string, string, number]>(
        `INSERT INTO system_records (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      ),
      systemDelete: db.prepare<[string, string]>(
        'DELETE FROM system_records WHERE namespace = ? AND key = ?',
      ),
      logAppend: db.prepare<[string, number, string]>(
        'INSERT INTO system_log (log, at, entry) VALUES (?, ?, ?)',
      ),
      logPrune: db.prepare<[string, number]>('DELETE FROM system_log WHERE log = ? AND seq < ?'),
    };
  }

  /** The highest change-log seq committed. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Runs `ops` in one transaction; one result per op, in order. */
  apply(ops: readonly WriteOp[]): OpResult[] {
    const startSeq = this.#lastSeq;
    const at = Date.now();
    const results: OpResult[] = [];
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      for (const op of ops) {
        const opStartSeq = this.#lastSeq;
        this.#db.exec('SAVEPOINT op');
        try {
          const value = this.#applyOne(op, at);
          this.#db.exec('RELEASE op');
          results.push({ ok: true, seq: value ?? this.#lastSeq });
        } catch (err) {
          // SQLite may have rolled the whole transaction back (e.g. on SQLITE_FULL); then the
          // batch is lost as a whole and every op in it fails.
          if (!this.#db.inTransaction) throw err;
          this.#db.exec('ROLLBACK TO op');
          this.#db.exec('RELEASE op');
          this.#lastSeq = opStartSeq;
          results.push({ ok: false, error: toWireError(err) });
        }
      }
      this.#db.exec('COMMIT');
      return results;
    } catch (err) {
      rollbackQuietly(this.#db);
      this.#lastSeq = startSeq;
      const error = toWireError(err);
      return ops.map(() => ({ ok: false, error }));
    }
  }

  /** Applies one op; system-log ops return their own result (a log seq, a count). */
  #applyOne(op: WriteOp, at: number): number | undefined {
    const sql = this.#sql;
    switch (op.kind) {
      case 'system-put':
        if (op.value === null) sql.systemDelete.run(op.namespace, op.key);
        else sql.systemPut.run(op.namespace, op.key, op.value, at);
        return undefined;
      case 'log-append': {
        let last = 0;
        for (const entry of op.entries) {
          last = Number(sql.logAppend.run(op.log, at, entry).lastInsertRowid);
        }
        return last;
      }
      case 'log-prune':
        return sql.logPrune.run(op.log, op.beforeSeq).changes;
      case 'values-prune': {
        const removed = sql.pruneValues.run(op.throughSeq).changes;
        sql.valuesFrom.run(String(op.throughSeq));
        return removed;
      }
      case 'create':
        if (sql.hasCollection.get(op.name) !== undefined) {
          throw new EngineError('COLLECTION_EXISTS', `collection "${op.name}" already exists`, {
            help: 'Pick another name, or drop the existing collection first.',
            details: { collection: op.name },
          });
        }
        sql.createCollection.run(op.name, op.config, op.createdAt);
        return undefined;
      case 'update':
        this.#assertCollection(op.name);
        sql.updateCollection.run(op.config, op.name);
        return undefined;
      case 'drop':
        sql.dropVectors.run(op.name);
        sql.dropValues.run(op.name);
        sql.dropChanges.run(op.name);
        sql.dropCollection.run(op.name);
        return undefined;
      case 'commit': {
        this.#assertCollection(op.collection);
        for (const chunk of op.chunks) {
          const payload = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          decodeMutations(payload, (m) => this.#applyMutation(op.collection, m, at));
        }
        return undefined;
      }
    }
  }

  #applyMutation(collection: string, m: DecodedMutation, at: number): void {
    const sql = this.#sql;
    applyToVectorRows(sql.rows, collection, m);
    this.#lastSeq += 1;
    sql.change.run(this.#lastSeq, collection, m.op, m.key, m.id, at);
    // The value log (docs/adr/0022): what this change wrote, so a backup can carry every version.
    if (m.op === 'put') sql.value.run(this.#lastSeq, m.vector, m.metadata, m.expiresAt);
    else if (m.op === 'metadata') sql.value.run(this.#lastSeq, null, m.metadata, null);
  }

  #assertCollection(name: string): void {
    if (this.#sql.hasCollection.get(name) === undefined) {
      throw new EngineError(
        'COLLECTION_NOT_FOUND',
        `collection "${name}" does not exist in storage`,
        {
          help: 'Create the collection first.',
          details: { collection: name },
        },
      );
    }
  }
}

/** Ends a failed transaction; the error that got us here is the one worth reporting. */
function rollbackQuietly(db: Connection): void {
  try {
    if (db.inTransaction) db.exec('ROLLBACK');
  } catch {
    // SQLite rolls back on its own when ROLLBACK cannot run; nothing was committed either way.
  }
}
