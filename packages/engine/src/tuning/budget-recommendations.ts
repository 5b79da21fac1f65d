import { HNSW_PROFILES, type HnswProfile } from '../config.js';
import { bytesPerVector, largestFittingVectorCount } from './capacity-estimate.js';
import { BYTES_PER_COMPONENT, type Quantization } from './tuning-constraints.js';

/** The settings a budget check is made for. */
export interface BudgetScenario {
  vectors: number;
  dimensions: number;
  m: number;
  quantization: Quantization;
  memoryBudget: number;
}

/** Quantizations as precise as `requested` or less, most precise first. */
export function quantizationsUpTo(requested: Quantization): Quantization[] {
  return (Object.keys(BYTES_PER_COMPONENT) as Quantization[])
    .filter((q) => BYTES_PER_COMPONENT[q] <= BYTES_PER_COMPONENT[requested])
    .sort((a, b) => BYTES_PER_COMPONENT[b] - BYTES_PER_COMPONENT[a]);
}

/**
 * What would make an index that is over its memory budget fit, one lever per line, cheapest
 * in recall first: a lighter quantization, then a lower M, then fewer vectors, then a
 * combination of both memory levers, and finally how much more memory the plan needs as is.
 * Each line gives the memory the change would take and whether that fits.
 */
export function budgetRecommendations(s: BudgetScenario): string[] {
  const memory = (m: number, q: Quantization) => s.vectors * bytesPerVector(s.dimensions, m, q);
  const verdict = (bytes: number) =>
    bytes <= s.memoryBudget
      ? 'fits the budget'
      : `still ${formatBytes(bytes - s.memoryBudget)} over`;
  const needed = memory(s.m, s.quantization);
  const lines: string[] = [];
  let singleLeverFits = false;

  for (const q of quantizationsUpTo(s.quantization).slice(1)) {
    const bytes = memory(s.m, q);
    singleLeverFits ||= bytes <= s.memoryBudget;
    lines.push(
      `Store vectors as ${q} instead of ${s.quantization}: ${formatBytes(bytes)}, ${verdict(bytes)}.`,
    );
  }
  for (const [name, profile] of lowerMProfiles(s.m)) {
    const bytes = memory(profile.m, s.quantization);
    singleLeverFits ||= bytes <= s.memoryBudget;
    lines.push(
      `Lower M to ${profile.m} (the ${name} profile, at some recall cost): ${formatBytes(bytes)}, ${verdict(bytes)}.`,
    );
  }
  const largest = largestFittingVectorCount(s.memoryBudget, s.dimensions, s.m, s.quantization);
  if (largest > 0) {
    lines.push(
      `Keep the collection at or below ${formatCount(largest)} vectors, the most that fit at ${s.quantization} with M = ${s.m}.`,
    );
  }
  const minM = Math.min(s.m, ...Object.values(HNSW_PROFILES).map((p) => p.m));
  if (!singleLeverFits && (minM < s.m || s.quantization !== 'i8')) {
    const bytes = memory(minM, 'i8');
    lines.push(`Combine i8 with M = ${minM}: ${formatBytes(bytes)}, ${verdict(bytes)}.`);
  }
  lines.push(
    `Or add memory: as planned the index needs ${formatBytes(needed)}, ${formatBytes(needed - s.memoryBudget)} more than the budget.`,
  );
  return lines;
}

/** The checklist profiles whose M is below `m`, highest M first. */
function lowerMProfiles(m: number): [HnswProfile, (typeof HNSW_PROFILES)[HnswProfile]][] {
  return (Object.entries(HNSW_PROFILES) as [HnswProfile, (typeof HNSW_PROFILES)[HnswProfile]][])
    .filter(([, p]) => p.m < m)
    .sort(([, a], [, b]) => b.m - a.m);
}

/** Bytes in binary units with one decimal (`14.9 GiB`), as operators size RAM. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

/** A vector count with thousands separators, for messages. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
