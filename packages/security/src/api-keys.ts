import { randomBytes, timingSafeEqual } from 'node:crypto';

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * API keys look like `nk_<id>_<secret>`: the id (12 hex digits) is public and names the key
 * in lists and logs; the secret (32 random bytes, base64url) is shown once and only its
 * SHA-256 is stored. Keys are random, not passwords, so a fast hash loses nothing.
 */
const KEY_FORMAT = /^nk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  /** The whole key, to hand to the user once. */
  key: string;
  id: string;
  /** Hex SHA-256 of the secret part: what is stored. */
  hash: string;
}

export function generateApiKey(): GeneratedKey {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `nk_${id}_${secret}`, id, hash: hashSecret(secret) };
}

/** The id and secret hash of a presented key, or undefined when it is not one of ours. */
export function parseApiKey(key: string): { id: string; hash: string } | undefined {
  const match = KEY_FORMAT.exec(key);
  if (!match) return undefined;
  return { id: match[1]!, hash: hashSecret(match[2]!) };
}

export function hashSecret(secret: string): string {
  return bytesToHex(sha256(new TextEncoder().encode(secret)));
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
