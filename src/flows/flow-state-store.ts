import type { CompactedTopicStore } from '../runtime/compacted-topic-store.js';
import type { StepStateStore } from './flow-step.js';

/** One step's slice of a flow's durable state: keys are prefixed with the step's state name. */
export class PrefixedStateStore implements StepStateStore {
  constructor(
    private readonly store: CompactedTopicStore<unknown>,
    private readonly prefix: string,
  ) {}

  get(key: string): unknown {
    return this.store.get(`${this.prefix}/${key}`);
  }

  put(key: string, value: unknown): Promise<void> {
    return this.store.put(`${this.prefix}/${key}`, value);
  }
}

/** State that lives only as long as the process: for `crm-hub test` and unit tests. */
export class InMemoryStateStore implements StepStateStore {
  private readonly values = new Map<string, unknown>();

  get(key: string): unknown {
    return this.values.get(key);
  }

  async put(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
}
