import type { DeadLetterFilter, DeadLetterFilterInput } from './dead-letter-filter.js';

export type ReplayState = 'running' | 'done' | 'failed';

/** What a person asks to replay: some dead letters by id, or those a filter selects (`{}` is all of them). */
export interface ReplayRequest {
  ids?: string[];
  filter?: DeadLetterFilterInput;
  /** Where to send them; default each dead letter's original topic (its dlq-original-topic header). */
  target?: string;
}

export interface ReplayCounts {
  /** Dead letters selected when the replay started; later ones are not part of it. */
  total: number;
  /** Produced again and acknowledged by the broker. */
  done: number;
  /** Not produced: no topic to send them to, or the broker refused. */
  failed: number;
  /**
   * Produced, then dead-lettered again by what consumes the target topic: the cause is still there.
   * Known once the consumers processed what was sent (the job runs until then); absent on replays
   * recorded by hubs before this count existed.
   */
  failedAgain: number;
}

/**
 * One replay as crm-hub.dlq-replays keeps it, keyed by id: who asked for what, where it went and how
 * far it got. Written when it starts, as it goes and when it ends, so that it outlives the process.
 */
export interface ReplayRecord {
  id: string;
  /** The principal (API token name) that asked for it. */
  who: string;
  /** When it was asked for (ISO). */
  when: string;
  ids: string[] | null;
  /** The filter with its times fixed, so that a re-run selects the same window. */
  filter: DeadLetterFilter | null;
  /** The chosen topic, or null for each dead letter's original topic. */
  target: string | null;
  counts: ReplayCounts;
  state: ReplayState;
  finishedAt: string | null;
  /** Replayed per topic they were sent to. */
  targets: Record<string, number>;
  /** The first distinct reasons dead letters were not replayed, personal data masked. */
  errors: string[];
  /** The replay this one runs again, when it is a re-run. */
  rerunOf: string | null;
}
