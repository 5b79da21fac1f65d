import { setImmediate as yieldToLoop } from 'node:timers/promises';

import { z } from 'zod';

import { parseOrThrow } from '../parse-or-throw.js';
import { nowUs } from '../search/explain.js';
import type { SearchContext } from '../search/search-context.js';

const optionsSchema = z.object({
  /** Recall@k to reach (default 0.95). */
  targetRecall: z.number().gt(0).max(1).default(0.95),
  /** Results per query that recall is measured on (default 10). */
  k: z.number().int().min(1).max(1000).default(10),
  /** Stored vectors used as queries (default 200). */
  sampleSize: z.number().int().min(1).max(10_000).default(200),
  /** Largest efSearch to try (default 2048). */
  maxEfSearch: z.number().int().min(1).max(10_000).default(2048),
  /** Seed of the sample, so a calibration can be repeated exactly. */
  seed: z.number().int().default(42),
});

/** Options of `collection.calibrate`. */
export type CalibrationOptions = z.input<typeof optionsSchema>;

/** One point of the measured recall/latency curve. */
export interface CalibrationPoint {
  efSearch: number;
  recall: number;
  meanLatencyUs: number;
  p95LatencyUs: number;
}

/** What a calibration measured and chose. */
export interface CalibrationReport {
  /** The efSearch now set on the collection. */
  efSearch: number;
  previousEfSearch: number;
  targetRecall: number;
  /** Recall@k at the chosen efSearch. */
  achievedRecall: number;
  /** False when even the largest efSearch tried fell short (the largest is then chosen). */
  reached: boolean;
  k: number;
  sampleSize: number;
  curve: CalibrationPoint[];
}

/**
 * Samples stored vectors as queries, computes their exact top-k (themselves excluded),
 * then sweeps efSearch upwards until the index's recall@k reaches the target. Real
 * embeddings sometimes need several times the textbook ef; measuring finds out.
 */
export async function calibrate(
  ctx: SearchContext,
  input: CalibrationOptions,
): Promise<CalibrationReport> {
  const options = parseOrThrow(optionsSchema, input, 'calibration options');
  const { index, state, config } = ctx;
  const live: number[] = [];
  state.forEachVisible(Date.now(), (key) => {
    live.push(key);
  });
  const previousEfSearch = config.index.efSearch;
  const k = Math.min(options.k, Math.max(live.length - 1, 1));
  if (live.length <= options.k + 1) {
    return {
      efSearch: Math.max(k, 1),
      previousEfSearch,
      targetRecall: options.targetRecall,
      achievedRecall: 1,
      reached: true,
      k,
      sampleSize: 0,
      curve: [],
    };
  }

  const sample = sampleKeys(live, options.sampleSize, options.seed);
  const allKeys = Uint32Array.from(live);
  const queries = sample.map((key) => {
    const v = new Float32Array(config.dimensions);
    index.get(key, v);
    return v;
  });
  const truth = queries.map((q, i) => {
    const exact = index.searchSubset(q, allKeys, k + 1);
    return new Set(withoutSelf(exact.keys, sample[i]!, k));
  });
  await yieldToLoop();

  const curve: CalibrationPoint[] = [];
  let chosen: CalibrationPoint | undefined;
  for (const ef of efLadder(k, options.maxEfSearch)) {
    const latencies: number[] = [];
    let found = 0;
    for (let i = 0; i < queries.length; i++) {
      const t0 = nowUs();
      const m = index.search(queries[i]!, k + 1, { ef });
      latencies.push(nowUs() - t0);
      for (const key of withoutSelf(m.keys, sample[i]!, k)) if (truth[i]!.has(key)) found += 1;
    }
    latencies.sort((a, b) => a - b);
    const point: CalibrationPoint = {
      efSearch: ef,
      recall: found / (queries.length * k),
      meanLatencyUs: latencies.reduce((s, x) => s + x, 0) / latencies.length,
      p95LatencyUs: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.95))]!,
    };
    curve.push(point);
    await yieldToLoop();
    if (point.recall >= options.targetRecall) {
      chosen = point;
      break;
    }
  }
  const best = chosen ?? curve[curve.length - 1]!;
  return {
    efSearch: best.efSearch,
    previousEfSearch,
    targetRecall: options.targetRecall,
    achievedRecall: best.recall,
    reached: chosen !== undefined,
    k,
    sampleSize: sample.length,
    curve,
  };
}

/** efSearch values to try: k, then about ×1.5 steps up to `max`. */
function efLadder(k: number, max: number): number[] {
  const out: number[] = [];
  for (let ef = Math.max(k, 8); ef < max; ef = Math.ceil(ef * 1.5)) out.push(ef);
  out.push(max);
  return out;
}

function withoutSelf(keys: Uint32Array, self: number, k: number): number[] {
  const out: number[] = [];
  for (const key of keys) {
    if (key !== self && out.length < k) out.push(key);
  }
  return out;
}

/** A deterministic sample without replacement (partial Fisher–Yates with xorshift). */
function sampleKeys(keys: number[], size: number, seed: number): number[] {
  const pool = keys.slice();
  const n = Math.min(size, pool.length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = i + ((s >>> 0) % (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}
