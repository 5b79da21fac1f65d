import { meanRecallAtK } from './recall.js';
import type { AnnRunner } from './runners/ann-runner.js';

/**
 * The search breadths tried, smallest first, about 15–25% apart. Each library gets the
 * first that reaches the target, so the spacing bounds how much breadth (and speed) a
 * library can be charged beyond what it needs: with steps of about 50% (10, 16, 24…), which of
 * two equal libraries lands on the cheaper step came down to their random build order.
 */
export const DEFAULT_EF_SWEEP = [
  10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384,
  448, 512,
] as const;

/** Outcome of {@link sweepEf}. */
export interface EfChoice {
  /** Smallest breadth that reached the target, else the largest tried. */
  ef: number;
  /** Recall@k at `ef`. */
  recall: number;
  /** Whether any breadth reached the target. */
  reached: boolean;
  /** Every breadth tried, with its recall. */
  curve: { ef: number; recall: number }[];
}

/**
 * Finds the smallest `ef` of `sweep` whose mean recall@k over all `queryCount` queries
 * reaches `target`, trying breadths in ascending order and stopping at the first that
 * does. Leaves the runner set to the chosen breadth.
 */
export async function sweepEf(
  runner: AnnRunner,
  truth: Uint32Array,
  truthK: number,
  queryCount: number,
  k: number,
  target: number,
  sweep: readonly number[] = DEFAULT_EF_SWEEP,
): Promise<EfChoice> {
  const curve: { ef: number; recall: number }[] = [];
  for (const ef of sweep) {
    await runner.setEf(ef);
    const found: ArrayLike<number>[] = [];
    for (let q = 0; q < queryCount; q++) found.push(await runner.search(q, k));
    const recall = meanRecallAtK(found, truth, truthK, k);
    curve.push({ ef, recall });
    if (recall >= target) return { ef, recall, reached: true, curve };
  }
  const last = curve[curve.length - 1]!;
  return { ef: last.ef, recall: last.recall, reached: false, curve };
}
