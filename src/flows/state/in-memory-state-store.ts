import type { StepStateStore } from '../flow-step.js';

/** Step state that lives only as long as the process: for `crm-hub test`, validation and unit tests. */
export class InMemoryStateStore implements StepStateStore {
  private readonly values = new Map<string, unknown>();

  get(key: string): unknown {
    return this.values.get(key);
  }

  async put(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }
}
