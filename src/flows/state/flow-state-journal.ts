import { HubError } from '../../core/hub-error.js';
import type { PartitionedChange, PartitionedState } from '../../platform/state/partitioned-state.js';

/** The largest state value kept: a margin below the broker's default 1 MiB for a record batch. */
export const MAX_STATE_VALUE_BYTES = 900_000;

/** A pending change as the journal keeps it: the value or null (a tombstone), with its expiry. */
interface Pending {
  value: unknown;
  expiresAt?: number;
}

/**
 * The state changes one batch (or one timer run) of one partition makes, held back until that
 * batch's outputs are produced: a retried message rolls its changes back (or it would meet its own
 * dedupe key), a dead-lettered one too (or its replay would be dropped), and the changes reach the
 * changelog after the outputs, so a crash in between repeats output, never loses it. Reads see
 * pending changes first.
 */
export class FlowStateJournal {
  private changes: PartitionedChange<unknown>[] = [];
  private overlay = new Map<string, Pending>();

  /** The input topics whose event times were observed: their watermarks are written with the changes. */
  readonly observed = new Set<string>();

  constructor(
    readonly partition: number,
    /**
     * The input topic of the record being processed (for a repartition topic, the topic the record
     * was first read from, so that each side of a join keeps its own watermark); undefined for a timer run.
     */
    public topic: string | undefined,
  ) {}

  mark(): number {
    return this.changes.length;
  }

  rollback(mark: number): void {
    if (mark >= this.changes.length) return;
    this.changes.length = mark;
    this.overlay = new Map();
    for (const change of this.changes) this.remember(change);
  }

  /** Throws STATE_VALUE_TOO_LARGE (not retriable: the message that made it is dead-lettered) for a value no changelog record can hold. */
  record(key: string, value: unknown, expiresAt?: number): void {
    const change: PartitionedChange<unknown> =
      expiresAt === undefined ? { partition: this.partition, key, value } : { partition: this.partition, key, value, expiresAt };
    if (value !== null) {
      // Measured here, where the message that made it can still be dead-lettered: refused by the broker at
      // the batch's end, the write would fail the whole batch on every redelivery and stop the partition.
      const json = JSON.stringify(value);
      if (json.length * 3 > MAX_STATE_VALUE_BYTES && Buffer.byteLength(json) > MAX_STATE_VALUE_BYTES)
        throw new HubError(
          'STATE_VALUE_TOO_LARGE',
          `the state kept for ${key.slice(0, 200)} would be ${Buffer.byteLength(json)} bytes, more than the ${MAX_STATE_VALUE_BYTES} a changelog record may hold`,
        );
      change.valueJson = json;
    }
    this.changes.push(change);
    this.remember(change);
  }

  /** The pending value (null: deleted), or undefined when the batch did not touch the key. */
  pending(key: string): Pending | undefined {
    return this.overlay.get(key);
  }

  read(store: PartitionedState<unknown>, key: string): unknown {
    const pending = this.overlay.get(key);
    if (pending) return pending.value === null ? undefined : pending.value;
    return store.get(this.partition, key);
  }

  /** The changes made, once each key's last (what the changelog needs), and the journal emptied. */
  take(): PartitionedChange<unknown>[] {
    // A key written several times in a batch (a window counted N times) needs only its last write on the changelog.
    const last = new Set<string>();
    const changes: PartitionedChange<unknown>[] = [];
    for (let index = this.changes.length - 1; index >= 0; index--) {
      const change = this.changes[index]!;
      if (last.has(change.key)) continue;
      last.add(change.key);
      changes.push(change);
    }
    changes.reverse();
    this.changes = [];
    this.overlay = new Map();
    return changes;
  }

  get size(): number {
    return this.changes.length;
  }

  private remember(change: PartitionedChange<unknown>): void {
    this.overlay.set(
      change.key,
      change.expiresAt === undefined ? { value: change.value } : { value: change.value, expiresAt: change.expiresAt },
    );
  }
}
