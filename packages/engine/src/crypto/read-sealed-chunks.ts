import { open, type FileHandle } from 'node:fs/promises';

import {
  CHUNK_TAG_BYTES,
  createAeadChunkCipher,
  createChecksumChunkCipher,
  type ChunkCipher,
} from './chunk-cipher.js';
import type { CipherImplementation } from './chunk-cipher.js';
import { readAt } from './file-io.js';
import { Keyring } from './keyring.js';
import type { ResolvedKey } from './resolved-key.js';
import {
  decodeSealedHeader,
  describeSealedFile,
  payloadShape,
  type SealedFileInfo,
  type SealedHeader,
} from './sealed-header.js';
import { sealedFileCorrupt, wrongKey } from './sealed-file-errors.js';

/** Progress of a long seal or open: plaintext bytes done, and the total when known. */
export interface SealedFileProgress {
  readonly doneBytes: number;
  readonly totalBytes: number | null;
}

/** Options of `openSealedFile` and {@link readSealedChunks}. */
export interface OpenSealedOptions {
  /** The key, or a keyring from which the key named by the file's header is taken. */
  readonly key?: ResolvedKey | Keyring;
  /**
   * Accept a file sealed without a key although `key` is given. Off by default, so nobody can
   * swap an encrypted file for a plaintext one that merely carries valid checksums.
   */
  readonly allowPlaintext?: boolean;
  /** Called after every chunk. */
  readonly onProgress?: (progress: SealedFileProgress) => void;
  /** Which XChaCha20-Poly1305 code to run (the bytes are the same); `auto` by default. */
  readonly implementation?: CipherImplementation;
}

/**
 * Streams the verified plaintext of a sealed file, chunk by chunk, in bounded memory. The
 * header, the key and then each chunk are checked before a byte of it is yielded; a yielded
 * view is reused, so copy it to keep it. Truncation is only known at the end: treat the
 * output as tentative until iteration completes without throwing. The generator's return
 * value describes the file.
 *
 * @example
 * ```ts
 * await pipeline(Readable.from(readSealedChunks('backup.nsf', { key: ring })), createGunzip(), out);
 * ```
 */
export async function* readSealedChunks(
  srcPath: string,
  options: OpenSealedOptions = {},
): AsyncGenerator<Uint8Array, SealedFileInfo, undefined> {
  const handle = await open(srcPath, 'r');
  try {
    const { info, chunks } = await openChunks(handle, options);
    yield* chunks;
    return info;
  } finally {
    await handle.close();
  }
}

/** Checks the header and the key, then returns the file's description and its chunk stream. */
export async function openChunks(
  handle: FileHandle,
  options: OpenSealedOptions,
): Promise<{ info: SealedFileInfo; chunks: AsyncGenerator<Uint8Array, void, undefined> }> {
  const { size } = await handle.stat();
  const read = (position: number, length: number, into?: Uint8Array): Promise<Uint8Array> =>
    readAt(handle, position, length, into);
  const header = await decodeSealedHeader(size, read);
  const shape = payloadShape(size - header.headerBytes, header.chunkSize);
  if (shape === null)
    throw sealedFileCorrupt(
      'truncated',
      'The sealed file ends before its first chunk or inside a chunk tag: it is truncated.',
    );
  const key = selectKey(header, options);
  const cipher =
    key === null
      ? createChecksumChunkCipher(header.headerHash)
      : createAeadChunkCipher(
          key.key,
          header.noncePrefix,
          header.headerHash,
          options.implementation,
        );
  const info = describeSealedFile(header, shape.chunks, size);
  const { lastSealedBytes } = shape;

  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    const sealedChunk = header.chunkSize + CHUNK_TAG_BYTES;
    const buffer = new Uint8Array(Math.min(sealedChunk, size - header.headerBytes));
    let doneBytes = 0;
    for (let index = 0; index < info.chunkCount; index++) {
      const last = index === info.chunkCount - 1;
      const length = last ? lastSealedBytes : sealedChunk;
      const sealed = await read(
        header.headerBytes + index * sealedChunk,
        length,
        buffer.subarray(0, length),
      );
      if (sealed.length < length)
        throw sealedFileCorrupt(
          'truncated',
          'The sealed file shrank while it was being read.',
          undefined,
          index,
        );
      const plain = cipher.open(index, last, sealed);
      if (plain === null) throw diagnose(cipher, header, index, info.chunkCount, sealed);
      doneBytes += plain.length;
      yield plain;
      options.onProgress?.({ doneBytes, totalBytes: info.plaintextBytes });
    }
  }
  return { info, chunks: chunks() };
}

/** The key the header asks for, null for a file sealed without one, or `WRONG_KEY`. */
function selectKey(header: SealedHeader, options: OpenSealedOptions): ResolvedKey | null {
  const { key } = options;
  const offered = key === undefined ? [] : key instanceof Keyring ? key.keyIds : [key.keyId];
  if (header.keyId === null) {
    if (key !== undefined && options.allowPlaintext !== true) throw wrongKey(null, offered);
    return null;
  }
  const found =
    key instanceof Keyring ? key.get(header.keyId) : key?.keyId === header.keyId ? key : undefined;
  if (found === undefined) throw wrongKey(header.keyId, offered);
  return found;
}

/**
 * Tells why chunk `index` failed. A chunk that verifies with the other final flag proves a cut
 * at a chunk boundary (the last chunk read is not the final one) or data appended after the
 * final chunk; anything else is damage or tampering inside the chunk.
 */
function diagnose(
  cipher: ChunkCipher,
  header: SealedHeader,
  index: number,
  count: number,
  sealed: Uint8Array,
) {
  const last = index === count - 1;
  if (cipher.open(index, !last, sealed) !== null) {
    return last
      ? sealedFileCorrupt(
          'truncated',
          `The sealed file ends after chunk ${index + 1}, which is not its final chunk: it is truncated.`,
          undefined,
          index,
        )
      : sealedFileCorrupt(
          'trailing-data',
          `Chunk ${index + 1} is the final chunk, but more data follows it: something was appended.`,
          undefined,
          index,
        );
  }
  const check = header.cipher === 'none' ? 'checksum' : 'authentication';
  const cut = last && sealed.length < header.chunkSize + CHUNK_TAG_BYTES ? ', truncated' : '';
  return sealedFileCorrupt(
    'chunk',
    `Chunk ${index + 1} of ${count} fails its ${check} check: the file is damaged${cut} or was tampered with.`,
    undefined,
    index,
  );
}
