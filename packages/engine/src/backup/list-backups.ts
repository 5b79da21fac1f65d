import { tmpdir } from 'node:os';

import type { BackupSummary } from './backup-manifest.js';
import type { BackupTarget } from './backup-target.js';
import { listSummaries } from './resolve-chain.js';
import { withWorkDir } from './work-dir.js';

/**
 * The backups a target holds, oldest first, from their manifests' plaintext headers: no key
 * and no database needed (for listing a target on a machine that holds only the target). The
 * headers are checksummed but authenticated only when a backup is restored or verified.
 */
export function listBackups(
  target: BackupTarget,
  options: { workDir?: string } = {},
): Promise<BackupSummary[]> {
  return withWorkDir(options.workDir ?? tmpdir(), 'needle-backup-list', (dir) =>
    listSummaries(target, dir),
  );
}
