import { autoTune } from '@needle/engine';
import type { TuningConstraints } from '@needle/engine';

/** `needle tune`: the capacity planner of the production checklist. */
export function runTune(options: {
  vectors: number;
  dimensions: number;
  memory?: number;
  profile: string;
  quantization: string;
  json?: boolean;
}): void {
  const estimate = autoTune({
    expectedVectors: options.vectors,
    dimensions: options.dimensions,
    memoryBudget: options.memory,
    profile: options.profile,
    quantization: options.quantization,
  } as TuningConstraints);
  if (options.json) {
    console.log(JSON.stringify(estimate, null, 2));
    return;
  }
  console.log(JSON.stringify(estimate, null, 2));
}
