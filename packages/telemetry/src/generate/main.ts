import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { ARTEFACTS_DIR, generateArtefacts } from './artefacts.js';

/** The repository root, from `packages/telemetry/src/generate`. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');

const files = generateArtefacts();
// Dashboards no longer defined are removed, so the directory holds exactly the generated ones.
const dashboardsDir = join(REPO_ROOT, ARTEFACTS_DIR, 'dashboards');
mkdirSync(dashboardsDir, { recursive: true });
for (const name of readdirSync(dashboardsDir)) {
  if (!files.has(`${ARTEFACTS_DIR}/dashboards/${name}`)) rmSync(join(dashboardsDir, name));
}
for (const [path, content] of files) {
  mkdirSync(dirname(join(REPO_ROOT, path)), { recursive: true });
  writeFileSync(join(REPO_ROOT, path), content);
  process.stdout.write(`wrote ${path}\n`);
}
