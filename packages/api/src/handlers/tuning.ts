import { autoTune, growthProjection } from '@needle/engine';
import type { z } from 'zod';

import type { tuneBody, tuneResponse } from '../schemas/tuning.js';

/**
 * Plans an index with the engine's `autoTune` (index type, HNSW settings, quantization that
 * fits the budget, memory and disk) and projects its memory month by month at the growth
 * asked for, with the first month it is over the budget. Reads no data: a calculator.
 */
export function tune(body: z.output<typeof tuneBody>): z.output<typeof tuneResponse> {
  const constraints = {
    expectedVectors: body.expected_vectors,
    dimensions: body.dimensions,
    profile: body.profile,
    quantization: body.quantization,
    // The plan's "projected" figures are then month 12 of the chart.
    growthFactor: (1 + body.monthly_growth) ** 12,
    ...(body.memory_budget_bytes === undefined ? {} : { memoryBudget: body.memory_budget_bytes }),
  };
  const plan = autoTune(constraints);
  const points = growthProjection(constraints, body.months, body.monthly_growth);
  const budget = body.memory_budget_bytes;
  const over = budget === undefined ? undefined : points.find((p) => p.memoryBytes > budget);
  return {
    recommendation: {
      index_type: plan.indexType,
      profile: plan.profile,
      m: plan.m,
      ef_construction: plan.efConstruction,
      ef_search: plan.efSearch,
      requested_quantization: plan.requestedQuantization,
      quantization: plan.quantization,
      memory_bytes: plan.expectedMemoryBytes,
      disk_bytes: plan.diskBytes,
      fits_budget: plan.fitsBudget,
      notes: plan.recommendations,
    },
    memory_budget_bytes: budget ?? null,
    growth_factor: plan.growthFactor,
    projected: {
      vectors: plan.projected.vectors,
      index_type: plan.projected.indexType,
      memory_bytes: plan.projected.memoryBytes,
      disk_bytes: plan.projected.diskBytes,
      fits_budget: plan.projected.fitsBudget,
    },
    projection: points.map((p) => ({
      month: p.month,
      vectors: p.vectors,
      memory_bytes: p.memoryBytes,
      disk_bytes: p.diskBytes,
    })),
    budget_exceeded_month: over?.month ?? null,
  };
}
