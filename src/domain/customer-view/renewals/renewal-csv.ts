import { stringify } from 'csv-stringify/sync';
import type { RenewalRow } from './renewal-row.js';

/** The columns of the renewal CSV, in order; the header row repeats them. */
export const RENEWAL_CSV_COLUMNS = [
  'policyNumber',
  'productLine',
  'productName',
  'expiryDate',
  'daysToExpiry',
  'premium',
  'currency',
  'goldenId',
  'holderName',
  'mobile',
  'email',
  'valueSegment',
  'agentCode',
] as const satisfies readonly (keyof RenewalRow)[];

export interface RenewalCsvOptions {
  /** Start with a UTF-8 byte order mark, without which Excel reads Chinese names as mojibake. */
  bom?: boolean;
}

/**
 * The renewal list as CSV (RFC 4180: CRLF line ends, fields with commas, quotes or line breaks
 * quoted), header row first. The file is opened by people in spreadsheets, and names and e-mail
 * addresses come from outside: a text cell starting with = + - @ (or tab, CR, or their full-width
 * forms) would run as a formula, so csv-stringify prefixes it with a single quote. Missing values
 * are empty cells.
 */
export function renewalCsv(rows: readonly RenewalRow[], options: RenewalCsvOptions = {}): string {
  return stringify(
    rows.map((row) => RENEWAL_CSV_COLUMNS.map((column) => row[column])),
    {
      header: true,
      columns: [...RENEWAL_CSV_COLUMNS],
      bom: options.bom ?? false,
      record_delimiter: 'windows',
      quote_record_delimiter: true,
      escape_formulas: true,
    },
  );
}
