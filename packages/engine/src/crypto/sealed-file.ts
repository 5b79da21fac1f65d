import { randomBytes } from 'node:crypto';
import { open, stat } from 'node:fs/promises';

import { EngineError } from '../errors.js';
import {
  CHUNK_TAG_BYTES,
  NONCE_PREFIX_BYTES,
  createAeadChunkCipher,
  createChecksumChunkCipher,
} from './chunk-cipher.js';
import type { CipherImplementation } from './chunk-cipher.js';
import { writeAll, writeFileAtomically } from './file-io.js';
import { Keyring } from './keyring.js';
import {
  openChunks,
  type OpenSealedOptions,
  type SealedFileProgress,
} from './read-sealed-chunks.js';
import type { ResolvedKey } from './resolved-key.js';
import {
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  SEALED_FILE_VERSION,
  encodeSealedHeader,
  type SealedFileHeader,
  type SealedFileInfo,
} from './sealed-header.js';

/** Options of {@link sealFile} and {@link sealChunks}. */
export interface SealOptions {
  /**
   * The caller's facts about the payload, e.g. `{ kind: 'hnsw-index', collection, seq }`.
   * Stored in plaintext (so files can be listed without a key) but authenticated: put
   * nothing secret in it.
   */
  readonly header: SealedFileHeader;
  /** Encrypt under this key (or the keyring's current key); without one, chunks are only checksummed. */
  readonly key?: ResolvedKey | Keyring;
  /** Plaintext bytes per chunk: {@link DEFAULT_CHUNK_SIZE} (1 MiB) unless set. */
  readonly chunkSize?: number;
  /** Called after every chunk. */
  readonly onProgress?: (progress: SealedFileProgress) => void;
  /** Plaintext size, when known, for progress reports. */
  readonly totalBytes?: number;
  /** Which XChaCha20-Poly1305 code to run (the bytes are the same); `auto` by default. */
  readonly implementation?: CipherImplementation;
}

const MAX_CHUNKS = 2 ** 32;

/**
 * Seals `srcPath` into `dstPath` (encrypted when a key is given), streaming in bounded memory
 * and replacing `dstPath` atomically.
 *
 * @example
 * ```ts
 * await sealFile('index.usearch', 'index.nsf', { header: { kind: 'hnsw-index', collection: 'docs', seq: 42 }, key: ring });
 * ```
 */
export async function sealFile(
  srcPath: string,
  dstPath: string,
  options: SealOptions,
): Promise<SealedFileInfo> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const { size } = await stat(srcPath);
  const handle = await open(srcPath, 'r');
  try {
    const source = async function* (): AsyncGenerator<Uint8Array> {
      const buffer = new Uint8Array(Math.max(1, Math.min(chunkSize, size)));
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    };
    return await sealChunks(source(), dstPath, { totalBytes: size, ...options });
  } finally {
    await handle.close();
  }
}

/**
 * Seals a stream of bytes (e.g. the output of a compressor) into `dstPath`, so no plaintext
 * copy need ever touch the disk. Input pieces may have any size; they are re-cut into chunks.
 */
export async function sealChunks(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  dstPath: string,
  options: SealOptions,
): Promise<SealedFileInfo> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new EngineError(
      'INVALID_INPUT',
      `chunkSize must be an integer from ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE}, got ${chunkSize}.`,
      {
        help: 'Leave chunkSize unset to use 1 MiB.',
      },
    );
  }
  const header = checkHeader(options.header);
  const key = options.key instanceof Keyring ? options.key.current : options.key;
  const noncePrefix =
    key === undefined
      ? new Uint8Array(NONCE_PREFIX_BYTES)
      : new Uint8Array(randomBytes(NONCE_PREFIX_BYTES));
  const encoded = encodeSealedHeader({
    cipher: key === undefined ? 'none' : 'xchacha20-poly1305',
    keyId: key?.keyId ?? null,
    chunkSize,
    noncePrefix,
    header,
  });
  const cipher =
    key === undefined
      ? createChecksumChunkCipher(encoded.headerHash)
      : createAeadChunkCipher(key.key, noncePrefix, encoded.headerHash, options.implementation);

  return writeFileAtomically(dstPath, async (out) => {
    await writeAll(out, encoded.bytes);
    const pending = new Uint8Array(chunkSize);
    let fill = 0;
    let index = 0;
    let doneBytes = 0;
    const emit = async (final: boolean): Promise<void> => {
      if (index >= MAX_CHUNKS) {
        throw new EngineError(
          'INVALID_INPUT',
          `The payload needs more than 2^32 chunks of ${chunkSize} bytes.`,
          {
            help: 'Use a larger chunkSize.',
          },
        );
      }
      for (const piece of cipher.seal(index, final, pending.subarray(0, fill)))
        await writeAll(out, piece);
      index += 1;
      doneBytes += fill;
      fill = 0;
      options.onProgress?.({ doneBytes, totalBytes: options.totalBytes ?? null });
    };
    for await (const piece of source) {
      let offset = 0;
      while (offset < piece.length) {
        // A full chunk is sealed only once more data shows it is not the last one.
        if (fill === chunkSize) await emit(false);
        const take = Math.min(chunkSize - fill, piece.length - offset);
        pending.set(piece.subarray(offset, offset + take), fill);
        fill += take;
        offset += take;
      }
    }
    await emit(true);
    return {
      formatVersion: SEALED_FILE_VERSION,
      cipher: key === undefined ? 'none' : 'xchacha20-poly1305',
      keyId: key?.keyId ?? null,
      chunkSize,
      header,
      chunkCount: index,
      plaintextBytes: doneBytes,
      fileBytes: encoded.bytes.length + doneBytes + index * CHUNK_TAG_BYTES,
    };
  });
}

/**
 * Verifies and decrypts `srcPath` into `dstPath` (replaced atomically, only once every chunk
 * and the end of the file have checked out) and returns the file's description. Errors:
 * `WRONG_KEY` (naming the key id needed), `SEALED_FILE_CORRUPT` (with `details.reason`),
 * `UNSUPPORTED_FORMAT_VERSION`.
 *
 * @example
 * ```ts
 * const { header } = await openSealedFile('index.nsf', tmpIndexPath, { key: ring });
 * ```
 */
export async function openSealedFile(
  srcPath: string,
  dstPath: string,
  options: OpenSealedOptions = {},
): Promise<SealedFileInfo> {
  const handle = await open(srcPath, 'r');
  try {
    // Header and key are checked before the destination is touched.
    const { info, chunks } = await openChunks(handle, options);
    await writeFileAtomically(dstPath, async (out) => {
      for await (const plain of chunks) await writeAll(out, plain);
    });
    return info;
  } finally {
    await handle.close();
  }
}

/** The header as it will read back: a plain JSON object. */
function checkHeader(header: SealedFileHeader): SealedFileHeader {
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new EngineError('INVALID_INPUT', 'The sealed-file header must be a JSON object.', {
      help: "Pass an object such as { kind: 'hnsw-index', collection: 'docs', seq: 42 }.",
    });
  }
  return JSON.parse(JSON.stringify(header)) as SealedFileHeader;
}
