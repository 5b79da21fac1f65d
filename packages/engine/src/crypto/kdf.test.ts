import { describe, expect, it } from 'vitest';

import {
  ARGON2ID_PARAMS,
  KDF_SALT_BYTES,
  MIN_PASSPHRASE_LENGTH,
  SCRYPT_PARAMS,
  newKdfSalt,
} from './kdf.js';

describe('KDF parameters', () => {
  it('are the documented ones (changing them changes every derived key)', () => {
    expect(SCRYPT_PARAMS).toEqual({ N: 131_072, r: 8, p: 1, dkLen: 32 });
    expect(ARGON2ID_PARAMS).toEqual({ m: 19_456, t: 2, p: 1, dkLen: 32 });
    expect(KDF_SALT_BYTES).toBe(16);
    expect(MIN_PASSPHRASE_LENGTH).toBe(8);
    expect(Object.isFrozen(SCRYPT_PARAMS) && Object.isFrozen(ARGON2ID_PARAMS)).toBe(true);
  });

  it('salts are fresh random 16-byte values', () => {
    const a = newKdfSalt();
    expect(a.length).toBe(16);
    expect(Buffer.from(a).equals(newKdfSalt())).toBe(false);
  });
});
