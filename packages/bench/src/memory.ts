/**
 * The production checklist's HNSW memory estimate, `N × (D × 4 + M × 8 × 1.5)` bytes:
 * float32 vectors plus about 1.5 × M links of 8 bytes per node.
 *
 * @example
 * checklistMemoryBytes(100_000, 128, 16); // 70 400 000
 */
export function checklistMemoryBytes(count: number, dimensions: number, m: number): number {
  return count * (dimensions * 4 + m * 8 * 1.5);
}

/** Runs a full garbage collection when Node was started with `--expose-gc`. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}

/** Resident set size now, after a collection when possible, in bytes. */
export function settledRss(): number {
  collectGarbage();
  return process.memoryUsage.rss();
}
