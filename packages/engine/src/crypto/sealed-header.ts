import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

import { EngineError } from '../errors.js';
import { CHUNK_TAG_BYTES, NONCE_PREFIX_BYTES } from './chunk-cipher.js';
import { readAt } from './file-io.js';
import { sealedFileCorrupt } from './sealed-file-errors.js';

/** First bytes of every sealed file: 0x89 "NSF" CR LF 0x1A LF (text-mode transfers break it). */
export const SEALED_FILE_MAGIC = Uint8Array.from([0x89, 0x4e, 0x53, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The sealed-file format version this build writes and the newest it reads. */
export const SEALED_FILE_VERSION = 1;

/** Bytes before the JSON header: magic, version, cipher, reserved, chunk size, key id, nonce prefix, JSON length. */
export const FIXED_HEADER_BYTES = 44;

/** Length of the SHA-256 that closes the header. */
export const HEADER_HASH_BYTES = 32;

/** Largest JSON header accepted, in UTF-8 bytes. */
export const MAX_HEADER_JSON_BYTES = 64 * 1024;

/** Default plaintext bytes per chunk (1 MiB), and the accepted range. */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** Smallest chunk size accepted. */
export const MIN_CHUNK_SIZE = 64;
/** Largest chunk size accepted. */
export const MAX_CHUNK_SIZE = 64 * 1024 * 1024;

/** A JSON value, as the caller's header may hold. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** What the caller says about the payload (e.g. `{ kind: 'hnsw-index', collection, seq }`). Stored authenticated but NOT encrypted. */
export type SealedFileHeader = { readonly [key: string]: JsonValue };

/** How the chunks are protected. */
export type SealedFileCipher = 'xchacha20-poly1305' | 'none';

/** What {@link readSealedHeader} reports, and what sealing and opening return. */
export interface SealedFileInfo {
  /** Format version the file was written in. */
  readonly formatVersion: number;
  /** `xchacha20-poly1305`, or `none` for chained SHA-256 checksums only. */
  readonly cipher: SealedFileCipher;
  /** Id of the key that sealed the file, or null when it is not encrypted. */
  readonly keyId: string | null;
  /** Plaintext bytes per chunk (the last chunk may be shorter). */
  readonly chunkSize: number;
  /** The caller's JSON header. */
  readonly header: SealedFileHeader;
  /** Number of chunks (at least one; an empty payload is one empty final chunk). */
  readonly chunkCount: number;
  /** Size of the payload. */
  readonly plaintextBytes: number;
  /** Size of the sealed file. */
  readonly fileBytes: number;
}

/** The decoded header of a sealed file, with what opening it needs. */
export interface SealedHeader {
  /** Format version the file was written in. */
  readonly formatVersion: number;
  /** `xchacha20-poly1305`, or `none` for chained SHA-256 checksums only. */
  readonly cipher: SealedFileCipher;
  /** Id of the key that sealed the file, or null when it is not encrypted. */
  readonly keyId: string | null;
  /** Plaintext bytes per chunk (the last chunk may be shorter). */
  readonly chunkSize: number;
  /** The caller's JSON header. */
  readonly header: SealedFileHeader;
  /** Random per-file nonce prefix (zeros when not encrypted). */
  readonly noncePrefix: Uint8Array;
  /** SHA-256 of the header bytes: the associated data of every chunk. */
  readonly headerHash: Uint8Array;
  /** Length of the encoded header, where the first chunk starts. */
  readonly headerBytes: number;
}

const CIPHER_CODES: Record<SealedFileCipher, number> = { none: 0, 'xchacha20-poly1305': 1 };

/** Encodes a header (layout in docs/adr: fixed part, JSON, SHA-256 of both). */
export function encodeSealedHeader(fields: {
  cipher: SealedFileCipher;
  keyId: string | null;
  chunkSize: number;
  noncePrefix: Uint8Array;
  header: SealedFileHeader;
}): { bytes: Uint8Array; headerHash: Uint8Array } {
  const json = Buffer.from(JSON.stringify(fields.header), 'utf8');
  if (json.length > MAX_HEADER_JSON_BYTES) {
    throw new EngineError(
      'INVALID_INPUT',
      `The sealed-file header is ${json.length} bytes of JSON; at most ${MAX_HEADER_JSON_BYTES} are allowed.`,
      {
        help: 'Keep the header to a few identifying facts; put bulk data in the payload.',
      },
    );
  }
  const bytes = new Uint8Array(FIXED_HEADER_BYTES + json.length + HEADER_HASH_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(SEALED_FILE_MAGIC, 0);
  view.setUint16(8, SEALED_FILE_VERSION);
  view.setUint8(10, CIPHER_CODES[fields.cipher]);
  view.setUint32(12, fields.chunkSize);
  if (fields.keyId !== null) bytes.set(Buffer.from(fields.keyId, 'hex'), 16);
  bytes.set(fields.noncePrefix.subarray(0, NONCE_PREFIX_BYTES), 24);
  view.setUint32(40, json.length);
  bytes.set(json, FIXED_HEADER_BYTES);
  const headerHash = sha256(bytes.subarray(0, FIXED_HEADER_BYTES + json.length));
  bytes.set(headerHash, FIXED_HEADER_BYTES + json.length);
  return { bytes, headerHash };
}

/**
 * Reads and checks the header of a sealed file without any key: the magic, the version and
 * the header checksum. The header is authenticated only when the chunks are opened, so
 * trust it for listing and routing, not for security decisions.
 *
 * @example
 * ```ts
 * const { keyId, header } = await readSealedHeader('backup-0007.nsf');
 * ```
 */
export async function readSealedHeader(path: string): Promise<SealedFileInfo> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const read = (position: number, length: number): Promise<Uint8Array> =>
      readAt(handle, position, length);
    const header = await decodeSealedHeader(size, read);
    const shape = payloadShape(size - header.headerBytes, header.chunkSize);
    if (shape === null)
      throw sealedFileCorrupt(
        'truncated',
        'The sealed file ends before its first chunk is complete.',
      );
    return describeSealedFile(header, shape.chunks, size);
  } finally {
    await handle.close();
  }
}

/** Decodes and checks a header given the file size and a positional reader. */
export async function decodeSealedHeader(
  fileBytes: number,
  read: (position: number, length: number) => Promise<Uint8Array>,
): Promise<SealedHeader> {
  const fixed = await read(0, FIXED_HEADER_BYTES);
  const magic = Buffer.from(fixed.subarray(0, SEALED_FILE_MAGIC.length));
  if (!magic.equals(SEALED_FILE_MAGIC.subarray(0, magic.length)) || fixed.length === 0) {
    throw sealedFileCorrupt(
      'not-sealed',
      'This is not a Needle sealed file (its first bytes are wrong).',
    );
  }
  if (fixed.length < FIXED_HEADER_BYTES)
    throw sealedFileCorrupt('truncated', 'The sealed file ends inside its header.');
  const view = new DataView(fixed.buffer, fixed.byteOffset, fixed.byteLength);
  const formatVersion = view.getUint16(8);
  if (formatVersion > SEALED_FILE_VERSION) {
    throw new EngineError(
      'UNSUPPORTED_FORMAT_VERSION',
      `The sealed file has format version ${formatVersion}; this build reads up to ${SEALED_FILE_VERSION}.`,
      {
        help: 'Open it with a newer Needle. (If no newer version ever wrote it, the file is damaged.)',
        details: { formatVersion, supported: SEALED_FILE_VERSION },
      },
    );
  }
  const jsonLength = view.getUint32(40);
  const headerBytes = FIXED_HEADER_BYTES + jsonLength + HEADER_HASH_BYTES;
  if (jsonLength > MAX_HEADER_JSON_BYTES || headerBytes > fileBytes) {
    throw sealedFileCorrupt(
      headerBytes > fileBytes && jsonLength <= MAX_HEADER_JSON_BYTES ? 'truncated' : 'header',
      'The sealed file header is damaged or cut short.',
    );
  }
  const rest = await read(FIXED_HEADER_BYTES, jsonLength + HEADER_HASH_BYTES);
  const hashed = new Uint8Array(FIXED_HEADER_BYTES + jsonLength);
  hashed.set(fixed, 0);
  hashed.set(rest.subarray(0, jsonLength), FIXED_HEADER_BYTES);
  const headerHash = sha256(hashed);
  if (!Buffer.from(headerHash).equals(rest.subarray(jsonLength))) {
    throw sealedFileCorrupt(
      'header',
      'The sealed file header fails its checksum: the file is damaged.',
    );
  }
  const cipherCode = view.getUint8(10);
  const chunkSize = view.getUint32(12);
  const cipher = cipherCode === 1 ? 'xchacha20-poly1305' : cipherCode === 0 ? 'none' : undefined;
  if (
    formatVersion === 0 ||
    cipher === undefined ||
    view.getUint8(11) !== 0 ||
    chunkSize < MIN_CHUNK_SIZE ||
    chunkSize > MAX_CHUNK_SIZE
  ) {
    throw sealedFileCorrupt('header', 'The sealed file header holds impossible values.');
  }
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(hashed.subarray(FIXED_HEADER_BYTES)).toString('utf8'));
  } catch (err) {
    throw sealedFileCorrupt('header', 'The sealed file header is not valid JSON.', err);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw sealedFileCorrupt('header', 'The sealed file header is not a JSON object.');
  }
  return {
    formatVersion,
    cipher,
    keyId: cipher === 'none' ? null : Buffer.from(fixed.subarray(16, 24)).toString('hex'),
    chunkSize,
    header: header as SealedFileHeader,
    noncePrefix: fixed.slice(24, 24 + NONCE_PREFIX_BYTES),
    headerHash,
    headerBytes,
  };
}

/** The public description of a sealed file from its decoded header and shape. */
export function describeSealedFile(
  header: SealedHeader,
  chunkCount: number,
  fileBytes: number,
): SealedFileInfo {
  return {
    formatVersion: header.formatVersion,
    cipher: header.cipher,
    keyId: header.keyId,
    chunkSize: header.chunkSize,
    header: header.header,
    chunkCount,
    plaintextBytes: fileBytes - header.headerBytes - chunkCount * CHUNK_TAG_BYTES,
    fileBytes,
  };
}

/** How many chunks a payload of `payloadBytes` holds and the sealed size of the last, or null if no chunk grid fits. */
export function payloadShape(
  payloadBytes: number,
  chunkSize: number,
): { chunks: number; lastSealedBytes: number } | null {
  if (payloadBytes < CHUNK_TAG_BYTES) return null;
  const sealedChunk = chunkSize + CHUNK_TAG_BYTES;
  const chunks = Math.ceil(payloadBytes / sealedChunk);
  const lastSealedBytes = payloadBytes - (chunks - 1) * sealedChunk;
  return lastSealedBytes < CHUNK_TAG_BYTES ? null : { chunks, lastSealedBytes };
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}
