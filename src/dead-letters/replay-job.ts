import { describeError } from '../errors/hub-error.js';
import type { HubProducer } from '../kafka/kafka-client.js';
import type { Logger } from '../observability/logger.js';
import { maskPersonalPatterns } from '../observability/pii-masking.js';
import type { DeadLetterEntry } from './dead-letter-entry.js';
import type { ReplayJournal } from './replay-journal.js';
import { replayHeaders } from './replay-headers.js';
import type { ReplayRecord } from './replay-record.js';

export interface ReplayJobOptions {
  /** Records per produce request. */
  batchSize: number;
  /** How often progress is written to the journal while the job runs. */
  persistEveryMs: number;
}

const MAX_ERRORS = 10;

/**
 * Sends a fixed selection of dead letters back: each once, oldest first, in batches, with its
 * original key, bytes and headers. The selection is taken before the first record is sent, so a
 * record that fails again becomes a new dead letter outside this job instead of a loop.
 */
export class ReplayJob {
  private stopping = false;
  private lastPersist = 0;
  readonly finished: Promise<void>;

  constructor(
    private readonly record: ReplayRecord,
    private readonly selection: readonly DeadLetterEntry[],
    private readonly producer: HubProducer,
    private readonly journal: ReplayJournal,
    private readonly logger: Logger,
    private readonly options: ReplayJobOptions,
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
      await this.replayAll();
    } catch (error) {
      this.note(`stopped by an unexpected error: ${describeError(error).message}`);
    }
    const counts = this.record.counts;
    const skipped = counts.total - counts.done - counts.failed;
    this.record.state = skipped > 0 || counts.failed > 0 ? 'failed' : 'done';
    this.record.finishedAt = new Date().toISOString();
    await this.persist();
    this.logger.info(`dead-letter replay ${this.record.id} by ${this.record.who} ${this.record.state}: ${counts.done}/${counts.total} replayed, ${counts.failed} failed${skipped > 0 ? `, ${skipped} not reached` : ''}`);
  }

  private async replayAll(): Promise<void> {
    const counts = this.record.counts;
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
          await this.producer.send(target, entries.map((entry) => ({ key: entry.key, value: entry.value, headers: replayHeaders(entry.headers, entry.id, this.record.id) })));
          counts.done += entries.length;
          this.record.targets[target] = (this.record.targets[target] ?? 0) + entries.length;
        } catch (error) {
          counts.failed += entries.length;
          this.note(`${target}: ${describeError(error).message}`);
        }
      }
      if (Date.now() - this.lastPersist >= this.options.persistEveryMs) await this.persist();
    }
  }

  private note(error: string): void {
    const masked = maskPersonalPatterns(error).slice(0, 500);
    if (this.record.errors.length < MAX_ERRORS && !this.record.errors.includes(masked)) this.record.errors.push(masked);
  }

  private async persist(): Promise<void> {
    this.lastPersist = Date.now();
    // Progress lost to a broker hiccup is written with the next batch; the job goes on either way.
    await this.journal.put(this.record).catch((error: unknown) => this.logger.warn(`dead-letter replay ${this.record.id}: ${describeError(error).message}`));
  }
}

/** Consecutive dead letters going to the same topic, at most `size` at a time. */
function* batches(selection: readonly DeadLetterEntry[], chosen: string | null, size: number): Generator<{ target: string | null; entries: DeadLetterEntry[] }> {
  let current: { target: string | null; entries: DeadLetterEntry[] } | undefined;
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
