import type { CheckpointStats } from '../storage.js';
import type { WalOptions } from './sqlite-options.js';
import type { WireError } from './sqlite-errors.js';

/**
 * Messages between {@link SqliteStorage} (main thread) and its writer thread. The writer
 * owns the only read-write connection; the main thread reads through a read-only one.
 */

/** What the writer thread is started with. */
export interface WriterInit {
  path: string;
  cipherKey: Uint8Array | undefined;
  syncMode: WalOptions['syncMode'];
  maxWalBytes: number;
  busyTimeoutMs: number;
}

/** The writer connection's settings as SQLite reports them after open (not as requested). */
export interface WriterSettings {
  journalMode: string;
  synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  journalSizeLimit: number;
  walAutocheckpoint: number;
}

/** One write; a batch of them shares a transaction, each in its own savepoint. */
export type WriteOp =
  /** `chunks` come from `encodeMutationChunks`; they are applied in order as one atomic write. */
  | { kind: 'commit'; collection: string; chunks: Uint8Array[] }
  | { kind: 'create'; name: string; config: string; createdAt: number }
  | { kind: 'update'; name: string; config: string }
  | { kind: 'drop'; name: string }
  | { kind: 'system-put'; namespace: string; key: string; value: string | null }
  /** Resolves with the seq of the last entry appended. */
  | { kind: 'log-append'; log: string; entries: string[] }
  /** Resolves with the number of entries removed. */
  | { kind: 'log-prune'; log: string; beforeSeq: number }
  /**
   * Drops the value log's rows at or below `throughSeq` and records that it starts there;
   * resolves with the number of rows removed.
   */
  | { kind: 'values-prune'; throughSeq: number };

/**
 * The outcome of one {@link WriteOp}: the last change-log seq it wrote (for `log-append` the
 * seq of its last entry, for `log-prune` how many entries went), or why it failed.
 */
export type OpResult = { ok: true; seq: number } | { ok: false; error: WireError };

/** A request to the writer thread; `id` pairs it with its response. */
export type WriterRequest =
  | { id: number; type: 'batch'; ops: WriteOp[] }
  | { id: number; type: 'checkpoint'; reason: CheckpointStats['reason'] }
  | {
      id: number;
      type: 'rekey';
      key: Uint8Array;
      /**
       * Where to copy the file (after a checkpoint) for readers to use while it is rewritten;
       * the writer posts a `notice` `{ copied }` and waits on `gate` until the main thread has
       * moved its reader off the live file.
       */
      readCopy?: string;
      gate?: Int32Array;
    }
  | { id: number; type: 'vacuum' }
  | { id: number; type: 'close' };

/** What a batch reports: one result per op, in order, and the committed seq afterwards. */
export interface BatchReply {
  results: OpResult[];
  lastSeq: number;
}

/** Everything the writer thread posts back. */
export type WriterMessage =
  | { type: 'ready'; lastSeq: number; settings: WriterSettings }
  | { type: 'failed'; error: WireError }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: WireError }
  /** A checkpoint the writer ran on its own (the WAL passed `maxWalBytes`). */
  | { type: 'checkpointed'; stats: CheckpointStats }
  /** That checkpoint failed; it is retried after the next batch. */
  | { type: 'checkpoint-failed'; error: WireError }
  /** Word from a request still running (e.g. a rekey's read copy is ready). */
  | { type: 'notice'; id: number; value: unknown };
