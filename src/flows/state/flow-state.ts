import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../../core/clock.js';
import { HubError } from '../../core/hub-error.js';
import { MinHeap } from '../../core/min-heap.js';
import type { PartitionedState } from '../../platform/state/partitioned-state.js';
import type { FiredTimer, KeyedStepState } from '../flow-step.js';
import { PartitionWatermarks } from '../time/partition-watermarks.js';
import { FlowStateJournal } from './flow-state-journal.js';

/** How a stateful step's changelog names what it keeps: keys, timers, watermarks and the sources already applied. */
const KEY = 'k/';
const TIMER = 't/';
const WATERMARK = 'w/';
const SOURCE = 's/';
/** The partition's own watermark (over its input topics), never to go back after a restart; `*` is in no topic name. */
const FLOOR = `${WATERMARK}*`;

interface StoredTimer {
  dueAt: number;
  payload: unknown;
}

/** Something due at a time: a timer, or a key that expires then. */
interface Due {
  dueAt: number;
  /** The store key of the timer or of the expiring key. */
  key: string;
}

const earlier = (a: Due, b: Due): boolean => a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.key < b.key);

export interface FlowStateOptions {
  /** Wall-clock time (a virtual one under `crm-hub test`). */
  clock: Clock;
  /** How long a partition may go without a record (wall clock) before its watermark moves on with the clock. */
  idleTimeoutMs: number;
}

/** Where a record handed on through a repartition topic came from: applied once per source offset. */
export interface RecordSource {
  topic: string;
  partition: number;
  offset: string;
}

/** Figures for /metrics and the dashboard. */
export interface FlowStateSize {
  keys: number;
  timers: number;
  /** Approximate bytes of keys and values held (JSON), over the partitions held. */
  bytes: number;
  partitions: number;
}

/**
 * The state, timers and event time of one stateful step, partitioned like the step's input: the
 * one mechanism dedupe, windows, joins and timeouts keep state with. Behind it, a
 * `PartitionedState` — a compacted changelog topic restored on assignment, or memory under
 * `crm-hub test`.
 *
 * - Changes go through a journal per batch (`within`) and reach the store in one write per batch
 *   (`flush`), after the batch's outputs.
 * - Timers and expiring keys are indexed per partition by due time; `takeDue` hands over what the
 *   partition's watermark reached and tombstones it in the same journal, so a fired timer is gone
 *   exactly when its outputs are produced, and a crash before that fires it again (same id, same state).
 * - Each partition's watermark is kept in the changelog too, so a restarted process judges late
 *   records as the one before it did.
 * - Records handed on through a repartition topic carry their source offset; the highest applied
 *   per source partition is kept in the same write as the state they changed, so a record read again
 *   after a crash (or sent again by the stage before) changes nothing twice.
 */
export class FlowState {
  private static readonly active = new AsyncLocalStorage<FlowStateJournal>();
  private store: PartitionedState<unknown> | undefined;
  private readonly queues = new Map<number, MinHeap<Due>>();
  private readonly watermarks = new Map<number, PartitionWatermarks>();
  /** The input topics whose watermarks each partition keeps. */
  private readonly topics = new Map<number, Set<string>>();
  private readonly locks = new Map<number, Promise<unknown>>();
  private readonly counts = { keys: 0, timers: 0, bytes: 0 };
  /** Sizes of the values held, by value object: weakly, so that a value gone from the store takes its size with it. */
  private readonly sizes = new WeakMap<object, number>();
  /** The step's view: every call goes to the partition being processed. */
  readonly view: KeyedStepState;

