import { EngineError } from '../errors.js';

/** Why a sealed file was refused, as `details.reason` of `SEALED_FILE_CORRUPT`. */
export type SealedFileDamage =
  /** Not a sealed file at all (wrong magic bytes). */
  | 'not-sealed'
  /** The header fails its checksum or holds impossible values. */
  | 'header'
  /** The file ends early: inside the header, inside a chunk tag, or after a non-final chunk. */
  | 'truncated'
  /** Bytes follow the chunk marked final. */
  | 'trailing-data'
  /** A chunk fails authentication (or its checksum): damaged, reordered or tampered with. */
  | 'chunk';

/** A `SEALED_FILE_CORRUPT` error with a machine-readable reason. */
export function sealedFileCorrupt(
  reason: SealedFileDamage,
  message: string,
  cause?: unknown,
  chunk?: number,
): EngineError {
  return new EngineError('SEALED_FILE_CORRUPT', message, {
    help: 'The file cannot be trusted. Restore it from another copy (or, for a saved index, let the database rebuild it).',
    details: chunk === undefined ? { reason } : { reason, chunk },
    cause,
  });
}

/** A `WRONG_KEY` error naming the key id the file needs and the ids that were offered. */
export function wrongKey(
  neededKeyId: string | null,
  offeredKeyIds: readonly string[],
): EngineError {
  if (neededKeyId === null) {
    return new EngineError(
      'WRONG_KEY',
      'The file is not encrypted, but a key was given, so an encrypted file was expected.',
      {
        help: 'Pass `allowPlaintext: true` to read a file written before encryption was turned on.',
        details: { neededKeyId, offeredKeyIds },
      },
    );
  }
  const offered =
    offeredKeyIds.length === 0
      ? 'no key was given'
      : `the key ids given are ${offeredKeyIds.join(', ')}`;
  return new EngineError(
    'WRONG_KEY',
    `The file is encrypted with key id ${neededKeyId}, but ${offered}.`,
    {
      help: `Supply the key whose id is ${neededKeyId} (add it to the keyring as an old key after a rotation).`,
      details: { neededKeyId, offeredKeyIds },
    },
  );
}
