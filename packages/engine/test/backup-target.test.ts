import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LocalDirectoryTarget } from '../src/index.js';
import { describeBackupTarget } from './helpers/backup-target-conformance.js';

describeBackupTarget('LocalDirectoryTarget', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'needle-target-'));
  return {
    target: new LocalDirectoryTarget(join(dir, 'backups')),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
