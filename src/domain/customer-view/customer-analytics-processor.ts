import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import { describeError } from '../../core/hub-error.js';
import type { HubProducer, IncomingRecord, KafkaClient, OutgoingRecord, RecordBatch } from '../../platform/kafka/kafka-client.js';
import type { Logger } from '../../platform/observability/logger.js';
import { DeadLetterPublisher, type DeadLetter } from '../../connect/runtime/dead-letter-publisher.js';
import type { CanonicalRecordEncoder } from './canonical-record-encoder.js';
import { GOLDEN_TOPIC, RISK_TOPIC, SEGMENT_TOPIC } from './customer-directory.js';
import { derivedEventMeta, type CauseEvent } from './derived-event-meta.js';
import { ExclusiveConsumerLoop } from './exclusive-consumer-loop.js';
import { CUSTOMER_VIEW_DEAD_LETTER_TOPIC } from './identity-resolution-processor.js';
import type { ProcessorStatus } from './processor-status.js';
import { dayNumberOfInstant, dayOfNumber } from './risk/calendar-day.js';
import type { ClaimJson } from './risk/claim-json.js';
import { LossRatioBook } from './risk/loss-ratio-book.js';
import type { CustomerLossRatio } from './risk/loss-ratio.js';
import type { PolicyJson } from './risk/policy-json.js';
import { riskFlagFor } from './risk/risk-flag.js';
import { riskLevel, type RiskLevel, type RiskThresholds } from './risk/risk-level.js';
import { customerFacts, type CustomerFacts } from './segments/customer-facts.js';
import { segmentChange } from './segments/segment-change.js';
import type { SegmentRules } from './segments/segment-rules.js';
import { readLatestByKey } from '../../platform/kafka/latest-by-key.js';

const POLICY_TOPIC = 'policy.policy.v1';
const CLAIM_TOPIC = 'claims.claim.v1';
export const FLAG_TOPIC = 'crm.customer-flag.v1';

type Row = Record<string, unknown>;

interface GoldenSummary {
  goldenId: string;
  policyNumbers: string[];
  createdAt: string | null;
  crmCustomerIds: string[];
}

/**
 * Risk and value segments of golden customers, on the stream: each policy, claim or golden-record
 * event recomputes the loss ratio (claims paid over earned premium) and the segment of the
 * customer it concerns. A changed ratio is published on customer.risk.v1, a level rising past a
 * threshold flags the customer's CRM records, a changed segment is an event on customer.segment.v1
 * and a flag too. The policies, claims and last published results are read back from their topics
 * when this process becomes the active one, so restarts neither lose nor repeat flags.
 */
export class CustomerAnalyticsProcessor {
  private book = new LossRatioBook();
  private goldens = new Map<string, GoldenSummary>();
  private ownerOfPolicy = new Map<string, string>();
  private lastRisk = new Map<string, { level: RiskLevel; fingerprint: string; flagged: Set<string> }>();
  private lastSegment = new Map<string, string>();
  private readonly loop: ExclusiveConsumerLoop;
  private readonly deadLetters: DeadLetterPublisher;

  constructor(
    groupId: string,
    private readonly settings: { thresholds: RiskThresholds; rules: SegmentRules },
    private readonly client: KafkaClient,
    private readonly producer: HubProducer,
    private readonly serde: AvroSerde,
    private readonly encoder: CanonicalRecordEncoder,
    private readonly logger: Logger,
    restartDelayMs = 5000,
  ) {
    this.deadLetters = new DeadLetterPublisher(producer, CUSTOMER_VIEW_DEAD_LETTER_TOPIC, 'customer-view:analytics');
    this.loop = new ExclusiveConsumerLoop(
      { name: 'customer-analytics', groupId, topics: [POLICY_TOPIC, CLAIM_TOPIC, GOLDEN_TOPIC], restartDelayMs },
      { reload: () => this.reload(), process: (batch, status) => this.process(batch, status) },
      client,
      logger,
    );
  }

  get status(): ProcessorStatus {
    return this.loop.status;
  }

