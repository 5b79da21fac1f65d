/**
 * Lays out rows as a plain-text table: a header row, a rule, then the rows; every column
 * as wide as its widest cell, text left-aligned and numbers (cells starting with a digit,
 * a sign or `≥`/`≤`) right-aligned.
 *
 * @example
 * formatTable(['lib', 'QPS'], [['usearch', '12 000']]);
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((h, c) =>
    Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)),
  );
  const numeric = (cell: string) => /^([-+≥≤]?\s?[0-9]|—)/.test(cell);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (numeric(cell) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A number with thin grouping (`12 345`), `digits` decimals; `—` for NaN or null. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const fixed = value.toFixed(digits);
  const [whole, fraction] = fixed.split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** A ratio `a / b` with two decimals; `—` when either is missing. */
export function formatRatio(a: number | null | undefined, b: number | null | undefined): string {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '—';
  return (a / b).toFixed(2);
}
