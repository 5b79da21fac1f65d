import type { DatasetReport, RunnerReport } from './compare-dataset.js';
import { formatNumber, formatRatio, formatTable } from './format-table.js';
import { OURS, evaluateTargets, type TargetOutcome } from './targets.js';

const MB = 1e6;

/** The per-dataset report: one row per library, the targets with PASS/FAIL, the ratios. */
export function formatDatasetReport(report: DatasetReport): string {
  const header =
    `== ${report.dataset}: ${formatNumber(report.trainCount)} × ${report.dimensions}, ${report.distance}, ` +
    `${formatNumber(report.queryCount)} queries · M=${report.m} ef_construction=${report.efConstruction}`;
  const libraries = formatTable(
    [
      'library',
      'build vec/s',
      'rss Δ MB',
      'reported MB',
      'formula MB',
      'ef',
      'recall@10',
      'QPS',
      'p50 µs',
      'p99 µs',
      'batched QPS',
    ],
    report.runners.map((r) => [
      r.name,
      formatNumber(r.buildRate),
      formatNumber(r.rssDeltaBytes / MB, 1),
      r.reportedBytes === null ? '—' : formatNumber(r.reportedBytes / MB, 1),
      formatNumber(report.formulaBytes / MB, 1),
      `${r.choice.ef}${r.choice.reached ? '' : '*'}`,
      r.choice.recall.toFixed(3),
      formatNumber(r.qps),
      formatNumber(r.p50Us, 1),
      formatNumber(r.p99Us, 1),
      formatNumber(r.batchQps),
    ]),
  );
  const targets = formatTable(
    ['target', 'ours', 'needed', 'result'],
    evaluateTargets(report).map((t) => [
      t.target,
      `${formatValue(t)} ${t.unit}`,
      `${t.unit === 'MB' ? '≤' : '≥'} ${formatNumber(t.threshold, t.unit === 'MB' ? 1 : 0)} ${t.unit}`,
      t.status,
    ]),
  );
  const notes = [
    'QPS: one query at a time, awaited; batched: usearch one 2-thread call per batch, needle concurrent search() promises.',
    'reported: usearch/hnswlib serialised index size, needle stats().indexDataBytes (graph + vectors in use; stats().indexMemoryBytes adds the allocator reserve); rss Δ: resident-set growth while adding (noisy).',
  ];
  const builds = Math.max(...report.runners.map((r) => r.builds));
  if (builds > 1)
    notes.push(
      `build vec/s: median of ${builds} builds (the dataset builds fast; one sample is mostly noise).`,
    );
  if (report.runners.some((r) => !r.choice.reached))
    notes.push(`*: no ef tried reached the recall target; the largest was used.`);
  return [
    header,
    libraries,
    '',
    targets,
    '',
    ...ratioLines(report.runners),
    ...notes.map((n) => `  ${n}`),
  ].join('\n');
}

function formatValue(t: TargetOutcome): string {
  return formatNumber(t.value, t.unit === 'MB' ? 1 : 0);
}

function ratioLines(runners: readonly RunnerReport[]): string[] {
  const ours = runners.find((r) => r.name === OURS);
  if (!ours) return [];
  return runners
    .filter((r) => r !== ours)
    .map(
      (peer) =>
        `ratios ${OURS}/${peer.name}: QPS ${formatRatio(ours.qps, peer.qps)}, ` +
        `batched ${formatRatio(ours.batchQps, peer.batchQps ?? peer.qps)}${peer.batchQps === null ? ' (vs its single-query)' : ''}, ` +
        `build ${formatRatio(ours.buildRate, peer.buildRate)}, ` +
        `memory ${formatRatio(ours.reportedBytes, peer.reportedBytes)}, ` +
        `p99 ${formatRatio(ours.p99Us, peer.p99Us)}`,
    );
}

/** The closing summary: one row per dataset, one PASS/FAIL column per target. */
export function formatSummary(reports: readonly DatasetReport[]): string {
  if (reports.length === 0) return '';
  const names = evaluateTargets(reports[0]!).map((t) => t.target);
  const rows = reports.map((report) => [
    report.dataset,
    ...evaluateTargets(report).map((t) => t.status),
  ]);
  return ['== summary', formatTable(['dataset', ...names], rows)].join('\n');
}
