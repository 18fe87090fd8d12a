import type { Clock } from '../../core/clock.js';

/** A partition of the flow's input as the runner names it (a Kafka partition number, or `topic:partition` when a step reads two topics). */
export type PartitionId = number | string;

interface PartitionProgress {
  /** Wall-clock time it was assigned to this process. */
  readonly assignedAt: number;
  /** Wall-clock time its last record was read; undefined before the first. */
  lastRecordAt: number | undefined;
  /** The latest event time read from it; undefined before the first record. */
  latestEventTime: number | undefined;
  /** Its event-time watermark: the latest event time, or more once idleness moved it on. Never goes down. */
  watermark: number | undefined;
}

export interface PartitionWatermarksOptions {
  /** Wall-clock time, injectable so that tests move it by hand. */
  readonly clock: Clock;
  /** How long a partition may go without a record (wall clock) before it counts as idle. */
  readonly idleTimeoutMs: number;
}

/**
 * The event-time watermarks of the partitions this process owns, and the flow's watermark over them.
 *
 * - A partition's watermark is the latest event time read from it (no allowance subtracted: grace
 *   is the window close rule's business, see window-lateness.ts).
 * - A partition is idle when it has had no record for `idleTimeoutMs` of wall-clock time (counted
 *   from its assignment before its first record). An idle partition's watermark moves on with the
 *   wall clock from its last record: latest event time + wall time since that record was read. So a
 *   quiet stream still closes its windows, and a replay of old events that pauses moves its event time
 *   on only by the length of the pause, not to today.
 * - The flow's watermark is the lowest watermark of the partitions that are not idle; when all are
 *   idle, the lowest of the idle ones (which all move on with the clock). A partition with no record
 *   yet holds the flow's watermark back until it turns idle, then no longer counts.
 * - Neither a partition's nor the flow's watermark ever goes back, whatever order records come in,
 *   and also when a slow partition wakes up or a new one is assigned: a record older than the
 *   watermark is judged against it (within grace or late), never reopening closed windows.
 */
export class PartitionWatermarks {
  private readonly partitions = new Map<PartitionId, PartitionProgress>();
  private flowWatermark: number | undefined;

  constructor(private readonly options: PartitionWatermarksOptions) {}

  /** Starts tracking a partition newly assigned, from the watermark restored with its state if there is one. */
  assign(partition: PartitionId, restoredWatermark?: number): void {
    if (this.partitions.has(partition)) return;
    const now = this.options.clock.now();
    // A restored watermark counts as a record read now: the partition has made progress and may have more to deliver.
    this.partitions.set(partition, {
      assignedAt: now,
      lastRecordAt: restoredWatermark === undefined ? undefined : now,
      latestEventTime: restoredWatermark,
      watermark: restoredWatermark,
    });
  }

  /**
   * The flow's watermark is at least `watermark` from now on: what an earlier process had reached,
   * restored with its state, so that a partition whose inputs come back at different watermarks
   * does not go below what it closed windows and fired timers at.
   */
  raiseFloor(watermark: number): void {
    if (this.flowWatermark === undefined || watermark > this.flowWatermark) this.flowWatermark = watermark;
  }

  /** Stops tracking a partition revoked from this process; the flow's watermark keeps what it reached. */
  release(partition: PartitionId): void {
    this.partitions.delete(partition);
  }

  /** Records that a record with `eventTime` was read from `partition` (assigning it if it was not). */
  observe(partition: PartitionId, eventTime: number): void {
    this.assign(partition);
    const progress = this.partitions.get(partition)!;
    progress.lastRecordAt = this.options.clock.now();
    progress.latestEventTime = Math.max(progress.latestEventTime ?? eventTime, eventTime);
    progress.watermark = Math.max(progress.watermark ?? eventTime, eventTime);
  }

  /** The watermark of one partition now (moved on by the clock if idle); undefined before its first record or when not tracked. */
  partitionWatermark(partition: PartitionId): number | undefined {
    const progress = this.partitions.get(partition);
    if (progress === undefined) return undefined;
    progress.watermark = this.watermarkAt(progress, this.options.clock.now());
    return progress.watermark;
  }

  /** The flow's watermark now; undefined until there is one (then no window has closed). */
  current(): number | undefined {
    const now = this.options.clock.now();
    // Kept, so that a partition's watermark stays where idleness moved it when its next record is older.
    for (const progress of this.partitions.values()) progress.watermark = this.watermarkAt(progress, now);
    const reached = this.flowWatermarkAt(now);
    if (reached !== undefined && (this.flowWatermark === undefined || reached > this.flowWatermark)) this.flowWatermark = reached;
    return this.flowWatermark;
  }

  /**
   * The earliest wall-clock time at which the flow's watermark reaches `eventTime` if no further
   * record comes (idleness moving it on), so that a runner can sleep until a window closes or a
   * timer is due; now if it has already; undefined when nothing would move it there (no partition
   * has had a record). A record arriving earlier can only bring that time forward.
   */
  wallTimeReaching(eventTime: number): number | undefined {
    const now = this.options.clock.now();
    const current = this.current();
    if (current !== undefined && current >= eventTime) return now;
    // With no records the flow's watermark only changes when a partition turns idle, and once all
    // are idle it rises with the clock: the answer is one of these moments.
    const moments = [now];
    for (const progress of this.partitions.values()) {
      moments.push((progress.lastRecordAt ?? progress.assignedAt) + this.options.idleTimeoutMs);
      if (progress.latestEventTime !== undefined) moments.push(progress.lastRecordAt! + (eventTime - progress.latestEventTime));
    }
    return moments
      .filter((moment) => moment >= now)
      .sort((a, b) => a - b)
      .find((moment) => (this.flowWatermarkAt(moment) ?? -Infinity) >= eventTime);
  }

  /** What the flow's watermark would be at wall time `now` with no further records, before the never-go-back rule. */
  private flowWatermarkAt(now: number): number | undefined {
    let busiest: number | undefined;
    let quietest: number | undefined;
    for (const progress of this.partitions.values()) {
      const watermark = this.watermarkAt(progress, now);
      const idle = this.isIdle(progress, now);
      // A partition with no record yet holds everything back until it turns idle.
      if (watermark === undefined && !idle) return undefined;
      if (watermark === undefined) continue;
      if (!idle) busiest = busiest === undefined ? watermark : Math.min(busiest, watermark);
      else quietest = quietest === undefined ? watermark : Math.min(quietest, watermark);
    }
    return busiest ?? quietest;
  }

  private isIdle(progress: PartitionProgress, now: number): boolean {
    return now - (progress.lastRecordAt ?? progress.assignedAt) >= this.options.idleTimeoutMs;
  }

  /** A partition's watermark at wall time `now` with no further records: moved on by idleness, never below what it reached. */
  private watermarkAt(progress: PartitionProgress, now: number): number | undefined {
    if (progress.watermark === undefined || progress.latestEventTime === undefined || !this.isIdle(progress, now))
      return progress.watermark;
    return Math.max(progress.watermark, progress.latestEventTime + (now - progress.lastRecordAt!));
  }
}
