import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import { describeError, HubError } from '../../core/hub-error.js';
import {
  IdentityResolver,
  type GoldenCustomer,
  type IdentityEvent,
  type MemberRecord,
  type ResolutionOutcome,
} from '../identity/identity-resolver.js';
import type { ResolverOptionsInput } from '../identity/resolver-options.js';
import { IDENTITY_SOURCE_TOPICS, type Extraction, type ObservedEvent } from '../identity/identity-observation.js';
import { extractObservation } from '../identity/observation-extractor.js';
import type { HubProducer, IncomingRecord, KafkaClient, OutgoingRecord, RecordBatch } from '../../platform/kafka/kafka-client.js';
import type { Logger } from '../../platform/observability/logger.js';
import { DeadLetterPublisher, type DeadLetter } from '../../connect/runtime/dead-letter-publisher.js';
import type { CanonicalRecordEncoder } from './canonical-record-encoder.js';
import { derivedEventMeta, type CauseEvent } from './derived-event-meta.js';
import { ExclusiveConsumerLoop } from './exclusive-consumer-loop.js';
import type { CustomerViewNames } from './customer-view-names.js';
import { parseIdentityCommand } from './identity-command.js';
import type { ProcessorStatus } from './processor-status.js';
import { CompactedTopicStore } from '../../platform/state/compacted-topic-store.js';

export const CUSTOMER_VIEW_DEAD_LETTER_TOPIC = 'dlq.customer-view';
/** Below the broker's default max.message.bytes (1 MiB), with room for headers. */
const MAX_GOLDEN_BYTES = 900_000;

export class GoldenRecordTooLargeError extends HubError {
  constructor(goldenId: string, bytes: number, members: number) {
    super(
      'GOLDEN_RECORD_TOO_LARGE',
      `golden customer ${goldenId} would be ${bytes} bytes with ${members} member records, more than a Kafka record holds: not published; look for an identifier shared by far too many records (a placeholder phone or e-mail) and unmerge or fix them at the source`,
      { retriable: false },
    );
  }
}

/** State keys of merged-away golden records, beside the member records keyed system:systemId. */
const MERGED_GOLDEN_PREFIX = 'golden:';
const OUT = {
  golden: 'customer.golden.v1',
  xref: 'customer.xref.v1',
  events: 'customer.identity-event.v1',
  quarantine: 'customer.identity-quarantine.v1',
} as const;

/**
 * Identity resolution on the stream: reads the five systems' canonical topics, resolves each record
 * to a golden customer and publishes golden records, cross-references, merge/unmerge events and
 * quarantined records. The resolver's state is its member records, kept in a CompactedTopicStore
 * (JSON, internal), read back whenever this process becomes the active one and written after the
 * outputs: a crash in between replays the batch against the old state and repeats the same outputs,
 * so nothing is lost and ids stay stable.
 */
export class IdentityResolutionProcessor {
  private resolver: IdentityResolver;
  private readonly loop: ExclusiveConsumerLoop;
  private readonly deadLetters: DeadLetterPublisher;
  /** Opened when this process first becomes the active one: a process standing by reads nothing. */
  private state: CompactedTopicStore<unknown> | undefined;

  constructor(
    private readonly names: CustomerViewNames,
    private readonly options: ResolverOptionsInput,
    private readonly client: KafkaClient,
    private readonly producer: HubProducer,
    private readonly serde: AvroSerde,
    private readonly encoder: CanonicalRecordEncoder,
    logger: Logger,
    restartDelayMs = 5000,
  ) {
    this.resolver = new IdentityResolver(options);
    this.deadLetters = new DeadLetterPublisher(producer, CUSTOMER_VIEW_DEAD_LETTER_TOPIC, 'customer-view:identity');
    this.loop = new ExclusiveConsumerLoop(
      {
        name: 'identity-resolution',
        groupId: names.identityGroup,
        topics: [...IDENTITY_SOURCE_TOPICS, names.identityCommandTopic],
        restartDelayMs,
      },
      { reload: () => this.reload(), process: (batch, status) => this.process(batch, status) },
      client,
      logger,
    );
  }

