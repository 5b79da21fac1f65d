import { HNSW_PROFILES, type HnswProfile } from '../config.js';
import {
  budgetRecommendations,
  formatBytes,
  formatCount,
  quantizationsUpTo,
} from './budget-recommendations.js';
import {
  estimateCapacity,
  growVectorCount,
  type CapacityFigures,
  type IndexType,
} from './capacity-estimate.js';
import {
  resolveTuningConstraints,
  type Quantization,
  type TuningConstraints,
} from './tuning-constraints.js';

/** What {@link autoTune} recommends, and what the plan costs now and after growth. */
export interface TuningEstimate {
  /** HNSW below 50M vectors, IVF for 50M–500M, DiskANN above 500M (at `expectedVectors`). */
  indexType: IndexType;
  /** The profile the graph settings come from. */
  profile: HnswProfile;
  /** Graph links per node. */
  m: number;
  /** Candidate list size while building the graph. */
  efConstruction: number;
  /** Candidate list size while searching (the recall/latency dial). */
  efSearch: number;
  /** The quantization the memory figures are for: the one asked for (f32 by default). */
  requestedQuantization: Quantization;
  /**
   * The quantization to use: the requested one when it fits the budget (or there is no
   * budget), else the most precise lighter one that fits, else the requested one.
   */
  quantization: Quantization;
  /** Memory of the index at `expectedVectors`, by the checklist formula (see `CapacityFigures`). */
  expectedMemoryBytes: number;
  /** `expectedMemoryBytes` in MiB, rounded up. */
  expectedMemoryMb: number;
  /** Disk to provision now: twice the index, for compaction headroom. */
  diskBytes: number;
  /** The memory budget planned against, in bytes, if one was given. */
  memoryBudget: number | undefined;
  /** Whether the index fits the budget at `expectedVectors`; true without a budget. */
  fitsBudget: boolean;
  /** The growth multiple `projected` is for. */
  growthFactor: number;
  /** The same figures at `expectedVectors × growthFactor` vectors (rounded up). */
  projected: CapacityFigures;
  /**
   * What to change when the index is over budget now, or will be at the growth projection;
   * empty when it fits both (or there is no budget).
   */
  recommendations: string[];
}

/**
 * Plans an index for the production checklist's capacity questions: which index type, which
 * HNSW settings, how much memory and disk now and after growth, and what to change when a
 * memory budget is too small.
 *
 * Memory is the checklist formula `N × (D × bytesPerComponent + M × 8 × 1.5)` bytes, where
 * bytesPerComponent is 4 for f32, 2 for f16 and 1 for i8. It is applied to every index type
 * so that plans compare like with like; for IVF and DiskANN it is an upper bound.
 *
 * @throws EngineError `INVALID_INPUT` naming the field when the constraints are malformed.
 * @example
 * ```ts
 * const plan = autoTune({ expectedVectors: 10_000_000, dimensions: 384, memoryBudget: 16 * 1024 ** 3 });
 * plan.expectedMemoryMb; // 16 480 (10M × (384 × 4 + 16 × 12) bytes)
 * plan.fitsBudget;       // false, and plan.quantization is 'f16'
 * ```
 */
export function autoTune(constraints: TuningConstraints): TuningEstimate {
  const c = resolveTuningConstraints(constraints);
  const settings = HNSW_PROFILES[c.profile];
  const at = (vectors: number, quantization: Quantization) =>
    estimateCapacity(vectors, c.dimensions, settings.m, quantization, c.memoryBudget);

  const now = at(c.expectedVectors, c.quantization);
  const projected = at(growVectorCount(c.expectedVectors, c.growthFactor), c.quantization);

  let quantization = c.quantization;
  if (!now.fitsBudget) {
    quantization =
      quantizationsUpTo(c.quantization).find((q) => at(c.expectedVectors, q).fitsBudget) ??
      c.quantization;
  }

  const recommendations: string[] = [];
  if (c.memoryBudget !== undefined && !projected.fitsBudget) {
    const budget = formatBytes(c.memoryBudget);
    const overBudget = now.fitsBudget ? projected : now;
    recommendations.push(
      now.fitsBudget
        ? `Fits today, but at ${Number(c.growthFactor.toFixed(2))}× growth (${formatCount(projected.vectors)} vectors) the index needs ` +
            `${formatBytes(projected.memoryBytes)}, over the ${budget} budget. To plan for that growth:`
        : `The index needs ${formatBytes(now.memoryBytes)} for ${formatCount(now.vectors)} vectors, ` +
            `over the ${budget} budget.`,
      ...budgetRecommendations({
        vectors: overBudget.vectors,
        dimensions: c.dimensions,
        m: settings.m,
        quantization: c.quantization,
        memoryBudget: c.memoryBudget,
      }),
    );
  }

  return {
    indexType: now.indexType,
    profile: c.profile,
    m: settings.m,
    efConstruction: settings.efConstruction,
    efSearch: settings.efSearch,
    requestedQuantization: c.quantization,
    quantization,
    expectedMemoryBytes: now.memoryBytes,
    expectedMemoryMb: now.memoryMb,
    diskBytes: now.diskBytes,
    memoryBudget: c.memoryBudget,
    fitsBudget: now.fitsBudget,
    growthFactor: c.growthFactor,
    projected,
    recommendations,
  };
}
