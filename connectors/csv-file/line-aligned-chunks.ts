import fs from 'node:fs';
import { HubError } from '../../src/core/hub-error.js';

const NEWLINE = 0x0a;

/** A line longer than this (no newline within it) is refused rather than held in memory whole. */
export const MAX_LINE_BYTES = 16 * 2 ** 20;

/**
 * Bytes of a file that end right after a newline (the last chunk may end without one). The
 * newline byte 0x0A is never part of a multi-byte character in UTF-8 or GB18030, so every chunk
 * decodes on its own, a decoding error is found in a known line, and a row ending on line n
 * ends at a known byte offset.
 */
export interface LineAlignedChunk {
  bytes: Buffer;
  /** Byte offset of `bytes[0]` in the file. */
  offset: number;
  /** File line number (1-based) of the first line in `bytes`. */
  firstLine: number;
}

/** The file from byte `start` (the first line there being `firstLine`), a chunk of about `chunkBytes` at a time. */
export async function* lineAlignedChunks(file: string, start = 0, firstLine = 1, chunkBytes = 64 * 1024): AsyncGenerator<LineAlignedChunk> {
  let carry: Buffer = Buffer.alloc(0);
  let offset = start;
  let line = firstLine;
  for await (const read of fs.createReadStream(file, { start, highWaterMark: chunkBytes })) {
    const data: Buffer = carry.length > 0 ? Buffer.concat([carry, read as Buffer]) : (read as Buffer);
    const cut = data.lastIndexOf(NEWLINE) + 1;
    if (cut === 0) {
      if (data.length > MAX_LINE_BYTES)
        throw new HubError(
          'CSV_LINE_TOO_LONG',
          `${file}:${line}: a line longer than ${MAX_LINE_BYTES / 2 ** 20} MiB (is this a CSV file with line breaks?)`,
        );
      carry = data;
      continue;
    }
    const bytes = data.subarray(0, cut);
    yield { bytes, offset, firstLine: line };
    offset += cut;
    line += countNewlines(bytes);
    carry = data.subarray(cut);
  }
  if (carry.length > 0) yield { bytes: carry, offset, firstLine: line };
}

export function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) count++;
  return count;
}

/** Each line of the chunk (with its newline) and its file line number. */
export function* linesOf(chunk: LineAlignedChunk): Generator<{ line: number; bytes: Buffer }> {
  let from = 0;
  let line = chunk.firstLine;
  while (from < chunk.bytes.length) {
    const end = chunk.bytes.indexOf(NEWLINE, from);
    const to = end === -1 ? chunk.bytes.length : end + 1;
    yield { line, bytes: chunk.bytes.subarray(from, to) };
    from = to;
    line++;
  }
}
