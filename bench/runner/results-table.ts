import { ratioOf, type Figure } from './benchmark.js';

export interface TableRow {
  benchmark: string;
  figure: Figure;
}

/** The figures as a plain-text table: name, figure, unit, baseline, ratio. */
export function formatResultsTable(rows: readonly TableRow[]): string {
  const header = ['name', 'figure', 'unit', 'baseline', 'ratio'];
  const cells = rows.map(({ figure }) => {
    const ratio = ratioOf(figure);
    return [
      figure.name,
      formatNumber(figure.value),
      figure.unit,
      figure.baseline ? `${formatNumber(figure.baseline.value)} ${figure.baseline.unit} (${figure.baseline.name})` : '',
      ratio === undefined ? '' : ratio.toFixed(2),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => (row[column] as string).length)));
  // Numbers read best right-aligned; text left-aligned.
  const numeric = [false, true, false, false, true];
  const line = (row: string[]) =>
    row
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(line)].join('\n');
}

/** Three significant digits at most below 100, whole numbers with thousands separators above. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude === 0) return '0';
  return Number(value.toPrecision(3)).toString();
}
