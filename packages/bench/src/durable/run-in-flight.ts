/**
 * Runs `task(0)` … `task(count - 1)` with at most `concurrency` of them in flight: each
 * settled task starts the next, so the pipe stays full the way many independent clients keep
 * a server busy. Tasks start in index order; the first rejection is rethrown once the tasks
 * already in flight have settled.
 *
 * @example
 * await runInFlight(10_000, 64, (i) => collection.insert(records[i]!));
 */
export async function runInFlight(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<void> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  }
  let next = 0;
  const failures: unknown[] = [];
  const lane = async (): Promise<void> => {
    while (next < count && failures.length === 0) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  if (failures.length > 0) throw failures[0];
}
