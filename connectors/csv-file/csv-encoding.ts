import { isAscii, isUtf8 } from 'node:buffer';
import fs from 'node:fs/promises';
import { HubError } from '../../src/core/hub-error.js';
import { lineAlignedChunks, linesOf, type LineAlignedChunk } from './line-aligned-chunks.js';

/** What a file is declared to be. `gbk` is read as GB18030, its superset (as browsers read gbk); `auto` is decided from the file. */
export const CSV_ENCODINGS = ['utf8', 'gbk', 'gb18030', 'auto'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** What a file is actually read as. */
export type CsvCharset = 'utf8' | 'gb18030';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CHARSET_NAME: Record<CsvCharset, string> = { utf8: 'UTF-8', gb18030: 'GBK/GB18030' };

/** Bytes that are not text in the declared encoding: the file is refused, naming the line, before any row of it is sent. */
export class CsvEncodingError extends HubError {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super('CSV_ENCODING_INVALID', message);
  }
}

/**
 * Strict decoders (`fatal`): an invalid byte is an error, never a silent U+FFFD or mojibake.
 * `ignoreBOM`: a chunk may start mid-file, so the byte-order mark is skipped by offset instead.
 */
const decoders: Record<CsvCharset, TextDecoder> = {
  utf8: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }),
  gb18030: new TextDecoder('gb18030', { fatal: true }),
};

/** The chunk's text; its first invalid line, with a hint, when it is not text in `charset`. */
export function decodeChunk(file: string, chunk: LineAlignedChunk, charset: CsvCharset): string {
  try {
    return decoders[charset].decode(chunk.bytes);
  } catch {
    const line = firstInvalidLine(chunk, charset);
    throw new CsvEncodingError(file, line, `${file}:${line}: not valid ${CHARSET_NAME[charset]} (the file changed while it was imported?)`);
  }
}

/** Bytes to skip at the start of the file: the UTF-8 byte-order mark. */
export async function bomLength(file: string, charset: CsvCharset): Promise<number> {
  if (charset !== 'utf8') return 0;
  const handle = await fs.open(file, 'r');
  try {
    const head = Buffer.alloc(3);
    const { bytesRead } = await handle.read(head, 0, 3, 0);
    return bytesRead === 3 && head.equals(UTF8_BOM) ? 3 : 0;
  } finally {
    await handle.close();
  }
}

/**
 * Reads the whole file once (a chunk at a time) and tells what to read it as, or refuses it with
 * the line and a hint before a single row is sent:
 * - `utf8`: every byte must be UTF-8; a GBK file is refused, naming its first non-UTF-8 line.
 * - `gbk` / `gb18030`: every byte must be GB18030; and a file that starts with a UTF-8 byte-order
 *   mark, or that is valid UTF-8 with non-ASCII text, is refused too: read as GBK it would decode
 *   "validly" to mojibake (寮犱笁 for 张三), whereas GBK Chinese text is practically never valid UTF-8.
 * - `auto`: a UTF-8 byte-order mark or a file that is valid UTF-8 throughout → UTF-8; else a file
 *   that is valid GB18030 throughout → GB18030; else refused, naming the first bad line of each.
 */
export async function checkCsvEncoding(file: string, declared: CsvEncoding): Promise<CsvCharset> {
  let utf8BadLine: number | undefined;
  let gb18030BadLine: number | undefined;
  let firstNonAsciiLine: number | undefined;
  let bom: 'utf8' | 'utf16' | undefined;
  for await (const chunk of lineAlignedChunks(file)) {
    if (chunk.offset === 0)
      bom = chunk.bytes.subarray(0, 3).equals(UTF8_BOM)
        ? 'utf8'
        : /^(\xff\xfe|\xfe\xff)/.test(chunk.bytes.subarray(0, 2).toString('latin1'))
          ? 'utf16'
          : undefined;
    // ASCII reads the same in both.
    if (isAscii(chunk.bytes)) continue;
    firstNonAsciiLine ??= firstNonAsciiLineOf(chunk);
    if (utf8BadLine === undefined && !isUtf8(chunk.bytes)) utf8BadLine = firstInvalidLine(chunk, 'utf8');
    // Declared utf8, GB18030 only matters for the hint once UTF-8 failed.
    const gb18030Matters = declared !== 'utf8' || utf8BadLine !== undefined;
    if (gb18030Matters && gb18030BadLine === undefined && !isGb18030(chunk.bytes)) gb18030BadLine = firstInvalidLine(chunk, 'gb18030');
    if (utf8BadLine !== undefined && gb18030BadLine !== undefined) break;
  }
  const refuse = (line: number, why: string) => new CsvEncodingError(file, line, `${file}:${line}: ${why}`);
  const utf16 = 'the file starts with a UTF-16 byte-order mark: UTF-16 is not read, save the file as UTF-8';
  const gbVerdict =
    gb18030BadLine === undefined
      ? 'the file reads as GBK/GB18030 from there on: declare encoding gbk (or auto)'
      : `nor is it GBK/GB18030 (line ${gb18030BadLine} is not)`;
  switch (declared) {
    case 'utf8':
      if (utf8BadLine === undefined) return 'utf8';
      throw refuse(utf8BadLine, `not valid UTF-8 (declared encoding utf8); ${bom === 'utf16' ? utf16 : gbVerdict}`);
    case 'gbk':
    case 'gb18030':
      if (bom === 'utf8')
        throw refuse(
          1,
          `the file starts with a UTF-8 byte-order mark, yet encoding ${declared} was declared: declare encoding utf8 (or auto)`,
        );
      if (gb18030BadLine !== undefined)
        throw refuse(
          gb18030BadLine,
          `not valid GBK/GB18030 (declared encoding ${declared}); ${bom === 'utf16' ? utf16 : utf8BadLine === undefined ? 'the file reads as UTF-8 throughout: declare encoding utf8 (or auto)' : `nor is it UTF-8 (line ${utf8BadLine} is not)`}`,
        );
      if (utf8BadLine === undefined && firstNonAsciiLine !== undefined) {
        throw refuse(
          firstNonAsciiLine,
          `the file is UTF-8 (its non-ASCII text from this line on is valid UTF-8 throughout), yet encoding ${declared} was declared: read as GBK it would be mojibake: declare encoding utf8 (or auto)`,
        );
      }
      return 'gb18030';
    case 'auto':
      if (bom === 'utf16') throw refuse(1, utf16);
      if (utf8BadLine === undefined) return 'utf8';
      if (bom === 'utf8') throw refuse(utf8BadLine, 'not valid UTF-8, though the file starts with a UTF-8 byte-order mark');
      if (gb18030BadLine === undefined) return 'gb18030';
      throw refuse(
        Math.max(utf8BadLine, gb18030BadLine),
        `neither UTF-8 (line ${utf8BadLine} is not) nor GBK/GB18030 (line ${gb18030BadLine} is not): save the file as UTF-8`,
      );
  }
}

function isGb18030(bytes: Buffer): boolean {
  try {
    decoders.gb18030.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function firstInvalidLine(chunk: LineAlignedChunk, charset: CsvCharset): number {
  for (const { line, bytes } of linesOf(chunk)) {
    if (!(charset === 'utf8' ? isUtf8(bytes) : isGb18030(bytes))) return line;
  }
  return chunk.firstLine;
}

function firstNonAsciiLineOf(chunk: LineAlignedChunk): number {
  for (const { line, bytes } of linesOf(chunk)) if (!isAscii(bytes)) return line;
  return chunk.firstLine;
}
