import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

import { EngineError } from '../errors.js';

/** Length of every encryption key, in bytes (256 bits). */
export const KEY_BYTES = 32;

/** Length of a key id in hex characters (64 bits of an HKDF output). */
export const KEY_ID_HEX_LENGTH = 16;

const KEY_ID_INFO = new TextEncoder().encode('needle/key-id/v1');

/**
 * A usable encryption key and its public fingerprint. `key` is non-enumerable, so
 * `JSON.stringify`, `console.log` and structured loggers print only the `keyId`.
 */
export interface ResolvedKey {
  /** The 32 secret bytes. Never log or persist them. */
  readonly key: Uint8Array;
  /** Stable, public fingerprint of the key: 16 lowercase hex characters. */
  readonly keyId: string;
}

/**
 * The public fingerprint of a key: the first 8 bytes of HKDF-SHA256(key, info =
 * "needle/key-id/v1") in hex. HKDF is one-way, so the id tells which key wrote a file without
 * revealing anything about the key, and the info string keeps it apart from every key derived
 * for encryption.
 */
export function deriveKeyId(key: Uint8Array): string {
  const digest = hkdf(sha256, key, undefined, KEY_ID_INFO, KEY_ID_HEX_LENGTH / 2);
  return Buffer.from(digest).toString('hex');
}

/**
 * Wraps 32 key bytes as a {@link ResolvedKey}, computing its id. The bytes are copied, so the
 * caller may wipe its own buffer.
 *
 * @example
 * ```ts
 * const key = createResolvedKey(crypto.getRandomValues(new Uint8Array(32)));
 * key.keyId; // e.g. '3f9c0a51d2e47b68'
 * ```
 */
export function createResolvedKey(bytes: Uint8Array): ResolvedKey {
  if (bytes.length !== KEY_BYTES) {
    throw new EngineError(
      'INVALID_KEY',
      `An encryption key must be ${KEY_BYTES} bytes, got ${bytes.length}.`,
      {
        help: `Generate one with \`openssl rand -hex ${KEY_BYTES}\`.`,
      },
    );
  }
  if (bytes.every((b) => b === 0)) {
    throw new EngineError('INVALID_KEY', 'The encryption key is all zero bytes.', {
      help: 'An all-zero key is a placeholder, not a key. Generate one with `openssl rand -hex 32`.',
    });
  }
  const key = Uint8Array.from(bytes);
  const resolved = { keyId: deriveKeyId(key) } as { key: Uint8Array; keyId: string };
  Object.defineProperty(resolved, 'key', { value: key, enumerable: false });
  return Object.freeze(resolved);
}
