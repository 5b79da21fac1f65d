import { formatNumber, formatRatio, formatTable } from '../format-table.js';
import type { DurableReport } from './durable-bench.js';
import { INSERT_PATTERNS } from './insert-rate.js';

const MB = 1e6;

/** The durability benchmark as readable tables: insert rates, reader blocking, open time. */
export function formatDurableReport(report: DurableReport): string {
  return [
    `== durable: ${report.dimensions}-d vectors · ${report.indexKind} M=${report.m} ef_construction=${report.efConstruction} · ` +
      `load average ${report.loadBefore.toFixed(2)} before, ${report.loadAfter.toFixed(2)} after (${report.cores} cores)`,
    '',
    insertRates(report),
    '',
    readerBlocking(report),
    '',
    openTime(report),
  ].join('\n');
}

function insertRates(report: DurableReport): string {
  const rows = INSERT_PATTERNS.flatMap((pattern) => {
    const rates = report.insertRates.filter((r) => r.pattern === pattern);
    const memory = rates.find((r) => r.target === 'memory');
    return rates.map((r) => [
      patternLabel(pattern, report),
      r.target,
      formatNumber(r.vectors),
      formatNumber(r.vectorsPerSecond),
      formatRatio(r.vectorsPerSecond, memory?.vectorsPerSecond),
      r.writesPerTransaction === null ? '—' : formatNumber(r.writesPerTransaction, 1),
    ]);
  });
  return [
    '-- durable insert rate (each write resolves once committed and indexed)',
    formatTable(['writes', 'target', 'vectors', 'vec/s', '× memory', 'writes/txn'], rows),
    '  writes/txn: writes sharing one SQLite transaction and sync (group commit).',
  ].join('\n');
}

function patternLabel(pattern: string, report: DurableReport): string {
  switch (pattern) {
    case 'single':
      return 'single, awaited';
    case 'concurrent':
      return `single, ${report.concurrency} in flight`;
    default:
      return `insertMany × ${report.batchSize}`;
  }
}

function readerBlocking(report: DurableReport): string {
  const rows = report.readerBlocking.map((r) => [
    r.target,
    formatNumber(r.vectors),
    formatNumber(r.vectorsPerSecond),
    formatNumber(r.loopDelay.p99Ms, 1),
    formatNumber(r.loopDelay.maxMs, 1),
    formatNumber(r.search.count),
    formatNumber(r.search.p50Ms, 2),
    formatNumber(r.search.p99Ms, 2),
    formatNumber(r.search.maxMs, 1),
  ]);
  return [
    `-- readers during a bulk insert (insertMany × ${report.batchSize}, a search loop alongside)`,
    formatTable(
      [
        'target',
        'vectors',
        'insert vec/s',
        'loop p99 ms',
        'loop max ms',
        'searches',
        'search p50 ms',
        'p99 ms',
        'max ms',
      ],
      rows,
    ),
    `  loop: monitorEventLoopDelay (1 ms resolution) while inserting. search: one due every ${report.searchIntervalMs} ms,`,
    '  timed from when it was due, so waiting for a blocked loop counts. Target: blocked a few ms at most.',
  ].join('\n');
}

function openTime(report: DurableReport): string {
  const o = report.openTime;
  const rows = [
    ['with saved index', formatNumber(o.loaded.seconds, 2), o.loaded.index, '1.00'],
    [
      'index deleted (rebuild)',
      formatNumber(o.rebuilt.seconds, 2),
      o.rebuilt.index,
      formatRatio(o.rebuilt.seconds, o.loaded.seconds),
    ],
  ];
  const built =
    o.buildSeconds === null ? 'from .bench-cache' : `built in ${formatNumber(o.buildSeconds)} s`;
  return [
    `-- open time: ${formatNumber(o.spec.count)} × ${o.spec.dimensions} ${o.spec.distance}, M=${o.spec.m} (${built})`,
    formatTable(['open', 'seconds', 'index', '× saved'], rows),
    `  file ${formatNumber(o.fileBytes / MB)} MB, saved index ${formatNumber(o.indexBytes / MB)} MB; ` +
      `saving it again on close took ${formatNumber(o.resaveSeconds, 1)} s. Files were in the page cache.`,
  ].join('\n');
}
