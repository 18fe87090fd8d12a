import { ConfigError } from '../core/hub-error.js';
import type { BackOfficeRecord, CollectionOptions } from './back-office-simulator-options.js';
import { compareChangePositions, type ChangePosition } from './change-cursor.js';
import type { MonotonicClock } from './monotonic-clock.js';

/** One write the simulator accepted, as the test reads it back. */
export interface ReceivedWrite {
  key: string;
  body: BackOfficeRecord;
  at: string;
  requestId: string;
}

export interface WriteResult {
  id: string;
  version: number;
  created: boolean;
}

export interface ChangePage {
  items: BackOfficeRecord[];
  /** Position of the last item when more records follow it, else undefined. */
  next: ChangePosition | undefined;
}

interface Entry {
  id: string;
  version: number;
  stamp: number;
  record: BackOfficeRecord;
}

/** One collection of a back office: current records, their ids and versions, and the log of writes. */
export class RecordCollection {
  readonly keyField: string;
  private readonly updatedAtField: string;
  private readonly entries = new Map<string, Entry>();
  private readonly log: ReceivedWrite[] = [];

  constructor(
    readonly name: string,
    private readonly options: CollectionOptions,
    private readonly clock: MonotonicClock,
    private readonly newId: () => string,
  ) {
    this.keyField = options.keyField;
    this.updatedAtField = options.updatedAtField ?? 'updatedAt';
    for (const record of options.records ?? []) this.seed(record);
  }

  get(key: string): BackOfficeRecord | undefined {
    const entry = this.entries.get(key);
    return entry && structuredClone(entry.record);
  }

  /** Everything wrong with `record`, written under `pathKey` when the key came from the URL. */
  problems(record: BackOfficeRecord, pathKey?: string): string[] {
    const key = record[this.keyField];
    const keyProblems: string[] = [];
    if (pathKey === undefined && key === undefined) keyProblems.push(`${this.keyField}: is required`);
    else if (key !== undefined && typeof key !== 'string' && typeof key !== 'number')
      keyProblems.push(`${this.keyField}: must be a string or a number`);
    else if (pathKey !== undefined && key !== undefined && String(key) !== pathKey)
      keyProblems.push(`${this.keyField}: is ${JSON.stringify(key)} but the URL names ${JSON.stringify(pathKey)}`);
    return keyProblems.length > 0 ? keyProblems : (this.options.validate?.(record) ?? []);
  }

  keyOf(record: BackOfficeRecord, pathKey?: string): string {
    return pathKey ?? String(record[this.keyField]);
  }

  /** Upserts; `logAs` is omitted for changes made inside the back office, which the hub did not send. */
  write(key: string, body: BackOfficeRecord, logAs?: { at: string; requestId: string }): WriteResult {
    const stamp = this.clock.next();
    const record = {
      ...structuredClone(body),
      [this.keyField]: body[this.keyField] ?? key,
      [this.updatedAtField]: new Date(stamp).toISOString(),
    };
    const previous = this.entries.get(key);
    const entry = { id: previous?.id ?? this.newId(), version: (previous?.version ?? 0) + 1, stamp, record };
    this.entries.set(key, entry);
    if (logAs) this.log.push({ key, body: structuredClone(body), ...logAs });
    return { id: entry.id, version: entry.version, created: previous === undefined };
  }

  /** Records changed strictly after `updatedSince` and after `after`, in (updatedAt, key) order. */
  changes(query: { updatedSince?: number; after?: ChangePosition; limit: number }): ChangePage {
    const matching = this.ordered().filter(
      (entry) =>
        (query.updatedSince === undefined || entry.stamp > query.updatedSince) &&
        (query.after === undefined || compareChangePositions(entry, query.after) > 0),
    );
    const page = matching.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((entry) => structuredClone(entry.record)),
      next: matching.length > page.length && last ? { stamp: last.stamp, key: last.key } : undefined,
    };
  }

  records(): BackOfficeRecord[] {
    return this.ordered().map((entry) => structuredClone(entry.record));
  }

  received(): ReceivedWrite[] {
    return structuredClone(this.log);
  }

  private ordered(): Array<Entry & ChangePosition> {
    return [...this.entries].map(([key, entry]) => ({ ...entry, key })).sort(compareChangePositions);
  }

  private seed(record: BackOfficeRecord): void {
    const key = record[this.keyField];
    if (typeof key !== 'string' && typeof key !== 'number') {
      throw new ConfigError(
        'SIMULATOR_SEED_INVALID',
        `collection ${this.name}: a seed record has no ${this.keyField}: ${JSON.stringify(record)}`,
      );
    }
    const given = record[this.updatedAtField];
    const valid = typeof given === 'string' && !Number.isNaN(Date.parse(given));
    const stamp = valid ? Date.parse(given) : this.clock.next();
    this.clock.observe(stamp);
    const stamped = { ...structuredClone(record), [this.updatedAtField]: valid ? given : new Date(stamp).toISOString() };
    this.entries.set(String(key), { id: this.newId(), version: 1, stamp, record: stamped });
  }
}