  async start(): Promise<void> {
    await this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async reload(): Promise<void> {
    this.book = new LossRatioBook();
    this.goldens = new Map();
    this.ownerOfPolicy = new Map();
    this.lastRisk = new Map();
    this.lastSegment = new Map();
    for (const value of await this.readTable(POLICY_TOPIC)) this.book.upsertPolicy(value as unknown as PolicyJson);
    for (const value of await this.readTable(CLAIM_TOPIC)) this.book.upsertClaim(value as unknown as ClaimJson);
    for (const value of await this.readTable(GOLDEN_TOPIC)) this.noteGolden(value);
    // The CRM records a customer has now were flagged when its level rose (or when they joined it).
    for (const value of await this.readTable(RISK_TOPIC)) {
      const goldenId = String(value.goldenId);
      this.lastRisk.set(goldenId, {
        level: value.level as RiskLevel,
        fingerprint: riskFingerprint(value),
        flagged: new Set(this.goldens.get(goldenId)?.crmCustomerIds ?? []),
      });
    }
    for (const value of await this.readTable(SEGMENT_TOPIC)) this.lastSegment.set(String(value.goldenId), String(value.segment));
  }

  /** The latest decodable value per key; records that do not decode are the dead-letter topic's business, not a reason to stop. */
  private async readTable(topic: string): Promise<Row[]> {
    const latest = await readLatestByKey(this.client, topic, async (record) => {
      try {
        return (await this.serde.decode(record.value, record)).value as Row;
      } catch (error) {
        this.logger.warn(
          `customer analytics: skipping ${topic} ${record.partition}@${record.offset} on reload: ${describeError(error).message}`,
        );
        return undefined;
      }
    });
    return [...latest.values()];
  }

  private noteGolden(value: Row): string | undefined {
    const goldenId = String(value.goldenId);
    const previous = this.goldens.get(goldenId);
    for (const policy of previous?.policyNumbers ?? []) if (this.ownerOfPolicy.get(policy) === goldenId) this.ownerOfPolicy.delete(policy);
    if (value.status !== 'ACTIVE') {
      this.goldens.delete(goldenId);
      return undefined;
    }
    const members = (value.members as { system: string; systemId: string }[] | undefined) ?? [];
    const summary: GoldenSummary = {
      goldenId,
      policyNumbers: [...((value.policyNumbers as string[] | undefined) ?? [])],
      createdAt: typeof value.createdAt === 'string' ? value.createdAt : null,
      crmCustomerIds: members.filter((member) => member.system === 'crm').map((member) => member.systemId),
    };
    this.goldens.set(goldenId, summary);
    for (const policy of summary.policyNumbers) this.ownerOfPolicy.set(policy, goldenId);
    return goldenId;
  }

  private async process(batch: RecordBatch, status: ProcessorStatus): Promise<void> {
    const outputs = new Map<string, OutgoingRecord[]>();
    const emit = (topic: string, record: OutgoingRecord) => outputs.set(topic, [...(outputs.get(topic) ?? []), record]);
    const dead: DeadLetter[] = [];
    for (const record of batch.records) {
      status.recordsIn++;
      try {
        const value = (await this.serde.decode(record.value, record)).value as Row;
        const goldenId = this.apply(record.topic, value);
        if (goldenId) await this.assess(goldenId, causeOf(value), record, emit);
      } catch (error) {
        if (describeError(error).retriable) throw error;
        dead.push(DeadLetterPublisher.fromRecord(record, error, 1));
        status.deadLettered++;
        status.lastError = { message: describeError(error).message, at: new Date().toISOString() };
      }
    }
    await Promise.all([...outputs].map(([topic, records]) => this.producer.send(topic, records)));
    await this.deadLetters.publish(dead);
    for (const records of outputs.values()) status.recordsOut += records.length;
  }

  /** Takes the record into the book; returns the golden customer whose figures it may change. */
  private apply(topic: string, value: Row): string | undefined {
    if (topic === POLICY_TOPIC) {
      const policy = value as unknown as PolicyJson;
      this.book.upsertPolicy(policy);
      return this.ownerOfPolicy.get(policy.policyNumber);
    }
    if (topic === CLAIM_TOPIC) {
      const claim = value as unknown as ClaimJson;
      this.book.upsertClaim(claim);
      return this.ownerOfPolicy.get(claim.policyNumber);
    }
    return this.noteGolden(value);
  }

  private async assess(
    goldenId: string,
    cause: CauseEvent,
    record: IncomingRecord,
    emit: (topic: string, record: OutgoingRecord) => void,
  ): Promise<void> {
    const golden = this.goldens.get(goldenId);
    if (!golden) return;
    // The event's own day, not the clock: a replay of the same events gives the same figures.
    const asOf = dayOfNumber(dayNumberOfInstant(cause.occurredAt) ?? dayNumberOfInstant(new Date().toISOString())!);
    const losses = this.book.customerLossRatio(golden.policyNumbers, asOf);
    const level = riskLevel(losses.lossRatio, this.settings.thresholds);
    const risk = riskValue(goldenId, level, losses, cause);
    const previous = this.lastRisk.get(goldenId);
    const fingerprint = riskFingerprint(risk);
    if (previous?.fingerprint !== fingerprint) emit(RISK_TOPIC, await this.encoder.encode(RISK_TOPIC, risk, record.headers));
    // A rise flags every CRM record of the customer; one that joins the customer later, while the
    // level stays raised, is flagged when it joins (a rise seen before the CRM record was linked
    // would otherwise never reach the CRM).
    const rose = riskFlagFor(previous?.level, { level, lossRatio: losses });
    const flagged = rose || level === 'NORMAL' ? new Set<string>() : (previous?.flagged ?? new Set<string>());
    const flag = rose ?? riskFlagFor(undefined, { level, lossRatio: losses });
    if (flag) {
      for (const customerId of golden.crmCustomerIds.filter((id) => !flagged.has(id))) {
        const value = {
          meta: derivedEventMeta('CustomerFlagRaised', `${customerId}/${flag.flagType}/${level}`, cause),
          customerId,
          ...flag,
          raisedAt: cause.occurredAt,
        };
        emit(FLAG_TOPIC, await this.encoder.encode(FLAG_TOPIC, value, record.headers));
        flagged.add(customerId);
      }
    }
    this.lastRisk.set(goldenId, { level, fingerprint, flagged });

    const facts = customerFacts(this.book, golden, asOf);
    const assignment = await this.settings.rules.evaluate(facts);
    const change = segmentChange(this.lastSegment.get(goldenId), assignment);
    if (!change) return;
    this.lastSegment.set(goldenId, assignment.segment);
    const segment = {
      meta: derivedEventMeta('ValueSegmentChanged', `${goldenId}/${change.to}`, cause),
      goldenId,
      segment: change.to,
      previousSegment: change.from,
      rule: change.rule,
      facts,
      changedAt: cause.occurredAt,
    };
    emit(SEGMENT_TOPIC, await this.encoder.encode(SEGMENT_TOPIC, segment, record.headers));
    for (const customerId of golden.crmCustomerIds) {
      const value = {
        meta: derivedEventMeta('CustomerFlagRaised', `${customerId}/VALUE_SEGMENT/${change.to}`, cause),
        customerId,
        flagType: 'VALUE_SEGMENT',
        severity: 'INFO',
        reason: segmentReason(change.from, change.to, change.rule, facts),
        policyNumber: null,
        claimNumber: null,
        lossRatio: null,
        raisedAt: cause.occurredAt,
      };
      emit(FLAG_TOPIC, await this.encoder.encode(FLAG_TOPIC, value, record.headers));
    }
  }
}

function causeOf(value: Row): CauseEvent {
  const meta = (value.meta ?? {}) as Row;
  return {
    eventId: String(meta.eventId ?? ''),
    occurredAt: typeof meta.occurredAt === 'string' ? meta.occurredAt : new Date().toISOString(),
    correlationId: String(meta.correlationId ?? ''),
  };
}

function riskValue(goldenId: string, level: RiskLevel, losses: CustomerLossRatio, cause: CauseEvent): Row {
  const money = (amount: string) => ({ amount, currency: losses.currency });
  return {
    meta: derivedEventMeta('CustomerRiskChanged', `${goldenId}/${losses.earnedPremium}/${losses.claimsPaid}`, cause),
    goldenId,
    level,
    lossRatio: losses.lossRatio,
    earnedPremium: money(losses.earnedPremium),
    claimsPaid: money(losses.claimsPaid),
    policies: losses.policies.map((policy) => ({
      policyNumber: policy.policyNumber,
      earnedPremium: money(policy.earnedPremium),
      claimsPaid: money(policy.claimsPaid),
      lossRatio: policy.lossRatio,
    })),
    asOf: losses.asOf,
  };
}

/**
 * What makes a risk record news: level, claims paid and the policies behind them. Earned premium
 * grows every day on its own; republishing for that alone would flood the topic, so it is left out
 * unless claims or policies changed too.
 */
function riskFingerprint(risk: Row): string {
  const policies = (risk.policies as { policyNumber: string; claimsPaid: { amount: string } }[] | undefined) ?? [];
  return JSON.stringify([
    risk.level,
    (risk.claimsPaid as { amount: string } | undefined)?.amount,
    policies.map((policy) => [policy.policyNumber, policy.claimsPaid.amount]),
  ]);
}

function segmentReason(from: string | null, to: string, rule: string, facts: CustomerFacts): string {
  return `value segment ${from ? `changed from ${from} to ${to}` : `set to ${to}`} by ${rule}: annual premium ${facts.annualPremium.toFixed(2)}, tenure ${facts.tenureYears} years, ${facts.productsHeld} product lines, ${facts.claimsCount} claims`;
}
