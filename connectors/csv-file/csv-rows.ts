import { pipeline, Readable } from 'node:stream';
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
    const malformed =
      record.cells.length === columns.length ? undefined : `row has ${record.cells.length} cells, the header has ${columns.length}`;
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
  const newlines = new NewlineIndex(from, options.charset === 'utf8');
  async function* text(): AsyncGenerator<string> {
    for await (const chunk of lineAlignedChunks(file, from.byte, from.line + 1, options.chunkBytes)) {
      options.onChunk?.(chunk);
      const decoded = decodeChunk(file, chunk, options.charset);
      newlines.add(chunk, decoded);
      yield decoded;
    }
  }
  // Records end at LF or CRLF only: csv-parse's own line count also counts a CR inside a cell, so lines are counted here, from its byte count.
  const parser = parse({
    delimiter: options.delimiter,
    record_delimiter: ['\r\n', '\n'],
    info: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
  });
  // pipeline, not pipe: a read or decoding error must fail the parser (and so this iteration) instead of leaving it waiting.
  pipeline(Readable.from(text(), { highWaterMark: 1 }), parser, () => undefined);
  const source = parser as unknown as AsyncIterable<{ record: string[]; info: { bytes: number } }>;
  for await (const { record, info } of source) {
    const end = newlines.locate(info.bytes);
    yield { cells: record, line: end.line, byteAfter: end.byte };
  }
}

/**
 * The newlines read and not yet passed by the parser (bounded by how far reading runs ahead of
 * parsing): for each, the UTF-8 length of the text through it (csv-parse counts what it parsed in
 * UTF-8 bytes) and the file byte after it. A record ends right after a newline or at the end of
 * the file, so its line and the byte after it are found from csv-parse's count.
 */
class NewlineIndex {
  private textEnds: number[] = [];
  private byteEnds: number[] = [];
  private head = 0;
  /** Lines ended before the newline at index 0. */
  private linesBefore: number;
  private textLength = 0;
  private fileEnd: number;
  private readonly startByte: number;

  /** `sameBytes`: the text of a UTF-8 file is its bytes, so nothing needs measuring. */
  constructor(
    from: { line: number; byte: number },
    private readonly sameBytes: boolean,
  ) {
    this.linesBefore = from.line;
    this.fileEnd = this.startByte = from.byte;
  }

  add(chunk: LineAlignedChunk, text: string): void {
    if (this.sameBytes) {
      for (let at = chunk.bytes.indexOf(0x0a); at !== -1; at = chunk.bytes.indexOf(0x0a, at + 1)) {
        this.byteEnds.push(chunk.offset + at + 1);
        this.textEnds.push(chunk.offset + at + 1 - this.startByte);
      }
    } else {
      // 0x0A is never inside a multi-byte character and decodes to "\n" alone: the n-th newline byte is the n-th "\n".
      let from = 0;
      for (
        let at = chunk.bytes.indexOf(0x0a), char = text.indexOf('\n');
        at !== -1 && char !== -1;
        at = chunk.bytes.indexOf(0x0a, at + 1), char = text.indexOf('\n', char + 1)
      ) {
        this.textLength += Buffer.byteLength(text.slice(from, char + 1));
        this.textEnds.push(this.textLength);
        this.byteEnds.push(chunk.offset + at + 1);
        from = char + 1;
      }
      this.textLength += Buffer.byteLength(text.slice(from));
    }
    this.fileEnd = chunk.offset + chunk.bytes.length;
  }

  /** The line a record ends on and the byte after it, from the UTF-8 length of the text parsed through its end. */
  locate(textBytes: number): { line: number; byte: number } {
    while (this.head < this.textEnds.length && this.textEnds[this.head]! < textBytes) this.head++;
    if (this.head < this.textEnds.length && this.textEnds[this.head] === textBytes) {
      const end = { line: this.linesBefore + this.head + 1, byte: this.byteEnds[this.head]! };
      if (++this.head >= 1024) {
        this.textEnds = this.textEnds.slice(this.head);
        this.byteEnds = this.byteEnds.slice(this.head);
        this.linesBefore += this.head;
        this.head = 0;
      }
      return end;
    }
    // After the last newline: the file's last line, which has none.
    return { line: this.linesBefore + this.textEnds.length + 1, byte: this.fileEnd };
  }
}
