import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';

export type CsvEncoding = 'utf8' | 'gbk';

/** One data row: its number (1 = the first row after the header), its cells by header, and why it is malformed, if it is. */
export interface CsvRow {
  row: number;
  line: number;
  cells: Record<string, string>;
  malformed?: string;
}

/** The file's text: GBK (exports of legacy Chinese systems) or UTF-8, a byte-order mark dropped. */
export function decodeCsv(bytes: Buffer, encoding: CsvEncoding): string {
  const text = encoding === 'gbk' ? iconv.decode(bytes, 'gbk') : bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Parses CSV text whose first line is the header. A row with too many or too few cells is kept,
 * marked malformed, so that it can be quarantined with its row number instead of stopping the file.
 */
export function parseCsv(text: string, delimiter = ','): CsvRow[] {
  const records = parse(text, { delimiter, columns: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: true, bom: true }) as {
    record: Record<string, string>;
    // `error` is set on a row whose cell count differs from the header's (kept thanks to relax_column_count).
    info: { lines: number; columns: unknown[] | false; error?: { record?: unknown[] } };
  }[];
  const headerWidth = (records[0]?.info.columns || []).length;
  return records.map(({ record, info }, index) => {
    const malformed = info.error ? `row has ${info.error.record?.length ?? '?'} cells, the header has ${headerWidth}` : undefined;
    return { row: index + 1, line: info.lines, cells: record, ...(malformed ? { malformed } : {}) };
  });
}
