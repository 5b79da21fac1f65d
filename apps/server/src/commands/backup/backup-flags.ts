import type { Command } from 'commander';

import { addTargetOptions } from '../open-backend.js';
import type { TargetOptions } from '../open-backend.js';

/** The flags every backup command takes: the data commands' target flags and the backup directory. */
export type BackupFlags = TargetOptions & {
  /** The backup directory; else the config's `backup.targetDir`, else `<data>/backups`. */
  backupDir?: string;
  json?: boolean;
};

/** Adds {@link BackupFlags} to a command. */
export function addBackupOptions(command: Command): Command {
  return addTargetOptions(command)
    .option(
      '--backup-dir <dir>',
      "directory holding the backups (default: NEEDLE_BACKUP_DIR, the config file's, or <data>/backups)",
    )
    .option('--json', 'print the result as JSON');
}
