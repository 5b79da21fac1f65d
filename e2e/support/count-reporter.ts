import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { FullConfig, FullResult, Reporter, TestCase } from '@playwright/test/reporter';

/**
 * Writes this package's test counts to .test-results/counts.json and prints the closing
 * `N passed, N failed, N skipped` line, as the vitest packages do, so the root test command
 * can sum the whole workspace.
 */
export default class CountReporter implements Reporter {
  readonly #tests: TestCase[] = [];
  #dir = process.cwd();

  onBegin(config: FullConfig): void {
    // Beside the config (e2e/), wherever Playwright was started from.
    if (config.configFile) this.#dir = dirname(config.configFile);
  }

  onTestEnd(test: TestCase): void {
    if (!this.#tests.includes(test)) this.#tests.push(test);
  }

  onEnd(result: FullResult): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const test of this.#tests) {
      const outcome = test.outcome();
      if (outcome === 'expected' || outcome === 'flaky') passed += 1;
      else if (outcome === 'skipped') skipped += 1;
      else failed += 1;
    }
    // A run that failed outside any test (the global setup, a spec that does not load)
    // still counts as a failure.
    if (result.status !== 'passed' && failed === 0) failed += 1;
    const dir = join(this.#dir, '.test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'counts.json'), JSON.stringify({ passed, failed, skipped }));
    console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
