import fs from 'node:fs/promises';
import type { CsvCharset } from '../../../connectors/csv-file/csv-encoding.js';
import type { CsvReadPosition } from '../../../connectors/csv-file/csv-rows.js';
import { ConfigError } from '../../core/hub-error.js';

/** What `crm-hub import` keeps beside the file while it runs: how far Kafka acknowledged, and of which file. */
export interface ImportPosition {
  /** The file as it was when the import began: a resume into a changed file is refused. */
  size: number;
  mtimeMs: number;
  topic: string;
  charset: CsvCharset;
  /** After the last row whose batch (records and dead letters) the broker acknowledged. */
  acknowledged: CsvReadPosition;
  written: number;
  quarantined: number;
}

/**
 * The `<file>.import-position` sidecar: written (atomically, by rename) after each acknowledged
 * batch, deleted when the import completes. Its presence means an import was interrupted.
 */
export class ImportPositionFile {
  constructor(readonly path: string) {}

  async read(): Promise<ImportPosition | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ConfigError(
        'IMPORT_POSITION_UNREADABLE',
        `cannot read ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        { cause: error },
      );
    }
    try {
      const position = JSON.parse(text) as ImportPosition;
      if (!Number.isSafeInteger(position.acknowledged?.byte) || !Number.isSafeInteger(position.acknowledged?.row))
        throw new TypeError('no acknowledged position');
      return position;
    } catch (error) {
      throw new ConfigError(
        'IMPORT_POSITION_INVALID',
        `${this.path} is not an import position (${error instanceof Error ? error.message : String(error)}): delete it or pass --restart`,
        { cause: error },
      );
    }
  }

  async write(position: ImportPosition): Promise<void> {
    const temporary = `${this.path}.tmp`;
    try {
      await fs.writeFile(temporary, JSON.stringify(position));
      await fs.rename(temporary, this.path);
    } catch (error) {
      throw new ConfigError(
        'IMPORT_POSITION_UNWRITABLE',
        `cannot write the import position ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)} (choose another place with --position-file)`,
        { cause: error },
      );
    }
  }

  async remove(): Promise<void> {
    await fs.rm(this.path, { force: true });
  }
}
