/**
 * Lines of a plain-text table: the first row is the header, columns are padded to their
 * widest cell, two spaces apart, and each line is indented by two.
 */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((row) =>
    `  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd(),
  );
}

/** An ISO time as a table shows it, to the second: `2025-06-01 12:00:00Z`; `-` for none. */
export function shortTime(iso: string | null): string {
  return iso === null ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
