import type { StateStore, StateEntry, StateStoreOpener } from '../../platform/state/state-store.js';
import type { StepStateStore } from '../flow-step.js';
import { FlowStateJournal, type StateSink } from './flow-state-journal.js';

/** Where the state of a flow's steps is kept: one store per flow, each step's keys under its own prefix. */
export function flowStateStoreName(flowName: string): string {
  return `crm-hub.flow-state.${flowName}`;
}

/**
 * A step's durable state, handed to the compiler before the store behind it is open (compilation
 * is synchronous); opened before the flow's first message. Writes go through the flow's journal,
 * which applies them once the message's outputs are produced.
 */
export class DurableStateStore implements StepStateStore, StateSink {
  private store: StateStore | undefined;

  constructor(
    private readonly storeName: string,
    private readonly prefix: string,
  ) {}

  async open(openStore: StateStoreOpener): Promise<void> {
    this.store = await openStore(this.storeName);
  }

  get(key: string): unknown {
    const journal = FlowStateJournal.current();
    return journal ? journal.read(this, key) : this.read(key);
  }

  async put(key: string, value: unknown): Promise<void> {
    const journal = FlowStateJournal.current();
    if (journal) journal.record(this, key, value);
    else await this.writeAll([{ key, value }]);
  }

  read(key: string): unknown {
    return this.store?.get(`${this.prefix}/${key}`);
  }

  async writeAll(entries: readonly StateEntry[]): Promise<void> {
    await this.store?.putAll(entries.map(({ key, value }) => ({ key: `${this.prefix}/${key}`, value })));
  }
}
