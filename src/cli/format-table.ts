import { plainPaint } from '../util/paint.js';
import type { Paint } from '../util/paint.js';

/** A column of a plain-text table; numbers read best right-aligned. */
export interface Column {
  title: string;
  align?: 'left' | 'right';
  /** Colours a cell, given its padded and its raw text: applied after padding, so columns stay aligned. */
  tint?: (padded: string, raw: string, paint: Paint) => string;
}

/** Aligned columns separated by two spaces, header first (bold on a terminal), no trailing blanks. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[], paint: Paint = plainPaint): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], header: boolean): string => {
    const padded = columns.map((c, i) => {
      const cell = cells[i] ?? '';
      const width = widths[i] ?? 0;
      // The last cell is not padded on the right: no trailing blanks, coloured or not.
      const text = c.align === 'right' ? cell.padStart(width) : i === columns.length - 1 ? cell : cell.padEnd(width);
      if (header) return text.trim() === '' ? text : paint.bold(text);
      return c.tint && cell !== '' ? c.tint(text, cell, paint) : text;
    });
    return padded.join('  ').trimEnd();
  };
  return [
    line(
      columns.map((c) => c.title),
      true,
    ),
    ...rows.map((r) => line(r, false)),
  ].join('\n');
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
