import { EngineError } from '../errors.js';
import { KDF_SALT_BYTES } from './kdf.js';
import { KEY_BYTES } from './resolved-key.js';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// 32 bytes are 43 base64 characters plus one optional '=' pad; standard or URL-safe alphabet.
const BASE64_KEY = /^(?:[A-Za-z0-9+/]{43}|[A-Za-z0-9_-]{43})=?$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)={0,2}$/;

/**
 * Decodes a raw 32-byte key written as 64 hex characters or 44 (43 unpadded) base64
 * characters, ignoring surrounding whitespace. `origin` names where the text came from for
 * the error message, which never quotes the text itself.
 */
export function decodeKeyText(text: string, origin: string): Uint8Array {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) return new Uint8Array(Buffer.from(trimmed, 'hex'));
  if (BASE64_KEY.test(trimmed)) {
    const bytes = Buffer.from(
      trimmed,
      trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64',
    );
    if (bytes.length === KEY_BYTES) return new Uint8Array(bytes);
  }
  throw new EngineError(
    'INVALID_KEY',
    `The key from ${origin} is not a ${KEY_BYTES}-byte key: expected 64 hex or 44 base64 characters, found ${trimmed.length} characters.`,
    {
      help:
        'Generate a key with `openssl rand -hex 32`, or, if this is a passphrase, set `kdf` to ' +
        '"scrypt" or "argon2id".',
      details: { origin, length: trimmed.length },
    },
  );
}

/**
 * Decodes a KDF salt written as hex or base64 (as a config file holds it) and checks that it
 * is at least {@link KDF_SALT_BYTES} bytes long.
 */
export function decodeSaltText(text: string): Uint8Array {
  const trimmed = text.trim();
  let bytes: Uint8Array | undefined;
  if (HEX.test(trimmed)) bytes = Buffer.from(trimmed, 'hex');
  else if (BASE64.test(trimmed))
    bytes = Buffer.from(trimmed, /[-_]/.test(trimmed) ? 'base64url' : 'base64');
  if (bytes === undefined || bytes.length < KDF_SALT_BYTES) {
    throw new EngineError(
      'INVALID_KEY',
      `The configured KDF salt is not hex or base64 of at least ${KDF_SALT_BYTES} bytes.`,
      {
        help: 'Create one with `openssl rand -hex 16`, or leave `salt` out and store the salt with the data.',
      },
    );
  }
  return new Uint8Array(bytes);
}

/**
 * The passphrase held in a secret's text: exactly one trailing line break (as `echo` and
 * editors add) is dropped, every other character counts.
 */
export function passphraseFromText(text: string): string {
  return text.replace(/\r?\n$/, '');
}
