import { createCipheriv, createDecipheriv, createHash, getCiphers } from 'node:crypto';
import { endianness } from 'node:os';

import { hchacha, xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** Bytes appended to every chunk: the Poly1305 tag, or a truncated SHA-256 checksum. */
export const CHUNK_TAG_BYTES = 16;

/** Length of the random per-file prefix of every chunk nonce. */
export const NONCE_PREFIX_BYTES = 16;

/**
 * Which code computes XChaCha20-Poly1305. Both give identical bytes: `noble` runs
 * `xchacha20poly1305` from `@noble/ciphers` for every chunk; `native` derives the per-file
 * HChaCha20 subkey with `@noble/ciphers` once and runs the ChaCha20-Poly1305 body in
 * OpenSSL (about ten times faster). `auto` takes `native` when OpenSSL offers
 * `chacha20-poly1305` (not in FIPS builds) on a little-endian machine.
 */
export type CipherImplementation = 'auto' | 'native' | 'noble';

/**
 * Seals and opens the chunks of one sealed file. Returned views are only valid until the
 * next call. `open` returns null when the chunk fails its check and then changes no state,
 * so the caller may retry with the other `final` flag to tell truncation from damage.
 */
export interface ChunkCipher {
  /** The pieces to write for chunk `index`: `data.length + 16` bytes in all. */
  seal(index: number, final: boolean, data: Uint8Array): readonly Uint8Array[];
  /** The plaintext of a sealed chunk, or null when it fails authentication / its checksum. */
  open(index: number, final: boolean, sealed: Uint8Array): Uint8Array | null;
}

const FILE_KEY_INFO = new TextEncoder().encode('needle/sealed-file/v1');
const SIGMA = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
const nativeAvailable = endianness() === 'LE' && getCiphers().includes('chacha20-poly1305');

/**
 * The XChaCha20-Poly1305 nonce of chunk `index`: the file's random 16-byte prefix, the index
 * (u32 big-endian), three zero bytes, and 1 for the final chunk or 0 otherwise — so chunks
 * cannot be reordered, and a file cannot be cut or extended at a chunk boundary unnoticed.
 */
export function chunkNonce(prefix: Uint8Array, index: number, final: boolean): Uint8Array {
  const nonce = new Uint8Array(24);
  nonce.set(prefix, 0);
  writeCounter(nonce, 16, index, final);
  return nonce;
}

/**
 * Authenticated encryption of chunks under `key`, with `aad` (the header's hash) bound to
 * every chunk. The file key is HKDF-SHA256(key, info = "needle/sealed-file/v1"), so sealed
 * files never use the master key directly.
 */
export function createAeadChunkCipher(
  key: Uint8Array,
  noncePrefix: Uint8Array,
  aad: Uint8Array,
  implementation: CipherImplementation = 'auto',
): ChunkCipher {
  const fileKey = hkdf(sha256, key, undefined, FILE_KEY_INFO, 32);
  const useNative = implementation === 'native' || (implementation === 'auto' && nativeAvailable);
  if (implementation === 'native' && !nativeAvailable)
    throw new Error('OpenSSL chacha20-poly1305 is not available');
  return useNative
    ? nativeCipher(fileKey, noncePrefix, aad)
    : nobleCipher(fileKey, noncePrefix, aad);
}

function nobleCipher(fileKey: Uint8Array, prefix: Uint8Array, aad: Uint8Array): ChunkCipher {
  let out = new Uint8Array(0);
  const buffer = (length: number): Uint8Array => {
    if (out.length < length) out = new Uint8Array(length);
    return out.subarray(0, length);
  };
  return {
    seal(index, final, data) {
      const aead = xchacha20poly1305(fileKey, chunkNonce(prefix, index, final), aad);
      return [aead.encrypt(data, buffer(data.length + CHUNK_TAG_BYTES))];
    },
    open(index, final, sealed) {
      if (sealed.length < CHUNK_TAG_BYTES) return null;
      const aead = xchacha20poly1305(fileKey, chunkNonce(prefix, index, final), aad);
      try {
        return aead.decrypt(sealed, buffer(sealed.length - CHUNK_TAG_BYTES));
      } catch {
        return null;
      }
    },
  };
}

function nativeCipher(fileKey: Uint8Array, prefix: Uint8Array, aad: Uint8Array): ChunkCipher {
  // XChaCha20 = ChaCha20 under the HChaCha20(key, nonce[0..16]) subkey with nonce
  // 0x00000000 || nonce[16..24]; the prefix is fixed per file, so the subkey is too.
  const words = new Uint32Array(8);
  hchacha(
    SIGMA,
    new Uint32Array(Uint8Array.from(fileKey).buffer),
    new Uint32Array(Uint8Array.from(prefix).buffer),
    words,
  );
  const subkey = new Uint8Array(words.buffer);
  const nonce = (index: number, final: boolean): Uint8Array => {
    const n = new Uint8Array(12);
    writeCounter(n, 4, index, final);
    return n;
  };
  return {
    seal(index, final, data) {
      const cipher = createCipheriv('chacha20-poly1305', subkey, nonce(index, final), {
        authTagLength: CHUNK_TAG_BYTES,
      });
      cipher.setAAD(aad, { plaintextLength: data.length });
      const body = cipher.update(data);
      cipher.final();
      return [body, cipher.getAuthTag()];
    },
    open(index, final, sealed) {
      if (sealed.length < CHUNK_TAG_BYTES) return null;
      const split = sealed.length - CHUNK_TAG_BYTES;
      const decipher = createDecipheriv('chacha20-poly1305', subkey, nonce(index, final), {
        authTagLength: CHUNK_TAG_BYTES,
      });
      decipher.setAAD(aad, { plaintextLength: split });
      decipher.setAuthTag(sealed.subarray(split));
      const plain = decipher.update(sealed.subarray(0, split));
      try {
        decipher.final();
      } catch {
        return null;
      }
      return plain;
    },
  };
}

/**
 * Chained checksums for files sealed without a key: the tag of chunk i is the first 16 bytes
 * of SHA-256(tag of chunk i−1 || index || final flag || data), starting from the header's
 * hash. Each chunk is checked before its bytes are used, and the final tag covers the whole
 * file. It detects damage, not deliberate tampering (anyone can recompute it).
 */
export function createChecksumChunkCipher(headerHash: Uint8Array): ChunkCipher {
  let previous: Uint8Array = headerHash.slice(0, CHUNK_TAG_BYTES);
  const meta = new Uint8Array(8);
  const tagOf = (index: number, final: boolean, data: Uint8Array): Uint8Array => {
    writeCounter(meta, 0, index, final);
    return createHash('sha256')
      .update(previous)
      .update(meta)
      .update(data)
      .digest()
      .subarray(0, CHUNK_TAG_BYTES);
  };
  return {
    seal(index, final, data) {
      const tag = tagOf(index, final, data);
      previous = tag;
      return [data, tag];
    },
    open(index, final, sealed) {
      if (sealed.length < CHUNK_TAG_BYTES) return null;
      const split = sealed.length - CHUNK_TAG_BYTES;
      const data = sealed.subarray(0, split);
      const tag = tagOf(index, final, data);
      if (!Buffer.from(tag).equals(sealed.subarray(split))) return null;
      previous = tag;
      return data;
    },
  };
}

/** Writes u32 big-endian `index`, three zero bytes and the final flag at `offset`. */
function writeCounter(target: Uint8Array, offset: number, index: number, final: boolean): void {
  new DataView(target.buffer, target.byteOffset, target.byteLength).setUint32(offset, index);
  target[offset + 4] = 0;
  target[offset + 5] = 0;
  target[offset + 6] = 0;
  target[offset + 7] = final ? 1 : 0;
}
