import cliProgress from 'cli-progress';

/** What the bar shows after each batch: how far into the file (bytes), and rows of this run. */
export interface ImportCounts {
  bytes: number;
  rows: number;
  quarantined: number;
}

/**
 * Progress of `crm-hub import` on stderr (cli-progress): a bar of bytes read of the file (so no
 * pass to count rows first) redrawn in place when stderr is a TTY, else a plain line every
 * `plainEveryMs`; `finish()` prints one summary line either way.
 */
export class ImportProgressBar {
  private readonly bar: cliProgress.SingleBar;
  private readonly startedAt = Date.now();
  private counts: ImportCounts = { bytes: 0, rows: 0, quarantined: 0 };

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    plainEveryMs = 1000,
  ) {
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {rows} rows | {rate} rows/s | {quarantined} quarantined`,
        barsize: 30,
        hideCursor: true,
        noTTYOutput: true,
        notTTYSchedule: plainEveryMs,
        fps: 10,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  /** `fileBytes`: the file's size; `fromBytes`: where a resumed import starts. */
  start(fileBytes: number, fromBytes = 0): void {
    this.counts = { bytes: fromBytes, rows: 0, quarantined: 0 };
    this.bar.start(Math.max(fileBytes, 1), fromBytes, { rows: 0, rate: 0, quarantined: 0 });
  }

  update(counts: ImportCounts): void {
    this.counts = counts;
    this.bar.update(counts.bytes, { rows: counts.rows, rate: this.rowsPerSecond(), quarantined: counts.quarantined });
  }

  /** Stops the bar and prints the summary line, e.g. `customers.csv: 20000 rows, 19950 written, 50 quarantined, 4210 rows/s, 4.8 s`. */
  finish(outcome = ''): void {
    const { bytes, rows, quarantined } = this.counts;
    this.bar.update(bytes, { rows, rate: this.rowsPerSecond(), quarantined });
    this.bar.stop();
    const seconds = (Date.now() - this.startedAt) / 1000;
    this.stream.write(
      `${this.label}: ${rows} rows, ${rows - quarantined} written, ${quarantined} quarantined, ${this.rowsPerSecond()} rows/s, ${seconds.toFixed(1)} s${outcome ? ` ${outcome}` : ''}\n`,
    );
  }

  private rowsPerSecond(): number {
    return Math.round(this.counts.rows / Math.max((Date.now() - this.startedAt) / 1000, 0.001));
  }
}
