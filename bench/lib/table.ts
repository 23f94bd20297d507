// A plain-text table for the terminal and for pasting into docs (Markdown pipe syntax).

export type Cell = string | number | undefined;

export function fmt(v: Cell, digits = 0): string {
  if (v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '–';
  if (typeof v === 'number') return v.toFixed(digits);
  return v;
}

/** Columns right-aligned when every value in them looks numeric. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-–\d.,%/ ]+$/.test(r[i] ?? '')));
  const cell = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), sep, ...rows.map(line)].join('\n');
}