  get status(): ProcessorStatus {
    return this.loop.status;
  }

  async start(): Promise<void> {
    const admin = await this.client.admin();
    try {
      await admin.ensureTopics([
        { topic: this.names.identityCommandTopic, partitions: 1 },
        { topic: CUSTOMER_VIEW_DEAD_LETTER_TOPIC },
        ...IDENTITY_SOURCE_TOPICS.map((topic) => ({ topic })),
      ]);
    } finally {
      await admin.disconnect();
    }
    await this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async reload(): Promise<void> {
    const members: MemberRecord[] = [];
    const merged: GoldenCustomer[] = [];
    // Another process may have been the active one since this one last was: what it wrote counts.
    if (this.state) await this.state.reload();
    else this.state = await CompactedTopicStore.open<unknown>(this.client, this.producer, this.names.identityStateTopic);
    for (const { key, value } of this.state.entries()) {
      if (key.startsWith(MERGED_GOLDEN_PREFIX)) merged.push(value as GoldenCustomer);
      else members.push(value as MemberRecord);
    }
    this.resolver = new IdentityResolver(this.options);
    this.resolver.restore(members, merged);
  }

  private async process(batch: RecordBatch, status: ProcessorStatus): Promise<void> {
    const out = new BatchOutputs();
    const dead: DeadLetter[] = [];
    for (const record of batch.records) {
      status.recordsIn++;
      try {
        if (record.topic === this.names.identityCommandTopic) {
          const command = parseIdentityCommand(record);
          const cause: CauseEvent = { eventId: command.commandId, occurredAt: command.requestedAt, correlationId: command.commandId };
          await this.collect(out, this.resolver.unmerge(`${command.system}:${command.systemId}`, command.requestedAt), cause, record);
          continue;
        }
        const value = (await this.serde.decode(record.value, record)).value as Record<string, unknown>;
        const extraction = extractObservation(record.topic, value);
        await this.handle(out, extraction, record);
      } catch (error) {
        // A record that cannot be read or resolved must not stop everyone else's: it waits in the dead-letter topic.
        if (describeError(error).retriable) throw error;
        dead.push(DeadLetterPublisher.fromRecord(record, error, 1));
        status.deadLettered++;
        status.lastError = { message: describeError(error).message, at: new Date().toISOString() };
      }
    }
    const written = await out.send(this.producer);
    await this.deadLetters.publish([...dead, ...out.oversized]);
    status.deadLettered += out.oversized.length;
    status.recordsOut += written;
    await this.state!.putAll([
      ...[...out.members].map(([key, member]) => ({ key, value: member as unknown })),
      // Merged-away golden records have no members left but must still redirect to their survivor after a restart.
      // (The resolver never gives a merged-away id to an active record again, so these are never withdrawn.)
      ...[...out.goldens.values()]
        .filter((golden) => golden.status === 'MERGED')
        .map((golden) => ({ key: `${MERGED_GOLDEN_PREFIX}${golden.goldenId}`, value: golden as unknown })),
    ]);
  }

  private async handle(out: BatchOutputs, extraction: Extraction, record: IncomingRecord): Promise<void> {
    if (extraction.kind === 'none') return;
    if (extraction.kind === 'quarantine') {
      const value = {
        meta: derivedEventMeta('IdentityQuarantined', `${extraction.system}:${extraction.systemId}`, extraction.event),
        system: extraction.system,
        systemId: extraction.systemId,
        sourceTopic: extraction.topic,
        problems: extraction.invalid.map((problem) => ({ field: problem.field, identifierKind: problem.kind, reason: problem.reason })),
      };
      out.add(OUT.quarantine, await this.encoder.encode(OUT.quarantine, value, record.headers));
      return;
    }
    await this.collect(out, this.resolver.resolve(extraction.observation), extraction.observation.event, record);
  }

  private async collect(
    out: BatchOutputs,
    outcome: ResolutionOutcome,
    cause: CauseEvent | ObservedEvent,
    record: IncomingRecord,
  ): Promise<void> {
    for (const golden of outcome.changedGoldens) {
      out.goldens.set(golden.goldenId, golden);
      const encoded = await this.encoder.encode(OUT.golden, goldenValue(golden, cause), record.headers);
      // A golden record the broker would refuse (thousands of records sharing one identifier, e.g. a
      // placeholder phone) must not stop resolution: it is reported, and the rest goes on.
      if ((encoded.value?.length ?? 0) > MAX_GOLDEN_BYTES) {
        out.oversized.push(
          DeadLetterPublisher.fromRecord(
            record,
            new GoldenRecordTooLargeError(golden.goldenId, encoded.value!.length, golden.members.length),
            1,
          ),
        );
        continue;
      }
      out.latest(OUT.golden, golden.goldenId, encoded);
    }
    for (const member of outcome.changedMembers) {
      out.members.set(member.key, member);
      out.latest(OUT.xref, member.key, await this.encoder.encode(OUT.xref, linkValue(member, cause), record.headers));
    }
    for (const event of outcome.events)
      out.add(OUT.events, await this.encoder.encode(OUT.events, identityEventValue(event, cause), record.headers));
  }
}

/** What one batch writes: golden records and links last-wins per key (they are tables), events all. */
class BatchOutputs {
  private readonly tables = new Map<string, Map<string, OutgoingRecord>>();
  private readonly streams = new Map<string, OutgoingRecord[]>();
  readonly members = new Map<string, MemberRecord>();
  readonly goldens = new Map<string, GoldenCustomer>();
  readonly oversized: DeadLetter[] = [];

