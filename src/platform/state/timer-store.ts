import { systemClock, type Clock } from '../../core/clock.js';
import { MinHeap } from '../../core/min-heap.js';
import type { PartitionedChangelogStore } from './partitioned-changelog-store.js';

/** A timer as scheduled: due at `dueAt` (ms since the epoch) on the input partition it belongs to. */
export interface Timer<Payload> {
  partition: number;
  id: string;
  dueAt: number;
  payload: Payload;
}

/** What the changelog holds per timer. */
interface StoredTimer<Payload> {
  dueAt: number;
  payload: Payload;
}

interface Pending {
  dueAt: number;
  id: string;
}

const earlier = (a: Pending, b: Pending): boolean => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id);

/**
 * Durable timers (a join's wait, a timeout, a window's close) kept in a partitioned changelog next
 * to the state they belong to, each under `prefix` + its id, so a timer moves with its partition
 * in a rebalance and survives a kill. In memory, each held partition's timers are queued by
 * (due time, id); a timer is removed by its tombstone once fired, so it never fires again after a
 * restart. Firing is at least once: a crash between a timer's effect and its tombstone fires it
 * again, so what it emits should carry an id derived from the timer's.
 *
 * The queue is not kept in step with every write: a cancelled or rescheduled timer's old entry is
 * skipped when it comes up, as the changelog no longer holds it with that due time.
 */
export class TimerStore<Payload> {
  private readonly queues = new Map<number, MinHeap<Pending>>();

  constructor(
    private readonly store: PartitionedChangelogStore<unknown>,
    private readonly prefix = 'timer/',
    private readonly clock: Clock = systemClock,
  ) {
    store.onPartitionChange((partition, change) => {
      if (change === 'dropped') this.queues.delete(partition);
      else this.queues.set(partition, this.queueOf(partition));
    });
    for (const partition of store.assigned) this.queues.set(partition, this.queueOf(partition));
  }

  /** Schedules (or moves) timer `id` of `partition`; durable once resolved. */
  async schedule(partition: number, id: string, dueAt: number, payload: Payload): Promise<void> {
    const stored: StoredTimer<Payload> = { dueAt, payload };
    await this.store.put(partition, this.prefix + id, stored);
    this.queues.get(partition)?.push({ dueAt, id });
  }

  /** Cancels timer `id` wherever it is held; resolves with whether there was one. */
  async cancel(id: string): Promise<boolean> {
    // A partition still being read back would not show the timer yet.
    await Promise.allSettled(this.store.assigned.map((partition) => this.store.restored(partition)));
    for (const partition of this.store.assigned) {
      if (this.stored(partition, id) === undefined) continue;
      await this.store.delete(partition, this.prefix + id);
      return true;
    }
    return false;
  }

  /** The timers of `partition` due at `now` (its watermark, or the clock's now), earliest first; they stay until `fired`. */
  due(partition: number, now: number = this.clock.now()): Timer<Payload>[] {
    const queue = this.queues.get(partition);
    if (!queue) return [];
    const due: Timer<Payload>[] = [];
    const taken: Pending[] = [];
    const seen = new Set<string>();
    for (let next = queue.peek(); next && next.dueAt <= now; next = queue.peek()) {
      queue.pop();
      const stored = this.stored(partition, next.id);
      // Cancelled, fired or moved since it was queued: its entry goes.
      if (!stored || stored.dueAt !== next.dueAt || seen.has(next.id)) continue;
      seen.add(next.id);
      taken.push(next);
      due.push({ partition, id: next.id, dueAt: stored.dueAt, payload: stored.payload });
    }
    for (const pending of taken) queue.push(pending);
    return due;
  }

  /** Removes fired timers for good, with their tombstones in one request. */
  async fired(timers: readonly Pick<Timer<Payload>, 'partition' | 'id'>[]): Promise<void> {
    await this.store.deleteAll(timers.map(({ partition, id }) => ({ partition, key: this.prefix + id })));
  }

  /** Timers pending in the partitions held. */
  get size(): number {
    let size = 0;
    for (const partition of this.store.assigned) {
      for (const { key } of this.store.entries(partition)) if (key.startsWith(this.prefix)) size++;
    }
    return size;
  }

  private stored(partition: number, id: string): StoredTimer<Payload> | undefined {
    return this.store.get(partition, this.prefix + id) as StoredTimer<Payload> | undefined;
  }

  private queueOf(partition: number): MinHeap<Pending> {
    const queue = new MinHeap(earlier);
    for (const { key, value } of this.store.entries(partition)) {
      if (key.startsWith(this.prefix)) queue.push({ dueAt: (value as StoredTimer<Payload>).dueAt, id: key.slice(this.prefix.length) });
    }
    return queue;
  }
}
