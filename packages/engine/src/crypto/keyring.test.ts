import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { Keyring } from './keyring.js';
import { createResolvedKey } from './resolved-key.js';

const newKey = () => createResolvedKey(new Uint8Array(randomBytes(32)));

describe('Keyring', () => {
  it('rotates: the new key becomes current, the old stays readable', () => {
    const [a, b] = [newKey(), newKey()];
    const ring = new Keyring(a);
    ring.rotate(b);
    expect(ring.current).toBe(b);
    expect(ring.get(a.keyId)).toBe(a);
    expect(ring.keyIds).toEqual([b.keyId, a.keyId]);
  });

  it('holds older keys given at construction and added later', () => {
    const [a, b, c] = [newKey(), newKey(), newKey()];
    const ring = new Keyring(a, [b]);
    ring.add(c);
    expect(ring.current).toBe(a);
    expect([ring.has(b.keyId), ring.has(c.keyId), ring.has('0000000000000000')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('removes retired keys but never the current one', () => {
    const [a, b] = [newKey(), newKey()];
    const ring = new Keyring(b, [a]);
    expect(ring.remove(a.keyId)).toBe(true);
    expect(ring.get(a.keyId)).toBeUndefined();
    expect(() => ring.remove(b.keyId)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('serialises to key ids only', () => {
    const a = newKey();
    expect(JSON.stringify(new Keyring(a))).toBe(
      JSON.stringify({ current: a.keyId, keyIds: [a.keyId] }),
    );
  });
});
