import { loadNativeAddon } from './native-addon.js';
import { NativeHnswIndex } from './native-hnsw-index.js';
import { UsearchJsIndex } from './usearch-js-index.js';
import type { VectorIndex, VectorIndexOptions } from './vector-index.js';

/** Which {@link VectorIndex} implementation to build. */
export type VectorIndexImplementation = 'native' | 'usearch-js';

/**
 * Builds the engine's ANN index: the native addon when it loaded (or when asked for by
 * name, which throws INTERNAL_ERROR if it is missing), else the stock usearch binding.
 *
 * @example
 * ```ts
 * const index = createVectorIndex({ dimensions: 384, metric: 'ip', quantization: 'f16',
 *   connectivity: 16, expansionAdd: 128, expansionSearch: 64 });
 * index.kind; // 'native-hnsw' when the addon is built, else 'usearch-js'
 * ```
 */
export function createVectorIndex(
  options: VectorIndexOptions,
  prefer?: VectorIndexImplementation,
): VectorIndex {
  if (prefer === 'usearch-js') return new UsearchJsIndex(options);
  if (prefer === 'native' || nativeIndexAvailable()) return new NativeHnswIndex(options);
  return new UsearchJsIndex(options);
}

/** True when the native addon is built and loads on this machine. */
export function nativeIndexAvailable(): boolean {
  return loadNativeAddon() !== null;
}
