import type { InfoReport, NeedleBackend } from './backend.js';
import { formatBytes } from './progress.js';

/** Options of `needle info`. */
export interface InfoOptions {
  json?: boolean;
}

/**
 * `needle info`: the collections of a data directory or server — vectors, deleted slots,
 * fragmentation, index and memory — and the storage figures (file, WAL, last checkpoint).
 */
export async function runInfo(
  backend: NeedleBackend,
  options: InfoOptions,
  print: (line: string) => void = console.log,
): Promise<InfoReport> {
  const report = await backend.info();
  if (options.json) {
    print(JSON.stringify(report, null, 2));
    return report;
  }
  const version = report.version === null ? '' : ` (Needle ${report.version})`;
  print(`${report.source}${version}`);
  const n = report.collections.length;
  print(
    `  ${n} ${n === 1 ? 'collection' : 'collections'}, ${report.totalVectors.toLocaleString('en')} vectors`,
  );
  if (report.storage) {
    const s = report.storage;
    const checkpoint = s.lastCheckpointAt === null ? '' : `, last checkpoint ${s.lastCheckpointAt}`;
    print(`  file ${formatBytes(s.fileBytes)}, WAL ${formatBytes(s.walBytes)}${checkpoint}`);
  }
  if (n === 0) return report;
  const rows = [
    ['collection', 'dims', 'distance', 'vectors', 'deleted', 'fragm.', 'index', 'memory'],
    ...report.collections.map((c) => [
      c.name,
      String(c.dimensions),
      c.distance,
      c.count.toLocaleString('en'),
      c.deletedCount.toLocaleString('en'),
      `${(c.fragmentationRatio * 100).toFixed(1)}%${c.needsCompaction ? ' (compact)' : ''}`,
      describeIndex(c.index, c.quantization),
      formatBytes(c.memoryBytes),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  print('');
  for (const row of rows) {
    print(
      `  ${row
        .map((cell, i) => (i >= 3 && i <= 5 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd()}`,
    );
  }
  return report;
}

function describeIndex(
  index: InfoReport['collections'][number]['index'],
  quantization: string | null,
): string {
  const params = [
    index.m === null ? null : `M ${index.m}`,
    index.efConstruction === null ? null : `efC ${index.efConstruction}`,
    index.efSearch === null ? null : `ef ${index.efSearch}`,
    quantization,
  ].filter((p) => p !== null);
  return params.length === 0 ? index.kind : `${index.kind} (${params.join(', ')})`;
}
