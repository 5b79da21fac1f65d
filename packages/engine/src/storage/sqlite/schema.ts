import {
  blob,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

/**
 * Tables of a `.needle` file. Changing anything here needs a migration: run
 * `npm run db:generate -w @needle/engine` and commit the SQL it writes under `drizzle/`
 * (see docs/adr/0007 for when the format version must be bumped too).
 */

/** One row per collection; `config` is the resolved collection config as JSON. */
export const collections = sqliteTable('collections', {
  name: text('name').primaryKey(),
  config: text('config').notNull(),
  /** Milliseconds since the epoch. */
  createdAt: integer('created_at').notNull(),
});

/**
 * One row per live vector. `vector` holds the original float32 values in the machine's
 * (little-endian) byte order; `key` is the engine's integer key, `id` the caller's.
 */
export const vectors = sqliteTable(
  'vectors',
  {
    collection: text('collection').notNull(),
    key: integer('key').notNull(),
    id: text('id').notNull(),
    vector: blob('vector', { mode: 'buffer' }).notNull(),
    /** Metadata as JSON text, or null. */
    metadata: text('metadata'),
    /** Expiry in ms since the epoch, or null for never. */
    expiresAt: integer('expires_at'),
  },
  (t) => [
    primaryKey({ columns: [t.collection, t.key] }),
    uniqueIndex('vectors_collection_id').on(t.collection, t.id),
    index('vectors_expires_at').on(t.expiresAt),
  ],
);

/**
 * The change log: one row per mutation, `seq` strictly increasing and never reused
 * (AUTOINCREMENT), so a saved index, a backup or a replica can say "everything up to seq N".
 */
export const changes = sqliteTable(
  'changes',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    collection: text('collection').notNull(),
    /** `put`, `delete` or `metadata`. */
    op: text('op').notNull(),
    key: integer('key').notNull(),
    id: text('id').notNull(),
    /** Commit time, ms since the epoch. */
    at: integer('at').notNull(),
  },
  (t) => [index('changes_collection_seq').on(t.collection, t.seq)],
);

/**
 * The value log: what each `put` and `metadata` change of the change log wrote, by the change's
 * `seq` (a `delete` needs no row: its change row is the tombstone). It makes the states between
 * two backups recoverable (point-in-time restore, docs/adr/0022). Rows exist for every such
 * change above the `change_values_from` entry of `meta`; rows at or below it may have been
 * pruned (or predate the format that writes them).
 */
export const changeValues = sqliteTable('change_values', {
  seq: integer('seq').primaryKey(),
  /** The float32 vector a `put` wrote; null for a `metadata` change. */
  vector: blob('vector', { mode: 'buffer' }),
  /** The metadata written (JSON text), or null. */
  metadata: text('metadata'),
  /** The expiry a `put` wrote, ms since the epoch, or null. */
  expiresAt: integer('expires_at'),
});

/** Facts about the file itself; `format_version` is written by the migrations. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Small records of the database's own subsystems (principals, roles, API-key hashes, backup
 * catalog, alert rules and state...), by namespace and key; `value` is JSON.
 */
export const systemRecords = sqliteTable(
  'system_records',
  {
    namespace: text('namespace').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    /** Milliseconds since the epoch. */
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.key] })],
);

/**
 * Append-only logs of the subsystems (audit log, alert history, notification deliveries,
 * slow queries): `seq` increases across all logs and is never reused; `entry` is JSON.
 */
export const systemLog = sqliteTable(
  'system_log',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    log: text('log').notNull(),
    /** Milliseconds since the epoch. */
    at: integer('at').notNull(),
    entry: text('entry').notNull(),
  },
  (t) => [index('system_log_log_seq').on(t.log, t.seq), index('system_log_log_at').on(t.log, t.at)],
);
