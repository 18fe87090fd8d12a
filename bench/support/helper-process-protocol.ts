/** What a benchmark's helper process and the benchmark say to each other over IPC. */

/** Benchmark → helper: one command, answered by a reply with the same id. */
export interface HelperRequest<Command> {
  id: number;
  command: Command;
}

/** Helper → benchmark. `ready` once it can take commands; `event` whenever the helper has news of its own. */
export type HelperMessage =
  | { kind: 'ready'; info: unknown }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; code: string; message: string }
  | { kind: 'event'; event: unknown }
  | { kind: 'failed'; code: string; message: string };
