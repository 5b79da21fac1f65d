/**
 * Recall@k of one result list: the share of the true k nearest keys it contains.
 * Only the first `k` entries of `found` count; `truth` holds the true top-k keys.
 *
 * @example
 * recallAtK([1, 2, 9], [1, 2, 3], 3); // 2 / 3
 */
export function recallAtK(found: ArrayLike<number>, truth: ArrayLike<number>, k: number): number {
  const expected = Math.min(k, truth.length);
  if (expected === 0) return 1;
  let hits = 0;
  const limit = Math.min(k, found.length);
  for (let i = 0; i < limit; i++) {
    const key = found[i]!;
    if (seenBefore(found, i)) continue;
    // Lists are at most a few dozen long: a linear scan beats building a Set.
    for (let j = 0; j < expected; j++) {
      if (truth[j] === key) {
        hits++;
        break;
      }
    }
  }
  return hits / expected;
}

/** True if `list[i]` already occurs before position `i` (a result repeated is one hit). */
function seenBefore(list: ArrayLike<number>, i: number): boolean {
  for (let j = 0; j < i; j++) if (list[j] === list[i]) return true;
  return false;
}

/**
 * Mean recall@k over many queries. `truth` is row-major with `truthK` keys per query
 * (`truthK ≥ k`); `found[q]` is query q's result list.
 */
export function meanRecallAtK(
  found: ReadonlyArray<ArrayLike<number>>,
  truth: Uint32Array,
  truthK: number,
  k: number,
): number {
  if (found.length === 0) return 1;
  let total = 0;
  for (let q = 0; q < found.length; q++) {
    total += recallAtK(found[q]!, truth.subarray(q * truthK, q * truthK + k), k);
  }
  return total / found.length;
}
