/** One write of keyed state. */
export interface StateEntry<Value = unknown> {
  key: string;
  value: Value;
}

/**
 * Durable keyed state as the code that keeps it sees it: reads answer from memory, a write is
 * durable once it resolves and only then visible. `CompactedTopicStore` is the one kept today;
 * the partitioned changelog store restored on assignment (issue 19) is to be another, so that
 * dedupe, windows, joins and timers change store without changing their code.
 */
export interface StateStore<Value = unknown> {
  get(key: string): Value | undefined;
  put(key: string, value: Value): Promise<void>;
  /** In order (the last write of a key wins), in one request where the store can. */
  putAll(entries: readonly StateEntry<Value>[]): Promise<void>;
}

/** Opens the store named `name` (created when missing) with what it already holds read back. */
export type StateStoreOpener = (name: string) => Promise<StateStore>;
