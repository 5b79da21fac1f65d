// Writes this package's test counts to .test-results/counts.json so that the root test
// command can print one closing `N passed, N failed` line for the whole workspace.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @implements {import('vitest/node').Reporter} */
export default class CountReporter {
  /** @param {ReadonlyArray<import('vitest/node').TestModule>} testModules */
  onTestRunEnd(testModules, unhandledErrors) {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let moduleFailed = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') moduleFailed += 1;
        else skipped += 1;
      }
      // A file that fails to load, or whose beforeAll/afterAll hook fails (its tests are then
      // skipped or passed), still counts as a failure.
      if (moduleFailed === 0 && mod.state() === 'failed') moduleFailed = 1;
      failed += moduleFailed;
    }
    failed += unhandledErrors.length;
    const dir = join(process.cwd(), '.test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'counts.json'), JSON.stringify({ passed, failed, skipped }));
    console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
