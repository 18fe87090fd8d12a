import { closestNames } from '../core/closest-names.js';
import type { SchemaCatalog } from '../platform/avro/schema-catalog.js';
import type { TopicFormat } from '../platform/avro/topic-info.js';

/** A topic a flow may read or write: its record and how its values are written. */
export interface FlowTopic {
  topic: string;
  /** Full name of the record its values hold. */
  record: string;
  format: TopicFormat;
}

/**
 * The topics one flow may use: the canonical ones of schemas/topics.json and those the flow
 * declares under `topics:`. A topic is never made up by naming it (the hub creates only declared
 * topics and the broker creates none), so a misspelt `from: crm.customr.v1` is an error here
 * rather than an empty topic that a flow waits on forever.
 */
export class FlowTopics {
  private readonly byName = new Map<string, FlowTopic>();

  constructor(schemas: SchemaCatalog, own: readonly FlowTopic[] = []) {
    for (const info of schemas.topics()) this.byName.set(info.topic, { topic: info.topic, record: info.record, format: info.format });
    for (const topic of own) this.byName.set(topic.topic, topic);
  }

  get(topic: string): FlowTopic | undefined {
    return this.byName.get(topic);
  }

  has(topic: string): boolean {
    return this.byName.has(topic);
  }

  /** Why `topic` cannot be used, with the declared topic probably meant. */
  undeclaredMessage(topic: string): string {
    const [suggestion] = closestNames(topic, this.byName.keys(), 1);
    const hint = suggestion !== undefined ? `; did you mean ${suggestion}?` : '';
    return `topic ${topic} is not declared${hint} (declare it in schemas/topics.json, or under the flow's "topics:" with its schema)`;
  }
}
