#!/usr/bin/env node
// The workspace test command: runs every package's tests through turbo, then prints one
// closing line `N passed, N failed, N skipped` summed over all packages (CI reads it).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dirs = ['packages', 'apps', 'tooling']
  .flatMap((group) => {
    const base = join(root, group);
    return existsSync(base) ? readdirSync(base).map((name) => join(base, name)) : [];
  })
  .concat(join(root, 'e2e'));

for (const dir of dirs) rmSync(join(dir, '.test-results'), { recursive: true, force: true });

const env = {
  ...process.env,
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  TURBO_TELEMETRY_DISABLED: '1',
  NEXT_TELEMETRY_DISABLED: '1',
};
const run = spawnSync(
  'npx',
  [
    'turbo',
    'run',
    'test',
    '--continue',
    '--log-prefix=none',
    '--concurrency=1',
    ...process.argv.slice(2),
  ],
  { cwd: root, env, stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
for (const dir of dirs) {
  const file = join(dir, '.test-results', 'counts.json');
  if (!existsSync(file)) continue;
  const counts = JSON.parse(readFileSync(file, 'utf8'));
  passed += counts.passed;
  failed += counts.failed;
  skipped += counts.skipped;
}
const status = run.status ?? 1;
// A package that crashed before its reporter ran still fails the run.
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status);
