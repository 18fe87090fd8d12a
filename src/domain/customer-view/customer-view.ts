import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import type { SchemaCatalog } from '../../platform/avro/schema-catalog.js';
import { ConfigError } from '../../core/hub-error.js';
import { TopicTable } from '../../platform/state/topic-table.js';
import type { HubProducer, KafkaClient } from '../../platform/kafka/kafka-client.js';
import type { Logger } from '../../platform/observability/logger.js';
import { CanonicalRecordEncoder } from './canonical-record-encoder.js';
import { CustomerAnalyticsProcessor } from './customer-analytics-processor.js';
import { CustomerDirectory } from './customer-directory.js';
import type { CustomerViewSettings } from './customer-view-settings.js';
import { identityCommandRecord, unmergeCommand } from './identity-command.js';
import { UnknownSourceRecordError } from './unknown-source-record-error.js';
import { customerViewNames, type CustomerViewNames } from './customer-view-names.js';
import { IdentityResolutionProcessor } from './identity-resolution-processor.js';
import { IDENTITY_SOURCE_TOPICS } from '../identity/identity-observation.js';
import type { ProcessorStatus } from './processor-status.js';
import { RenewalJob, type RenewalRun } from './renewal-job.js';
import { renewalRows, type RenewalRow } from './renewals/renewal-row.js';
import { selectRenewals } from './renewals/renewal-selection.js';
import type { PolicyJson } from './risk/policy-json.js';
import { dayNumberOfInstant, dayOfNumber } from './risk/calendar-day.js';
import { compileSegmentRules } from './segments/segment-rules.js';

export interface RenewalList {
  asOf: string;
  withinDays: number;
  rows: RenewalRow[];
}

/**
 * The single customer view in a hub process: identity resolution and customer analytics (active in
 * one process, standing by in the others), the customer directory and policy table every process
 * keeps for lookups and renewal lists, and the scheduled renewal job.
 */
export class CustomerView {
  readonly directory: CustomerDirectory;
  private readonly policies: TopicTable;
  private readonly identity: IdentityResolutionProcessor;
  private readonly analytics: CustomerAnalyticsProcessor;
  private readonly renewals: RenewalJob;
  private readonly names: CustomerViewNames;

  constructor(
    readonly settings: CustomerViewSettings,
    private readonly deps: { client: KafkaClient; producer: HubProducer; serde: AvroSerde; schemas: SchemaCatalog; logger: Logger },
    options: { restartDelayMs?: number; prefix?: string } = {},
  ) {
    this.names = customerViewNames(options.prefix);
    const compiled = compileSegmentRules(settings.segments);
    if (!compiled.ok)
      throw new ConfigError(
        'SEGMENT_RULES_INVALID',
        `customerView.segments: ${compiled.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      );
    const encoder = new CanonicalRecordEncoder(deps.serde, deps.schemas);
    this.directory = new CustomerDirectory(deps.client, deps.serde, deps.logger);
    this.policies = new TopicTable('policy.policy.v1', deps.client, deps.serde, deps.logger);
    this.identity = new IdentityResolutionProcessor(
      this.names,
      settings.identity,
      deps.client,
      deps.producer,
      deps.serde,
      encoder,
      deps.logger,
      options.restartDelayMs,
    );
    this.analytics = new CustomerAnalyticsProcessor(
      this.names.analyticsGroup,
      { thresholds: settings.risk.thresholds, rules: compiled.rules },
      deps.client,
      deps.producer,
      deps.serde,
      encoder,
      deps.logger,
      options.restartDelayMs,
    );
    this.renewals = new RenewalJob(
      { schedule: settings.renewals.schedule, topic: settings.renewals.topic },
      (asOf) => this.renewalList(asOf, settings.renewals.withinDays),
      () => this.analytics.status.state === 'active',
      (goldenId) =>
        (this.directory.profile(goldenId)?.crossReferences ?? []).filter((ref) => ref.system === 'crm').map((ref) => ref.systemId),
      deps.producer,
      encoder,
      deps.logger,
    );
  }

  async start(): Promise<void> {
    await Promise.all([this.directory.start(), this.policies.start()]);
    await Promise.all([this.identity.start(), this.analytics.start()]);
    this.renewals.start();
  }

  async stop(): Promise<void> {
    await this.renewals.stop();
    await Promise.all([this.identity.stop(), this.analytics.stop()]);
    await Promise.all([this.directory.stop(), this.policies.stop()]);
  }

  /** Asks whichever process resolves identities to split a record off its golden customer. */
  async requestUnmerge(system: string, systemId: string): Promise<string> {
    // Refused here rather than dead-lettered by the resolver later, where nobody who asked would see it.
    await this.directory.ready;
    if (!this.directory.hasMember(system, systemId)) throw new UnknownSourceRecordError(system, systemId);
    const command = unmergeCommand(system, systemId);
    await this.deps.producer.send(this.names.identityCommandTopic, [identityCommandRecord(command)]);
    return command.commandId;
  }

  /** In-force policies expiring from `asOf` (default today, China time) to `withinDays` later, with the holder's contact and segment. */
  renewalList(asOf: string | undefined, withinDays: number): RenewalList {
    const day = asOf ?? dayOfNumber(dayNumberOfInstant(new Date().toISOString())!);
    const candidates = selectRenewals(this.policies.values() as Iterable<unknown> as Iterable<PolicyJson>, day, withinDays);
    const rows = renewalRows(candidates, (policy) => {
      const golden = this.directory.goldenOfPolicy(policy.policyNumber);
      if (!golden) return undefined;
      const goldenId = String(golden.goldenId);
      return {
        goldenId,
        fullName: typeof golden.fullName === 'string' ? golden.fullName : policy.holder.name,
        mobile: (golden.mobile as string | null) ?? null,
        email: (golden.email as string | null) ?? null,
        valueSegment: (this.directory.segmentOf(goldenId)?.segment as string | undefined) ?? null,
      };
    });
    return { asOf: day, withinDays, rows };
  }

  /** Publishes the renewal list now (what the schedule does), e.g. from the API. */
  runRenewalsNow(asOf?: string): Promise<RenewalRun> {
    return this.renewals.runNow(asOf);
  }

  /** What the view's processors read and write, for the hub's topology. */
  topology(): { name: string; from: string[]; to: string[] }[] {
    return [
      {
        name: 'identity-resolution',
        from: [...IDENTITY_SOURCE_TOPICS],
        to: ['customer.golden.v1', 'customer.xref.v1', 'customer.identity-event.v1', 'customer.identity-quarantine.v1'],
      },
      {
        name: 'customer-analytics',
        from: ['policy.policy.v1', 'claims.claim.v1', 'customer.golden.v1'],
        to: ['customer.risk.v1', 'customer.segment.v1', 'crm.customer-flag.v1'],
      },
      { name: 'renewal-job', from: ['policy.policy.v1', 'customer.golden.v1'], to: [this.settings.renewals.topic, 'crm.customer-flag.v1'] },
    ];
  }

  status(): { processors: ProcessorStatus[]; goldenCustomers: number; policies: number; lastRenewalRun: RenewalRun | null } {
    return {
      processors: [this.identity.status, this.analytics.status],
      goldenCustomers: this.directory.size,
      policies: this.policies.size,
      lastRenewalRun: this.renewals.lastRun ?? null,
    };
  }
}
