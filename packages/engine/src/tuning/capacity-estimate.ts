import { BYTES_PER_COMPONENT, type Quantization } from './tuning-constraints.js';

/** The index family the checklist prescribes for a collection of a given size. */
export type IndexType = 'hnsw' | 'ivf' | 'diskann';

/** Below this many vectors an in-memory HNSW graph is the right index. */
export const IVF_MIN_VECTORS = 50_000_000;
/** Above this many vectors the index has to live on disk (DiskANN). */
export const IVF_MAX_VECTORS = 500_000_000;

/** Disk is sized at this multiple of the index so compaction can write a full copy beside it. */
export const DISK_HEADROOM_FACTOR = 2;

const BYTES_PER_MIB = 1024 * 1024;

/** Picks the checklist's index type: HNSW below 50M vectors, IVF for 50M–500M, DiskANN above. */
export function selectIndexType(vectors: number): IndexType {
  if (vectors < IVF_MIN_VECTORS) return 'hnsw';
  if (vectors <= IVF_MAX_VECTORS) return 'ivf';
  return 'diskann';
}

/**
 * Bytes one vector costs by the checklist formula `D × bytesPerComponent + M × 8 × 1.5`:
 * the vector itself (4 bytes a component for f32, 2 for f16, 1 for i8) plus its graph links,
 * M neighbours of 8 bytes each with half again for the denser bottom layer and slack.
 */
export function bytesPerVector(dimensions: number, m: number, quantization: Quantization): number {
  return dimensions * BYTES_PER_COMPONENT[quantization] + m * 8 * 1.5;
}

/** Size, memory and disk of an index at one vector count. */
export interface CapacityFigures {
  /** Number of vectors the figures are for. */
  vectors: number;
  /** The index type the checklist prescribes at that count. */
  indexType: IndexType;
  /** `N × (D × bytesPerComponent + M × 8 × 1.5)` bytes. */
  memoryBytes: number;
  /** `memoryBytes` in MiB (2^20 bytes), rounded up: a plan never under-provisions. */
  memoryMb: number;
  /** Disk to provision: twice the index, so compaction has room for a full copy. */
  diskBytes: number;
  /** Whether `memoryBytes` is within the memory budget; true when there is no budget. */
  fitsBudget: boolean;
}

/** What an index of `vectors` vectors needs, and whether it fits `memoryBudget` (bytes). */
export function estimateCapacity(
  vectors: number,
  dimensions: number,
  m: number,
  quantization: Quantization,
  memoryBudget: number | undefined,
): CapacityFigures {
  const memoryBytes = vectors * bytesPerVector(dimensions, m, quantization);
  return {
    vectors,
    indexType: selectIndexType(vectors),
    memoryBytes,
    memoryMb: Math.ceil(memoryBytes / BYTES_PER_MIB),
    diskBytes: memoryBytes * DISK_HEADROOM_FACTOR,
    fitsBudget: memoryBudget === undefined || memoryBytes <= memoryBudget,
  };
}

/** The most vectors whose index fits in `memoryBudget` bytes at the given settings. */
export function largestFittingVectorCount(
  memoryBudget: number,
  dimensions: number,
  m: number,
  quantization: Quantization,
): number {
  return Math.floor(memoryBudget / bytesPerVector(dimensions, m, quantization));
}

/**
 * `vectors × multiplier`, rounded up so a plan never falls short by a fraction of a vector.
 * A relative nudge down first absorbs floating-point drift (1.05² is 1.1025000000000003), which
 * would otherwise round an exact product up by one.
 */
export function growVectorCount(vectors: number, multiplier: number): number {
  const exact = vectors * multiplier;
  return Math.ceil(exact - exact * 1e-12);
}
