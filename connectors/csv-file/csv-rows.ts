import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { bomLength, decodeChunk, type CsvCharset } from './csv-encoding.js';
import { lineAlignedChunks, type LineAlignedChunk } from './line-aligned-chunks.js';

/** One data row: its number (1 = the first row after the header), its cells by header, and why it is malformed, if it is. */
export interface CsvRow {
  row: number;
  /** File line the row ends on (a quoted cell may span lines). */
  line: number;
  cells: Record<string, string>;
  malformed?: string;
  /** Where reading stands once this row is read: resume from here to go on with the next row. */
  after: CsvReadPosition;
}

/**
 * Where reading a file stands: `row` rows read, the last ending on file line `line`, and the byte
 * right after that line. Reading from it goes on with row `row + 1` without re-reading the file.
 */
export interface CsvReadPosition {
  row: number;
  line: number;
  byte: number;
}

export interface CsvReadOptions {
  charset: CsvCharset;
  delimiter: string;
  /** Go on after this position (from a previous read of the same file); the header is read again from the file's start. */
  from?: CsvReadPosition;
  /** Bytes read from disk at a time (the parser gets one decoded chunk at a time, never the whole file). */
  chunkBytes?: number;
  /** Called with each chunk read from disk: how far reading ran ahead of the rows handed out. */
  onChunk?: (chunk: LineAlignedChunk) => void;
}

/**
 * The rows of a CSV file whose first record is the header, streamed: the file is read and decoded
 * a chunk at a time, strictly (invalid bytes fail with their line), and parsed by csv-parse's
 * stream, which is pulled only as fast as rows are taken. A row with too many or too few cells is
 * kept, marked malformed, so that it can be quarantined with its row number instead of stopping
 * the file. Lines must end with LF or CRLF (so that line numbers and byte positions agree).
 */
export async function* readCsvRows(file: string, options: CsvReadOptions): AsyncGenerator<CsvRow> {
  const start = { row: 0, line: 0, byte: await bomLength(file, options.charset) };
  let header: string[] | undefined;
  let body = start;
  for await (const record of readRecords(file, start, options)) {
    header = record.cells;
    body = { row: 0, line: record.line, byte: record.byteAfter };
    break;
  }
  if (!header) return;
  const columns = header;
  const from = options.from ?? body;
  let row = from.row;
  for await (const record of readRecords(file, from, options)) {
    row++;
    const cells: Record<string, string> = {};
    for (let i = 0; i < columns.length && i < record.cells.length; i++) cells[columns[i]!] = record.cells[i]!;
    const malformed = record.cells.length === columns.length ? undefined : `row has ${record.cells.length} cells, the header has ${columns.length}`;
    yield { row, line: record.line, cells, ...(malformed ? { malformed } : {}), after: { row, line: record.line, byte: record.byteAfter } };
  }
}

interface RawRecord {
  cells: string[];
  line: number;
  byteAfter: number;
}

/** Records from a position on: cells, the file line each ends on and the byte after that line. */
async function* readRecords(file: string, from: { line: number; byte: number }, options: CsvReadOptions): AsyncGenerator<RawRecord> {
  const lineEnds = new LineEndOffsets();
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of lineAlignedChunks(file, from.byte, from.line + 1, options.chunkBytes)) {
      options.onChunk?.(chunk);
      lineEnds.add(chunk);
      yield decodeChunk(file, chunk, options.charset);
    }
  }
  // highWaterMark 1: at most one decoded chunk waits for the parser beyond what the parser buffers itself.
  const parser = Readable.from(text(), { highWaterMark: 1 }).pipe(parse({ delimiter: options.delimiter, info: true, skip_empty_lines: true, relax_column_count: true, trim: true }));
  const source = parser as unknown as AsyncIterable<{ record: string[]; info: { lines: number } }>;
  for await (const { record, info } of source) {
    const line = from.line + info.lines;
    yield { cells: record, line, byteAfter: lineEnds.after(line) };
  }
}

/** Byte offsets right after each line read and not yet passed by the parser (bounded by how far reading runs ahead of parsing). */
class LineEndOffsets {
  /** offsets[i] is the byte after line `firstLine + i`. */
  private offsets: number[] = [];
  private firstLine = 1;
  private end = 0;

  add(chunk: LineAlignedChunk): void {
    if (this.offsets.length === 0) this.firstLine = chunk.firstLine;
    for (let at = chunk.bytes.indexOf(0x0a); at !== -1; at = chunk.bytes.indexOf(0x0a, at + 1)) this.offsets.push(chunk.offset + at + 1);
    this.end = chunk.offset + chunk.bytes.length;
  }

  /** The byte after `line` (lines are asked for in order); the end of the file for a last line without a newline. */
  after(line: number): number {
    const index = line - this.firstLine;
    if (index >= this.offsets.length) return this.end;
    const offset = this.offsets[index]!;
    if (index >= 1024) {
      this.offsets = this.offsets.slice(index);
      this.firstLine = line;
    }
    return offset;
  }
}
