import type { Clock } from '../core/clock.js';

/** A record as the back office stores it: a plain JSON object. */
export type BackOfficeRecord = Record<string, unknown>;

/** A fixed delay in ms, or a uniformly random one between [min, max]. */
export type Latency = number | readonly [number, number];

export type SimulatorAuth = { bearerToken: string } | { basic: { user: string; password: string } };

export interface CollectionOptions {
  keyField: string;
  /** The back office owns this field: it stamps it on every write, whatever the client sent. */
  updatedAtField?: string;
  /** Seed data; a record that carries a valid `updatedAtField` keeps it, others are stamped now. */
  records?: readonly BackOfficeRecord[];
  /** Problems with a record about to be written; any problem means 422 and nothing is stored. */
  validate?: (record: BackOfficeRecord) => string[];
}

export interface BackOfficeSimulatorOptions {
  /** Shown in error messages and, upper-cased, as the prefix of the simulator's ids (`ERP-000042`). */
  name: string;
  /** 0 (the default) takes any free port on 127.0.0.1. */
  port?: number;
  auth?: SimulatorAuth;
  collections: Record<string, CollectionOptions>;
  maxPageSize?: number;
  latencyMs?: Latency;
  /** What latency and `failFor` windows wait and expire on, and writes are stamped with: the system clock unless a test gives its own. */
  clock?: Clock;
}
