import { randomBytes } from 'node:crypto';

import { argon2idAsync } from '@noble/hashes/argon2.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';

import { EngineError } from '../errors.js';
import { KEY_BYTES } from './resolved-key.js';

/** How a passphrase is stretched into a key; `none` means the source holds the key itself. */
export type KdfName = 'none' | 'scrypt' | 'argon2id';

/**
 * scrypt cost: N = 2^17, r = 8, p = 1, the OWASP recommendation — 128 MiB of memory and about
 * a second of one core per derivation. Part of the format: changing them changes every
 * derived key (and its key id), so they only change under a new KDF name.
 */
export const SCRYPT_PARAMS = Object.freeze({ N: 2 ** 17, r: 8, p: 1, dkLen: KEY_BYTES });

/**
 * Argon2id cost: m = 19 MiB (19 456 KiB), t = 2 passes, p = 1 lane, the OWASP recommendation
 * (RFC 9106's heavier profiles take several seconds in JavaScript). Part of the format, like
 * {@link SCRYPT_PARAMS}.
 */
export const ARGON2ID_PARAMS = Object.freeze({ m: 19_456, t: 2, p: 1, dkLen: KEY_BYTES });

/** Length of a salt made by {@link newKdfSalt}, and the shortest salt accepted. */
export const KDF_SALT_BYTES = 16;

/** Shortest passphrase accepted, in characters. */
export const MIN_PASSPHRASE_LENGTH = 8;

/**
 * A fresh random salt for a new database or artefact. Store it beside the data (it is not
 * secret) and pass it back to `resolveKey` whenever the key is needed again.
 */
export function newKdfSalt(): Uint8Array {
  return new Uint8Array(randomBytes(KDF_SALT_BYTES));
}

/**
 * Stretches a passphrase into a 32-byte key. The passphrase is NFC-normalised first, so the
 * same words typed on different systems give the same key. Runs asynchronously, yielding to
 * the event loop while it works.
 */
export async function derivePassphraseKey(
  kdf: Exclude<KdfName, 'none'>,
  passphrase: string,
  salt: Uint8Array,
): Promise<Uint8Array> {
  const normalized = passphrase.normalize('NFC');
  if ([...normalized].length < MIN_PASSPHRASE_LENGTH) {
    throw new EngineError(
      'INVALID_KEY',
      `The passphrase is shorter than ${MIN_PASSPHRASE_LENGTH} characters.`,
      {
        help: 'Use a long passphrase (several words), or a raw 32-byte key with `kdf: "none"`.',
      },
    );
  }
  if (salt.length < KDF_SALT_BYTES) {
    throw new EngineError(
      'INVALID_KEY',
      `The KDF salt is ${salt.length} bytes; at least ${KDF_SALT_BYTES} are needed.`,
      {
        help: 'Create the salt with newKdfSalt() and keep it with the data it protects.',
      },
    );
  }
  const password = new TextEncoder().encode(normalized);
  switch (kdf) {
    case 'scrypt':
      return scryptAsync(password, salt, { ...SCRYPT_PARAMS });
    case 'argon2id':
      return argon2idAsync(password, salt, { ...ARGON2ID_PARAMS });
  }
}
