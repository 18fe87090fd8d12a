import { AsyncLocalStorage } from 'node:async_hooks';

/** Where a journal's writes finally go. */
export interface StateSink {
  write(key: string, value: unknown): Promise<void>;
  read(key: string): unknown;
}

/**
 * Step state (dedupe keys) written while a message is processed takes effect only once that
 * message's outputs are produced. A retried message rolls its writes back (or it would be dropped
 * as a duplicate of itself); a dead-lettered one too (or a replay would be dropped); and state is
 * flushed to Kafka after the batch's outputs, so a crash in between repeats, never loses, output.
 * Reads see pending writes, so two copies of one key in a batch are still deduplicated.
 */
export class FlowStateJournal {
  private static readonly active = new AsyncLocalStorage<FlowStateJournal>();

  /** Runs `work` with this journal receiving the state calls made inside it (batches of several partitions run at once). */
  static within<T>(journal: FlowStateJournal, work: () => Promise<T>): Promise<T> {
    return FlowStateJournal.active.run(journal, work);
  }

  /** The journal of the batch being processed, if any. */
  static current(): FlowStateJournal | undefined {
    return FlowStateJournal.active.getStore();
  }

  private entries: { sink: StateSink; key: string; value: unknown }[] = [];
  private overlay = new Map<StateSink, Map<string, unknown>>();

  mark(): number {
    return this.entries.length;
  }

  rollback(mark: number): void {
    if (mark >= this.entries.length) return;
    this.entries.length = mark;
    this.overlay = new Map();
    for (const entry of this.entries) this.remember(entry.sink, entry.key, entry.value);
  }

  record(sink: StateSink, key: string, value: unknown): void {
    this.entries.push({ sink, key, value });
    this.remember(sink, key, value);
  }

  read(sink: StateSink, key: string): unknown {
    const pending = this.overlay.get(sink);
    return pending?.has(key) ? pending.get(key) : sink.read(key);
  }

  async flush(): Promise<void> {
    const entries = this.entries;
    this.entries = [];
    this.overlay = new Map();
    for (const { sink, key, value } of entries) await sink.write(key, value);
  }

  private remember(sink: StateSink, key: string, value: unknown): void {
    const pending = this.overlay.get(sink) ?? new Map<string, unknown>();
    pending.set(key, value);
    this.overlay.set(sink, pending);
  }
}