  latest(topic: string, key: string, record: OutgoingRecord): void {
    const table = this.tables.get(topic) ?? new Map<string, OutgoingRecord>();
    table.delete(key); // re-inserted last, so the table's records keep the order of their last change
    table.set(key, record);
    this.tables.set(topic, table);
  }

  add(topic: string, record: OutgoingRecord): void {
    this.streams.set(topic, [...(this.streams.get(topic) ?? []), record]);
  }

  async send(producer: HubProducer): Promise<number> {
    const sends: [string, OutgoingRecord[]][] = [
      ...[...this.tables].map(([topic, rows]): [string, OutgoingRecord[]] => [topic, [...rows.values()]]),
      ...this.streams,
    ];
    await Promise.all(sends.map(([topic, records]) => producer.send(topic, records)));
    return sends.reduce((total, [, records]) => total + records.length, 0);
  }
}

function goldenValue(golden: GoldenCustomer, cause: CauseEvent): Record<string, unknown> {
  const eventType = golden.status === 'MERGED' ? 'GoldenCustomerMerged' : 'GoldenCustomerUpdated';
  return { ...golden, meta: derivedEventMeta(eventType, golden.goldenId, cause) };
}

function linkValue(member: MemberRecord, cause: CauseEvent): Record<string, unknown> {
  return {
    meta: derivedEventMeta('IdentityLinked', member.key, cause),
    system: member.system,
    systemId: member.systemId,
    goldenId: member.goldenId,
    matchedOn: member.matchedOn,
    confidence: member.confidence,
    linkedAt: member.observedAt,
  };
}

function identityEventValue(event: IdentityEvent, cause: CauseEvent): Record<string, unknown> {
  const separator = event.memberKey?.indexOf(':') ?? -1;
  return {
    meta: derivedEventMeta(
      `Identity${event.eventType[0]}${event.eventType.slice(1).toLowerCase()}`,
      `${event.goldenId}/${event.otherGoldenId ?? ''}/${event.memberKey ?? ''}`,
      cause,
    ),
    eventType: event.eventType,
    goldenId: event.goldenId,
    otherGoldenId: event.otherGoldenId,
    memberSystem: event.memberKey && separator > 0 ? event.memberKey.slice(0, separator) : null,
    memberSystemId: event.memberKey && separator > 0 ? event.memberKey.slice(separator + 1) : null,
    rule: event.rule,
    confidence: event.confidence,
    reason: event.reason,
  };
}
