/** One change of partitioned state: a value (with, for keys that expire, when), or null for the key's tombstone. */
export interface PartitionedChange<Value> {
  partition: number;
  key: string;
  value: Value | null;
  /** When the key stops holding (event time, ms since the epoch). */
  expiresAt?: number;
  /** The value as JSON text when the writer has it already (it measured the value): a changelog writes it as it is. */
  valueJson?: string;
}

/** A key held, with its value and expiry time. */
export interface PartitionedEntry<Value> {
  key: string;
  value: Value;
  expiresAt?: number;
}

export type PartitionChange = 'restored' | 'dropped';

/**
 * State split the way its input is: partition n of the state belongs to whoever holds partition n
 * of the input. `PartitionedChangelogStore` keeps it in a compacted Kafka topic;
 * `InMemoryPartitionedState` in memory, for `crm-hub test` and unit tests. Code that keeps state
 * (a flow's stateful steps) sees only this.
 */
export interface PartitionedState<Value> {
  readonly partitions: number;
  /** The partitions held now (restored or being restored). */
  readonly assigned: number[];
  /** Resolves once `partition` was read back; rejects when it is not held or could not be read. */
  restored(partition: number): Promise<void>;
  get(partition: number, key: string): Value | undefined;
  /** When `key` expires, if it was written with an expiry. */
  expiresAt(partition: number, key: string): number | undefined;
  entries(partition: number): IterableIterator<PartitionedEntry<Value>>;
  /** Every change durable in one request, in order (the last of a key wins); visible once all are. */
  writeAll(changes: readonly PartitionedChange<Value>[]): Promise<void>;
  /** Told when a partition's state was read back or dropped: for indexes kept beside the store. */
  onPartitionChange(listener: (partition: number, change: PartitionChange) => void): void;
  /** Keys held over every held partition. */
  readonly size: number;
}

/**
 * Partitioned state in memory: what a flow's stateful steps keep under `crm-hub test`. The data
 * outlives a "process": `reopen` gives a new store over the same data with nothing assigned, as a
 * restarted hub finds its changelog, so a test can restart a flow in the middle of a case.
 */
export class InMemoryPartitionedState<Value> implements PartitionedState<Value> {
  private readonly listeners: ((partition: number, change: PartitionChange) => void)[] = [];
  private readonly held = new Set<number>();

  constructor(
    readonly partitions = 1,
    private readonly data = new Map<number, Map<string, PartitionedEntry<Value>>>(),
  ) {}

  /** The same data, as a process started again finds it: nothing held until `assign`. */
  reopen(): InMemoryPartitionedState<Value> {
    return new InMemoryPartitionedState(this.partitions, this.data);
  }

  assign(partitions: readonly number[]): void {
    const wanted = new Set(partitions);
    for (const partition of [...this.held]) {
      if (wanted.has(partition)) continue;
      this.held.delete(partition);
      for (const listener of this.listeners) listener(partition, 'dropped');
    }
    for (const partition of wanted) {
      if (this.held.has(partition)) continue;
      this.held.add(partition);
      for (const listener of this.listeners) listener(partition, 'restored');
    }
  }

  get assigned(): number[] {
    return [...this.held].sort((a, b) => a - b);
  }

  restored(partition: number): Promise<void> {
    return this.held.has(partition) ? Promise.resolve() : Promise.reject(new Error(`partition ${partition} is not held`));
  }

  get(partition: number, key: string): Value | undefined {
    return this.held.has(partition) ? this.data.get(partition)?.get(key)?.value : undefined;
  }

  expiresAt(partition: number, key: string): number | undefined {
    return this.held.has(partition) ? this.data.get(partition)?.get(key)?.expiresAt : undefined;
  }

  *entries(partition: number): IterableIterator<PartitionedEntry<Value>> {
    if (!this.held.has(partition)) return;
    yield* this.data.get(partition)?.values() ?? [];
  }

  async writeAll(changes: readonly PartitionedChange<Value>[]): Promise<void> {
    for (const { partition, key, value, expiresAt } of changes) {
      const entries = this.data.get(partition) ?? new Map<string, PartitionedEntry<Value>>();
      this.data.set(partition, entries);
      if (value === null) entries.delete(key);
      else entries.set(key, expiresAt === undefined ? { key, value } : { key, value, expiresAt });
    }
  }

  onPartitionChange(listener: (partition: number, change: PartitionChange) => void): void {
    this.listeners.push(listener);
  }

  get size(): number {
    let size = 0;
    for (const partition of this.held) size += this.data.get(partition)?.size ?? 0;
    return size;
  }
}
