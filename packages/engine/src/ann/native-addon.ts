import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { EngineError, type EngineErrorCode } from '../errors.js';

/**
 * The JS face of `native/src/hnsw_index.cpp`. A single search writes its matches into
 * arrays the caller passes (and reuses); batch and subset searches return one ArrayBuffer
 * per call (keys, then distances). The last single search's statistics are written into
 * the `stats` array given at construction.
 */
export interface NativeHnswHandle {
  add(keys: Uint32Array, vectors: Float32Array, threads: number): void;
  remove(keys: Uint32Array): number;
  contains(key: number): boolean;
  get(key: number, out: Float32Array): boolean;
  /**
   * Writes the `n ≤ count` matches into `keys` and `distances` (both at least `count`
   * long) and returns `n`; stats ← [visited, computed].
   */
  search(
    query: Float32Array,
    count: number,
    ef: number,
    allowed: Uint8Array | undefined,
    keys: Uint32Array,
    distances: Float32Array,
  ): number;
  /** Per query: f64 [visited, computed]; then u32 found × q; u32 keys and f32 distances × q·count. */
  searchBatch(queries: Float32Array, count: number, ef: number, threads: number): ArrayBuffer;
  /** Same layout as `search`; stats ← [scanned, scanned]. */
  searchSubset(query: Float32Array, keys: Uint32Array, count: number): ArrayBuffer;
  size(): number;
  capacity(): number;
  memoryUsage(): number;
  serializedLength(): number;
  isa(): string;
  save(path: string): void;
  load(path: string): void;
  close(): void;
}

/** The module `needle_hnsw.node` exports. */
export interface NativeHnswAddon {
  HnswIndex: new (
    dimensions: number,
    metric: string,
    quantization: string,
    connectivity: number,
    expansionAdd: number,
    expansionSearch: number,
    capacity: number,
    stats: Float64Array,
  ) => NativeHnswHandle;
  usearchVersion: string;
  /** SIMD targets compiled in, e.g. "serial, haswell, skylake, ...". */
  isaCompiled: string;
  /** SIMD targets this CPU supports. */
  isaAvailable: string;
}

// src/ann/ and dist/ann/ are both two levels below the package root.
const ADDON_PATH = new URL('../../native/build/Release/needle_hnsw.node', import.meta.url);

let loaded: { addon: NativeHnswAddon | null; error: unknown } | undefined;

/** The compiled addon, or `null` when it was not built or does not load here. */
export function loadNativeAddon(): NativeHnswAddon | null {
  if (loaded === undefined) {
    try {
      const require = createRequire(import.meta.url);
      loaded = { addon: require(fileURLToPath(ADDON_PATH)) as NativeHnswAddon, error: undefined };
    } catch (error) {
      loaded = { addon: null, error };
    }
  }
  return loaded.addon;
}

/** Why {@link loadNativeAddon} returned `null` (the loader's error), else `undefined`. */
export function nativeAddonLoadError(): unknown {
  loadNativeAddon();
  return loaded?.error;
}

const NATIVE_CODES: Readonly<Record<string, EngineErrorCode>> = {
  NEEDLE_BAD_ARGUMENT: 'INVALID_INPUT',
  NEEDLE_KEY_EXISTS: 'INVALID_INPUT',
  NEEDLE_INCOMPATIBLE_FILE: 'INVALID_INPUT',
  NEEDLE_CLOSED: 'CLOSED',
};

/** Wraps an error thrown by the addon into the engine's error, keeping it as `cause`. */
export function fromNativeError(error: unknown, operation: string): EngineError {
  if (error instanceof EngineError) return error;
  const nativeCode = (error as { code?: unknown } | null)?.code;
  const code = (typeof nativeCode === 'string' && NATIVE_CODES[nativeCode]) || 'INTERNAL_ERROR';
  const message = error instanceof Error ? error.message : String(error);
  const help =
    code === 'CLOSED'
      ? 'The index was closed; reopen the collection.'
      : code === 'INVALID_INPUT'
        ? 'Check the arguments against the VectorIndex contract.'
        : 'This is a bug in the native index; please report it with the message.';
  return new EngineError(code, `index ${operation} failed: ${message}`, { help, cause: error });
}
