import { ConfigError } from '../../core/hub-error.js';
import type { DeadLetterEntry } from './dead-letter-entry.js';
import { parsePointInTime } from './point-in-time.js';

/** Dead-letter topics are the topics named so; only they are browsed and replayed from. */
export const DEAD_LETTER_TOPIC_PREFIX = 'dlq.';

export function isDeadLetterTopic(topic: string): boolean {
  return topic.startsWith(DEAD_LETTER_TOPIC_PREFIX) && topic.length > DEAD_LETTER_TOPIC_PREFIX.length;
}

/** A selection as people give it (query parameters, CLI options, a replay body): every field optional. */
export interface DeadLetterFilterInput {
  /** One dead-letter topic, e.g. `dlq.crm-main`. */
  topic?: string;
  /** Who dead-lettered: a connector instance, a flow, or the whole stage header (`flow:renewals`). */
  source?: string;
  /** The error code, e.g. AVRO_DECODE_FAILED. */
  code?: string;
  /** The topic the record was on when it failed. */
  originalTopic?: string;
  /** Failed at or after: ISO date-time, date or age (`2h`). */
  since?: string;
  /** Failed before: ISO date-time, date or age. */
  until?: string;
}

/** The same selection with its times fixed as ISO instants, so that it means the same when run again later. */
export type DeadLetterFilter = DeadLetterFilterInput;

export function resolveFilter(input: DeadLetterFilterInput, now: Date = new Date()): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  if (input.topic) {
    if (!isDeadLetterTopic(input.topic))
      throw new ConfigError(
        'DEAD_LETTER_TOPIC_INVALID',
        `${input.topic} is not a dead-letter topic: those are named ${DEAD_LETTER_TOPIC_PREFIX}<connector>, ${DEAD_LETTER_TOPIC_PREFIX}flow.<flow> and so on`,
      );
    filter.topic = input.topic;
  }
  if (input.source) filter.source = input.source;
  if (input.code) filter.code = input.code;
  if (input.originalTopic) filter.originalTopic = input.originalTopic;
  if (input.since) filter.since = fixedInstant(parsePointInTime(input.since, 'since', now));
  if (input.until) filter.until = fixedInstant(parsePointInTime(input.until, 'until', now));
  if (filter.since && filter.until && filter.since >= filter.until)
    throw new ConfigError('DEAD_LETTER_FILTER_INVALID', `since ${filter.since} is not before until ${filter.until}`);
  return filter;
}

// An age as long as 999999d reaches before year 0, which toISOString writes as an extended year
// (-000302-…) that no point in time parses: a replay's fixed filter could then not be run again.
// No dead letter is that old, so the earliest instant a four-digit year can say means the same.
const EARLIEST_ISO_MS = Date.parse('0000-01-01T00:00:00.000Z');

function fixedInstant(time: Date): string {
  return new Date(Math.max(EARLIEST_ISO_MS, time.getTime())).toISOString();
}

/** Since is inclusive and until exclusive, so that adjacent ranges never count a dead letter twice. */
export function matchesFilter(entry: DeadLetterEntry, filter: DeadLetterFilter): boolean {
  if (filter.topic !== undefined && entry.topic !== filter.topic) return false;
  if (filter.code !== undefined && entry.reason.errorCode !== filter.code) return false;
  if (filter.originalTopic !== undefined && entry.reason.originalTopic !== filter.originalTopic) return false;
  if (filter.source !== undefined && !stageMatches(entry.reason.stage, filter.source)) return false;
  if (filter.since !== undefined && entry.failedAtMs < Date.parse(filter.since)) return false;
  if (filter.until !== undefined && entry.failedAtMs >= Date.parse(filter.until)) return false;
  return true;
}

/**
 * Whether a stage header (`kind:name[/detail]`) is what a person means by `source`: the whole
 * header, its kind (`customer-view`), its name (`crm-main`, a flow's name) or kind and name
 * without the detail (`cli:import`) all match, so nobody needs to know how stages are spelled.
 */
export function stageMatches(stage: string | null, source: string): boolean {
  if (stage === null) return false;
  const colon = stage.indexOf(':');
  if (colon < 0) return stage === source;
  const kind = stage.slice(0, colon);
  const name = stage.slice(colon + 1);
  const slash = name.indexOf('/');
  const baseName = slash < 0 ? name : name.slice(0, slash);
  return source === stage || source === kind || source === name || source === baseName || source === `${kind}:${baseName}`;
}
