import type { Logger } from '../../src/observability/logger.js';

/** Rows done of the file being imported and the rate, logged per batch: what a progress bar would show. */
export class ImportProgress {
  private file: string | undefined;
  private startedAt = 0;
  private startRow = 0;

  constructor(private readonly logger: Logger, private readonly instance: string) {}

  /** `pollStartedAt`: when the poll that read these rows began (so the file's first batch has a rate too). */
  batch(file: string, fromRow: number, toRow: number, totalRows: number, quarantined: number, pollStartedAt: number): { rowsPerSecond: number } {
    if (file !== this.file) {
      this.file = file;
      this.startedAt = pollStartedAt;
      this.startRow = fromRow;
    }
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    const rowsPerSecond = Math.round((toRow - this.startRow) / seconds);
    const percent = totalRows === 0 ? 100 : Math.floor((toRow / totalRows) * 100);
    this.logger.info(`csv-file ${this.instance}: ${file} ${toRow}/${totalRows} rows (${percent}%), ${rowsPerSecond} rows/s, ${quarantined} quarantined in this batch`);
    return { rowsPerSecond };
  }

  finished(file: string, totalRows: number): void {
    this.logger.info(`csv-file ${this.instance}: ${file} imported (${totalRows} rows), moved to done/`);
    if (file === this.file) this.file = undefined;
  }
}
