/** One write of keyed state. */
export interface StateEntry<Value = unknown> {
  key: string;
  value: Value;
}

/**
 * Durable keyed state as the code that keeps it sees it: reads answer from memory, a write is
 * durable once it resolves and only then visible. `CompactedTopicStore` keeps the hub's own
 * one-partition state this way; one partition of a `PartitionedChangelogStore` (`view`) is one too.
 */
export interface StateStore<Value = unknown> {
  get(key: string): Value | undefined;
  put(key: string, value: Value): Promise<void>;
  /** In order (the last write of a key wins), in one request where the store can. */
  putAll(entries: readonly StateEntry<Value>[]): Promise<void>;
}

/** Opens the store named `name` (created when missing) with what it already holds read back. */
export type StateStoreOpener = (name: string) => Promise<StateStore>;
