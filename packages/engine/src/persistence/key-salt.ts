import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import { newKdfSalt } from '../crypto/kdf.js';

/**
 * The salt that stretches a passphrase into the database key. It cannot live inside the
 * encrypted file (it is needed to open it), so it sits beside it; it is not secret.
 */
export function saltPath(dbPath: string): string {
  return `${dbPath}-salt`;
}

/** Reads the database's KDF salt, creating one for a new database. */
export function readOrCreateSalt(dbPath: string, create: boolean): Uint8Array | undefined {
  const path = saltPath(dbPath);
  if (existsSync(path)) return new Uint8Array(readFileSync(path));
  if (!create) return undefined;
  const salt = newKdfSalt();
  writeFileSync(path, salt, { mode: 0o600, flag: 'wx' });
  return salt;
}
