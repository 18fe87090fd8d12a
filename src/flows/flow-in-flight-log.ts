import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HubError } from '../core/hub-error.js';

/** The records of one partition a flow was processing: offsets `from`..`to`, and how many process crashes they already went through. */
export interface InFlightRecords {
  from: string;
  to: string;
  crashes: number;
  /** The process that wrote it: a marker of this very process is never taken for a crash. */
  process: string;
}

/** Told apart from every other hub process, including one that got the same pid in a restarted container. */
const THIS_PROCESS = randomUUID();

/** A record is dead-lettered (FLOW_CRASHED) instead of being tried a third time after this many crashes. */
export const CRASHES_BEFORE_DEAD_LETTER = 2;

/**
 * A record was being processed each time the hub process died, twice: something in it (an
 * expression that exhausts the heap, a step's native code) kills the process. A third attempt would
 * kill it again, and every connector and flow with it, so the record is dead-lettered unprocessed.
 */
export class FlowCrashedError extends HubError {
  constructor(flow: string, crashes: number) {
    super(
      'FLOW_CRASHED',
      `the hub process died ${crashes} times while flow ${flow} was processing this record; dead-lettered rather than tried again`,
      { retriable: false },
    );
  }
}

/**
 * One record under suspicion at a time in the whole process. Records gone through one by one after
 * a crash each hold a turn from their marker's writing to its removal, so that a further crash names
 * the record that caused it, not a record of another flow that happened to be awaiting its own step
 * meanwhile (which would otherwise be blamed for the same two crashes and dead-lettered with it).
 */
class SuspectTurns {
  private tail: Promise<void> = Promise.resolve();

  /** Waits for the turn; the function returned gives it up (calling it again does nothing). */
  async take(): Promise<() => void> {
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  }
}

/** The turns of each writer (one per process; tests play several processes in one). */
const suspectTurns = new Map<string, SuspectTurns>();

/**
 * Which records of each partition a flow is processing, written to a small file before it starts
 * on them and removed once it is done with them (whether they succeeded or not): a marker still
 * there when the next process starts on that partition means the process died while processing
 * those records. Written once per batch on the ordinary path; only a batch that was in flight
 * during a crash is gone through record by record with a marker each, so that a second crash
 * names the record that caused it, which is then dead-lettered before a third attempt.
 *
 * The files live in the hub's data directory: a hub that takes over the partition of another hub
 * (which has its own data directory) does not see the other's markers and counts afresh.
 */
export class FlowInFlightLog {
  /** Markers left by a process that died, read once per partition when this runner first gets it. */
  private readonly leftovers = new Map<string, InFlightRecords | undefined>();

  constructor(
    private readonly dir: string,
    /** Who writes: a marker of the same writer is never taken for a crash (tests play several processes). */
    private readonly writer: string = THIS_PROCESS,
  ) {
    fs.mkdirSync(dir, { recursive: true });
  }

  /** What a dead process left for this partition, if anything overlaps `from`..`to`. */
  leftover(topic: string, partition: number, from: string, to: string): InFlightRecords | undefined {
    const name = fileName(topic, partition);
    if (!this.leftovers.has(name)) this.leftovers.set(name, this.read(name));
    const left = this.leftovers.get(name);
    if (!left) return undefined;
    if (BigInt(left.from) > BigInt(to) || BigInt(left.to) < BigInt(from)) {
      // Already behind the partition (committed elsewhere meanwhile) or not reached yet: it says nothing about these records.
      if (BigInt(left.to) < BigInt(from)) this.leftovers.set(name, undefined);
      return undefined;
    }
    return left;
  }

  /** How many crashes the record at `offset` went through, given the leftover of its partition. */
  static crashesOf(left: InFlightRecords | undefined, offset: string): number {
    if (!left || BigInt(offset) < BigInt(left.from) || BigInt(offset) > BigInt(left.to)) return 0;
    return left.crashes + 1;
  }

  /** Waits until no other record under suspicion is being processed in this process; the function returned ends the turn. */
  takeSuspectTurn(): Promise<() => void> {
    let turns = suspectTurns.get(this.writer);
    if (!turns) suspectTurns.set(this.writer, (turns = new SuspectTurns()));
    return turns.take();
  }

  /** Before processing `from`..`to` of the partition. */
  begin(topic: string, partition: number, from: string, to: string, crashes: number): void {
    const marker: InFlightRecords = { from, to, crashes, process: this.writer };
    fs.writeFileSync(path.join(this.dir, fileName(topic, partition)), JSON.stringify(marker));
  }

  /** Once the records are processed (or failed, or dead-lettered): they did not crash the process. */
  end(topic: string, partition: number): void {
    fs.rmSync(path.join(this.dir, fileName(topic, partition)), { force: true });
  }

  /** The records of the partition up to `offset` went through: its leftover, if it covered no further, is dealt with. */
  settle(topic: string, partition: number, offset: string): void {
    const name = fileName(topic, partition);
    const left = this.leftovers.get(name);
    if (left && BigInt(left.to) <= BigInt(offset)) this.leftovers.set(name, undefined);
  }

  private read(name: string): InFlightRecords | undefined {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.dir, name), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const marker = JSON.parse(text) as Partial<InFlightRecords>;
      if (
        typeof marker.from !== 'string' ||
        typeof marker.to !== 'string' ||
        typeof marker.crashes !== 'number' ||
        marker.process === this.writer
      )
        return undefined;
      return { from: marker.from, to: marker.to, crashes: marker.crashes, process: String(marker.process) };
    } catch {
      // Torn by the crash itself (the write is a few bytes, but a disk may be full): a marker nobody can read counts nothing.
      return undefined;
    }
  }
}

function fileName(topic: string, partition: number): string {
  return `${topic}.${partition}.json`;
}
