import type { Logger } from '../../src/platform/observability/logger.js';
import type { CsvReadPosition } from './csv-rows.js';

/** Rows done of the file being imported, how far into it (bytes) and the rate, logged per batch: what a progress bar would show. */
export class ImportProgress {
  private file: string | undefined;
  private startedAt = 0;
  private startRow = 0;

  constructor(
    private readonly logger: Logger,
    private readonly instance: string,
  ) {}

  /** `pollStartedAt`: when the poll that read these rows began (so the file's first batch has a rate too). */
  batch(
    file: string,
    fromRow: number,
    after: CsvReadPosition,
    fileBytes: number,
    quarantined: number,
    pollStartedAt: number,
  ): { rowsPerSecond: number } {
    if (file !== this.file) {
      this.file = file;
      this.startedAt = pollStartedAt;
      this.startRow = fromRow;
    }
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    const rowsPerSecond = Math.round((after.row - this.startRow) / seconds);
    const percent = fileBytes === 0 ? 100 : Math.floor((after.byte / fileBytes) * 100);
    this.logger.info(
      `csv-file ${this.instance}: ${file} ${after.row} rows (${percent}% of ${fileBytes} bytes, line ${after.line}), ${rowsPerSecond} rows/s, ${quarantined} quarantined in this batch`,
    );
    return { rowsPerSecond };
  }

  refused(file: string, reason: string): void {
    this.logger.error(`csv-file ${this.instance}: ${file} refused, moved to refused/ (nothing of it sent): ${reason}`);
    if (file === this.file) this.file = undefined;
  }

  finished(file: string, rows: number): void {
    this.logger.info(`csv-file ${this.instance}: ${file} imported (${rows} rows), moved to done/`);
    if (file === this.file) this.file = undefined;
  }
}