  constructor(
    /** Names the step in messages (`steps[2].aggregate`). */
    readonly name: string,
    readonly flowName: string,
    private readonly options: FlowStateOptions,
  ) {
    this.view = {
      get: <Value>(key: string) => this.journal().read(this.attached(), KEY + key) as Value | undefined,
      put: (key, value, expiresAt) => this.journal().record(KEY + key, value, expiresAt),
      delete: (key) => this.journal().record(KEY + key, null),
      schedule: (id, dueAt, payload) => this.journal().record(TIMER + id, { dueAt, payload: payload ?? null } satisfies StoredTimer),
      cancel: (id) => {
        const journal = this.journal();
        if (journal.read(this.attached(), TIMER + id) !== undefined) journal.record(TIMER + id, null);
      },
      timer: (id) => this.journal().read(this.attached(), TIMER + id) as StoredTimer | undefined,
      observe: (eventTime) => {
        const journal = this.journal();
        if (journal.topic === undefined) return;
        this.watermarksOf(journal.partition).observe(journal.topic, eventTime);
        journal.observed.add(journal.topic);
        this.topicsOf(journal.partition).add(journal.topic);
      },
      watermark: () => this.watermark(this.journal().partition),
      now: () => this.options.clock.now(),
      partition: () => this.journal().partition,
    };
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Keeps the state in `store` from now on; its partitions are indexed as they are restored and forgotten as they are dropped. */
  attach(store: PartitionedState<unknown>): void {
    this.store = store;
    this.queues.clear();
    this.watermarks.clear();
    this.topics.clear();
    Object.assign(this.counts, { keys: 0, timers: 0, bytes: 0 });
    store.onPartitionChange((partition, change) => {
      if (this.store !== store) return;
      if (change === 'restored') this.index(partition);
      else this.forget(partition);
    });
    for (const partition of store.assigned) this.index(partition);
  }

  /** The partitions held now. */
  get assigned(): number[] {
    return this.store?.assigned ?? [];
  }

  /** Resolves once `partition` is read back: no record of it may be handled before. */
  restored(partition: number): Promise<void> {
    return this.attached().restored(partition);
  }

  /**
   * Runs `work` alone on `partition` (a batch and a timer run of one partition never overlap), with
   * a new journal that the step's calls use; the journal is handed to `work` to mark, roll back and
   * finally `flush` once the outputs are produced.
   */
  exclusive<T>(partition: number, topic: string | undefined, work: (journal: FlowStateJournal) => Promise<T>): Promise<T> {
    const before = this.locks.get(partition) ?? Promise.resolve();
    const journal = new FlowStateJournal(partition, topic);
    const run = before.then(
      () => FlowState.active.run(journal, () => work(journal)),
      () => FlowState.active.run(journal, () => work(journal)),
    );
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(partition, settled);
    void settled.then(() => {
      if (this.locks.get(partition) === settled) this.locks.delete(partition);
    });
    return run;
  }

  /** Writes the journal's changes (and the partition's watermark when it moved) in one request, then indexes the new timers. */
  async flush(journal: FlowStateJournal): Promise<void> {
    const store = this.attached();
    const partition = journal.partition;
    // A timer run observes nothing, but idleness may have moved the watermarks it fired on: kept too, so
    // that a restarted process does not judge records against an older one and reopen what closed.
    const topics = journal.topic === undefined ? (this.topics.get(partition) ?? []) : journal.observed;
    for (const topic of topics) {
      const watermark = this.watermarks.get(partition)?.partitionWatermark(topic);
      if (watermark !== undefined && store.get(partition, WATERMARK + topic) !== watermark) journal.record(WATERMARK + topic, watermark);
    }
    // The topics' watermarks alone would restore the lowest of them, which may be below what closed windows and fired timers here.
    const floor = this.watermark(partition);
    if (floor !== undefined && store.get(partition, FLOOR) !== floor) journal.record(FLOOR, floor);
    journal.observed.clear();
    const changes = journal.take();
    if (changes.length === 0) return;
    const keys = new Set<string>();
    for (const change of changes) {
      keys.add(change.key);
      // The journal measured the JSON it wrote: the figures need not serialise the value again.
      if (change.valueJson !== undefined && typeof change.value === 'object' && change.value !== null)
        this.sizes.set(change.value, change.valueJson.length);
    }
    for (const key of keys) this.count(partition, key, undefined, -1);
    await store.writeAll(changes);
    for (const key of keys) this.count(partition, key, undefined, +1);
    const queue = this.queues.get(partition);
    for (const change of changes) {
      if (!queue || change.value === null) continue;
      if (change.key.startsWith(TIMER)) queue.push({ dueAt: (change.value as StoredTimer).dueAt, key: change.key });
      else if (change.expiresAt !== undefined) queue.push({ dueAt: change.expiresAt, key: change.key });
    }
  }

  /** Whether the record from `source` was applied already (its offset at or below the highest applied of its source partition). */
  applied(source: RecordSource): boolean {
    const last = this.journal().read(this.attached(), `${SOURCE}${source.topic}:${source.partition}`);
    return typeof last === 'string' && BigInt(last) >= BigInt(source.offset);
  }

  noteApplied(source: RecordSource): void {
    this.journal().record(`${SOURCE}${source.topic}:${source.partition}`, source.offset);
  }

  /** This step's watermark on `partition` now (moved on by idleness); undefined before its first event. */
  watermark(partition: number): number | undefined {
    return this.watermarks.get(partition)?.current();
  }

  /**
   * When (wall clock) the partition's watermark reaches its earliest pending due time if no record
   * comes, so that a runner sleeps until then; undefined when nothing is pending or nothing would move it.
   */
  wallTimeDue(partition: number): number | undefined {
    const next = this.nextDue(partition);
    return next === undefined ? undefined : this.watermarks.get(partition)?.wallTimeReaching(next);
  }

  /** The earliest due time pending on `partition`, to skip a timer run when nothing can be due. */
  nextDue(partition: number): number | undefined {
    return this.queues.get(partition)?.peek()?.dueAt;
  }

  /**
   * Inside `exclusive`: the timers of the journal's partition its watermark reached, earliest first,
   * tombstoned in the journal; keys whose expiry it reached are tombstoned too.
   */
  takeDue(): FiredTimer[] {
    const journal = this.journal();
    const store = this.attached();
    const queue = this.queues.get(journal.partition);
    const watermark = this.watermark(journal.partition);
    if (!queue || watermark === undefined) return [];
    const fired: FiredTimer[] = [];
    for (let next = queue.peek(); next && next.dueAt <= watermark; next = queue.peek()) {
      queue.pop();
      if (next.key.startsWith(TIMER)) {
        const stored = journal.read(store, next.key) as StoredTimer | undefined;
        // Cancelled, fired or moved since it was queued: its entry goes.
        if (!stored || stored.dueAt !== next.dueAt) continue;
        journal.record(next.key, null);
        fired.push({ id: next.key.slice(TIMER.length), dueAt: stored.dueAt, payload: stored.payload, watermark });
      } else {
        const pending = journal.pending(next.key);
        const expiresAt = pending ? pending.expiresAt : store.expiresAt(journal.partition, next.key);
        if (pending?.value === null || expiresAt !== next.dueAt) continue;
        journal.record(next.key, null);
      }
    }
    return fired;
  }

  size(): FlowStateSize {
    return { ...this.counts, partitions: this.assigned.length };
  }

  private journal(): FlowStateJournal {
    const journal = FlowState.active.getStore();
    if (!journal)
      throw new HubError('STATE_OUTSIDE_MESSAGE', `the state of ${this.name} was used outside the processing of a message or timer`);
    return journal;
  }

  private attached(): PartitionedState<unknown> {
    if (!this.store) throw new HubError('STATE_NOT_OPEN', `the state of ${this.name} is not open yet`, { retriable: true });
    return this.store;
  }

  private topicsOf(partition: number): Set<string> {
    let topics = this.topics.get(partition);
    if (!topics) {
      topics = new Set();
      this.topics.set(partition, topics);
    }
    return topics;
  }

  private watermarksOf(partition: number): PartitionWatermarks {
    let watermarks = this.watermarks.get(partition);
    if (!watermarks) {
      watermarks = new PartitionWatermarks({ clock: this.options.clock, idleTimeoutMs: this.options.idleTimeoutMs });
      this.watermarks.set(partition, watermarks);
    }
    return watermarks;
  }

  /** A partition read back: its timers and expiring keys queued, its watermarks restored, its keys counted. */
  private index(partition: number): void {
    const store = this.attached();
    const queue = new MinHeap<Due>(earlier);
    const watermarks = this.watermarksOf(partition);
    for (const { key, value, expiresAt } of store.entries(partition)) {
      this.count(partition, key, value, +1, true);
      if (key.startsWith(TIMER)) queue.push({ dueAt: (value as StoredTimer).dueAt, key });
      else if (expiresAt !== undefined) queue.push({ dueAt: expiresAt, key });
      else if (key === FLOOR && typeof value === 'number') watermarks.raiseFloor(value);
      else if (key.startsWith(WATERMARK) && typeof value === 'number') {
        watermarks.assign(key.slice(WATERMARK.length), value);
        this.topicsOf(partition).add(key.slice(WATERMARK.length));
      }
    }
    this.queues.set(partition, queue);
  }

  private forget(partition: number): void {
    this.queues.delete(partition);
    this.watermarks.delete(partition);
    this.topics.delete(partition);
    for (const { key, value } of this.store?.entries(partition) ?? []) this.count(partition, key, value, -1, true);
  }

  /** Counts a key in (+1) or out (-1) of the figures; `known`: the value given is the one held. */
  private count(partition: number, key: string, value: unknown, sign: 1 | -1, known = false): void {
    const held = known ? value : this.store?.get(partition, key);
    if (held === undefined || held === null) return;
    if (key.startsWith(TIMER)) this.counts.timers += sign;
    else if (key.startsWith(KEY)) this.counts.keys += sign;
    this.counts.bytes += sign * (key.length + this.approximateBytes(held));
  }

  /** The JSON length of a value, measured once per value object (when written, or when read back). */
  private approximateBytes(value: unknown): number {
    if (typeof value === 'string') return value.length + 2;
    if (typeof value !== 'object' || value === null) return 8;
    let size = this.sizes.get(value);
    if (size === undefined) {
      size = JSON.stringify(value).length;
      this.sizes.set(value, size);
    }
    return size;
  }
}
