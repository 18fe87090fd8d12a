import fs from 'node:fs/promises';
import path from 'node:path';
import { HubError } from '../../src/errors/hub-error.js';
import { decodeCsv, parseCsv, type CsvEncoding, type CsvRow } from './csv-rows.js';

/** `*` any run of characters, `?` one character; matched against the whole file name. */
export function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/**
 * The folder legacy systems drop their exports into: files waiting to be imported (by name, so
 * dated names import in order), each parsed once while it is being imported, and `done/` for the
 * files whose every row was acknowledged.
 */
export class ImportFolder {
  private readonly matcher: RegExp;
  private cached: { file: string; mtimeMs: number; size: number; rows: CsvRow[] } | undefined;

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
      throw new HubError('IMPORT_DIR_UNREADABLE', `cannot read ${this.directory}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { retriable: true, cause: error });
    });
    const names = entries.filter((e) => e.isFile() && this.matcher.test(e.name)).map((e) => e.name).sort();
    const now = Date.now();
    const settled = await Promise.all(names.map(async (name) => ((await fs.stat(path.join(this.directory, name))).mtimeMs <= now - this.minAgeMs ? name : undefined)));
    return settled.filter((name): name is string => name !== undefined);
  }

  async rows(file: string): Promise<CsvRow[]> {
    const full = path.join(this.directory, file);
    const stat = await fs.stat(full);
    if (this.cached?.file === file && this.cached.mtimeMs === stat.mtimeMs && this.cached.size === stat.size) return this.cached.rows;
    const rows = parseCsv(decodeCsv(await fs.readFile(full), this.encoding), this.delimiter);
    this.cached = { file, mtimeMs: stat.mtimeMs, size: stat.size, rows };
    return rows;
  }

  async modifiedAt(file: string): Promise<string> {
    return (await fs.stat(path.join(this.directory, file))).mtime.toISOString();
  }

  async moveToDone(file: string): Promise<void> {
    const done = path.join(this.directory, 'done');
    await fs.mkdir(done, { recursive: true });
    await fs.rename(path.join(this.directory, file), path.join(done, file));
    if (this.cached?.file === file) this.cached = undefined;
  }
}
