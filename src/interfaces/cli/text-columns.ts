/**
 * Rows of cells as lines whose columns line up, each as wide as its widest cell (so a long topic
 * name widens its column instead of pushing the rest of its line out of step). The last column is
 * not padded, so no line ends in spaces.
 */
export function alignColumns(rows: readonly (readonly string[])[], gap = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join(gap));
}
