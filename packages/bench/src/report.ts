import type { DatasetReport, RunnerReport } from './compare-dataset.js';
import { formatNumber, formatRatio, formatTable } from './format-table.js';
import { medianPairedRatio } from './stats.js';
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
      `${[...new Set(r.choices.map((c) => c.ef))].join('/')}${r.choices.every((c) => c.reached) ? '' : '*'}`,
      Math.min(...r.choices.map((c) => c.recall)).toFixed(3),
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
      `${formatValue(t.value, t.unit)} ${t.unit}`,
      `${t.unit === 'MB' ? '≤' : '≥'} ${formatValue(t.threshold, t.unit)} ${t.unit}`,
      t.status,
    ]),
  );
  const notes = [
    'QPS: one query at a time, awaited; batched: usearch one 2-thread call per batch, needle concurrent search() promises.',
    "QPS ratios: median over rounds of the two libraries' ratio within a round (they take turns in each); the QPS column is each one's median round.",
    'reported: usearch/hnswlib serialised index size, needle stats().indexDataBytes (graph + vectors in use; stats().indexMemoryBytes adds the allocator reserve); rss Δ: resident-set growth while adding (noisy).',
  ];
  const builds = Math.max(...report.runners.map((r) => r.builds));
  if (builds > 1)
    notes.push(
      `build vec/s: median of ${builds} builds (the dataset builds fast; one sample is mostly noise).`,
    );
  if (report.sharedEf.length > 0)
    notes.push(
      `ef: ${report.sharedEf.map((g) => g.join(' and ')).join('; ')} search at one ef per build, the larger of their smallest reaching the target (the same HNSW code; which step a build lands on is luck of its graph).`,
    );
  if (report.timedBuilds > 1)
    notes.push(
      `QPS and latency: rounds spread over ${report.timedBuilds} builds of each library (graphs differ from build to build), each at its own smallest ef reaching the target (ef a/b); recall@10 is the lowest of them.`,
    );
  if (report.runners.some((r) => r.choices.some((c) => !c.reached)))
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

function formatValue(value: number, unit: TargetOutcome['unit']): string {
  return formatNumber(value, unit === 'MB' ? 1 : unit === '×' ? 2 : 0);
}

function ratioLines(runners: readonly RunnerReport[]): string[] {
  const ours = runners.find((r) => r.name === OURS);
  if (!ours) return [];
  return runners
    .filter((r) => r !== ours)
    .map(
      (peer) =>
        `ratios ${OURS}/${peer.name}: QPS ${formatNumber(medianPairedRatio(ours.roundQps, peer.roundQps), 2)}, ` +
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
