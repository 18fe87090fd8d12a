import cron, { type ScheduledTask } from 'node-cron';
import { describeError } from '../../core/hub-error.js';
import type { HubProducer, OutgoingRecord } from '../../platform/kafka/kafka-client.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { CanonicalRecordEncoder } from './canonical-record-encoder.js';
import { derivedEventMeta } from './derived-event-meta.js';
import { FLAG_TOPIC } from './customer-analytics-processor.js';
import type { RenewalRow } from './renewals/renewal-row.js';
import { renewalCandidateRecord } from './renewals/renewal-candidate-record.js';

export interface RenewalRun {
  asOf: string;
  candidates: number;
  flags: number;
  at: string;
}

/**
 * The renewal campaign's scheduled run: at each tick it publishes the current renewal list, one
 * RenewalCandidate per policy (keyed by policy number, so the topic reads as today's list), and
 * a RENEWAL_DUE flag to each holder's CRM record. Event ids are derived from the policy, its
 * expiry and the day, so a second hub process or a rerun on the same day repeats ids rather than
 * inventing new events.
 */
export class RenewalJob {
  private task: ScheduledTask | undefined;
  lastRun: RenewalRun | undefined;

  constructor(
    private readonly options: { schedule: string; topic: string },
    private readonly list: (asOf: string | undefined) => { asOf: string; rows: RenewalRow[] },
    /** Only the process that holds the customer analytics runs the job; the others stand by. */
    private readonly isActive: () => boolean,
    private readonly crmIdsOf: (goldenId: string) => string[],
    private readonly producer: HubProducer,
    private readonly encoder: CanonicalRecordEncoder,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.task = cron.schedule(
      this.options.schedule,
      () => {
        if (!this.isActive()) return;
        return this.runNow().then(
          () => undefined,
          (error: unknown) => this.logger.error(`renewal list not published: ${describeError(error).message}`),
        );
      },
      { name: 'customer-view:renewals', noOverlap: true },
    );
  }

  async stop(): Promise<void> {
    await this.task?.destroy();
  }

  async runNow(asOf?: string): Promise<RenewalRun> {
    const list = this.list(asOf);
    const candidates: OutgoingRecord[] = [];
    const flags: OutgoingRecord[] = [];
    for (const row of list.rows) {
      const cause = {
        eventId: `${row.policyNumber}/${row.expiryDate}/${list.asOf}`,
        occurredAt: `${list.asOf}T00:00:00.000Z`,
        correlationId: `renewal-${list.asOf}-${row.policyNumber}`,
      };
      const meta = derivedEventMeta('RenewalCandidateFound', row.policyNumber, cause) as never;
      candidates.push(await this.encoder.encode(this.options.topic, { ...renewalCandidateRecord(row, meta) }));
      for (const customerId of row.goldenId ? this.crmIdsOf(row.goldenId) : []) {
        const flag = {
          meta: derivedEventMeta('CustomerFlagRaised', `${customerId}/RENEWAL_DUE/${row.policyNumber}`, cause),
          customerId,
          flagType: 'RENEWAL_DUE',
          severity: row.daysToExpiry <= 15 ? 'WARNING' : 'INFO',
          reason: `policy ${row.policyNumber} (${row.productLine}) expires on ${row.expiryDate}, in ${row.daysToExpiry} days; premium ${row.premium} ${row.currency}`,
          policyNumber: row.policyNumber,
          claimNumber: null,
          lossRatio: null,
          raisedAt: cause.occurredAt,
        };
        flags.push(await this.encoder.encode(FLAG_TOPIC, flag));
      }
    }
    if (candidates.length > 0) await this.producer.send(this.options.topic, candidates);
    if (flags.length > 0) await this.producer.send(FLAG_TOPIC, flags);
    this.lastRun = { asOf: list.asOf, candidates: candidates.length, flags: flags.length, at: new Date().toISOString() };
    this.logger.info(`renewal list of ${list.asOf}: ${candidates.length} policies, ${flags.length} CRM flags`);
    return this.lastRun;
  }
}
