import { autoTune } from '@needle/engine';
import type { TuningConstraints, TuningEstimate } from '@needle/engine';

/** Options of `needle tune`. */
export interface TuneOptions {
  vectors: number;
  dimensions: number;
  memory?: number;
  profile: string;
  quantization: string;
  json?: boolean;
}

/** `needle tune`: the capacity planner of the production checklist, as text or JSON. */
export function runTune(
  options: TuneOptions,
  print: (line: string) => void = console.log,
): TuningEstimate {
  const estimate = autoTune({
    expectedVectors: options.vectors,
    dimensions: options.dimensions,
    memoryBudget: options.memory,
    profile: options.profile,
    quantization: options.quantization,
  } as TuningConstraints);
  if (options.json) {
    print(JSON.stringify(estimate, null, 2));
    return estimate;
  }
  const e = estimate;
  const rows: [string, string][] = [
    ['index type', e.indexType.toUpperCase()],
    [
      'profile',
      `${e.profile} (M ${e.m}, ef_construction ${e.efConstruction}, ef_search ${e.efSearch})`,
    ],
    [
      'quantization',
      e.quantization === e.requestedQuantization
        ? e.quantization
        : `${e.quantization} (asked for ${e.requestedQuantization})`,
    ],
    [
      'memory now',
      `${gib(e.expectedMemoryBytes)} for ${e.expectedMemoryBytes.toLocaleString('en')} bytes (${e.requestedQuantization})`,
    ],
    ['disk now', `${gib(e.diskBytes)} (2× the index, for compaction headroom)`],
    [
      `after ${e.growthFactor}× growth`,
      `${e.projected.vectors.toLocaleString('en')} vectors, ${gib(e.projected.memoryBytes)} memory, ${gib(e.projected.diskBytes)} disk`,
    ],
  ];
  if (e.memoryBudget !== undefined) {
    rows.push([
      'budget',
      `${gib(e.memoryBudget)}: ${e.fitsBudget ? 'fits now' : 'does NOT fit now'}, ${e.projected.fitsBudget ? 'fits after growth' : 'does NOT fit after growth'}`,
    ]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) print(`${k.padEnd(width)}  ${v}`);
  for (const r of e.recommendations) print(`  - ${r}`);
  return estimate;
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30
    ? `${(bytes / 2 ** 30).toFixed(2)} GiB`
    : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
