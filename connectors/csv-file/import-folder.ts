import fs from 'node:fs/promises';
import path from 'node:path';
import { HubError } from '../../src/core/hub-error.js';
import { checkCsvEncoding, type CsvCharset, type CsvEncoding } from './csv-encoding.js';
import { readCsvRows, type CsvReadPosition, type CsvRow } from './csv-rows.js';

/** `*` any run of characters, `?` one character; matched against the whole file name. */
export function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Where a reader of one file stands, so that the next poll goes on without reopening it. */
interface OpenFile {
  file: string;
  mtimeMs: number;
  size: number;
  charset: CsvCharset;
  rows: AsyncGenerator<CsvRow>;
  /** After the last row handed out. */
  next: CsvReadPosition;
}

/**
 * The folder legacy systems drop their exports into: files waiting to be imported (by name, so
 * dated names import in order), each streamed a batch at a time from the position the runtime
 * stored (one reader kept open between polls, never the whole file in memory), `done/` for the
 * files whose every row was acknowledged and `refused/` for files in the wrong encoding.
 */
export class ImportFolder {
  private readonly matcher: RegExp;
  private open: OpenFile | undefined;

  constructor(
    readonly directory: string,
    pattern: string,
    private readonly encoding: CsvEncoding,
    private readonly delimiter: string,
    /** A file changed more recently than this may still be being written: it waits for a later poll. */
    private readonly minAgeMs: number,
  ) {
    this.matcher = patternToRegExp(pattern);
  }

  async pending(): Promise<string[]> {
    const entries = await fs.readdir(this.directory, { withFileTypes: true }).catch((error: unknown) => {
      throw new HubError(
        'IMPORT_DIR_UNREADABLE',
        `cannot read ${this.directory}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        { retriable: true, cause: error },
      );
    });
    const names = entries
      .filter((e) => e.isFile() && this.matcher.test(e.name))
      .map((e) => e.name)
      .sort();
    const now = Date.now();
    const settled = await Promise.all(
      names.map(async (name) => ((await fs.stat(path.join(this.directory, name))).mtimeMs <= now - this.minAgeMs ? name : undefined)),
    );
    return settled.filter((name): name is string => name !== undefined);
  }

  /**
   * Up to `count` rows of `file` after `from` (from its first row without one); none at its end.
   * The first read of a file checks its every byte against the encoding (CsvEncodingError).
   */
  async read(file: string, from: Partial<CsvReadPosition> | undefined, count: number): Promise<CsvRow[]> {
    const full = path.join(this.directory, file);
    const stat = await fs.stat(full);
    const open = this.open;
    const same = open?.file === file && open.mtimeMs === stat.mtimeMs && open.size === stat.size;
    if (!same || open.next.row !== (from?.row ?? 0) || (from?.byte !== undefined && open.next.byte !== from.byte)) {
      await this.close();
      const charset = same ? open.charset : await checkCsvEncoding(full, this.encoding);
      // A position stored before positions had a byte offset ({file, row}): the rows before it are read again, not sent.
      const resumable =
        from?.byte !== undefined && from.line !== undefined && from.row !== undefined
          ? { from: { row: from.row, line: from.line, byte: from.byte } }
          : {};
      const rows = readCsvRows(full, { charset, delimiter: this.delimiter, ...resumable });
      this.open = { file, mtimeMs: stat.mtimeMs, size: stat.size, charset, rows, next: { row: 0, line: 0, byte: 0 } };
      if (!('from' in resumable)) {
        for (let skipped = 0; skipped < (from?.row ?? 0); skipped++) if ((await rows.next()).done) break;
      }
      this.open.next = { row: from?.row ?? 0, line: from?.line ?? 0, byte: from?.byte ?? 0 };
    }
    const reader = this.open!;
    const batch: CsvRow[] = [];
    while (batch.length < count) {
      const next = await reader.rows.next();
      if (next.done) break;
      batch.push(next.value);
    }
    if (batch.length > 0) reader.next = batch[batch.length - 1]!.after;
    return batch;
  }

  async size(file: string): Promise<number> {
    return (await fs.stat(path.join(this.directory, file))).size;
  }

  async modifiedAt(file: string): Promise<string> {
    return (await fs.stat(path.join(this.directory, file))).mtime.toISOString();
  }

  async moveToDone(file: string): Promise<void> {
    await this.moveTo('done', file);
  }

  /** A file that is not text in the declared encoding: kept, beside a note of why, out of the way of the files after it. */
  async moveToRefused(file: string, reason: string): Promise<string> {
    const moved = await this.moveTo('refused', file);
    await fs.writeFile(`${moved}.reason.txt`, `${reason}\n`);
    return moved;
  }

  private async moveTo(folder: string, file: string): Promise<string> {
    if (this.open?.file === file) await this.close();
    const target = path.join(this.directory, folder);
    await fs.mkdir(target, { recursive: true });
    await fs.rename(path.join(this.directory, file), path.join(target, file));
    return path.join(target, file);
  }

  private async close(): Promise<void> {
    await this.open?.rows.return(undefined);
    this.open = undefined;
  }
}
