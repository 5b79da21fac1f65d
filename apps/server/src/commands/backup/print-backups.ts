import { formatBytes } from '../progress.js';
import { formatTable, shortTime } from '../security/print-table.js';
import type { BackupListing } from './backup-backend.js';

/** The lines `needle backup list` prints: a table of the backups, then the chains. */
export function printListing(listing: BackupListing): string[] {
  if (listing.backups.length === 0) return [`no backups in ${listing.target}`];
  if (listing.source === 'target') {
    return [
      `backups in ${listing.target} (read from the target: no database here, sizes and verifications unknown)`,
      ...formatTable([
        ['id', 'type', 'parent', 'seq', 'created', 'key'],
        ...listing.backups.map((b) => [
          b.id,
          b.type,
          b.parent_id ?? '-',
          `${b.seq_from}..${b.seq_to}`,
          shortTime(b.created_at),
          b.key_id ?? 'none',
        ]),
      ]),
    ];
  }
  const lines = [
    `backups in ${listing.target}: ${listing.backups.length} in ${listing.chains.length} chain${listing.chains.length === 1 ? '' : 's'}, ${formatBytes(listing.total_bytes)}`,
    ...formatTable([
      ['id', 'type', 'chain', 'seq', 'created', 'age', 'size', 'verified'],
      ...listing.backups.map((b) => [
        b.id,
        b.type,
        b.chain === b.id ? '-' : b.chain,
        `${b.seq_from}..${b.seq_to}`,
        shortTime(b.created_at),
        age(b.age_seconds),
        formatBytes(b.bytes),
        b.verification === null
          ? 'never'
          : b.verification.ok
            ? `ok ${shortTime(b.verification.at)} (${((b.verification.restore_ms ?? 0) / 1000).toFixed(1)} s)`
            : `FAILED ${b.verification.code ?? ''}`,
      ]),
    ]),
  ];
  return lines;
}

/** `93784` → `1d 2h`. */
function age(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400)
    return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}
