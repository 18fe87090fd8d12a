import { randomUUID } from 'node:crypto';
import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import type { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { ConfigError } from '../../core/hub-error.js';
import type { HubProducer, KafkaClient } from '../../platform/kafka/kafka-client.js';
import type { Logger } from '../../platform/observability/logger.js';
import { DeadLetterCatalog } from './dead-letter-catalog.js';
import type { LatestAttempt } from './latest-attempt.js';
import { matchesFilter, resolveFilter, type DeadLetterFilter, type DeadLetterFilterInput } from './dead-letter-filter.js';
import { DeadLetterNotFoundError } from './dead-letter-not-found-error.js';
import { compareOldestFirst, pageOf, type PageRequest } from './dead-letter-page.js';
import { summarize, type DeadLetterSummary } from './dead-letter-summary.js';
import { briefOf, viewOf, type DeadLetterBrief, type DeadLetterView } from './dead-letter-view.js';
import { ReplayConflictError } from './replay-conflict-error.js';
import { ReplayJob, type ReplayOutcome } from './replay-job.js';
import { REPLAY_JOURNAL_TOPIC, ReplayJournal } from './replay-journal.js';
import type { ReplayRecord, ReplayRequest } from './replay-record.js';
import { awaitConsumers } from './replay-settlement.js';
import { REPLAY_HEADER } from './replay-headers.js';

export interface DeadLetterOfficeDeps {
  client: KafkaClient;
  serde: AvroSerde;
  schemas: SchemaCatalog;
  logger: Logger;
}

export interface DeadLetterOfficeOptions {
  /** Default crm-hub.dlq-replays. */
  journalTopic?: string;
  /** Records per produce request of a replay (default 200). */
  batchSize?: number;
  /** How often a running replay writes its progress to the journal (default 1000 ms). */
  persistEveryMs?: number;
  /** How long a replay waits for the consumers of its target topics to process what it sent, to count what failed again (default 120 000 ms). */
  settleTimeoutMs?: number;
  /** How often it looks at their committed offsets meanwhile (default 500 ms). */
  settlePollMs?: number;
}

export interface DeadLetterList {
  items: DeadLetterBrief[];
  nextCursor: string | null;
  matched: number;
}

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Where operators deal with dead letters: browse them across every dlq.* topic, read one with
 * personal data masked, and send some back where they came from (or elsewhere) as recorded,
 * observable replay jobs.
 */
export class DeadLetterOffice {
  readonly catalog: DeadLetterCatalog;
  /** Running replays and the dead letters (identities) each one sends: no two may share one. */
  private readonly running = new Map<string, { job: ReplayJob | undefined; identities: ReadonlySet<string> }>();
  private closed = false;

  private constructor(
    private readonly deps: DeadLetterOfficeDeps,
    private readonly producer: HubProducer,
    private readonly journal: ReplayJournal,
    private readonly options: Required<Omit<DeadLetterOfficeOptions, 'journalTopic'>>,
  ) {
    this.catalog = new DeadLetterCatalog(deps.client);
  }

  /**
   * Opens its own producer and the replay journal. Replays found still running were cut off by a
   * stop of the process that ran them: they are recorded as failed, to be re-run.
   */
  static async open(deps: DeadLetterOfficeDeps, options: DeadLetterOfficeOptions = {}): Promise<DeadLetterOffice> {
    const producer = await deps.client.producer();
    try {
      const journal = await ReplayJournal.open(deps.client, producer, options.journalTopic ?? REPLAY_JOURNAL_TOPIC);
      for (const record of journal.all().filter((candidate) => candidate.state === 'running')) {
        record.state = 'failed';
        record.errors.push('interrupted: the hub stopped during this replay; re-run it to replay the rest (some may be replayed twice)');
        await journal.put(record);
      }
      return new DeadLetterOffice(deps, producer, journal, {
        batchSize: options.batchSize ?? 200,
        persistEveryMs: options.persistEveryMs ?? 1000,
        settleTimeoutMs: options.settleTimeoutMs ?? 120_000,
        settlePollMs: options.settlePollMs ?? 500,
      });
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async list(filter: DeadLetterFilterInput, page: PageRequest = {}): Promise<DeadLetterList> {
    const { items, nextCursor, matched } = pageOf(await this.select(resolveFilter(filter)), page);
    return { items: items.map(briefOf), nextCursor, matched };
  }

  async summary(filter: DeadLetterFilterInput = {}): Promise<DeadLetterSummary> {
    return summarize(await this.select(resolveFilter(filter)));
  }

  /** A dead letter by its id or the id of any of its attempts, as its latest attempt; undefined when there is none (any more). */
  async show(id: string): Promise<DeadLetterView | undefined> {
    const deadLetter = (await this.catalog.resolve([id])).get(id);
    return deadLetter && viewOf(deadLetter, this.deps.serde, this.deps.schemas);
  }

  /**
   * Starts a replay and answers with its record once that is durable; the job goes on in the
   * background. The selection is the dead letters there are now (the dlq.* topics up to their end
   * offsets), each once as its latest attempt. Throws ConfigError for a request that names no
   * selection or a bad target, DeadLetterNotFoundError when an id names no dead letter, and
   * ReplayConflictError when a running replay sends some of the same dead letters (nothing is
   * replayed then).
   */
  async replay(request: ReplayRequest, who: string, rerunOf: string | null = null): Promise<ReplayRecord> {
    if (this.closed) throw new ConfigError('DEAD_LETTER_OFFICE_CLOSED', 'the hub is stopping: no replay starts now');
    if ((request.ids === undefined) === (request.filter === undefined))
      throw new ConfigError('REPLAY_REQUEST_INVALID', 'name what to replay: ids, or a filter ({} for every dead letter), not both');
    if (request.ids?.length === 0) throw new ConfigError('REPLAY_REQUEST_INVALID', 'ids is empty: name at least one dead letter');
    if (request.target !== undefined && !TOPIC_NAME.test(request.target))
      throw new ConfigError('REPLAY_TARGET_INVALID', `${JSON.stringify(request.target)} is not a topic name`);
    const filter = request.filter === undefined ? null : resolveFilter(request.filter);
    const ids = request.ids === undefined ? null : [...new Set(request.ids)];
    const selection = (ids ? await this.byIds(ids) : await this.select(filter!)).sort(compareOldestFirst);
    const identities = new Set(selection.map((deadLetter) => deadLetter.identity));
    // From here to registering the replay nothing awaits: of two requests at once, one sees the other.
    for (const [runningId, running] of this.running) {
      const overlapping = [...identities].filter((identity) => running.identities.has(identity)).length;
      if (overlapping > 0) throw new ReplayConflictError(runningId, overlapping);
    }
    const record: ReplayRecord = {
      id: randomUUID(),
      who,
      when: new Date().toISOString(),
      ids,
      filter,
      target: request.target ?? null,
      counts: { total: selection.length, done: 0, failed: 0, failedAgain: 0 },
      state: 'running',
      finishedAt: null,
      targets: {},
      errors: [],
      rerunOf,
    };
    this.running.set(record.id, { job: undefined, identities });
    try {
      await this.journal.put(record);
    } catch (error) {
      this.running.delete(record.id);
      throw error;
    }
    this.deps.logger.info(
      `dead-letter replay ${record.id} by ${who}: ${selection.length} dead letters to ${record.target ?? 'their original topics'}`,
    );
    const job = new ReplayJob(record, selection, this.producer, this.journal, this.deps.logger, this.options, this.outcome());
    this.running.set(record.id, { job, identities });
    void job.finished.finally(() => this.running.delete(record.id));
    return structuredClone(record);
  }

  /** The same selection and target again, as a new replay; undefined when there is no such replay. */
  async rerun(replayId: string, who: string): Promise<ReplayRecord | undefined> {
    const earlier = this.journal.get(replayId);
    if (!earlier) return undefined;
    return this.replay(
      { ...(earlier.ids ? { ids: earlier.ids } : { filter: earlier.filter ?? {} }), ...(earlier.target ? { target: earlier.target } : {}) },
      who,
      earlier.id,
    );
  }

  /** Every replay recorded, newest first. */
  replays(): ReplayRecord[] {
    return this.journal.all();
  }

  replayStatus(id: string): ReplayRecord | undefined {
    return this.journal.get(id);
  }

  /** Stops running replays after their batch in flight (recorded as interrupted) and closes the producer. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.running.values()].map(({ job }) => job?.stop()));
    await this.producer.disconnect();
  }

  private outcome(): ReplayOutcome {
    return {
      processed: (sent, stopping) =>
        awaitConsumers(this.deps.client, sent, { timeoutMs: this.options.settleTimeoutMs, pollMs: this.options.settlePollMs }, stopping),
      failedAgain: async (replayId, identities) =>
        (await this.catalog.deadLetters()).filter(
          (deadLetter) =>
            identities.has(deadLetter.identity) && deadLetter.attempt > 1 && deadLetter.headers[REPLAY_HEADER.replayId] === replayId,
        ).length,
    };
  }

  /** Each dead letter once, as its latest attempt, when that matches the filter. */
  private async select(filter: DeadLetterFilter): Promise<LatestAttempt[]> {
    return (await this.catalog.deadLetters(filter.topic)).filter((deadLetter) => matchesFilter(deadLetter, filter));
  }

  /** Ids naming the same dead letter (or two of its attempts) replay it once. */
  private async byIds(ids: string[]): Promise<LatestAttempt[]> {
    const found = await this.catalog.resolve(ids);
    const missing = ids.filter((id) => found.get(id) === undefined);
    if (missing.length > 0) throw new DeadLetterNotFoundError(missing);
    return [...new Map(ids.map((id) => [found.get(id)!.identity, found.get(id)!])).values()];
  }
}
