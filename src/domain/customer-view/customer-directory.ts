import type { AvroSerde } from '../../platform/avro/avro-serde.js';
import { TopicTable } from '../../platform/state/topic-table.js';
import type { KafkaClient } from '../../platform/kafka/kafka-client.js';
import type { Logger } from '../../platform/observability/logger.js';
import { lookupKey, lookupKeysFor } from './lookup-keys.js';

export const GOLDEN_TOPIC = 'customer.golden.v1';
export const SEGMENT_TOPIC = 'customer.segment.v1';
export const RISK_TOPIC = 'customer.risk.v1';

type Row = Record<string, unknown>;

/** Everything the call-centre screen pop shows about one customer. */
export interface CustomerProfile {
  golden: Row;
  /** The golden ids followed to get here when the one found had been merged into another. */
  mergedFrom: string[];
  crossReferences: { system: string; systemId: string; matchedOn: string; confidence: number }[];
  recentEvents: Row[];
  segment: Row | null;
  risk: Row | null;
}

/**
 * Finds a golden customer by anything a department knows them by. Every hub process keeps its own
 * copy of the golden, segment and risk tables (compacted topics, followed live) and an index from
 * each normalized identifier to the golden id, so lookups are local and any process can answer.
 */
export class CustomerDirectory {
  private readonly golden: TopicTable;
  private readonly segments: TopicTable;
  private readonly risks: TopicTable;
  private readonly index = new Map<string, Set<string>>();

  constructor(client: KafkaClient, serde: AvroSerde, logger: Logger) {
    this.golden = new TopicTable(GOLDEN_TOPIC, client, serde, logger);
    this.segments = new TopicTable(SEGMENT_TOPIC, client, serde, logger);
    this.risks = new TopicTable(RISK_TOPIC, client, serde, logger);
    this.golden.onChange((goldenId, value, previous) => {
      if (previous) for (const key of indexKeysOf(goldenId, previous)) this.index.get(key)?.delete(goldenId);
      if (value) for (const key of indexKeysOf(goldenId, value)) this.index.set(key, (this.index.get(key) ?? new Set()).add(goldenId));
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.golden.start(), this.segments.start(), this.risks.start()]);
  }

  /** Resolves once the tables hold what their topics held at start. */
  get ready(): Promise<void> {
    return Promise.all([this.golden.ready, this.segments.ready, this.risks.ready]).then(() => undefined);
  }

  async stop(): Promise<void> {
    await Promise.all([this.golden.stop(), this.segments.stop(), this.risks.stop()]);
  }

  get size(): number {
    return this.golden.size;
  }

  /** The golden customers a text identifies: usually one; several when e.g. two people share a phone. */
  lookup(query: string): CustomerProfile[] {
    for (const key of lookupKeysFor(query)) {
      const ids = this.index.get(key);
      if (!ids || ids.size === 0) continue;
      const profiles = new Map<string, CustomerProfile>();
      for (const id of [...ids].sort()) {
        const profile = this.profile(id);
        if (profile) profiles.set(String(profile.golden.goldenId), profile);
      }
      if (profiles.size > 0) return [...profiles.values()];
    }
    return [];
  }

  /** Whether a golden customer has this source record among its members. */
  hasMember(system: string, systemId: string): boolean {
    return (this.index.get(lookupKey.member(system, systemId))?.size ?? 0) > 0;
  }

  /** The golden customer by id, following merges to the survivor. */
  profile(goldenId: string): CustomerProfile | undefined {
    const mergedFrom: string[] = [];
    let golden = this.golden.get(goldenId);
    while (golden?.status === 'MERGED' && typeof golden.mergedIntoGoldenId === 'string' && !mergedFrom.includes(String(golden.goldenId))) {
      mergedFrom.push(String(golden.goldenId));
      golden = this.golden.get(golden.mergedIntoGoldenId);
    }
    if (!golden) return undefined;
    const id = String(golden.goldenId);
    return {
      golden,
      mergedFrom,
      crossReferences: (golden.members as CustomerProfile['crossReferences'] | undefined) ?? [],
      recentEvents: (golden.recentEvents as Row[] | undefined) ?? [],
      segment: this.segments.get(id) ?? null,
      risk: this.risks.get(id) ?? null,
    };
  }

  /** The active golden customer holding a policy, if the view has resolved its holder. */
  goldenOfPolicy(policyNumber: string): Row | undefined {
    for (const id of this.index.get(lookupKey.policyNumber(policyNumber)) ?? []) {
      const profile = this.profile(id);
      if (profile) return profile.golden;
    }
    return undefined;
  }

  segmentOf(goldenId: string): Row | undefined {
    return this.segments.get(goldenId);
  }
}

/** Merged-away records are found by their own id only (then redirected); the survivor carries their identifiers. */
function indexKeysOf(goldenId: string, golden: Row): string[] {
  const keys = [lookupKey.golden(goldenId)];
  if (golden.status === 'MERGED') return keys;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const idNumber = text(golden.idNumber);
  if (idNumber && golden.idType === 'RESIDENT_ID') keys.push(lookupKey.residentId(idNumber));
  const mobile = text(golden.mobile);
  if (mobile) keys.push(lookupKey.mobile(mobile));
  const email = text(golden.email);
  if (email) keys.push(lookupKey.email(email));
  for (const policy of (golden.policyNumbers as string[] | undefined) ?? []) keys.push(lookupKey.policyNumber(policy));
  for (const plate of (golden.vehiclePlates as string[] | undefined) ?? []) keys.push(lookupKey.plate(plate));
  for (const member of (golden.members as { system: string; systemId: string }[] | undefined) ?? []) {
    keys.push(lookupKey.member(member.system, member.systemId), lookupKey.anySystemId(member.systemId));
    // Claims and service tickets identify the customer too, and policies are members of the policy system.
    if (member.system === 'policy-admin') keys.push(lookupKey.policyNumber(member.systemId));
  }
  return keys;
}
