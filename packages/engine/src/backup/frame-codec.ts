import type { Change } from '../storage/storage.js';

/**
 * The payload of an incremental backup is a sequence of frames, `u32 length ‖ u8 kind ‖ body`
 * (little-endian; `length` counts kind and body). JSON frames carry structure, binary frames
 * carry records: mutation chunks of the storage's own codec, and change-log rows.
 */
export const FRAME = {
  /** JSON {@link IncrementalHeader}: first frame. */
  header: 1,
  /** JSON `{ name, mode }`: the records and changes that follow belong to this collection. */
  collection: 2,
  /** Mutation chunk of `delete`s: every key changed since the parent, cleared before the puts. */
  deletes: 3,
  /** Mutation chunk of `put`s: the current value of every changed key that is live. */
  puts: 4,
  /** Change-log rows (see {@link encodeChangeRows}). */
  changes: 5,
  /** JSON array of system records `{ namespace, key, value, updatedAt }`. */
  systemRecords: 6,
  /** JSON array of system-log entries `{ seq, log, at, entry }` appended since the parent. */
  systemLog: 7,
  /** JSON {@link IncrementalTrailer}: last frame, so a payload cut at a frame boundary shows. */
  end: 8,
  /**
   * Mutation chunk (header version 2 with `versions`): what each change of the `changes` frame
   * just before it wrote, one mutation per change row in the same order — the value log that
   * lets a restore stop at any seq inside the backup (docs/adr/0022).
   */
  versions: 9,
} as const;

/** A frame kind. */
export type FrameKind = (typeof FRAME)[keyof typeof FRAME];

/** What an incremental backup's first frame says. */
export interface IncrementalHeader {
  /** 1: no value log; 2: `versions` says whether every change's value is carried. */
  version: 1 | 2;
  seqFrom: number;
  seqTo: number;
  /** System-log seq the parent covered and this one covers. */
  systemLogFrom: number;
  systemLogTo: number;
  /** Every collection at `seqTo`, in creation order: the others are dropped on restore. */
  collections: { name: string; createdAt: number; config: string; mode: 'changes' | 'replace' }[];
  /** Per system log, the lowest seq still kept: entries below it were pruned. */
  logFloors: { log: string; minSeq: number }[];
  /**
   * Every change row is followed by its value (`versions` frames), so a restore can stop at any
   * seq between `seqFrom` and `seqTo`. False (or absent, version 1) when the database's value log
   * did not reach back to `seqFrom` (written before format 2, or pruned).
   */
  versions?: boolean;
}

/** What the last frame says: the totals the frames before it must add up to. */
export interface IncrementalTrailer {
  frames: number;
  deletes: number;
  puts: number;
  changes: number;
  systemRecords: number;
  systemLogEntries: number;
  /** Values carried in `versions` frames (absent before header version 2). */
  versions?: number;
}

/** One change-log row as a backup carries it. */
export interface ChangeRow extends Change {
  /** Commit time, ms since the epoch. */
  at: number;
}

const OP_CODES = { put: 1, delete: 2, metadata: 3 } as const;
const OPS = [undefined, 'put', 'delete', 'metadata'] as const;

/** A frame of `kind` around `body`. */
export function frame(kind: FrameKind, body: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + body.byteLength);
  out.writeUInt32LE(1 + body.byteLength, 0);
  out.writeUInt8(kind, 4);
  out.set(body, 5);
  return out;
}

/** A JSON frame. */
export function jsonFrame(kind: FrameKind, value: unknown): Buffer {
  return frame(kind, Buffer.from(JSON.stringify(value), 'utf8'));
}

/** Change-log rows packed: count u32, then per row seq f64, key f64, at f64, op u8, id (u32 length + UTF-8). */
export function encodeChangeRows(rows: readonly ChangeRow[]): Buffer {
  let size = 4;
  for (const r of rows) size += 8 * 3 + 1 + 4 + Buffer.byteLength(r.id, 'utf8');
  const buf = Buffer.allocUnsafe(size);
  let at = buf.writeUInt32LE(rows.length, 0);
  for (const r of rows) {
    at = buf.writeDoubleLE(r.seq, at);
    at = buf.writeDoubleLE(r.key, at);
    at = buf.writeDoubleLE(r.at, at);
    at = buf.writeUInt8(OP_CODES[r.op], at);
    const bytes = buf.write(r.id, at + 4, 'utf8');
    buf.writeUInt32LE(bytes, at);
    at += 4 + bytes;
  }
  return buf;
}

/** Unpacks {@link encodeChangeRows}; throws on a malformed body. */
export function decodeChangeRows(buf: Buffer): ChangeRow[] {
  const count = buf.readUInt32LE(0);
  const rows: ChangeRow[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    const seq = buf.readDoubleLE(at);
    const key = buf.readDoubleLE(at + 8);
    const time = buf.readDoubleLE(at + 16);
    const op = OPS[buf.readUInt8(at + 24)];
    const bytes = buf.readUInt32LE(at + 25);
    if (op === undefined || at + 29 + bytes > buf.length)
      throw new RangeError('malformed change rows');
    rows.push({ seq, key, at: time, op, id: buf.toString('utf8', at + 29, at + 29 + bytes) });
    at += 29 + bytes;
  }
  if (at !== buf.length) throw new RangeError('malformed change rows');
  return rows;
}

/** One frame read back: its kind and a view of its body (valid until the next frame). */
export interface Frame {
  kind: number;
  body: Buffer;
}

/** Splits a byte stream into frames; throws `RangeError` when it ends inside one. */
export async function* readFrames(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Frame> {
  let pending = Buffer.alloc(0);
  for await (const piece of stream) {
    pending = pending.length === 0 ? Buffer.from(piece) : Buffer.concat([pending, piece]);
    let at = 0;
    while (pending.length - at >= 4) {
      const length = pending.readUInt32LE(at);
      if (length === 0) throw new RangeError('empty frame');
      if (pending.length - at - 4 < length) break;
      yield { kind: pending.readUInt8(at + 4), body: pending.subarray(at + 5, at + 4 + length) };
      at += 4 + length;
    }
    pending = pending.subarray(at);
  }
  if (pending.length > 0) throw new RangeError('the payload ends inside a frame');
}
