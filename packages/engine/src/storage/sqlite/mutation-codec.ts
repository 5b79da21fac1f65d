import type { Mutation } from '../storage.js';

const OP_CODES = { put: 1, delete: 2, metadata: 3 } as const;
const NO_STRING = 0xffffffff;

/** Encoded bytes per chunk: well under a millisecond of main-thread work. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * Packs mutations into standalone buffers that are transferred (not copied) to the writer
 * thread. Structured clone of mutation objects would copy every vector's whole backing
 * ArrayBuffer and allocate per record; this is two passes over the batch and one allocation
 * per chunk. Chunks hold about `chunkBytes` each (at least one mutation), so a caller can
 * yield to the event loop between them and a huge commit never blocks it for long.
 *
 * Layout, little-endian: count u32, then per mutation: op u8, key f64, then for `put`
 * expiresAt f64 (NaN for none), id (u32 byte length + UTF-8), metadata (u32 length or
 * 0xFFFFFFFF for null + UTF-8), vector (u32 byte length + float32 bytes); for `metadata` the
 * id and metadata; for `delete` the id.
 */
export function* encodeMutationChunks(
  mutations: readonly Mutation[],
  chunkBytes = CHUNK_BYTES,
): Generator<Buffer, void> {
  let start = 0;
  do {
    let size = 4;
    let end = start;
    while (end < mutations.length) {
      const bytes = encodedSize(mutations[end]!);
      if (end > start && size + bytes > chunkBytes) break;
      size += bytes;
      end += 1;
    }
    yield encodeRange(mutations, start, end, size);
    start = end;
  } while (start < mutations.length);
}

/** How many mutations a chunk of {@link encodeMutationChunks} holds. */
export function chunkCount(chunk: Uint8Array): number {
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).readUInt32LE(0);
}

/** All of `mutations` in one buffer (see {@link encodeMutationChunks}). */
export function encodeMutations(mutations: readonly Mutation[]): Buffer {
  return [...encodeMutationChunks(mutations, Number.POSITIVE_INFINITY)][0]!;
}

function encodedSize(m: Mutation): number {
  let size = 1 + 8 + 4 + Buffer.byteLength(m.id, 'utf8');
  if (m.op !== 'delete')
    size += 4 + (m.metadata === null ? 0 : Buffer.byteLength(m.metadata, 'utf8'));
  if (m.op === 'put') size += 8 + 4 + m.vector.byteLength;
  return size;
}

function encodeRange(
  mutations: readonly Mutation[],
  start: number,
  end: number,
  size: number,
): Buffer {
  // Not from the shared pool: the buffer's ArrayBuffer must be ours alone to transfer.
  const buf = Buffer.allocUnsafeSlow(size);
  let at = buf.writeUInt32LE(end - start, 0);
  for (let i = start; i < end; i++) {
    const m = mutations[i]!;
    at = buf.writeUInt8(OP_CODES[m.op], at);
    at = buf.writeDoubleLE(m.key, at);
    if (m.op === 'put') at = buf.writeDoubleLE(m.expiresAt ?? Number.NaN, at);
    at = writeString(buf, at, m.id);
    if (m.op !== 'delete') at = writeString(buf, at, m.metadata);
    if (m.op === 'put') {
      at = buf.writeUInt32LE(m.vector.byteLength, at);
      buf.set(new Uint8Array(m.vector.buffer, m.vector.byteOffset, m.vector.byteLength), at);
      at += m.vector.byteLength;
    }
  }
  return buf;
}

/** One decoded mutation; `vector` is a view into the transferred buffer (bound as a BLOB). */
export interface DecodedMutation {
  op: Mutation['op'];
  key: number;
  id: string;
  metadata: string | null;
  expiresAt: number | null;
  vector: Buffer | null;
}

/** Calls `visit` for each mutation packed by {@link encodeMutations}, in order. */
export function decodeMutations(buf: Buffer, visit: (m: DecodedMutation) => void): void {
  const count = buf.readUInt32LE(0);
  let at = 4;
  const m: DecodedMutation = {
    op: 'put',
    key: 0,
    id: '',
    metadata: null,
    expiresAt: null,
    vector: null,
  };
  for (let i = 0; i < count; i++) {
    const code = buf.readUInt8(at);
    m.op = code === OP_CODES.put ? 'put' : code === OP_CODES.delete ? 'delete' : 'metadata';
    m.key = buf.readDoubleLE(at + 1);
    at += 9;
    m.expiresAt = null;
    if (m.op === 'put') {
      const expiresAt = buf.readDoubleLE(at);
      m.expiresAt = Number.isNaN(expiresAt) ? null : expiresAt;
      at += 8;
    }
    [m.id, at] = readString(buf, at) as [string, number];
    m.metadata = null;
    if (m.op !== 'delete') [m.metadata, at] = readString(buf, at);
    m.vector = null;
    if (m.op === 'put') {
      const bytes = buf.readUInt32LE(at);
      m.vector = buf.subarray(at + 4, at + 4 + bytes);
      at += 4 + bytes;
    }
    visit(m);
  }
}

function writeString(buf: Buffer, at: number, value: string | null): number {
  if (value === null) return buf.writeUInt32LE(NO_STRING, at);
  const bytes = buf.write(value, at + 4, 'utf8');
  buf.writeUInt32LE(bytes, at);
  return at + 4 + bytes;
}

function readString(buf: Buffer, at: number): [string | null, number] {
  const bytes = buf.readUInt32LE(at);
  if (bytes === NO_STRING) return [null, at + 4];
  return [buf.toString('utf8', at + 4, at + 4 + bytes), at + 4 + bytes];
}
