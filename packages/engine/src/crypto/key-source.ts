import { readFile, stat } from 'node:fs/promises';

import { EngineError } from '../errors.js';
import {
  parseEncryptionConfig,
  type EncryptionConfig,
  type KeySource,
} from './encryption-config.js';
import { derivePassphraseKey } from './kdf.js';
import { decodeKeyText, decodeSaltText, passphraseFromText } from './key-material.js';
import { createResolvedKey, type ResolvedKey } from './resolved-key.js';
import { runKeyCommand } from './run-key-command.js';

/** Largest key file read; a key or passphrase is far smaller, anything bigger is a mistake. */
export const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * Obtains the key an `encryption` config describes. For a passphrase KDF, `salt` is the salt
 * stored with the data (read from the database or artefact header); it falls back to the
 * config's `salt`. A new database makes its salt with `newKdfSalt()`.
 *
 * Errors are `KEY_UNAVAILABLE` (source missing or failing), `INVALID_KEY` (malformed
 * material, missing salt) or `INVALID_INPUT` (bad config); no message quotes the secret.
 *
 * @example
 * ```ts
 * const { key, keyId } = await resolveKey({ keySource: { type: 'env', name: 'NEEDLE_KEY' } });
 * const k2 = await resolveKey({ keySource: { type: 'env', name: 'NEEDLE_PASS' }, kdf: 'scrypt' }, salt);
 * ```
 */
export async function resolveKey(
  config: EncryptionConfig,
  salt?: Uint8Array,
): Promise<ResolvedKey> {
  const { keySource, kdf, salt: configSalt } = parseEncryptionConfig(config);
  const material = await readKeySource(keySource);
  const origin = describeSource(keySource);
  if (kdf === 'none') {
    return createResolvedKey(
      typeof material === 'string' ? decodeKeyText(material, origin) : material,
    );
  }
  const effectiveSalt = salt ?? (configSalt === undefined ? undefined : decodeSaltText(configSalt));
  if (effectiveSalt === undefined) {
    throw new EngineError('INVALID_KEY', `kdf "${kdf}" needs a salt, and none was given.`, {
      help: 'Pass the salt stored with the data, or newKdfSalt() for new data, to resolveKey().',
    });
  }
  const passphrase =
    typeof material === 'string'
      ? passphraseFromText(material)
      : Buffer.from(material).toString('utf8');
  return createResolvedKey(await derivePassphraseKey(kdf, passphrase, effectiveSalt));
}

/** Reads the secret text (or bytes, for `raw`) a key source holds. */
async function readKeySource(source: KeySource): Promise<string | Uint8Array> {
  switch (source.type) {
    case 'env': {
      const value = process.env[source.name];
      if (value === undefined || value.trim() === '') {
        throw new EngineError(
          'KEY_UNAVAILABLE',
          `The environment variable ${source.name} holding the encryption key is not set.`,
          {
            help: `Set ${source.name} in the server's environment, or change \`encryption.keySource\`.`,
            details: { source: 'env', name: source.name },
          },
        );
      }
      return value;
    }
    case 'file':
      return readKeyFile(source.path);
    case 'command':
      return runKeyCommand(source.command, source.args, source.timeoutMs);
    case 'raw':
      return source.key;
  }
}

async function readKeyFile(path: string): Promise<string> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    if (info.size > MAX_KEY_FILE_BYTES) {
      throw new EngineError(
        'INVALID_KEY',
        `The key file ${path} is ${info.size} bytes; a key file holds at most ${MAX_KEY_FILE_BYTES}.`,
        {
          help: 'Point `keySource.path` at the file that holds only the key or passphrase.',
          details: { source: 'file', path },
        },
      );
    }
    const text = await readFile(path, 'utf8');
    if (text.trim() === '') throw Object.assign(new Error('empty'), { code: 'EMPTY' });
    return text;
  } catch (err) {
    if (err instanceof EngineError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new EngineError('KEY_UNAVAILABLE', `The key file ${path} cannot be used (${code}).`, {
      help: 'Check that the file exists, is not empty and is readable by the server user.',
      details: { source: 'file', path, reason: code },
      cause: err,
    });
  }
}

function describeSource(source: KeySource): string {
  switch (source.type) {
    case 'env':
      return `environment variable ${source.name}`;
    case 'file':
      return `file ${source.path}`;
    case 'command':
      return `command "${source.command}"`;
    case 'raw':
      return 'the raw key given';
  }
}
