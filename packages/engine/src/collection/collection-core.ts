import type { VectorIndex } from '../ann/vector-index.js';
import type { ResolvedCollectionConfig, ResolvedDatabaseConfig } from '../config.js';
import type { Storage } from '../storage/storage.js';
import type { CollectionState } from './collection-state.js';

/**
 * The mutable insides of one collection, shared by its parts (reads, writes, maintenance).
 * `index` is replaced when compaction swaps in a rebuilt one.
 */
export interface CollectionCore {
  readonly name: string;
  config: ResolvedCollectionConfig;
  readonly db: ResolvedDatabaseConfig;
  readonly storage: Storage;
  readonly state: CollectionState;
  index: VectorIndex;
  closed: boolean;
  /** True when a search ran in the last moments: index work then yields more often. */
  readersActive: () => boolean;
  /** While compaction rebuilds the index, writes are also recorded here to be replayed. */
  compactionLog: { added: number[]; removed: number[] } | null;
}

/** Reads a key's original vector from storage and prepares it for the index. */
export function readIndexedVector(core: CollectionCore, key: number, out: Float32Array): boolean {
  if (!core.storage.readVector(core.name, key, out)) return false;
  if (core.config.distance === 'cosine') {
    let norm = 0;
    for (let i = 0; i < out.length; i++) norm += out[i]! * out[i]!;
    if (norm === 0) return false;
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * inv;
  }
  return true;
}
