import { describeError } from '../../core/hub-error.js';
import type { HubProducer, ProducedPosition } from '../../platform/kafka/kafka-client.js';
import type { Logger } from '../../platform/observability/logger.js';
import { maskPersonalPatterns } from '../../platform/observability/pii-masking.js';
import type { LatestAttempt } from './latest-attempt.js';
import type { ReplayJournal } from './replay-journal.js';
import { replayHeaders } from './replay-headers.js';
import type { ReplayRecord } from './replay-record.js';

export interface ReplayJobOptions {
  /** Records per produce request. */
  batchSize: number;
  /** How often progress is written to the journal while the job runs. */
  persistEveryMs: number;
}

/** How a job learns what became of what it sent. */
export interface ReplayOutcome {
  /** Resolves once the consumers of the target topics processed what was sent; answers what they had not when it gave up. */
  processed(sent: readonly ProducedPosition[], stopping: () => boolean): Promise<string[]>;
  /** How many of these dead letters have, as their latest attempt, a failure of a record this replay sent. */
  failedAgain(replayId: string, identities: ReadonlySet<string>): Promise<number>;
}

const MAX_ERRORS = 10;

/**
 * Sends a fixed selection of dead letters back: each once (its latest attempt), oldest first, in
 * batches, with its original key, bytes and headers. The selection is taken before the first record
 * is sent, and a record that fails again is recorded as the next attempt of the same dead letter, so
 * a replay never picks up its own re-failures. Once everything is sent the job waits for the
 * consumers of the target topics to process it, then counts how many failed again.
 */
export class ReplayJob {
  private stopping = false;
  private lastPersist = 0;
  readonly finished: Promise<void>;

  constructor(
    private readonly record: ReplayRecord,
    private readonly selection: readonly LatestAttempt[],
    private readonly producer: HubProducer,
    private readonly journal: ReplayJournal,
    private readonly logger: Logger,
    private readonly options: ReplayJobOptions,
    private readonly outcome: ReplayOutcome,
  ) {
    this.finished = this.run();
  }

  get id(): string {
    return this.record.id;
  }

  /** The job stops after the batch in flight; what was sent stays sent, so a re-run replays the rest and some twice (at least once). */
  stop(): Promise<void> {
    this.stopping = true;
    return this.finished;
  }

  private async run(): Promise<void> {
    try {
      const sent = await this.replayAll();
      if (!this.stopping) await this.awaitOutcome(sent);
    } catch (error) {
      this.note(`stopped by an unexpected error: ${describeError(error).message}`);
    }
    const counts = this.record.counts;
    const skipped = counts.total - counts.done - counts.failed;
    this.record.state = skipped > 0 || counts.failed > 0 || counts.failedAgain > 0 ? 'failed' : 'done';
    this.record.finishedAt = new Date().toISOString();
    await this.persist();
    this.logger.info(
      `dead-letter replay ${this.record.id} by ${this.record.who} ${this.record.state}: ${counts.done}/${counts.total} replayed, ${counts.failed} failed, ${counts.failedAgain} failed again${skipped > 0 ? `, ${skipped} not reached` : ''}`,
    );
  }

  private async awaitOutcome(sent: readonly ProducedPosition[]): Promise<void> {
    await this.persist();
    const unprocessed = await this.outcome.processed(sent, () => this.stopping);
    if (unprocessed.length > 0)
      this.note(
        `not all processed yet when the job stopped waiting, so failedAgain may be low: ${unprocessed.slice(0, 3).join('; ')}${unprocessed.length > 3 ? ` and ${unprocessed.length - 3} more` : ''}`,
      );
    this.record.counts.failedAgain = await this.outcome.failedAgain(
      this.record.id,
      new Set(this.selection.map((deadLetter) => deadLetter.identity)),
    );
  }

  /** Sends the selection; answers where the records went. */
  private async replayAll(): Promise<ProducedPosition[]> {
    const counts = this.record.counts;
    const sent: ProducedPosition[] = [];
    for (const { target, entries } of batches(this.selection, this.record.target, this.options.batchSize)) {
      if (this.stopping) {
        this.note('interrupted: the hub stopped during this replay; re-run it to replay the rest (some may be replayed twice)');
        break;
      }
      if (target === null) {
        counts.failed += entries.length;
        this.note(`${entries[0]!.id} and others have no dlq-original-topic header: replay them to a chosen topic`);
      } else {
        try {
          sent.push(
            ...(await this.producer.send(
              target,
              entries.map((entry) => ({
                key: entry.key,
                value: entry.value,
                headers: replayHeaders(entry.headers, entry, this.record.id, target),
              })),
            )),
          );
          counts.done += entries.length;
          this.record.targets[target] = (this.record.targets[target] ?? 0) + entries.length;
        } catch (error) {
          counts.failed += entries.length;
          this.note(`${target}: ${describeError(error).message}`);
        }
      }
      if (Date.now() - this.lastPersist >= this.options.persistEveryMs) await this.persist();
    }
    return sent;
  }

  private note(error: string): void {
    const masked = maskPersonalPatterns(error).slice(0, 500);
    if (this.record.errors.length < MAX_ERRORS && !this.record.errors.includes(masked)) this.record.errors.push(masked);
  }

  private async persist(): Promise<void> {
    this.lastPersist = Date.now();
    // Progress lost to a broker hiccup is written with the next batch; the job goes on either way.
    await this.journal
      .put(this.record)
      .catch((error: unknown) => this.logger.warn(`dead-letter replay ${this.record.id}: ${describeError(error).message}`));
  }
}

/** Consecutive dead letters going to the same topic, at most `size` at a time. */
function* batches(
  selection: readonly LatestAttempt[],
  chosen: string | null,
  size: number,
): Generator<{ target: string | null; entries: LatestAttempt[] }> {
  let current: { target: string | null; entries: LatestAttempt[] } | undefined;
  for (const entry of selection) {
    const target = chosen ?? entry.reason.originalTopic;
    if (current && (current.target !== target || current.entries.length >= size)) {
      yield current;
      current = undefined;
    }
    current ??= { target, entries: [] };
    current.entries.push(entry);
  }
  if (current) yield current;
}
