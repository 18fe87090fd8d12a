import type { KeyedStepState } from '../flow-step.js';
import type { HeldMessage } from './held-message.js';

/** The two inputs of a join: its own (`this`, the flow's messages) and the `with` topic (`other`). */
export type JoinSide = 'this' | 'other';

/** One record waiting in a join's buffer. */
export interface WaitingRecord {
  /** Its identity (see recordIdentity). */
  id: string;
  /** Its event time (ms). */
  at: number;
  /** Whether a record of the other side was joined with it (a this-side record that matched never goes to onTimeout). */
  matched?: true;
}

/** What a join's timer carries: which waiting record's bound it is. */
export interface WaitTimer {
  side: JoinSide;
  key: string;
  id: string;
}

const SIDE_TAG: Readonly<Record<JoinSide, string>> = { this: 't', other: 'o' };

/**
 * A join's waiting records in its keyed state, per join key and side: a small index of the records
 * (id, event time, matched) under `i/<side>/<key>`, each record under `r/<side>/<key>/<id>`, and
 * one timer per record at its event time + `within`. Records are kept apart from the index so that
 * adding one to a busy key rewrites the ids, not every waiting record. Ids are of fixed form and
 * come last, so a key containing `/` cannot be confused with another.
 */
export class JoinBuffer {
  constructor(private readonly state: KeyedStepState) {}

  waiting(side: JoinSide, key: string): WaitingRecord[] {
    return this.state.get<WaitingRecord[]>(indexKey(side, key)) ?? [];
  }

  record(side: JoinSide, key: string, id: string): HeldMessage | undefined {
    return this.state.get<HeldMessage>(recordKey(side, key, id));
  }

  /** Keeps `message` waiting until the watermark reaches `dueAt`. */
  add(side: JoinSide, key: string, entry: WaitingRecord, message: HeldMessage, dueAt: number): void {
    this.state.put(indexKey(side, key), [...this.waiting(side, key), entry]);
    this.state.put(recordKey(side, key, entry.id), message);
    this.state.schedule(timerId(side, key, entry.id), dueAt, { side, key, id: entry.id } satisfies WaitTimer);
  }

  /** Notes that the this-side records `ids` were joined. */
  markMatched(key: string, ids: ReadonlySet<string>): void {
    if (ids.size === 0) return;
    const index = this.waiting('this', key).map((entry) => (ids.has(entry.id) ? { ...entry, matched: true as const } : entry));
    this.state.put(indexKey('this', key), index);
  }

  /** Forgets the record a fired timer was for, giving what was kept of it. */
  remove(timer: WaitTimer): { entry: WaitingRecord; message: HeldMessage } | undefined {
    const index = this.waiting(timer.side, timer.key);
    const entry = index.find((candidate) => candidate.id === timer.id);
    const rest = index.filter((candidate) => candidate.id !== timer.id);
    if (rest.length > 0) this.state.put(indexKey(timer.side, timer.key), rest);
    else this.state.delete(indexKey(timer.side, timer.key));
    const message = this.record(timer.side, timer.key, timer.id);
    this.state.delete(recordKey(timer.side, timer.key, timer.id));
    return entry && message ? { entry, message } : undefined;
  }
}

function indexKey(side: JoinSide, key: string): string {
  return `i/${SIDE_TAG[side]}/${key}`;
}

function recordKey(side: JoinSide, key: string, id: string): string {
  return `r/${SIDE_TAG[side]}/${key}/${id}`;
}

function timerId(side: JoinSide, key: string, id: string): string {
  return `${SIDE_TAG[side]}/${key}/${id}`;
}

/** Whether a timer's payload is one of a join's (a state written by an older version is skipped, not misread). */
export function isWaitTimer(payload: unknown): payload is WaitTimer {
  if (typeof payload !== 'object' || payload === null) return false;
  const timer = payload as Record<string, unknown>;
  return (timer.side === 'this' || timer.side === 'other') && typeof timer.key === 'string' && typeof timer.id === 'string';
}
