import type { BackupJobRequest, BackupJobResult } from '@needle/api';

/** A job in a log message: `full backup`, `verification`, `in-place restore`... */
export function describeRequest(request: BackupJobRequest): string {
  switch (request.kind) {
    case 'backup':
      return `${request.type} backup`;
    case 'verify':
      return 'verification';
    case 'restore':
      return request.inPlace ? 'in-place restore' : 'restore to a new file';
  }
}

/** The figures of a result for its log line (no keys, no vectors). */
export function resultFigures(result: BackupJobResult): Record<string, unknown> {
  switch (result.kind) {
    case 'backup':
      return {
        type: result.manifest.type,
        bytes: result.manifest.bytes,
        seq_to: result.manifest.seqTo,
        retention_removed: result.retentionRemoved.length,
      };
    case 'verify':
      return { restore_ms: Math.round(result.verification.restoreMs), ok: result.verification.ok };
    case 'restore':
      return {
        restore_ms: Math.round(result.report.restoreMs),
        seq: result.report.seq,
        path: result.path,
        previous: result.previous,
      };
  }
}
