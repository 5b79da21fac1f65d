import { EngineError } from '../errors.js';
import type { ResolvedKey } from './resolved-key.js';

/**
 * The current key and the older keys still needed to read what they sealed, by key id. New
 * files are sealed under the current key; `openSealedFile` picks the key named by the file's
 * header, so rotation never makes an old backup or index unreadable while its key is kept.
 *
 * @example
 * ```ts
 * const ring = new Keyring(await resolveKey(config));
 * ring.rotate(await resolveKey(newConfig)); // seal with the new key, still open old files
 * ```
 */
export class Keyring {
  readonly #keys = new Map<string, ResolvedKey>();
  #current: ResolvedKey;

  /** A keyring whose current key is `current`, also holding `older` keys for reading. */
  constructor(current: ResolvedKey, older: Iterable<ResolvedKey> = []) {
    for (const key of older) this.#keys.set(key.keyId, key);
    this.#keys.set(current.keyId, current);
    this.#current = current;
  }

  /** The key new files are sealed with. */
  get current(): ResolvedKey {
    return this.#current;
  }

  /** Ids of every key held, the current one first. */
  get keyIds(): string[] {
    return [
      this.#current.keyId,
      ...[...this.#keys.keys()].filter((id) => id !== this.#current.keyId),
    ];
  }

  /** The key with this id, if held. */
  get(keyId: string): ResolvedKey | undefined {
    return this.#keys.get(keyId);
  }

  /** True when a key with this id is held. */
  has(keyId: string): boolean {
    return this.#keys.has(keyId);
  }

  /** Makes `key` current; the previous current key stays available for reading. */
  rotate(key: ResolvedKey): void {
    this.#keys.set(key.keyId, key);
    this.#current = key;
  }

  /** Adds a key for reading only (e.g. the key of an old backup), keeping the current one. */
  add(key: ResolvedKey): void {
    this.#keys.set(key.keyId, key);
  }

  /**
   * Forgets a retired key once nothing sealed under it remains. The current key cannot be
   * removed; rotate first.
   */
  remove(keyId: string): boolean {
    if (keyId === this.#current.keyId) {
      throw new EngineError(
        'INVALID_INPUT',
        `Key ${keyId} is the current key and cannot be removed.`,
        {
          help: 'Rotate to a new key first, then remove the old one.',
          details: { keyId },
        },
      );
    }
    return this.#keys.delete(keyId);
  }

  /** Prints ids only, so a keyring in a log never shows key bytes. */
  toJSON(): { current: string; keyIds: string[] } {
    return { current: this.#current.keyId, keyIds: this.keyIds };
  }
}
