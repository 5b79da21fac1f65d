import type { WireError } from '../storage/sqlite/sqlite-errors.js';
import type { BackupCollection } from './backup-manifest.js';
import type { Compression } from './compression.js';
import type { SnapshotFacts } from './snapshot-facts.js';

/** What the capture thread is asked to do (it gets raw key bytes: structured clone drops nothing). */
export interface CaptureJob {
  kind: 'full' | 'incremental';
  backupId: string;
  dbPath: string;
  /** The database's page key (32 bytes) when it is encrypted. */
  pageKey: Uint8Array | undefined;
  busyTimeoutMs: number;
  /** The key that seals the backup's objects, or undefined for checksums only. */
  sealKey: Uint8Array | undefined;
  compression: Compression;
  compressionLevel: number | undefined;
  /** The scratch directory of this backup. */
  workDir: string;
  /** Where a full backup's copy of the file is made (the main thread watches it grow). */
  copyPath: string;
  /** Saved indexes a full backup seals (before the copy: an index never covers more than the copy). */
  indexes: { collection: string; source: string; staged: string }[];
  /** What the parent covered (incremental backups). */
  parent: {
    seqTo: number;
    systemLogSeq: number;
    collections: { name: string; createdAt: number }[];
  } | null;
}

/** What the capture thread made. */
export interface CaptureResult {
  /** When the snapshot was taken (ms since the epoch). */
  createdAt: number;
  facts: Omit<SnapshotFacts, 'collections'>;
  collections: BackupCollection[];
  /** The sealed payload, staged in the work directory. */
  payload: {
    path: string;
    /** Bytes before compression. */
    uncompressedBytes: number;
    /** Bytes inside the seal. */
    sealedPayloadBytes: number;
    /** What was actually used: encrypted pages are not compressed. */
    compression: Compression;
  };
  /** The saved indexes sealed (those whose file existed). */
  indexes: {
    collection: string;
    staged: string;
    sealedPayloadBytes: number;
    uncompressedBytes: number;
  }[];
}

/** Messages from the capture thread. */
export type CaptureMessage =
  | { type: 'progress'; phase: string; done: number; total: number | null }
  | { type: 'done'; result: CaptureResult }
  | { type: 'failed'; error: WireError };
