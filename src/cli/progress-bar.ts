import cliProgress from 'cli-progress';

/** What the bar shows after each batch. */
export interface ImportCounts {
  done: number;
  total: number;
  quarantined: number;
}

/**
 * Progress of `crm-hub import` on stderr (cli-progress): a bar redrawn in place when stderr is a
 * TTY, else a plain line every `plainEveryMs`; `finish()` prints one summary line either way.
 */
export class ImportProgressBar {
  private readonly bar: cliProgress.SingleBar;
  private readonly startedAt = Date.now();
  private counts: ImportCounts = { done: 0, total: 0, quarantined: 0 };

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    plainEveryMs = 1000,
  ) {
    this.bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {value}/{total} rows {percentage}% | {rate} rows/s | {quarantined} quarantined`,
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

  start(total: number): void {
    this.counts = { done: 0, total, quarantined: 0 };
    this.bar.start(total, 0, { rate: 0, quarantined: 0 });
  }

  update(done: number, quarantined: number): void {
    this.counts = { ...this.counts, done, quarantined };
    this.bar.update(done, { rate: this.rowsPerSecond(), quarantined });
  }

  /** Stops the bar and prints the summary line, e.g. `customers.csv: 20000/20000 rows, 19950 written, 50 quarantined, 4210 rows/s, 4.8 s`. */
  finish(outcome = ''): void {
    this.bar.update(this.counts.done, { rate: this.rowsPerSecond(), quarantined: this.counts.quarantined });
    this.bar.stop();
    const { done, total, quarantined } = this.counts;
    const seconds = (Date.now() - this.startedAt) / 1000;
    this.stream.write(`${this.label}: ${done}/${total} rows, ${done - quarantined} written, ${quarantined} quarantined, ${this.rowsPerSecond()} rows/s, ${seconds.toFixed(1)} s${outcome ? ` ${outcome}` : ''}\n`);
  }

  private rowsPerSecond(): number {
    return Math.round(this.counts.done / Math.max((Date.now() - this.startedAt) / 1000, 0.001));
  }
}
