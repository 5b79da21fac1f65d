import { randomBytes } from 'node:crypto';

import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';

import { chunkNonce, createAeadChunkCipher, createChecksumChunkCipher } from './chunk-cipher.js';

const key = new Uint8Array(randomBytes(32));
const prefix = new Uint8Array(randomBytes(16));
const aad = new Uint8Array(randomBytes(32));
const joined = (pieces: readonly Uint8Array[]): Buffer =>
  Buffer.concat(pieces.map((p) => Buffer.from(p)));

describe('chunkNonce', () => {
  it('is the prefix, the big-endian index, three zero bytes and the final flag', () => {
    const nonce = chunkNonce(prefix, 0x01020304, true);
    expect(Buffer.from(nonce.subarray(0, 16)).equals(prefix)).toBe(true);
    expect([...nonce.subarray(16)]).toEqual([1, 2, 3, 4, 0, 0, 0, 1]);
    expect(chunkNonce(prefix, 7, false)[23]).toBe(0);
  });
});

describe('createAeadChunkCipher', () => {
  const fileKey = hkdf(
    sha256,
    key,
    undefined,
    new TextEncoder().encode('needle/sealed-file/v1'),
    32,
  );

  it.each(['native', 'noble'] as const)(
    '%s output is exactly XChaCha20-Poly1305 from @noble/ciphers',
    (impl) => {
      const cipher = createAeadChunkCipher(key, prefix, aad, impl);
      for (const [index, final, size] of [
        [0, false, 1000],
        [5, true, 17],
        [9, true, 0],
      ] as const) {
        const data = new Uint8Array(randomBytes(size));
        const sealed = joined(cipher.seal(index, final, data));
        const reference = xchacha20poly1305(fileKey, chunkNonce(prefix, index, final), aad).encrypt(
          data,
        );
        expect(sealed.equals(reference)).toBe(true);
      }
    },
  );

  it.each(['native', 'noble'] as const)(
    '%s opens its chunks and refuses wrong index, flag, aad or bytes',
    (impl) => {
      const cipher = createAeadChunkCipher(key, prefix, aad, impl);
      const data = new Uint8Array(randomBytes(300));
      const sealed = new Uint8Array(joined(cipher.seal(3, false, data)));
      expect(Buffer.from(cipher.open(3, false, sealed) ?? []).equals(data)).toBe(true);
      expect(cipher.open(4, false, sealed)).toBeNull();
      expect(cipher.open(3, true, sealed)).toBeNull();
      expect(
        createAeadChunkCipher(key, prefix, new Uint8Array(32), impl).open(3, false, sealed),
      ).toBeNull();
      const flipped = sealed.slice();
      flipped[10]! ^= 1;
      expect(cipher.open(3, false, flipped)).toBeNull();
      expect(cipher.open(3, false, sealed.subarray(0, 15))).toBeNull();
    },
  );
});

describe('createChecksumChunkCipher', () => {
  it('chains each tag to the previous one, so chunks only verify in order', () => {
    const headerHash = new Uint8Array(randomBytes(32));
    const writer = createChecksumChunkCipher(headerHash);
    const a = new Uint8Array(joined(writer.seal(0, false, new Uint8Array([1, 2, 3]))));
    const b = new Uint8Array(joined(writer.seal(1, true, new Uint8Array([4, 5]))));
    expect(a.length).toBe(3 + 16);

    const reader = createChecksumChunkCipher(headerHash);
    expect(reader.open(1, true, b)).toBeNull();
    expect([...(reader.open(0, false, a) ?? [])]).toEqual([1, 2, 3]);
    expect([...(reader.open(1, true, b) ?? [])]).toEqual([4, 5]);
    expect(createChecksumChunkCipher(new Uint8Array(32)).open(0, false, a)).toBeNull();
  });
});
