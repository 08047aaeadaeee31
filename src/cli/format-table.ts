/** A column of a plain-text table; numbers read best right-aligned. */
export interface Column {
  title: string;
  align?: 'left' | 'right';
}

/** Aligned columns separated by two spaces, header first, no trailing blanks. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return c.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...rows.map(line)].join('\n');
}

/** `$1.2345`, `$0.0003`, `$0.000045` (small amounts keep their digits, not trailing zeros), or `-` when no call had a price. */
export function formatUsd(usd: number | undefined): string {
  if (usd === undefined) return '-';
  return `$${usd === 0 || usd >= 0.01 ? usd.toFixed(4) : usd.toFixed(6).replace(/(\.\d{4}\d*?)0+$/, '$1')}`;
}

/** The date part of an ISO timestamp (`2026-11-01`), `-` when absent. */
export function formatDate(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '-';
}
